package dev.jgan.autodiff.kernels;

/**
 * A convolution's input planes split into stride phases, the layout in which {@link Im2Col} reads and
 * {@link Col2Im} writes. Each plane gets a zero border wide enough for every tap, and its pixel (Y, X) (in the
 * padded plane) goes to sub-plane (Y mod strideH, X mod strideW), at (Y / strideH, X / strideW). Output row a
 * of tap (ty, tx) reads the padded pixels (a * strideH + ty * dilH - padH + top, b * strideW + ...) for b in
 * [0, ow): one contiguous run of one sub-plane, whatever the stride and dilation, so im2col and col2im move
 * whole vectors instead of strided or indexed elements.
 *
 * <p>Layout: [n, channels, sub-planes, rows, width], each (image, channel) followed by a vector of slack, so a
 * full vector read or written at the end of a run stays inside the buffer and inside its own channel.
 */
final class StridePhases {
    private static final int L = VectorKernels.L;

    final int channels, h, w, strideH, strideW;
    /** The border above and left of the input. */
    final int top, left;
    /** A sub-plane's width (room for the runs' whole vectors), and its size. */
    final int phaseWidth, phasePlane;
    /** Floats per (image, channel): the sub-planes and the slack; and per image. */
    final int plane, image;
    /** Floats for n images. */
    final long size;
    /** [kh * kw]: where tap (ty, tx) reads output position (0, 0), relative to its channel. */
    final int[] tapOffsets;

    StridePhases(ConvGeometry g) {
        channels = g.c();
        h = g.h();
        w = g.w();
        strideH = g.strideH();
        strideW = g.strideW();
        top = g.padH();
        left = g.padW();
        // Padded rows and columns: the input, and every pixel a tap reads.
        long hp = top + Math.max(g.h(), (long) (g.oh() - 1) * strideH + (long) (g.kh() - 1) * g.dilH() - g.padH() + 1);
        long wp = left + Math.max(g.w(), (long) (g.ow() - 1) * strideW + (long) (g.kw() - 1) * g.dilW() - g.padW() + 1);
        // A run's last vector reaches past the run: rows at least that wide keep one tap's runs apart, so col2im's
        // loads never wait on the previous run's store (14-wide runs in 15-wide rows took twice as long).
        long width = Math.max((wp + strideW - 1) / strideW, (g.ow() + L - 1) / L * L);
        long sub = (hp + strideH - 1) / strideH * width, perChannel = strideH * strideW * sub + L;
        size = g.n() * g.c() * perChannel;
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("convolution too large for its stride phases (" + size + " floats): " + g);
        phaseWidth = (int) width;
        phasePlane = (int) sub;
        plane = (int) perChannel;
        image = channels * plane;
        tapOffsets = new int[g.kh() * g.kw()];
        for (int ty = 0; ty < g.kh(); ty++)
            for (int tx = 0; tx < g.kw(); tx++)
                tapOffsets[ty * g.kw() + tx] = offset(top + ty * g.dilH() - g.padH(), left + tx * g.dilW() - g.padW());
    }

    /** A buffer of at least {@link #size} floats from {@code perThread}, grown there when too small. */
    float[] buffer(ThreadLocal<float[][]> perThread) {
        float[][] holder = perThread.get();
        if (holder[0].length < size) holder[0] = new float[(int) size];
        return holder[0];
    }

    /** Where padded pixel (y, x) is, relative to its channel. */
    private int offset(int y, int x) {
        return (y % strideH * strideW + x % strideW) * phasePlane + y / strideH * phaseWidth + x / strideW;
    }

    /**
     * Copies between input plane p of [n * channels] planes h x w (at {@code p * h * w} in {@code planes}) and its
     * sub-planes in {@code phases}: into the phases when {@code toPhases}, else back. The border is not touched.
     */
    void transfer(float[] planes, float[] phases, int p, boolean toPhases) {
        int base = p / channels * image + p % channels * plane, out = p * h * w;
        // By phase: its pixels are every strideH-th row from y0 and every strideW-th column from x0 of the input,
        // and consecutive in the sub-plane.
        for (int ry = 0; ry < strideH; ry++)
            for (int rx = 0; rx < strideW; rx++) {
                int y0 = Math.floorMod(ry - top, strideH), x0 = Math.floorMod(rx - left, strideW);
                for (int y = y0, from = base + offset(y0 + top, x0 + left); y < h; y += strideH, from += phaseWidth) {
                    int o = out + y * w;
                    if (strideW == 1) {
                        if (toPhases) System.arraycopy(planes, o, phases, from, w);
                        else System.arraycopy(phases, from, planes, o, w);
                    } else if (toPhases) {
                        for (int x = x0, f = from; x < w; x += strideW) phases[f++] = planes[o + x];
                    } else {
                        for (int x = x0, f = from; x < w; x += strideW) planes[o + x] = phases[f++];
                    }
                }
            }
    }
}
