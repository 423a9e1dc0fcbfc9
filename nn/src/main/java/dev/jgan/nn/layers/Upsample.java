package dev.jgan.nn.layers;

import dev.jgan.autodiff.Pooling;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;

/** Nearest-neighbour upsampling of NCHW input by an integer factor. */
public final class Upsample extends Module {
    private final int scale;

    public Upsample(int scale) {
        if (scale <= 0) throw new IllegalArgumentException("Upsample: scale must be positive, got " + scale);
        this.scale = scale;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.upsampleNearest2d(x, scale);
    }

    @Override
    protected String describe() {
        return "Upsample(scale=" + scale + ", nearest)";
    }
}
