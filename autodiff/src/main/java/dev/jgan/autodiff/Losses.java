package dev.jgan.autodiff;

import java.util.Arrays;

/** Loss functions as compositions of differentiable ops; each returns the mean over all elements (or samples). */
public final class Losses {
    private Losses() {}

    /**
     * Binary cross-entropy on logits, {@code mean(softplus(x) - x t)}: the same value as
     * {@code -t log sigmoid(x) - (1 - t) log(1 - sigmoid(x))} without overflow for large |x|.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        requireSameShape("binaryCrossEntropyWithLogits", logits, targets);
        return logits.softplus().sub(logits.mul(targets)).mean();
    }

    /** Cross-entropy of logits [N, C] against class labels (N values in [0, C)), averaged over N. */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        if (logits.dim() != 2 || logits.size(0) != labels.length)
            throw new IllegalArgumentException("crossEntropy: logits " + Shape.str(logits.shape()) + " must be [N, C] with N = " + labels.length + " labels");
        for (int i = 0; i < labels.length; i++)
            if (labels[i] < 0 || labels[i] >= logits.size(1))
                throw new IllegalArgumentException("crossEntropy: label " + labels[i] + " at position " + i + " out of range [0, " + logits.size(1)
                        + ") for logits " + Shape.str(logits.shape()));
        Tensor picked = logits.logSoftmax(1).gather(1, labels, labels.length, 1);
        return picked.mean().neg();
    }

    /** Mean squared error. */
    public static Tensor mse(Tensor a, Tensor b) {
        requireSameShape("mse", a, b);
        return a.sub(b).square().mean();
    }

    /** Mean absolute error. */
    public static Tensor l1(Tensor a, Tensor b) {
        requireSameShape("l1", a, b);
        return a.sub(b).abs().mean();
    }

    private static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape()))
            throw new IllegalArgumentException(op + ": shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()) + " differ");
    }
}
