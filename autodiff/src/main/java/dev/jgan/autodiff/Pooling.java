package dev.jgan.autodiff;

import java.util.Arrays;

/**
 * Spatial resampling of NCHW images. All but max pooling are composed of other ops (so every order of
 * derivative comes free): average pooling is a depthwise convolution with a constant kernel; nearest
 * upsampling is an expand; pixel shuffle is a reshape-permute-reshape. Max pooling computes its forward
 * directly and writes its backward with gather/scatterAdd ops ({@link MaxPooling}).
 */
public final class Pooling {
    private Pooling() {}

    /**
     * Average pooling over kernel x kernel windows; padding counts as zeros in the average
     * (torch's default {@code count_include_pad=True}).
     */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        requireImage("avgPool2d", x);
        if (kernel <= 0 || stride <= 0 || padding < 0 || padding > kernel / 2)
            throw new IllegalArgumentException("avgPool2d: kernel " + kernel + ", stride " + stride + ", padding " + padding
                    + " invalid for input " + Shape.str(x.shape()) + " (padding must be at most half the kernel)");
        if (x.size(2) + 2 * padding < kernel || x.size(3) + 2 * padding < kernel)
            throw new IllegalArgumentException("avgPool2d: kernel " + kernel + " (stride " + stride + ", padding " + padding
                    + ") is larger than the padded input " + Shape.str(x.shape()));
        int c = x.size(1);
        Tensor w = Tensor.full(1f / (kernel * kernel), c, 1, kernel, kernel);
        return Conv.conv2d(x, w, ConvParams.of(stride, padding, 1, c));
    }

    /** Max pooling over kernel x kernel windows with stride = kernel, as {@code torch.nn.functional.max_pool2d(x, kernel)}. */
    public static Tensor maxPool2d(Tensor x, int kernel) {
        return maxPool2d(x, kernel, kernel, 0, 1);
    }

    /**
     * Max pooling over square windows, as {@code max_pool2d(x, kernel, stride, padding, dilation)}: [N, C, H, W] ->
     * [N, C, OH, OW], OH = (H + 2 padding - dilation (kernel - 1) - 1) / stride + 1 (floor). Padding is -infinity
     * and at most half the kernel; ties share the gradient evenly, as {@link Tensor#max()} does.
     */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding, int dilation) {
        return MaxPooling.maxPool2d(x, new MaxPooling.Window(kernel, kernel, stride, stride, padding, padding, dilation, dilation));
    }

    /**
     * Max pooling with sizes per axis, as PyTorch's tuple arguments: each array holds {H, W} or one value for
     * both; a null stride means the kernel size (PyTorch's default).
     */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        int[] k = pair("kernel", kernel, x), s = stride == null ? k : pair("stride", stride, x);
        int[] p = pair("padding", padding, x), d = pair("dilation", dilation, x);
        return MaxPooling.maxPool2d(x, new MaxPooling.Window(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1]));
    }

    private static int[] pair(String what, int[] v, Tensor x) {
        if (v == null || v.length < 1 || v.length > 2)
            throw new IllegalArgumentException("maxPool2d: " + what + " must hold 1 or 2 values, got " + (v == null ? "null" : Arrays.toString(v))
                    + " for input " + Shape.str(x.shape()));
        return v.length == 1 ? new int[] {v[0], v[0]} : v;
    }

    /** Each pixel repeated scale x scale times: [N, C, H, W] -> [N, C, H scale, W scale]. */
    public static Tensor upsampleNearest2d(Tensor x, int scale) {
        requireImage("upsampleNearest2d", x);
        if (scale <= 0) throw new IllegalArgumentException("upsampleNearest2d: scale " + scale + " must be positive");
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        return x.reshape(n, c, h, 1, w, 1)
                .expand(n, c, h, scale, w, scale)   // [N, C, H, s, W, s]
                .reshape(n, c, h * scale, w * scale);
    }

    /** [N, C r^2, H, W] -> [N, C, H r, W r], as torch.nn.PixelShuffle. */
    public static Tensor pixelShuffle(Tensor x, int r) {
        requireImage("pixelShuffle", x);
        int n = x.size(0), cr = x.size(1), h = x.size(2), w = x.size(3);
        if (r <= 0 || cr % (r * r) != 0)
            throw new IllegalArgumentException("pixelShuffle: channels of " + Shape.str(x.shape()) + " not divisible by factor^2 = " + r * r);
        int c = cr / (r * r);
        return x.reshape(n, c, r, r, h, w)
                .permute(0, 1, 4, 2, 5, 3)          // [N, C, H, r, W, r]
                .reshape(n, c, h * r, w * r);
    }

    /** [N, C, H r, W r] -> [N, C r^2, H, W], the inverse of pixelShuffle. */
    public static Tensor pixelUnshuffle(Tensor x, int r) {
        requireImage("pixelUnshuffle", x);
        int n = x.size(0), c = x.size(1), hr = x.size(2), wr = x.size(3);
        if (r <= 0 || hr % r != 0 || wr % r != 0)
            throw new IllegalArgumentException("pixelUnshuffle: spatial size of " + Shape.str(x.shape()) + " not divisible by factor " + r);
        int h = hr / r, w = wr / r;
        return x.reshape(n, c, h, r, w, r)
                .permute(0, 1, 3, 5, 2, 4)          // [N, C, r, r, H, W]
                .reshape(n, c * r * r, h, w);
    }

    private static void requireImage(String op, Tensor x) {
        if (x.dim() != 4) throw new IllegalArgumentException(op + ": input must be 4-D (NCHW), got " + Shape.str(x.shape()));
    }
}
