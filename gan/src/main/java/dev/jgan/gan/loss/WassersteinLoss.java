package dev.jgan.gan.loss;

import dev.jgan.autodiff.Tensor;

/**
 * The Wasserstein GAN loss (Arjovsky, Chintala &amp; Bottou 2017, "Wasserstein GAN", algorithm 1) on critic
 * values r = D(x), f = D(G(z)):
 * <pre>
 *   D: -mean r + mean f      (the critic maximises mean r - mean f, its estimate of the Wasserstein-1 distance)
 *   G: -mean f
 * </pre>
 * The estimate is a distance only while the critic is kept 1-Lipschitz: by weight clipping (WGAN) or a
 * gradient penalty ({@link dev.jgan.gan.regularize.GradientPenalty}, WGAN-GP). The critic's output is
 * unbounded; the losses are linear in it, so they are finite wherever it is.
 */
public final class WassersteinLoss implements AdversarialLoss {
    static final WassersteinLoss INSTANCE = new WassersteinLoss();
    private static final String NAME = "wasserstein";

    private WassersteinLoss() {}

    /** {@code -mean r}. */
    @Override
    public Tensor discriminatorReal(Tensor realOut) {
        Scores.perSample(NAME + " loss, discriminatorReal", "realOut", realOut);
        // -E[D(x)]
        return realOut.mean().neg();
    }

    /** {@code mean f}. */
    @Override
    public Tensor discriminatorFake(Tensor fakeOut) {
        Scores.perSample(NAME + " loss, discriminatorFake", "fakeOut", fakeOut);
        // E[D(G(z))]
        return fakeOut.mean();
    }

    /** {@code -mean f}. */
    @Override
    public Tensor generator(Tensor fakeOut) {
        Scores.perSample(NAME + " loss, generator", "fakeOut", fakeOut);
        // -E[D(G(z))]
        return fakeOut.mean().neg();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String toString() {
        return name();
    }
}
