package dev.jgan.gan.tricks;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;

/**
 * A cross-entropy loss (minimax or non-saturating) whose D targets are the per-sample targets of the last D step
 * ({@link LabelTargets}): on logits x and targets t,
 * <pre>
 *   BCE(x, t) = mean  t softplus(-x) + (1 - t) softplus(x)      = mean -t log sigma(x) - (1 - t) log(1 - sigma(x))
 * </pre>
 * for the real batch and for the generated one. With t = 1 on the real batch and t = 0 on the generated one this is
 * bitwise the wrapped loss's {@code softplus(-r)} and {@code softplus(f)} terms (the other term is an exact 0 and the
 * mean runs over the same shape); its gradients too. G's loss is the wrapped loss's, unchanged.
 */
final class TargetedLoss implements AdversarialLoss {
    private final AdversarialLoss plain;
    private final LabelTargets targets;

    TargetedLoss(AdversarialLoss plain, LabelTargets targets) {
        this.plain = plain;
        this.targets = targets;
    }

    @Override
    public Tensor discriminatorReal(Tensor realOut) {
        return bce(realOut, targets.real(), "discriminatorReal");
    }

    @Override
    public Tensor discriminatorFake(Tensor fakeOut) {
        return bce(fakeOut, targets.fake(), "discriminatorFake");
    }

    private Tensor bce(Tensor logits, float[] t, String part) {
        if (t == null)
            throw new IllegalStateException(name() + " loss with trick targets, " + part + ": no targets drawn yet (they are drawn at each D step"
                    + " of the scheme built with these tricks)");
        int[] s = logits.shape();
        if (!(s.length == 1 || (s.length == 2 && s[1] == 1)) || s[0] != t.length)
            throw new IllegalArgumentException(name() + " loss with trick targets, " + part + ": expected one logit per sample, shape [" + t.length
                    + "] or [" + t.length + ", 1] (the batch of the last D step), got " + Shape.str(s));
        Tensor target = Tensor.of(t, s);
        // t softplus(-x) + (1 - t) softplus(x): BCE with logits, finite at any |x|
        return target.mul(logits.neg().softplus()).add(target.rsub(1f).mul(logits.softplus())).mean();
    }

    @Override
    public Tensor generator(Tensor fakeOut) {
        return plain.generator(fakeOut);
    }

    /** The wrapped loss's name (the tricks are listed apart in a scheme's description). */
    @Override
    public String name() {
        return plain.name();
    }

    /** The loss whose D targets this one changes. */
    AdversarialLoss plain() {
        return plain;
    }

    @Override
    public String toString() {
        return name();
    }
}
