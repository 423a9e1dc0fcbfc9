package dev.jgan.gan.loss;

import dev.jgan.autodiff.Tensor;

/**
 * The original GAN game (Goodfellow et al. 2014, "Generative Adversarial Nets", eq. 1) on logits r = D(x),
 * f = D(G(z)), with sigma the logistic function:
 * <pre>
 *   D:  mean softplus(-r) + mean softplus(f)  =  BCE(r, 1) + BCE(f, 0)  =  -mean log sigma(r) - mean log(1 - sigma(f))
 *   G: -mean softplus(f)                       =  mean log(1 - sigma(f))
 * </pre>
 * G minimises the same value D maximises, so G's gradient vanishes where D rejects its samples confidently
 * (f very negative): the loss "saturates". {@link NonSaturatingLoss} is the variant the paper recommends in
 * practice. Written with softplus, {@code log(1 + e^x)} computed as {@code max(x, 0) + log1p(e^-|x|)}, so
 * values and gradients stay finite at extreme logits.
 */
public final class MinimaxLoss implements AdversarialLoss {
    static final MinimaxLoss INSTANCE = new MinimaxLoss();
    private static final String NAME = "minimax";

    private MinimaxLoss() {}

    /** {@code mean softplus(-r)} = {@code -mean log sigma(r)}. */
    @Override
    public Tensor discriminatorReal(Tensor realOut) {
        Scores.perSample(NAME + " loss, discriminatorReal", "realOut", realOut);
        return realTerm(realOut);
    }

    /** {@code mean softplus(f)} = {@code -mean log(1 - sigma(f))}. */
    @Override
    public Tensor discriminatorFake(Tensor fakeOut) {
        Scores.perSample(NAME + " loss, discriminatorFake", "fakeOut", fakeOut);
        return fakeTerm(fakeOut);
    }

    /** {@code -mean softplus(f)} = {@code mean log(1 - sigma(f))}. */
    @Override
    public Tensor generator(Tensor fakeOut) {
        Scores.perSample(NAME + " loss, generator", "fakeOut", fakeOut);
        // log(1 - sigma(f)) = -softplus(f)
        return fakeOut.softplus().mean().neg();
    }

    /** D's loss on real logits, shared with {@link NonSaturatingLoss}; the caller has checked the shape. */
    static Tensor realTerm(Tensor realOut) {
        // BCE(r, 1) = -log sigma(r) = softplus(-r)
        return realOut.neg().softplus().mean();
    }

    /** D's loss on fake logits, shared with {@link NonSaturatingLoss}; the caller has checked the shape. */
    static Tensor fakeTerm(Tensor fakeOut) {
        // BCE(f, 0) = -log(1 - sigma(f)) = softplus(f)
        return fakeOut.softplus().mean();
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
