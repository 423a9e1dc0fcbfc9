package dev.jgan.autodiff.kernels;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;

/**
 * An explicit im2col matrix [channels * taps, images * oh * ow] in NCHW, written by runs from the input laid out
 * in {@link StridePhases}: each (channel, tap, image, output row) is one contiguous run of a sub-plane, copied by
 * whole vectors. For a patch of a few channels the GEMM then packs its panels by vector copies, where packing
 * them through {@link ConvGather} took one vector gather per 16 elements (27% of the DCGAN's one-channel forward).
 *
 * <p>A run's last vector may write past the run, into the next run of the same row (written after it) or into
 * the row's vector of slack: rows are {@link #ld} = columns + L apart, and each row is written by one thread.
 */
final class Im2Col {
    private static final int L = VectorKernels.L;

    /** The per-thread input in stride phases, reused across calls. */
    private static final ThreadLocal<float[][]> BUFFER = ThreadLocal.withInitial(() -> new float[1][0]);

    private final StridePhases layout;
    private final float[] phases;
    private final int oh, ow;

    private Im2Col(ConvGeometry g, StridePhases layout, float[] phases) {
        this.layout = layout;
        this.phases = phases;
        this.oh = g.oh();
        this.ow = g.ow();
    }

    /** x [n, c, h, w] in stride phases with a zero border, in the calling thread's buffer. */
    static Im2Col of(ConvGeometry g, float[] x, KernelThreads threads) {
        StridePhases layout = new StridePhases(g);
        float[] phases = layout.buffer(BUFFER);
        threads.parallelFor(g.n(), i -> {
            Arrays.fill(phases, i * layout.image, (i + 1) * layout.image, 0f);
            for (int c = 0; c < g.c(); c++) layout.transfer(x, phases, i * g.c() + c, true);
        });
        return new Im2Col(g, layout, phases);
    }

    /** The distance between rows of the matrix for {@code images} images: their columns and a vector of slack. */
    int ld(int images) {
        return images * oh * ow + L;
    }

    /** Floats the matrix of {@code images} images takes. */
    long size(int images) {
        return (long) layout.channels * layout.tapOffsets.length * ld(images);
    }

    /** col [channels * taps, ld(images)] = the im2col matrix of images [first, first + images). */
    void write(float[] col, int first, int images, KernelThreads threads) {
        int taps = layout.tapOffsets.length, ld = ld(images);
        threads.parallelFor(layout.channels * taps, row -> {
            int from = row / taps * layout.plane + layout.tapOffsets[row % taps];
            for (int i = 0, d = row * ld; i < images; i++)
                for (int a = 0, s = (first + i) * layout.image + from; a < oh; a++, s += layout.phaseWidth, d += ow) copyRun(s, col, d);
        });
    }

    /** col[d, d + ow) = phases[s, s + ow), by whole vectors: the last may write past the run. */
    private void copyRun(int s, float[] col, int d) {
        int q = 0;
        for (int end = ow - L; q <= end; q += L) FloatVector.fromArray(VectorKernels.SPECIES, phases, s + q).intoArray(col, d + q);
        if (q < ow) FloatVector.fromArray(VectorKernels.SPECIES, phases, s + q).intoArray(col, d + q);
    }
}
