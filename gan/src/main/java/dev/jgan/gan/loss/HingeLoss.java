package dev.jgan.gan.loss;

import dev.jgan.autodiff.Tensor;

/**
 * The hinge loss (Lim &amp; Ye 2017, "Geometric GAN"; Miyato et al. 2018, "Spectral Normalization for
 * Generative Adversarial Networks") on raw outputs r = D(x), f = D(G(z)):
 * <pre>
 *   D:  mean relu(1 - r) + mean relu(1 + f)
 *   G: -mean f
 * </pre>
 * D stops pushing a sample once it lies beyond the margin (r &gt;= 1, f &lt;= -1). At the hinges themselves
 * (r = 1, f = -1) the gradient is 0, relu's subgradient at 0.
 */
public final class HingeLoss implements AdversarialLoss {
    static final HingeLoss INSTANCE = new HingeLoss();
    private static final String NAME = "hinge";

    private HingeLoss() {}

    /** {@code mean relu(1 - r)}. */
    @Override
    public Tensor discriminatorReal(Tensor realOut) {
        Scores.perSample(NAME + " loss, discriminatorReal", "realOut", realOut);
        // E[max(0, 1 - D(x))]
        return realOut.neg().add(1f).relu().mean();
    }

    /** {@code mean relu(1 + f)}. */
    @Override
    public Tensor discriminatorFake(Tensor fakeOut) {
        Scores.perSample(NAME + " loss, discriminatorFake", "fakeOut", fakeOut);
        // E[max(0, 1 + D(G(z)))]
        return fakeOut.add(1f).relu().mean();
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
