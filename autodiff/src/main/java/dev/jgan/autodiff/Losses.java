package dev.jgan.autodiff;

import java.util.Arrays;

/**
 * Loss functions as compositions of differentiable ops. Each takes a {@link Reduction} (none, mean or sum, as
 * PyTorch's {@code reduction}); the forms without one return the mean.
 */
public final class Losses {
    private Losses() {}

    /** {@link #binaryCrossEntropyWithLogits(Tensor, Tensor, Reduction)} averaged over all elements. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        return binaryCrossEntropyWithLogits(logits, targets, Reduction.MEAN);
    }

    /**
     * Binary cross-entropy on logits, {@code softplus(x) - x t} per element: the same value as
     * {@code -t log sigmoid(x) - (1 - t) log(1 - sigmoid(x))} without overflow for large |x|.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction) {
        requireSameShape("binaryCrossEntropyWithLogits", logits, targets);
        return reduction.apply(logits.softplus().sub(logits.mul(targets)));
    }

    /** {@link #crossEntropy(Tensor, int[], Reduction)} averaged over N. */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        return crossEntropy(logits, labels, Reduction.MEAN);
    }

    /** Cross-entropy of logits [N, C] against class labels (N values in [0, C)): [N] per sample with NONE. */
    public static Tensor crossEntropy(Tensor logits, int[] labels, Reduction reduction) {
        if (logits.dim() != 2 || logits.size(0) != labels.length)
            throw new IllegalArgumentException("crossEntropy: logits " + Shape.str(logits.shape()) + " must be [N, C] with N = " + labels.length + " labels");
        for (int i = 0; i < labels.length; i++)
            if (labels[i] < 0 || labels[i] >= logits.size(1))
                throw new IllegalArgumentException("crossEntropy: label " + labels[i] + " at position " + i + " out of range [0, " + logits.size(1)
                        + ") for logits " + Shape.str(logits.shape()));
        Tensor picked = logits.logSoftmax(1).gather(1, labels, labels.length, 1);   // [N, 1]
        return reduction.apply(picked.reshape(labels.length).neg());
    }

    /** Mean squared error. */
    public static Tensor mse(Tensor a, Tensor b) {
        return mse(a, b, Reduction.MEAN);
    }

    /** Squared error {@code (a - b)^2} per element, reduced. */
    public static Tensor mse(Tensor a, Tensor b, Reduction reduction) {
        requireSameShape("mse", a, b);
        return reduction.apply(a.sub(b).square());
    }

    /** Mean absolute error. */
    public static Tensor l1(Tensor a, Tensor b) {
        return l1(a, b, Reduction.MEAN);
    }

    /** Absolute error {@code |a - b|} per element, reduced. */
    public static Tensor l1(Tensor a, Tensor b, Reduction reduction) {
        requireSameShape("l1", a, b);
        return reduction.apply(a.sub(b).abs());
    }

    private static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape()))
            throw new IllegalArgumentException(op + ": shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()) + " differ");
    }
}
