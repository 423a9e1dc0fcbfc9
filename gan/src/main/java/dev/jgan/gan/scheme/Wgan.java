package dev.jgan.gan.scheme;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.nn.Module;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * WGAN (Arjovsky, Chintala and Bottou 2017, "Wasserstein GAN", algorithm 1): a critic D trained to estimate the
 * Wasserstein-1 distance, kept K-Lipschitz by clipping its weights:
 * <pre>
 *   for each iteration:
 *     for n_critic steps:
 *       x ~ data, z ~ p(z)
 *       D: descend  -(mean D(x) - mean D(G(z)))      with RMSProp
 *       clip every parameter of D to [-c, c]
 *     z ~ p(z);  G: descend  -mean D(G(z))           with RMSProp
 * </pre>
 * Defaults, the paper's: n_critic 5, c 0.01, RMSProp lr 5e-5 for both. {@link Schedule#wganReference} gives the
 * reference code's 100 critic steps for the first 25 G steps and every 500th. The critic's estimate of the
 * distance, mean D(x) - mean D(G(z)) at its last step, is reported as {@code wasserstein_estimate};
 * {@link #wassersteinEstimate} computes it on a held-out batch.
 */
public final class Wgan extends SchemeBase implements WassersteinCritic {
    private static final AdversarialLoss LOSS = AdversarialLoss.wasserstein();
    private final float clip;

    private Wgan(Builder b) {
        super(b);
        this.clip = b.clip;
    }

    public static Builder builder(Module generator, Module critic, Latent latent) {
        return new Builder(generator, critic, latent);
    }

    @Override
    protected String name() {
        return "WGAN";
    }

    public float clip() {
        return clip;
    }

    @Override
    protected DStep discriminatorStep(Minibatch b) {
        // D: descend -(mean D(x) - mean D(G(z)))   (+ AC-GAN's class term with an auxiliary classifier)
        Tensor[] out = discriminateBoth(b, b.fake().detach());
        Tensor wasserstein = LOSS.discriminator(out[0], out[1]);
        Map<String, Float> extras = new LinkedHashMap<>();
        Tensor lossD = plusClassLoss(wasserstein, b, out, extras);
        float norm = update(discriminatorOptimizer, discriminator, lossD);
        // clip every parameter of D to [-c, c] after its update
        try (GradMode.Scope s = GradMode.noGrad()) {
            for (Tensor p : discriminator.parameters()) p.clampInPlace(-clip, clip);
        }
        extras.put("wasserstein_estimate", -wasserstein.item());
        return new DStep(b, lossD.item(), norm, extras);
    }

    @Override
    protected GStep generatorStep(DStep last, Minibatch g) {
        // G: descend -mean D(G(z))
        return adversarialGeneratorStep(LOSS, g, Map.of());
    }

    @Override
    public float wassersteinEstimate(Tensor heldOutReal, Tensor noise) {
        return criticGap(heldOutReal, noise);
    }

    @Override
    public String describe() {
        String tricks = this.tricks.describe();
        return "WGAN(clip=" + clip + ", " + schedule.describe() + (tricks.isEmpty() ? "" : ", " + tricks) + ")";
    }

    /** Settings of {@link Wgan}. */
    public static final class Builder extends SchemeBase.Builder<Builder> {
        float clip = 0.01f;

        Builder(Module generator, Module critic, Latent latent) {
            super(generator, critic, latent);
        }

        /** The clipping bound c (default 0.01): every critic parameter is clamped to [-c, c] after each critic step. */
        public Builder clip(float c) {
            if (!(c > 0f) || !Float.isFinite(c)) throw new IllegalArgumentException("WGAN: clip must be > 0 and finite, got clip=" + c);
            this.clip = c;
            return this;
        }

        public Wgan build() {
            defaults(Schedule.fixed(5, 1), g -> Optimizers.rmsProp(g, 5e-5f), d -> Optimizers.rmsProp(d, 5e-5f));
            return new Wgan(this);
        }
    }
}
