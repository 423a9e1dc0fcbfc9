package dev.jgan.autodiff.kernels;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Implicit im2col in NCHW without bounds checks or index arithmetic in the packing loops. The source planes
 * are copied with a zero border wide enough for every tap (one pass over the input, cheap beside the GEMM), and
 * a table gives, for each column of the im2col matrix (image, output position), the offset of the pixel its
 * first tap reads in the padded copy, and each patch entry (channel, tap) reads that pixel displaced by a fixed
 * amount, the same in every column. Packing a panel is then one table lookup per element (a vector gather for a
 * full panel). The table depends on the sizes only and is kept per thread for the last few geometries. (A table
 * with an entry per tap and column, as large as the im2col matrix, made the DCGAN's 1->64 forward 2-9% slower:
 * JDK 17, 1 thread, alternated in one JVM.)
 *
 * <p>Columns are (image, output row, output column) in that order; output position (a, b) of tap (ty, tx)
 * reads source pixel (a * strideH + dy[ty], b * strideW + dx[tx]).
 */
final class ConvGather {
    /** The padded source [n, channels, hp, wp] (the source itself when no border is needed). */
    final float[] source;
    /** Columns of the im2col matrix: n * ph * pw. */
    final int cols;
    /** Taps per channel: dy.length * dx.length. */
    final int taps;
    /** [cols]: the image's offset in {@link #source} + the padded pixel the first tap reads in that column. */
    final int[] columns;
    /**
     * [channels * taps]: where patch entry (channel, tap) reads relative to its column's entry in {@link #columns}:
     * the channel's plane plus the tap's displacement from the first tap in the padded plane.
     */
    final int[] entries;

    private ConvGather(float[] source, int cols, int taps, Table table) {
        this.source = source;
        this.cols = cols;
        this.taps = taps;
        this.columns = table.columns;
        this.entries = table.entries;
    }

    /** The per-thread buffer for the padded copy, reused across calls. */
    private static final ThreadLocal<float[][]> PADDED = ThreadLocal.withInitial(() -> new float[1][0]);

    /** The sizes a table depends on. */
    private record Key(int n, int channels, int h, int w, int ph, int pw, int strideH, int strideW, List<Integer> dy, List<Integer> dx) {}

    /** Tables kept per thread: a training step runs the same few geometries again and again. */
    private static final int CACHED_TABLES = 8;
    /** Largest table kept, in ints (16 MB): larger ones are rebuilt per call rather than held. */
    private static final int CACHED_TABLE_MAX = 1 << 22;

    /** The offsets of a geometry: {@link #columns} and {@link #entries}. */
    private record Table(int[] columns, int[] entries) {}

