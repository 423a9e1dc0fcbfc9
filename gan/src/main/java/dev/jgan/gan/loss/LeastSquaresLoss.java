package dev.jgan.gan.loss;

import dev.jgan.autodiff.Tensor;

/**
 * The least-squares GAN loss (Mao et al. 2017, "Least Squares Generative Adversarial Networks") on raw
 * outputs r = D(x), f = D(G(z)), with targets a for fake and b for real samples in D's loss and c for G's:
 * <pre>
 *   D:  1/2 mean (r - b)^2 + 1/2 mean (f - a)^2
 *   G:  1/2 mean (f - c)^2
 * </pre>
 * {@link AdversarialLoss#leastSquares()} gives the 0-1 coding a = 0, b = 1, c = 1 the paper uses in its
 * experiments; the paper's other choice, minimising the Pearson chi^2 divergence, is a = -1, b = 1, c = 0.
 */
public final class LeastSquaresLoss implements AdversarialLoss {
    static final LeastSquaresLoss ZERO_ONE = new LeastSquaresLoss(0f, 1f, 1f);

    private final float a;
    private final float b;
    private final float c;

    /**
     * @param a D's target for generated samples
     * @param b D's target for real samples, different from a
     * @param c G's target for its samples
     */
    public LeastSquaresLoss(float a, float b, float c) {
        if (!Float.isFinite(a) || !Float.isFinite(b) || !Float.isFinite(c))
            throw new IllegalArgumentException("LeastSquaresLoss: targets must be finite, got a=" + a + " b=" + b + " c=" + c);
        if (a == b)
            throw new IllegalArgumentException("LeastSquaresLoss: the fake target a and the real target b must differ, got a=b=" + a);
        this.a = a;
        this.b = b;
        this.c = c;
    }

    /** {@code 1/2 mean (r - b)^2}. */
    @Override
    public Tensor discriminatorReal(Tensor realOut) {
        Scores.perSample(name() + " loss, discriminatorReal", "realOut", realOut);
        // 1/2 E[(D(x) - b)^2]
        return realOut.sub(b).square().mean().mul(0.5f);
    }

    /** {@code 1/2 mean (f - a)^2}. */
    @Override
    public Tensor discriminatorFake(Tensor fakeOut) {
        Scores.perSample(name() + " loss, discriminatorFake", "fakeOut", fakeOut);
        // 1/2 E[(D(G(z)) - a)^2]
        return fakeOut.sub(a).square().mean().mul(0.5f);
    }

    /** {@code 1/2 mean (f - c)^2}. */
    @Override
    public Tensor generator(Tensor fakeOut) {
        Scores.perSample(name() + " loss, generator", "fakeOut", fakeOut);
        // 1/2 E[(D(G(z)) - c)^2]
        return fakeOut.sub(c).square().mean().mul(0.5f);
    }

    /** {@code "least-squares"} for a = 0, b = 1, c = 1, else with the targets, e.g. {@code "least-squares(a=-1.0, b=1.0, c=0.0)"}. */
    @Override
    public String name() {
        if (a == 0f && b == 1f && c == 1f) return "least-squares";
        return "least-squares(a=" + a + ", b=" + b + ", c=" + c + ")";
    }

    @Override
    public String toString() {
        return name();
    }
}
