package dev.jgan.gan.scheme;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training iteration did: the discriminator's loss at its last step and the generator's loss, the global
 * L2 norms of their parameter gradients at those steps, how many optimizer steps each took, and the scheme's own
 * figures by name (e.g. WGAN-GP's {@code gradient_penalty} and {@code wasserstein_estimate}). NaN where a value was
 * not computed (no G step in an iteration).
 */
public record StepResult(float dLoss, float gLoss, float dGradNorm, float gGradNorm, int dSteps, int gSteps, Map<String, Float> extras) {
    public StepResult {
        extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras));
    }

    /** A scheme-specific figure, or NaN when the scheme does not report it. */
    public float extra(String name) {
        Float v = extras.get(name);
        return v == null ? Float.NaN : v;
    }
}