    private static final ThreadLocal<Map<Key, Table>> TABLES = ThreadLocal.withInitial(() -> new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Table> eldest) {
            return size() > CACHED_TABLES;
        }
    });

    /** The gather of a convolution's input x [n, c, h, w] as its forward pass reads it. */
    static ConvGather ofInput(ConvGeometry g, float[] x, KernelThreads threads) {
        int[] dy = new int[g.kh()], dx = new int[g.kw()];
        for (int i = 0; i < dy.length; i++) dy[i] = i * g.dilH() - g.padH();
        for (int j = 0; j < dx.length; j++) dx[j] = j * g.dilW() - g.padW();
        return build(x, g.n(), g.c(), g.h(), g.w(), g.oh(), g.ow(), g.strideH(), g.strideW(), dy, dx, threads);
    }

    /**
     * Builds the padded copy of src in the calling thread's scratch, and finds or makes the table. The scratch is
     * reused by the next call on this thread, so a gather lives until then.
     */
    private static ConvGather build(float[] src, int n, int channels, int h, int w, int ph, int pw, int strideH, int strideW,
                            int[] dy, int[] dx, KernelThreads threads) {
        int top = Math.max(0, -min(dy)), left = Math.max(0, -min(dx));
        int hp = top + Math.max(h, (ph - 1) * strideH + max(dy) + 1);
        int wp = left + Math.max(w, (pw - 1) * strideW + max(dx) + 1);
        boolean padded = hp != h || wp != w;
        long plane = (long) hp * wp, image = channels * plane, cols = (long) n * ph * pw, taps = (long) dy.length * dx.length;
        if (n * image > Integer.MAX_VALUE - 8 || cols > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("convolution too large for one gather: " + n + " images of " + channels
                    + " padded " + hp + "x" + wp + " planes, " + cols + " columns");
        float[] source = src;
        if (padded) {
            float[][] holder = PADDED.get();
            if (holder[0].length < n * image) holder[0] = new float[(int) (n * image)];
            float[] copy = source = holder[0];
            threads.parallelFor(n * channels, q -> pad(src, q * h * w, h, w, copy, (int) (q / channels * image + q % channels * plane), top, left, hp, wp));
        }
        Map<Key, Table> tables = TABLES.get();
        Key key = new Key(n, channels, h, w, ph, pw, strideH, strideW, list(dy), list(dx));
        Table table = tables.get(key);
        if (table == null) {
            int[] columns = new int[(int) cols], entries = new int[(int) (channels * taps)];
            int oy = dy[0] + top, ox = dx[0] + left;
            threads.parallelFor(n, img -> {
                int base = (int) (img * image), o = img * ph * pw;
                for (int a = 0; a < ph; a++) {
                    int row = base + (a * strideH + oy) * wp + ox;
                    for (int b = 0; b < pw; b++) columns[o++] = row + b * strideW;
                }
            });
            for (int e = 0; e < entries.length; e++) {
                int ch = (int) (e / taps), t = (int) (e % taps);
                entries[e] = (int) (ch * plane) + (dy[t / dx.length] - dy[0]) * wp + dx[t % dx.length] - dx[0];
            }
            table = new Table(columns, entries);
            if (columns.length <= CACHED_TABLE_MAX) tables.put(key, table);
        }
        return new ConvGather(source, (int) cols, (int) taps, table);
    }

    private static List<Integer> list(int[] a) {
        return Arrays.stream(a).boxed().collect(Collectors.toUnmodifiableList());
    }

    /** Copies one h x w plane into the middle of an hp x wp plane and zeroes the border. */
    private static void pad(float[] src, int s, int h, int w, float[] dst, int d, int top, int left, int hp, int wp) {
        Arrays.fill(dst, d, d + top * wp, 0f);
        for (int y = 0; y < h; y++) {
            int row = d + (top + y) * wp;
            Arrays.fill(dst, row, row + left, 0f);
            System.arraycopy(src, s + y * w, dst, row + left, w);
            Arrays.fill(dst, row + left + w, row + wp, 0f);
        }
        Arrays.fill(dst, d + (top + h) * wp, d + hp * wp, 0f);
    }

    private static int min(int[] a) {
        int m = a[0];
        for (int v : a) m = Math.min(m, v);
        return m;
    }

    private static int max(int[] a) {
        int m = a[0];
        for (int v : a) m = Math.max(m, v);
        return m;
    }

    /**
     * A B-panel of the im2col matrix [channels * taps, cols] for the channels starting at {@code channel0}: rows
     * [p0, p0 + kc), columns [j0, j0 + NR) into {@code dst[off + pp * NR + jj]}; columns past the end are zeros.
     */
    void packColumns(int channel0, int j0, int p0, int kc, float[] dst, int off) {
        int nr = VectorKernels.NR, valid = Math.min(nr, cols - j0);
        for (int pp = 0; pp < kc; pp++) {
            int base = entries[channel0 * taps + p0 + pp], d = off + pp * nr;
            if (valid == nr) {
                VectorKernels.gatherPanelRow(source, base, columns, j0, dst, d);
            } else {
                for (int jj = 0; jj < valid; jj++) dst[d + jj] = source[base + columns[j0 + jj]];
                for (int jj = valid; jj < nr; jj++) dst[d + jj] = 0f;
            }
        }
    }

    /**
     * A B-panel of the transposed im2col matrix [cols, patch] (patch = channels * taps, from {@code channel0}):
     * rows [p0, p0 + kc) (columns of im2col), columns [q0, q0 + nr) (patch entries) into
     * {@code dst[off + pp * nr + jj]}; patch entries past the end are zeros.
     */
    void packColumnsTransposed(int channel0, int patch, int q0, int p0, int kc, float[] dst, int off, int nr) {
        int valid = Math.max(0, Math.min(nr, patch - q0)), e0 = channel0 * taps + q0;
        if (valid == VectorKernels.L && nr == VectorKernels.L) {
            // One vector gather per column: its patch entries are one vector of displacements from the column's pixel.
            for (int pp = 0; pp < kc; pp++) VectorKernels.gatherVector(source, columns[p0 + pp], entries, e0, dst, off + pp * nr);
            return;
        }
        // By columns (image, output position): one table lookup each, its entries written in sequence.
        for (int pp = 0; pp < kc; pp++) {
            int pixel = columns[p0 + pp], d = off + pp * nr;
            for (int jj = 0; jj < valid; jj++) dst[d + jj] = source[pixel + entries[e0 + jj]];
            for (int jj = valid; jj < nr; jj++) dst[d + jj] = 0f;
        }
    }

    /**
     * An A-panel of the im2col matrix [patch, cols]: rows [q0, q0 + MR) (patch entries), depth [p0, p0 + kc)
     * (columns of im2col) into {@code dst[off + kk * MR + r]}; rows past the patch are zeros.
     */
    void packRows(int channel0, int patch, int q0, int p0, int kc, float[] dst, int off) {
        int mr = VectorKernels.MR;
        for (int r = 0; r < mr; r++) {
            int q = q0 + r;
            if (q >= patch) {
                for (int kk = 0; kk < kc; kk++) dst[off + kk * mr + r] = 0f;
                continue;
            }
            int base = entries[channel0 * taps + q];
            for (int kk = 0; kk < kc; kk++) dst[off + kk * mr + r] = source[base + columns[p0 + kk]];
        }
    }
}
