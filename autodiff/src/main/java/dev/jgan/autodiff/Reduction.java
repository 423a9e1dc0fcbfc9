package dev.jgan.autodiff;

/** How a loss reduces its per-element (or per-sample) values, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** The unreduced values, in the shape of the input (per sample for cross-entropy). */
    NONE,
    /** Their mean: the default of every loss. */
    MEAN,
    /** Their sum. */
    SUM;

    /** Applies this reduction to the unreduced loss values. */
    Tensor apply(Tensor values) {
        switch (this) {
            case NONE: return values;
            case MEAN: return values.mean();
            case SUM: return values.sum();
            default: throw new AssertionError(this);
        }
    }
}
