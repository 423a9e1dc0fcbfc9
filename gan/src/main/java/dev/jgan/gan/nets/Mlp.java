package dev.jgan.gan.nets;

import dev.jgan.autodiff.Rng;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Multilayer perceptrons as a {@link Sequential} of {@code Linear, activation, Linear, ..., Linear} (no
 * activation after the last layer), so the state-dict keys are those of the same {@code torch.nn.Sequential}:
 * {@code 0.weight}, {@code 0.bias}, {@code 2.weight}, ... Linear layers take PyTorch's default initialisation.
 */
public final class Mlp {
    /** Noise size of the toy generator. */
    public static final int TOY_NOISE = 256;
    /** Hidden width of the toy networks. */
    public static final int TOY_HIDDEN = 128;

    private Mlp() {}

    /**
     * Linear layers {@code sizes[0] -> sizes[1] -> ... -> sizes[last]} with a fresh {@code activation} module
     * between consecutive layers. Needs at least two sizes, each >= 1.
     */
    public static Sequential of(int[] sizes, Supplier<? extends Module> activation, Rng rng) {
        if (sizes.length < 2) throw new IllegalArgumentException("Mlp: needs at least an input and an output size, got " + Arrays.toString(sizes));
        for (int s : sizes) if (s < 1) throw new IllegalArgumentException("Mlp: sizes must be >= 1, got " + Arrays.toString(sizes));
        Sequential net = new Sequential();
        for (int i = 0; i + 1 < sizes.length; i++) {
            if (i > 0) net.add(activation.get());
            net.add(new Linear(sizes[i], sizes[i + 1], rng));
        }
        return net;
    }

    /** The toy generator of the 8-Gaussians setting: 256-128-128-2 with ReLU; z ~ N(0, I_256). */
    public static Sequential toyGenerator(Rng rng) {
        return of(new int[] {TOY_NOISE, TOY_HIDDEN, TOY_HIDDEN, 2}, ReLU::new, rng);
    }

    /** The toy discriminator of the 8-Gaussians setting: 2-128-128-1 with ReLU, one logit per sample. */
    public static Sequential toyDiscriminator(Rng rng) {
        return of(new int[] {2, TOY_HIDDEN, TOY_HIDDEN, 1}, ReLU::new, rng);
    }
}
