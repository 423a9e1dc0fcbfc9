package dev.jgan.autodiff.kernels;

import java.util.Arrays;

/**
 * Convolution lowered to one large GEMM per group over the whole minibatch, instead of one small GEMM per
 * image: the columns of all images sit side by side in one im2col matrix [patch, images * oh * ow], so the
 * GEMM's n dimension is thousands wide even when a feature map is 7x7. Forward and weight gradient never
 * write that matrix out: the GEMM packs its panels straight from the image through a table of source
 * offsets (implicit im2col). The input gradient computes the column matrix (by chunks of images) and folds
 * it back (col2im) in parallel over images. Scratch matrices are per calling thread and reused across calls.
 *
 * <p>Invariant: chunking depends only on the geometry, and every parallel item writes its own part of the
 * output, so results are bitwise independent of the thread count.
 */
final class BatchedConv {
    /** Largest im2col matrix per chunk of images, in floats (64 MB). */
    static final long MAX_COL = 16L << 20;

    private final VectorKernels gemm;
    private final KernelThreads threads;

    BatchedConv(VectorKernels gemm, KernelThreads threads) {
        this.gemm = gemm;
        this.threads = threads;
    }

    /** Per-thread scratch: the im2col matrix, a matrix in [channels, images * oh * ow] layout, a transposed weight. */
    private static final class Scratch {
        float[] col = new float[0], rows = new float[0], weightT = new float[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static float[] grow(float[] a, long size) {
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("convolution scratch of " + size + " floats is too large");
        return a.length >= size ? a : new float[(int) size];
    }

    /** Images per chunk so that the im2col matrix stays below {@link #MAX_COL}. */
    private static int chunk(ConvGeometry g) {
        long perImage = (long) g.patch() * g.oh() * g.ow();
        return (int) Math.max(1, Math.min(g.n(), MAX_COL / Math.max(1, perImage)));
    }

    /**
     * out[N, K, OH, OW] = conv(x, w): per group, W_g [kg, patch] @ col [patch, N * S], where the GEMM packs the
     * panels of col straight from x (implicit im2col: the unfolded matrix is never written out).
     */
    void forward(ConvGeometry g, float[] x, float[] w, float[] out) {
        int s = g.oh() * g.ow(), patch = g.patch(), kg = g.kPerGroup(), cols = g.n() * s;
        Scratch scratch = SCRATCH.get();
        int[] table = sourceTable(g);
        scratch.rows = grow(scratch.rows, (long) kg * cols);
        float[] rows = scratch.rows;
        for (int gr = 0; gr < g.groups(); gr++) {
            int group = gr;
            int wOff = gr * kg * patch;
            gemm.packedGemm(kg, cols, patch,
                    (i0, p0, kc, dst, off) -> GemmPacking.packA(false, w, wOff, patch, kg, i0, p0, kc, VectorKernels.MR, dst, off),
                    (j0, p0, kc, dst, off) -> packColumns(g, table, x, group, j0, p0, kc, dst, off),
                    0f, rows, 0, cols);
            // rows [kg, N * S] -> out[n, gr * kg + kk, :]
            threads.parallelFor(g.n(), i -> {
                for (int kk = 0; kk < kg; kk++)
                    System.arraycopy(rows, kk * cols + i * s, out, (i * g.k() + group * kg + kk) * s, s);
            });
        }
    }

    /**
     * A B-panel of the im2col matrix of one group [patch, N * S]: rows [p0, p0 + kc), columns [j0, j0 + NR),
     * read from x through the source table; columns past N * S are zeros.
     */
    static void packColumns(ConvGeometry g, int[] table, float[] x, int group, int j0, int p0, int kc, float[] dst, int off) {
        int s = g.oh() * g.ow(), plane = g.h() * g.w(), taps = g.kh() * g.kw(), cols = g.n() * s, nr = VectorKernels.NR;
        int valid = Math.max(0, Math.min(nr, cols - j0));
        int img0 = j0 / s, s0 = j0 - img0 * s;
        for (int pp = 0; pp < kc; pp++) {
            int p = p0 + pp, c = p / taps, tap = p - c * taps;
            int tBase = tap * s, d = off + pp * nr;
            int img = img0, sp = s0;
            int base = ((img * g.c()) + group * g.cPerGroup() + c) * plane, imageStride = g.c() * plane;
            for (int jj = 0; jj < valid; jj++) {
                int src = table[tBase + sp];
                dst[d + jj] = src >= 0 ? x[base + src] : 0f;
                if (++sp == s) {
                    sp = 0;
                    base += imageStride;
                }
            }
            for (int jj = valid; jj < nr; jj++) dst[d + jj] = 0f;
        }
    }

    /**
     * An A-panel of the im2col matrix of one group [patch, N * S]: rows [q0, q0 + MR), columns [p0, p0 + kc)
     * (the GEMM's depth), into {@code dst[off + kk * MR + r]}; rows past the patch are zeros.
     */
    static void packRows(ConvGeometry g, int[] table, float[] x, int group, int q0, int p0, int kc, float[] dst, int off) {
        int s = g.oh() * g.ow(), plane = g.h() * g.w(), taps = g.kh() * g.kw(), mr = VectorKernels.MR;
        int img0 = p0 / s, s0 = p0 - img0 * s, imageStride = g.c() * plane;
        for (int r = 0; r < mr; r++) {
            int q = q0 + r;
            if (q >= g.patch()) {
                for (int kk = 0; kk < kc; kk++) dst[off + kk * mr + r] = 0f;
                continue;
            }
            int c = q / taps, tap = q - c * taps, tBase = tap * s;
            int base = ((img0 * g.c()) + group * g.cPerGroup() + c) * plane, sp = s0;
            for (int kk = 0; kk < kc; kk++) {
                int src = table[tBase + sp];
                dst[off + kk * mr + r] = src >= 0 ? x[base + src] : 0f;
                if (++sp == s) {
                    sp = 0;
                    base += imageStride;
                }
            }
        }
    }

    /** dx[N, C, H, W] = conv^T(gy, w): per group, col [patch, nb * S] = W_g^T @ gy_g [kg, nb * S], then col2im. */
    void inputGrad(ConvGeometry g, float[] gy, float[] w, float[] dx) {
        int s = g.oh() * g.ow(), patch = g.patch(), kg = g.kPerGroup(), chunk = chunk(g);
        int image = g.c() * g.h() * g.w();
        Scratch scratch = SCRATCH.get();
        int[] table = sourceTable(g);
        for (int n0 = 0; n0 < g.n(); n0 += chunk) {
            int nb = Math.min(chunk, g.n() - n0), cols = nb * s, first = n0;
            scratch.col = grow(scratch.col, (long) patch * cols);
            scratch.rows = grow(scratch.rows, (long) kg * cols);
            float[] col = scratch.col, rows = scratch.rows;
            threads.parallelFor(nb, i -> Arrays.fill(dx, (first + i) * image, (first + i + 1) * image, 0f));
            for (int gr = 0; gr < g.groups(); gr++) {
                int group = gr;
                gatherRows(g, gy, first, nb, group, rows);
                gemm.gemm(true, false, patch, cols, kg, w, gr * kg * patch, patch, rows, 0, cols, 0f, col, 0, cols);
                // By channel, not by image: each item then reads whole rows of col instead of 49-float pieces
                // of a thousand rows. The sum into each dx element keeps its order (by tap, then position).
                threads.parallelFor(g.cPerGroup(), c -> col2im(g, table, col, cols, nb, dx, first, group, c));
            }
        }
    }

    /**
     * dw[K, C/groups, KH, KW] = sum over images of gy_g [kg, N * S] @ col^T [N * S, patch]. Two orientations:
     * <ul>
     * <li>small patch (at most {@link VectorKernels#DIRECT_A_MAX_N}, e.g. D1/G2 with one channel: patch 16,
     * depth 64 x 196): dw_g = gy_g @ col^T straight into dw, gy_g read in place as A and col^T packed as B
     * from x. The other orientation spent three quarters of its time packing here: col packed as A once
     * per column chunk, and gy^T packed by a strided transpose of 64 x 12544 floats.</li>
     * <li>otherwise its transpose dw_g^T [patch, kg] = col @ gy_g^T with col packed as A straight from x
     * (implicit im2col), then transposed into dw: a large patch would make a direct A re-read from memory
     * once per column panel.</li>
     * </ul>
     */
    void weightGrad(ConvGeometry g, float[] x, float[] gy, float[] dw) {
        int s = g.oh() * g.ow(), patch = g.patch(), kg = g.kPerGroup(), cols = g.n() * s;
        Scratch scratch = SCRATCH.get();
        int[] table = sourceTable(g);
        scratch.rows = grow(scratch.rows, (long) kg * cols);
        float[] rows = scratch.rows;
        if (patch <= VectorKernels.DIRECT_A_MAX_N) {
            VectorKernels.Direct gyInPlace = new VectorKernels.Direct(rows, 0, cols, 1);
            for (int gr = 0; gr < g.groups(); gr++) {
                int group = gr;
                gatherRows(g, gy, 0, g.n(), group, rows);
                gemm.packedGemm(kg, patch, cols,
                        (i0, p0, kc, dst, off) -> GemmPacking.packA(false, rows, 0, cols, kg, i0, p0, kc, VectorKernels.MR, dst, off), gyInPlace,
                        (j0, p0, kc, dst, off) -> packColumnsT(g, table, x, group, j0, p0, kc, dst, off), null,
                        0f, dw, gr * kg * patch, patch);
            }
            return;
        }
        float[] dwT = scratch.weightT = grow(scratch.weightT, (long) kg * patch);   // [patch, kg]
        for (int gr = 0; gr < g.groups(); gr++) {
            int group = gr;
            gatherRows(g, gy, 0, g.n(), group, rows);
            gemm.packedGemm(patch, kg, cols,
                    (q0, p0, kc, dst, off) -> packRows(g, table, x, group, q0, p0, kc, dst, off),
                    (j0, p0, kc, dst, off) -> GemmPacking.packB(true, rows, 0, cols, kg, j0, p0, kc, VectorKernels.NR, dst, off),
                    0f, dwT, 0, kg);
            for (int q = 0; q < patch; q++)
                for (int kk = 0; kk < kg; kk++) dw[(gr * kg + kk) * patch + q] = dwT[q * kg + kk];
        }
    }

    /**
     * A B-panel of the transposed im2col matrix of one group, col^T [N * S, patch]: rows [p0, p0 + kc) (the
     * GEMM's depth, positions over all images), columns [q0, q0 + NR) (patch entries), read from x through
     * the source table into {@code dst[off + pp * NR + jj]}; columns past the patch are zeros. Walks one
     * patch entry at a time so the table and x are read in order; the panel (kc x NR) stays in L1.
     */
    static void packColumnsT(ConvGeometry g, int[] table, float[] x, int group, int q0, int p0, int kc, float[] dst, int off) {
        int s = g.oh() * g.ow(), plane = g.h() * g.w(), taps = g.kh() * g.kw(), nr = VectorKernels.NR;
        int valid = Math.max(0, Math.min(nr, g.patch() - q0));
        int img0 = p0 / s, s0 = p0 - img0 * s, imageStride = g.c() * plane;
        for (int jj = 0; jj < valid; jj++) {
            int q = q0 + jj, c = q / taps, tap = q - c * taps, tBase = tap * s;
            int base = ((img0 * g.c()) + group * g.cPerGroup() + c) * plane, sp = s0;
            for (int pp = 0; pp < kc; pp++) {
                int src = table[tBase + sp];
                dst[off + pp * nr + jj] = src >= 0 ? x[base + src] : 0f;
                if (++sp == s) {
                    sp = 0;
                    base += imageStride;
                }
            }
        }
        for (int pp = 0; pp < kc; pp++)
            for (int jj = valid; jj < nr; jj++) dst[off + pp * nr + jj] = 0f;
    }

    /** rows [kg, nb * S] = gy[first .. first + nb, group's channels, :]. */
    private void gatherRows(ConvGeometry g, float[] gy, int first, int nb, int group, float[] rows) {
        int s = g.oh() * g.ow(), kg = g.kPerGroup(), cols = nb * s;
        threads.parallelFor(nb, i -> {
            for (int kk = 0; kk < kg; kk++)
                System.arraycopy(gy, ((first + i) * g.k() + group * kg + kk) * s, rows, kk * cols + i * s, s);
        });
    }

    /**
     * For each kernel offset (ki, kj) and output position s = oy * ow + ox, the offset of the input pixel it
     * reads within one channel plane, or -1 where it falls in the padding. One table per call replaces the
     * per-row bounds arithmetic, so im2col and col2im become flat loops of oh * ow (measured 3x faster on
     * 7x7 outputs with stride 2 than row-by-row loops).
     */
    static int[] sourceTable(ConvGeometry g) {
        int oh = g.oh(), ow = g.ow(), s = oh * ow;
        int[] table = new int[g.kh() * g.kw() * s];
        int t = 0;
        for (int ki = 0; ki < g.kh(); ki++) {
            for (int kj = 0; kj < g.kw(); kj++) {
                for (int oy = 0; oy < oh; oy++) {
                    int iy = oy * g.strideH() - g.padH() + ki * g.dilH();
                    for (int ox = 0; ox < ow; ox++, t++) {
                        int ix = ox * g.strideW() - g.padW() + kj * g.dilW();
                        table[t] = iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w() ? iy * g.w() + ix : -1;
                    }
                }
            }
        }
        return table;
    }

    /**
     * The adjoint of the unfolding for one input channel c of a group: adds the rows of col [patch, nb * S]
     * that belong to c back into images [first, first + nb) of dx.
     */
    static void col2im(ConvGeometry g, int[] table, float[] col, int ldcol, int nb, float[] dx, int first, int group, int c) {
        int s = g.oh() * g.ow(), plane = g.h() * g.w(), taps = g.kh() * g.kw();
        for (int tap = 0; tap < taps; tap++) {
            int row = c * taps + tap, t = tap * s;
            for (int i = 0; i < nb; i++) {
                int base = ((first + i) * g.c() + group * g.cPerGroup() + c) * plane, src = row * ldcol + i * s;
                for (int j = 0; j < s; j++) {
                    int d = table[t + j];
                    if (d >= 0) dx[base + d] += col[src + j];
                }
            }
        }
    }
}
