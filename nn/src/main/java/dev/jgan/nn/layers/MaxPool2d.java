package dev.jgan.nn.layers;

import dev.jgan.autodiff.Pooling;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;

/**
 * Max pooling of NCHW input over k x k windows, as {@code torch.nn.MaxPool2d}: padding is -infinity (at most
 * half the kernel), ties share the gradient evenly ({@link Pooling#maxPool2d(Tensor, int, int, int, int)}).
 */
public final class MaxPool2d extends Module {
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int dilation;

    /** Non-overlapping windows: stride = kernel, no padding, as PyTorch's default. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0, 1);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        this(kernel, stride, padding, 1);
    }

    public MaxPool2d(int kernel, int stride, int padding, int dilation) {
        if (kernel <= 0 || stride <= 0 || padding < 0 || dilation <= 0 || padding > kernel / 2)
            throw new IllegalArgumentException("MaxPool2d: invalid kernel=" + kernel + " stride=" + stride + " padding=" + padding + " dilation=" + dilation
                    + " (kernel, stride, dilation positive; padding at most half the kernel)");
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.maxPool2d(x, kernel, stride, padding, dilation);
    }

    @Override
    protected String describe() {
        return "MaxPool2d(kernel=" + kernel + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation + ")";
    }
}
