package dev.jgan.gan.loss;

import dev.jgan.autodiff.Tensor;

/**
 * The non-saturating GAN loss (Goodfellow et al. 2014, section 3: "train G to maximize log D(G(z))"), on
 * logits r = D(x), f = D(G(z)), with sigma the logistic function:
 * <pre>
 *   D:  mean softplus(-r) + mean softplus(f)  =  BCE(r, 1) + BCE(f, 0)     (as {@link MinimaxLoss})
 *   G:  mean softplus(-f)                      =  BCE(f, 1)  =  -mean log sigma(f)
 * </pre>
 * G's gradient is strongest where D rejects its samples, the opposite of the minimax loss. The default loss
 * of the standard GAN and DCGAN.
 */
public final class NonSaturatingLoss implements AdversarialLoss {
    static final NonSaturatingLoss INSTANCE = new NonSaturatingLoss();
    private static final String NAME = "non-saturating";

    private NonSaturatingLoss() {}

    /** {@code mean softplus(-r)} = {@code -mean log sigma(r)}. */
    @Override
    public Tensor discriminatorReal(Tensor realOut) {
        Scores.perSample(NAME + " loss, discriminatorReal", "realOut", realOut);
        return MinimaxLoss.realTerm(realOut);
    }

    /** {@code mean softplus(f)} = {@code -mean log(1 - sigma(f))}. */
    @Override
    public Tensor discriminatorFake(Tensor fakeOut) {
        Scores.perSample(NAME + " loss, discriminatorFake", "fakeOut", fakeOut);
        return MinimaxLoss.fakeTerm(fakeOut);
    }

    /** {@code mean softplus(-f)} = {@code -mean log sigma(f)}. */
    @Override
    public Tensor generator(Tensor fakeOut) {
        Scores.perSample(NAME + " loss, generator", "fakeOut", fakeOut);
        // -log sigma(f) = softplus(-f)
        return fakeOut.neg().softplus().mean();
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
