package dev.jgan.autodiff.kernels;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * col2im in NCHW: adds the rows of an im2col matrix [channels * taps, images * oh * ow] back to the input pixels
 * they were read from, in a zeroed accumulator with a border wide enough for every tap, then crops the accumulator
 * into dx.
 *
 * <p>The accumulator splits each channel's padded plane into its stride phases: pixel (Y, X) is in sub-plane
 * (Y mod strideH, X mod strideW), at (Y / strideH, X / strideW). One tap reads the pixels (a * strideH + dy,
 * b * strideW + dx) along output row a, which are then contiguous in one sub-plane whatever the stride, so each
 * (tap, image, output row) is one run added by vectors: for the DCGAN's 4x4 stride-2 layers the scatter was a
 * scalar indexed loop, 26% of the 64 -> 1 transposed convolution. The crop puts the phases back in place.
 *
 * <p>A run's last vector is a full-width read and write of which only the run's lanes change: the lanes past it
 * are rewritten with their own values by the same thread. Each channel's plane ends with a vector of slack, so
 * those lanes never belong to another channel (another thread's work). The col matrix is read full-width only
 * where it is long enough, else the tail is scalar.
 *
 * <p>Each pixel receives at most one column per tap, so its sum runs in the order of the calls, then taps.
 */
final class Col2Im {
    private static final int L = VectorKernels.L;

    /** The per-thread accumulator, reused across calls: the next {@link #zeroed} on this thread takes it over. */
    private static final ThreadLocal<float[][]> BUFFER = ThreadLocal.withInitial(() -> new float[1][0]);

    private final float[] acc;
    private final int channels, h, w, oh, ow, strideH, strideW, top, left;
    /** A phase sub-plane: its width, and its size. */
    private final int phaseWidth, phasePlane;
    /** Floats per channel (the sub-planes and the slack), and per image. */
    private final int plane, image;
    /** [taps]: where tap (ty, tx) adds output position (0, 0) of a channel, relative to the channel's plane. */
    private final int[] tapOffsets;
    /** The lanes of a run's last, partial vector. */
    private final VectorMask<Float> tail;

    private Col2Im(ConvGeometry g, float[] acc, int top, int left, int phaseWidth, int phasePlane, int plane, int[] tapOffsets) {
        this.acc = acc;
        this.channels = g.c();
        this.h = g.h();
        this.w = g.w();
        this.oh = g.oh();
        this.ow = g.ow();
        this.strideH = g.strideH();
        this.strideW = g.strideW();
        this.top = top;
        this.left = left;
        this.phaseWidth = phaseWidth;
        this.phasePlane = phasePlane;
        this.plane = plane;
        this.image = channels * plane;
        this.tapOffsets = tapOffsets;
        this.tail = VectorKernels.SPECIES.indexInRange(0, ow % L);
    }

    /** A zeroed accumulator for the input of g, in the calling thread's buffer. */
    static Col2Im zeroed(ConvGeometry g, KernelThreads threads) {
        int sh = g.strideH(), sw = g.strideW();
        int top = Math.max(0, g.padH()), left = Math.max(0, g.padW());
        // Padded rows and columns: the input, and every pixel a tap reads.
        long hp = top + Math.max(g.h(), (long) (g.oh() - 1) * sh + (long) (g.kh() - 1) * g.dilH() - g.padH() + 1);
        long wp = left + Math.max(g.w(), (long) (g.ow() - 1) * sw + (long) (g.kw() - 1) * g.dilW() - g.padW() + 1);
        // A run's last vector writes whole vectors past its start: rows of at least that width keep a tap's runs
        // apart, so no load waits on the previous run's store (a 14-wide run in 15-wide rows took twice as long).
        long phaseWidth = Math.max((wp + sw - 1) / sw, (g.ow() + L - 1) / L * L), phasePlane = (hp + sh - 1) / sh * phaseWidth;
        long plane = sh * sw * phasePlane + L, size = g.n() * g.c() * plane;
        if (size > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("col2im accumulator of " + size + " floats is too large: " + g);
        int[] tapOffsets = new int[g.kh() * g.kw()];
        for (int ty = 0; ty < g.kh(); ty++)
            for (int tx = 0; tx < g.kw(); tx++) {
                int y = top + ty * g.dilH() - g.padH(), x = left + tx * g.dilW() - g.padW();
                tapOffsets[ty * g.kw() + tx] = (int) ((y % sh * sw + x % sw) * phasePlane + y / sh * phaseWidth + x / sw);
            }
        float[][] holder = BUFFER.get();
        if (holder[0].length < size) holder[0] = new float[(int) size];
        float[] acc = holder[0];
        int image = (int) (g.c() * plane);
        threads.parallelFor(g.n(), i -> Arrays.fill(acc, i * image, (i + 1) * image, 0f));
        return new Col2Im(g, acc, top, left, (int) phaseWidth, (int) phasePlane, (int) plane, tapOffsets);
    }

    /**
     * Adds rows [row0, row0 + taps) of col [channels * taps, ldcol] (one row per tap of this channel), whose columns
     * are images [first, first + images), to the pixels they were read from.
     */
    void scatterAdd(int channel, float[] col, int row0, int ldcol, int first, int images) {
        for (int tap = 0; tap < tapOffsets.length; tap++) {
            int s = (row0 + tap) * ldcol, at = channel * plane + tapOffsets[tap];
            for (int i = 0; i < images; i++)
                for (int a = 0, d = (first + i) * image + at; a < oh; a++, s += ow, d += phaseWidth) addRun(col, s, d);
        }
    }

    /** acc[d, d + ow) += col[s, s + ow). */
    private void addRun(float[] col, int s, int d) {
        int q = 0;
        for (int end = ow - L; q <= end; q += L)
            FloatVector.fromArray(VectorKernels.SPECIES, acc, d + q).add(FloatVector.fromArray(VectorKernels.SPECIES, col, s + q)).intoArray(acc, d + q);
        if (q == ow) return;
        if (s + q + L <= col.length) {
            FloatVector.fromArray(VectorKernels.SPECIES, acc, d + q).add(FloatVector.fromArray(VectorKernels.SPECIES, col, s + q), tail).intoArray(acc, d + q);
        } else {
            for (; q < ow; q++) acc[d + q] += col[s + q];
        }
    }

    /** dx [n, channels, h, w] = the accumulator without its border, its phases put back in place. */
    void cropInto(float[] dx, int n, KernelThreads threads) {
        threads.parallelFor(n * channels, p -> {
            int base = p / channels * image + p % channels * plane, out = p * h * w;
            // By phase: the pixels (y, x) of phase (ry, rx) are every strideH-th row from y0, every strideW-th column
            // from x0, and consecutive in their sub-plane.
            for (int ry = 0; ry < strideH; ry++)
                for (int rx = 0; rx < strideW; rx++) {
                    int y0 = Math.floorMod(ry - top, strideH), x0 = Math.floorMod(rx - left, strideW);
                    int from = base + (ry * strideW + rx) * phasePlane + (y0 + top) / strideH * phaseWidth + (x0 + left) / strideW;
                    for (int y = y0; y < h; y += strideH, from += phaseWidth) {
                        if (strideW == 1) System.arraycopy(acc, from, dx, out + y * w, w);
                        else for (int x = x0, f = from, o = out + y * w; x < w; x += strideW) dx[o + x] = acc[f++];
                    }
                }
        });
    }
}
