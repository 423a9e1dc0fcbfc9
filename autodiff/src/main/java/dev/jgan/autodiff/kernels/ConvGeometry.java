package dev.jgan.autodiff.kernels;

/**
 * The sizes of one 2-D convolution in NCHW layout: input [n, c, h, w], weight [k, c/groups, kh, kw],
 * output [n, k, oh, ow]. For a transposed convolution, the same geometry read backwards (its input is
 * this geometry's output). Validated by the op that builds it.
 */
public record ConvGeometry(int n, int c, int h, int w, int k, int kh, int kw,
                           int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups,
                           int oh, int ow) {

    public int cPerGroup() {
        return c / groups;
    }

    public int kPerGroup() {
        return k / groups;
    }

    /** Rows of the im2col matrix of one group: (c/groups) * kh * kw. */
    public int patch() {
        return cPerGroup() * kh * kw;
    }
}
