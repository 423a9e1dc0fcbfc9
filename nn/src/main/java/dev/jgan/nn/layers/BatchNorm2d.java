package dev.jgan.nn.layers;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;

/** Batch normalisation of NCHW input, per channel; see {@link BatchNorm}. */
public final class BatchNorm2d extends BatchNorm {
    public BatchNorm2d(int features) {
        this(features, 1e-5f, 0.1f, true, true);
    }

    public BatchNorm2d(int features, float eps, float momentum, boolean affine, boolean trackRunningStats) {
        super(features, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected void checkInput(Tensor x) {
        if (x.dim() != 4) throw new IllegalArgumentException(describe() + ": input must be 4-D (NCHW), got " + Shape.str(x.shape()));
    }
}
