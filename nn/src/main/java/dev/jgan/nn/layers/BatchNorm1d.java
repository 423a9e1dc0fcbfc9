package dev.jgan.nn.layers;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;

/** Batch normalisation of [N, C] or [N, C, L] input, per channel C; see {@link BatchNorm}. */
public final class BatchNorm1d extends BatchNorm {
    public BatchNorm1d(int features) {
        this(features, 1e-5f, 0.1f, true, true);
    }

    public BatchNorm1d(int features, float eps, float momentum, boolean affine, boolean trackRunningStats) {
        super(features, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected void checkInput(Tensor x) {
        if (x.dim() != 2 && x.dim() != 3) throw new IllegalArgumentException(describe() + ": input must be [N, C] or [N, C, L], got " + Shape.str(x.shape()));
    }
}
