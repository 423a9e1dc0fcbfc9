package dev.jgan.autodiff;

import static dev.jgan.autodiff.Graph.K;

import dev.jgan.autodiff.kernels.ConvGeometry;

/**
 * 2-D convolution in NCHW as a closed family of three ops whose backwards are written with each other:
 * {@code conv2d}, {@code convTranspose2d} (the input-gradient of conv2d) and {@code conv2dWeightGrad}.
 * Weight layouts are PyTorch's: conv [out, in/groups, kh, kw], transposed conv [in, out/groups, kh, kw].
 */
public final class Conv {
    private Conv() {}

    /** conv2d with bias: bias [out] is added per output channel (may be null). */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvParams p) {
        Tensor y = conv2d(x, w, p);
        return bias == null ? y : y.add(channelBias("conv2d", bias, w.size(0), y));
    }

    /** x [N, C, H, W], w [K, C/groups, kh, kw] -> [N, K, OH, OW], OH = (H + 2 padH - dilH (kh - 1) - 1) / strideH + 1. */
    public static Tensor conv2d(Tensor x, Tensor w, ConvParams p) {
        ConvGeometry g = geometry("conv2d", x.shape(), w.shape(), p);
        float[] out = new float[g.n() * g.k() * g.oh() * g.ow()];
        K.conv2d(g, x.storage.data, w.storage.data, out);
        return Graph.record("conv2d", out, new int[] {g.n(), g.k(), g.oh(), g.ow()}, gy -> new Tensor[] {
                x.requiresGrad() ? convTranspose2d(gy, w, p, g.h() - transposedSize(g.oh(), g.kh(), p.strideH(), p.padH(), p.dilH(), 0),
                        g.w() - transposedSize(g.ow(), g.kw(), p.strideW(), p.padW(), p.dilW(), 0)) : null,   // dx = conv^T(gy, w)
                w.requiresGrad() ? conv2dWeightGrad(x, gy, w.shape(), p) : null},                          // dw = sum gy (x) patches of x
                x, w);
    }

    /** convTranspose2d without output padding, PyTorch's default: {@code conv_transpose2d(x, w, stride=..., padding=...)}. */
    public static Tensor convTranspose2d(Tensor x, Tensor w, ConvParams p) {
        return convTranspose2d(x, w, p, 0, 0);
    }

    /** convTranspose2d with bias [out] (may be null) and no output padding. */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvParams p) {
        return convTranspose2d(x, w, bias, p, 0, 0);
    }

    /** convTranspose2d with bias [out] (may be null). */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvParams p, int outPadH, int outPadW) {
        Tensor y = convTranspose2d(x, w, p, outPadH, outPadW);
        return bias == null ? y : y.add(channelBias("convTranspose2d", bias, w.size(1) * p.groups(), y));
    }

    /**
     * The transposed convolution: x [N, Cin, H, W], w [Cin, Cout/groups, kh, kw] -> [N, Cout, OH, OW],
     * OH = (H - 1) strideH - 2 padH + dilH (kh - 1) + outPadH + 1. It is the adjoint of conv2d in its input.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, ConvParams p, int outPadH, int outPadW) {
        int[] xs = x.shape(), ws = w.shape();
        if (xs.length != 4 || ws.length != 4)
            throw new IllegalArgumentException("convTranspose2d: input " + Shape.str(xs) + " and weight " + Shape.str(ws) + " must both be 4-D (NCHW)");
        if (outPadH < 0 || outPadW < 0 || (outPadH >= p.strideH() && outPadH >= p.dilH()) || (outPadW >= p.strideW() && outPadW >= p.dilW()))
            throw new IllegalArgumentException("convTranspose2d: output padding (" + outPadH + "," + outPadW + ") must be smaller than stride or dilation; " + p);
        if (ws[0] != xs[1])
            throw new IllegalArgumentException("convTranspose2d: weight " + Shape.str(ws) + " expects " + ws[0] + " input channels, input " + Shape.str(xs) + " has " + xs[1]);
        int oh = transposedSize(xs[2], ws[2], p.strideH(), p.padH(), p.dilH(), outPadH);
        int ow = transposedSize(xs[3], ws[3], p.strideW(), p.padW(), p.dilW(), outPadW);
        if (oh <= 0 || ow <= 0)
            throw new IllegalArgumentException("convTranspose2d: input " + Shape.str(xs) + " with weight " + Shape.str(ws) + " and " + p + " gives output size " + oh + "x" + ow);
        // The geometry of the conv2d whose input-gradient this is: its input is our output.
        ConvGeometry g = geometry("convTranspose2d", new int[] {xs[0], ws[1] * p.groups(), oh, ow}, ws, p);
        if (g.oh() != xs[2] || g.ow() != xs[3]) throw new AssertionError("transposed geometry mismatch");
        float[] out = new float[g.n() * g.c() * oh * ow];
        K.conv2dInputGrad(g, x.storage.data, w.storage.data, out);
        int[] outShape = {g.n(), g.c(), oh, ow};
        return Graph.record("convTranspose2d", out, outShape, gy -> new Tensor[] {
                x.requiresGrad() ? conv2d(gy, w, p) : null,                         // dx = conv(gy, w)
                w.requiresGrad() ? conv2dWeightGrad(gy, x, w.shape(), p) : null},   // dw = weight-grad with roles swapped
                x, w);
    }

    /**
     * The gradient of conv2d with respect to its weight, as an op: x [N, C, H, W], gy [N, K, OH, OW] ->
     * dw of {@code wShape}. Bilinear in x and gy, so its backward is conv2d and convTranspose2d with the
     * incoming gradient as weight.
     */
    public static Tensor conv2dWeightGrad(Tensor x, Tensor gy, int[] wShape, ConvParams p) {
        ConvGeometry g = geometry("conv2dWeightGrad", x.shape(), wShape, p);
        int[] gs = gy.shape();
        if (gs.length != 4 || gs[0] != g.n() || gs[1] != g.k() || gs[2] != g.oh() || gs[3] != g.ow())
            throw new IllegalArgumentException("conv2dWeightGrad: output gradient " + Shape.str(gs) + " does not match input " + Shape.str(x.shape())
                    + " and weight " + Shape.str(wShape) + " (expected [" + g.n() + ", " + g.k() + ", " + g.oh() + ", " + g.ow() + "])");
        float[] dw = new float[Shape.numel(wShape)];
        K.conv2dWeightGrad(g, x.storage.data, gy.storage.data, dw);
        return Graph.record("conv2dWeightGrad", dw, wShape.clone(), ggw -> new Tensor[] {
                x.requiresGrad() ? convTranspose2d(gy, ggw, p, g.h() - transposedSize(g.oh(), g.kh(), p.strideH(), p.padH(), p.dilH(), 0),
                        g.w() - transposedSize(g.ow(), g.kw(), p.strideW(), p.padW(), p.dilW(), 0)) : null,  // dx = conv^T(gy, ggw)
                gy.requiresGrad() ? conv2d(x, ggw, p) : null},                                            // dgy = conv(x, ggw)
                x, gy);
    }

    private static int transposedSize(int in, int k, int stride, int pad, int dil, int outPad) {
        return (in - 1) * stride - 2 * pad + dil * (k - 1) + outPad + 1;
    }

    /** Validates a conv2d's input and weight shapes and computes its geometry. */
    static ConvGeometry geometry(String op, int[] xs, int[] ws, ConvParams p) {
        if (xs.length != 4 || ws.length != 4)
            throw new IllegalArgumentException(op + ": input " + Shape.str(xs) + " and weight " + Shape.str(ws) + " must both be 4-D (NCHW)");
        int groups = p.groups();
        if (xs[1] % groups != 0 || ws[0] % groups != 0)
            throw new IllegalArgumentException(op + ": channels of input " + Shape.str(xs) + " and weight " + Shape.str(ws) + " must be divisible by groups=" + groups);
        if (ws[1] * groups != xs[1])
            throw new IllegalArgumentException(op + ": weight " + Shape.str(ws) + " with groups=" + groups + " expects " + ws[1] * groups
                    + " input channels, input " + Shape.str(xs) + " has " + xs[1]);
        if (ws[2] <= 0 || ws[3] <= 0) throw new IllegalArgumentException(op + ": empty kernel in weight " + Shape.str(ws));
        int oh = (xs[2] + 2 * p.padH() - p.dilH() * (ws[2] - 1) - 1) / p.strideH() + 1;
        int ow = (xs[3] + 2 * p.padW() - p.dilW() * (ws[3] - 1) - 1) / p.strideW() + 1;
        if (xs[2] + 2 * p.padH() < p.dilH() * (ws[2] - 1) + 1 || xs[3] + 2 * p.padW() < p.dilW() * (ws[3] - 1) + 1)
            throw new IllegalArgumentException(op + ": kernel of weight " + Shape.str(ws) + " (" + p + ") is larger than the padded input " + Shape.str(xs));
        return new ConvGeometry(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], p.strideH(), p.strideW(), p.padH(), p.padW(),
                p.dilH(), p.dilW(), groups, oh, ow);
    }

    private static Tensor channelBias(String op, Tensor bias, int channels, Tensor y) {
        if (bias.dim() != 1 || bias.size(0) != channels)
            throw new IllegalArgumentException(op + ": bias " + Shape.str(bias.shape()) + " must have shape [" + channels + "] for output " + Shape.str(y.shape()));
        return bias.reshape(1, channels, 1, 1);
    }
}
