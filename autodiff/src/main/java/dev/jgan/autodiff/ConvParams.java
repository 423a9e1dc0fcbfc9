package dev.jgan.autodiff;

/**
 * Stride, padding, dilation and groups of a 2-D convolution, per spatial axis as in PyTorch.
 * {@code ConvParams.of(stride, padding)} covers the common square case.
 */
public record ConvParams(int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups) {

    public ConvParams {
        if (strideH <= 0 || strideW <= 0 || dilH <= 0 || dilW <= 0 || padH < 0 || padW < 0 || groups <= 0)
            throw new IllegalArgumentException("conv: invalid parameters " + this + ": strides, dilations and groups must be positive, padding non-negative");
    }

    public static ConvParams of(int stride, int padding) {
        return new ConvParams(stride, stride, padding, padding, 1, 1, 1);
    }

    public static ConvParams of(int stride, int padding, int dilation, int groups) {
        return new ConvParams(stride, stride, padding, padding, dilation, dilation, groups);
    }

    @Override
    public String toString() {
        return "stride=(" + strideH + "," + strideW + ") padding=(" + padH + "," + padW + ") dilation=(" + dilH + "," + dilW + ") groups=" + groups;
    }
}
