package dev.jgan.autodiff.kernels;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * col2im in NCHW: adds the rows of an im2col matrix [channels * taps, images * oh * ow] back to the input pixels
 * they were read from, in a zeroed accumulator laid out in {@link StridePhases}, then puts the phases back in
 * place in dx. Each (tap, image, output row) is one run added by vectors: for the DCGAN's 4x4 stride-2 layers the
 * scatter was a scalar indexed loop, 26% of the 64 -> 1 transposed convolution.
 *
 * <p>A run's last vector is a full-width read and write of which only the run's lanes change: the lanes past it
 * are rewritten with their own values by the same thread, and stay inside the channel (the layout's slack), so
 * they are never another thread's. The col matrix is read full-width only where it is long enough, else the
 * tail is scalar.
 *
 * <p>Each pixel receives at most one column per tap, so its sum runs in the order of the calls, then taps.
 */
final class Col2Im {
    private static final int L = VectorKernels.L;

    /** The per-thread accumulator, reused across calls: the next {@link #zeroed} on this thread takes it over. */
    private static final ThreadLocal<float[][]> BUFFER = ThreadLocal.withInitial(() -> new float[1][0]);

    private final StridePhases layout;
    private final float[] acc;
    private final int oh, ow;
    /** The lanes of a run's last, partial vector. */
    private final VectorMask<Float> tail;

    private Col2Im(ConvGeometry g, StridePhases layout, float[] acc) {
        this.layout = layout;
        this.acc = acc;
        this.oh = g.oh();
        this.ow = g.ow();
        this.tail = VectorKernels.SPECIES.indexInRange(0, ow % L);
    }

    /** A zeroed accumulator for the input of g, in the calling thread's buffer. */
    static Col2Im zeroed(ConvGeometry g, KernelThreads threads) {
        StridePhases layout = new StridePhases(g);
        float[] acc = layout.buffer(BUFFER);
        threads.parallelFor(g.n(), i -> Arrays.fill(acc, i * layout.image, (i + 1) * layout.image, 0f));
        return new Col2Im(g, layout, acc);
    }

    /**
     * Adds rows [row0, row0 + taps) of col [channels * taps, ldcol] (one row per tap of this channel) from column
     * {@code column0} on, the columns of one image, to the pixels of that image they were read from.
     */
    void scatterAdd(int channel, int image, float[] col, int row0, int ldcol, int column0) {
        int[] taps = layout.tapOffsets;
        for (int tap = 0; tap < taps.length; tap++) {
            int s = (row0 + tap) * ldcol + column0, d = image * layout.image + channel * layout.plane + taps[tap];
            for (int a = 0; a < oh; a++, s += ow, d += layout.phaseWidth) addRun(col, s, d);
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
        threads.parallelFor(n * layout.channels, p -> layout.transfer(dx, acc, p, false));
    }
}
