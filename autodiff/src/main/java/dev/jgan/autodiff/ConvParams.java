package dev.jgan.autodiff;

/**
 * Stride, padding, dilation and groups of a 2-D convolution, per spatial axis as in PyTorch.
 * {@code ConvParams.of(stride, padding)} covers the common square case.
 */
public record ConvParams(int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups) {

    public ConvParams {
        // NOTE: from the parameters, not this.toString(): a compact constructor assigns the fields only at its end.
        String wrong = strideH <= 0 || strideW <= 0 ? "stride must be positive"
                : padH < 0 || padW < 0 ? "padding must be non-negative"
                : dilH <= 0 || dilW <= 0 ? "dilation must be positive"
                : groups <= 0 ? "groups must be positive" : null;
        if (wrong != null)
            throw new IllegalArgumentException("ConvParams: " + wrong + ", got " + describe(strideH, strideW, padH, padW, dilH, dilW, groups));
    }

    public static ConvParams of(int stride, int padding) {
        return new ConvParams(stride, stride, padding, padding, 1, 1, 1);
    }

    public static ConvParams of(int stride, int padding, int dilation, int groups) {
        return new ConvParams(stride, stride, padding, padding, dilation, dilation, groups);
    }

    @Override
    public String toString() {
        return describe(strideH, strideW, padH, padW, dilH, dilW, groups);
    }

    private static String describe(int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups) {
        return "stride=(" + strideH + "," + strideW + ") padding=(" + padH + "," + padW + ") dilation=(" + dilH + "," + dilW + ") groups=" + groups;
    }
}
