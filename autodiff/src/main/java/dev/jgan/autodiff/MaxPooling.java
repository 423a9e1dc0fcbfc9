package dev.jgan.autodiff;

import java.util.Arrays;

/**
 * 2-D max pooling as {@code torch.nn.functional.max_pool2d}: the forward is a direct loop over windows; the
 * backward is written with ops of the gather/scatterAdd family, so it is differentiable again.
 *
 * <p>Padding is implicit -infinity (padded positions never win); a window whose positions all fall in the
 * padding (possible with dilation) gives -infinity and passes no gradient. A window holding a NaN gives NaN,
 * as PyTorch. NOTE: ties share the gradient evenly among the tied elements, as the engine's {@code max} does
 * (PyTorch's max_pool2d gives it all to the first); this is also what a central finite difference sees.
 */
final class MaxPooling {
    private MaxPooling() {}

    /** Kernel, stride, padding and dilation per axis (H, W). */
    record Window(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        @Override
        public String toString() {
            return "kernel=(" + kh + "," + kw + ") stride=(" + sh + "," + sw + ") padding=(" + ph + "," + pw + ") dilation=(" + dh + "," + dw + ")";
        }
    }

    static Tensor maxPool2d(Tensor x, Window p) {
        int[] xs = x.shape();
        if (xs.length != 4) throw new IllegalArgumentException("maxPool2d: input must be 4-D (NCHW), got " + Shape.str(xs) + " (" + p + ")");
        if (p.kh <= 0 || p.kw <= 0 || p.sh <= 0 || p.sw <= 0 || p.dh <= 0 || p.dw <= 0 || p.ph < 0 || p.pw < 0)
            throw new IllegalArgumentException("maxPool2d: kernel, stride and dilation must be positive and padding non-negative, got " + p
                    + " for input " + Shape.str(xs));
        if (p.ph > p.kh / 2 || p.pw > p.kw / 2)
            throw new IllegalArgumentException("maxPool2d: padding must be at most half the kernel size, got " + p + " for input " + Shape.str(xs));
        int h = xs[2], w = xs[3];
        int extentH = p.dh * (p.kh - 1) + 1, extentW = p.dw * (p.kw - 1) + 1;
        if (h + 2 * p.ph < extentH || w + 2 * p.pw < extentW)
            throw new IllegalArgumentException("maxPool2d: window (" + p + ") is larger than the padded input " + Shape.str(xs));
        int oh = (h + 2 * p.ph - extentH) / p.sh + 1, ow = (w + 2 * p.pw - extentW) / p.sw + 1;
        int planes = xs[0] * xs[1];
        float[] src = x.storage.data, out = new float[planes * oh * ow];
        for (int plane = 0; plane < planes; plane++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    out[(plane * oh + i) * ow + j] = windowMax(src, plane * h * w, h, w, i, j, p);
        int[] outShape = {xs[0], xs[1], oh, ow};
        return Graph.record("maxPool2d", out, outShape, g -> new Tensor[] {backward(g, x, out, outShape, p)}, x);
    }

    /** The max of one window, scanning it row-major as PyTorch does: a NaN wins and stays. */
    private static float windowMax(float[] src, int off, int h, int w, int i, int j, Window p) {
        float max = Float.NEGATIVE_INFINITY;
        for (int a = 0; a < p.kh; a++) {
            int r = i * p.sh - p.ph + a * p.dh;
            if (r < 0 || r >= h) continue;
            for (int b = 0; b < p.kw; b++) {
                int c = j * p.sw - p.pw + b * p.dw;
                if (c < 0 || c >= w) continue;
                float v = src[off + r * w + c];
                if (v > max || Float.isNaN(v)) max = v;
            }
        }
        return max;
    }

    /**
     * dx: each output gradient spread evenly over its window's winners. The winners become a constant
     * selection (a flat index into the plane and a share per slot, {@code slots} per output); the gradient is
     * g expanded over the slots, times the shares, scatter-added into the planes: all recorded ops.
     */
    private static Tensor backward(Tensor g, Tensor x, float[] y, int[] outShape, Window p) {
        int[] xs = x.shape();
        int planes = xs[0] * xs[1], h = xs[2], w = xs[3], oh = outShape[2], ow = outShape[3], outputs = oh * ow;
        float[] src = x.storage.data;
        int[] count = new int[y.length];
        int slots = 1;
        for (int o = 0; o < y.length; o++) {
            count[o] = visitWinners(src, (o / outputs) * h * w, h, w, (o % outputs) / ow, o % ow, y[o], p, null, 0);
            slots = Math.max(slots, count[o]);
        }
        int[] index = new int[y.length * slots];
        float[] share = new float[y.length * slots];
        for (int o = 0; o < y.length; o++) {
            visitWinners(src, (o / outputs) * h * w, h, w, (o % outputs) / ow, o % ow, y[o], p, index, o * slots);
            // Unused slots keep index 0 (a valid position) and share 0.
            Arrays.fill(share, o * slots, o * slots + count[o], 1f / count[o]);
        }
        Tensor spread = g.reshape(planes, outputs, 1)
                .expand(planes, outputs, slots)                     // [N C, OH OW, slots]
                .reshape(planes, outputs * slots)
                .mul(Tensor.of(share, planes, outputs * slots));
        return Indexing.scatterAdd(spread, 1, index, new int[] {planes, h * w}).reshape(xs); // [N C, H W] -> [N, C, H, W]
    }

    /** Counts the window's elements equal to its max (NaN when the max is NaN); writes their plane positions if index is non-null. */
    private static int visitWinners(float[] src, int off, int h, int w, int i, int j, float max, Window p, int[] index, int at) {
        int n = 0;
        boolean nan = Float.isNaN(max);
        for (int a = 0; a < p.kh; a++) {
            int r = i * p.sh - p.ph + a * p.dh;
            if (r < 0 || r >= h) continue;
            for (int b = 0; b < p.kw; b++) {
                int c = j * p.sw - p.pw + b * p.dw;
                if (c < 0 || c >= w) continue;
                float v = src[off + r * w + c];
                if (nan ? Float.isNaN(v) : v == max) {
                    if (index != null) index[at + n] = r * w + c;
                    n++;
                }
            }
        }
        return n;
    }
}
