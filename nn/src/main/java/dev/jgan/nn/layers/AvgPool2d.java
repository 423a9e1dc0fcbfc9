package dev.jgan.nn.layers;

import dev.jgan.autodiff.Pooling;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;

/** Average pooling of NCHW input over k x k windows (padding counted as zeros, PyTorch's default). */
public final class AvgPool2d extends Module {
    private final int kernel;
    private final int stride;
    private final int padding;

    /** Non-overlapping windows: stride = kernel, no padding. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public AvgPool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.avgPool2d(x, kernel, stride, padding);
    }

    @Override
    protected String describe() {
        return "AvgPool2d(kernel=" + kernel + ", stride=" + stride + ", padding=" + padding + ")";
    }
}
