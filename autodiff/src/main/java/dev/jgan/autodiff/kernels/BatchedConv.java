package dev.jgan.autodiff.kernels;

import java.util.Arrays;

/**
 * Convolution in NCHW, lowered to one large GEMM per group over the whole minibatch, instead of one small GEMM per
 * image: the columns of all images sit side by side in one im2col matrix [patch, images * oh * ow], so the
 * GEMM's n dimension is thousands wide even when a feature map is 7x7. The path for what
 * {@link PixelMajorConv} does not take: small batches, and fewer than 4 channels per group on a side. The weight
 * gradient, and the forward of a larger patch, never write the im2col matrix out: the GEMM packs its panels
 * straight from the image through a {@link ConvGather} (implicit im2col); the forward of a small patch writes it
 * by chunks of images ({@link Im2Col}). The forward GEMM writes its tiles straight into the NCHW output. The
 * input gradient computes the column matrix (by chunks of images) and folds it back by channel ({@link Col2Im}).
 * Scratch matrices are per calling thread and reused across calls.
 *
 * <p>Invariant: chunking depends only on the geometry, and every parallel item writes its own part of the
 * output, so results are bitwise independent of the thread count.
 */
final class BatchedConv {
    /** Largest im2col matrix per chunk of images, in floats (64 MB), unless one image alone needs more. */
    static final long MAX_COL = 16L << 20;

    private final VectorKernels gemm;
    private final KernelThreads threads;
    /** The largest im2col matrix written per chunk of images, in floats: {@link #MAX_COL} but in tests. */
    private final long maxCol;

    BatchedConv(VectorKernels gemm, KernelThreads threads) {
        this(gemm, threads, MAX_COL);
    }

    /** With another chunk limit: tests use a small one to cover the chunks without 64 MB inputs. */
    BatchedConv(VectorKernels gemm, KernelThreads threads, long maxCol) {
        this.gemm = gemm;
        this.threads = threads;
        this.maxCol = maxCol;
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

    /** Images per chunk so that an im2col matrix of {@code perImage} floats per image stays below {@link #maxCol}. */
    private int chunk(ConvGeometry g, long perImage) {
        return (int) Math.max(1, Math.min(g.n(), maxCol / Math.max(1, perImage)));
    }

    /**
     * out[N, K, OH, OW] = conv(x, w): per group, W_g [kg, patch] @ col [patch, N * S], the GEMM writing its tiles
     * straight into the NCHW output. Up to {@link #EXPLICIT_IM2COL_MAX_PATCH} the im2col matrix is written out by
     * chunks of images and packed by vector copies; otherwise the GEMM packs its panels straight from x
     * (implicit im2col, {@link ConvGather}).
     */
    void forward(ConvGeometry g, float[] x, float[] w, float[] out) {
        if (g.patch() <= EXPLICIT_IM2COL_MAX_PATCH) {
            forwardExplicit(g, x, w, out);
            return;
        }
        int s = g.oh() * g.ow(), patch = g.patch(), kg = g.kPerGroup(), cols = g.n() * s;
        ConvGather gx = ConvGather.ofInput(g, x, threads);
        for (int gr = 0; gr < g.groups(); gr++) {
            int wOff = gr * kg * patch, channel0 = gr * g.cPerGroup();
            gemm.packedGemm(kg, cols, patch,
                    (i0, p0, kc, dst, off) -> GemmPacking.packA(false, w, wOff, patch, kg, i0, p0, kc, VectorKernels.MR, dst, off), null,
                    (j0, p0, kc, dst, off) -> gx.packColumns(channel0, j0, p0, kc, dst, off), null,
                    0f, new VectorKernels.Output(out, gr * kg * s, s, s, g.k() * s), null);
        }
    }

    /**
     * The largest patch for which the forward writes its im2col matrix out ({@link Im2Col}): for one channel of 4x4
     * stride 2 (the DCGAN's 1 -> 64 layer, 64 images) 0.43 ms against 0.45-0.47 by gathers, and 0.89 against 1.13
     * for a 5x5 stride 1; three channels of 4x4 stride 2 (a patch of 48) took 1.54-1.60 against 1.42-1.44 (JDK 17,
     * 1 thread).
     */
    static final int EXPLICIT_IM2COL_MAX_PATCH = 32;

    /** {@link #forward} through an explicit im2col matrix, by chunks of images, packed by vector copies. */
    private void forwardExplicit(ConvGeometry g, float[] x, float[] w, float[] out) {
        int s = g.oh() * g.ow(), patch = g.patch(), kg = g.kPerGroup(), taps = g.kh() * g.kw();
        Im2Col im2col = Im2Col.of(g, x, threads);
        int chunk = chunk(g, (long) g.c() * taps * s);
        Scratch scratch = SCRATCH.get();
        for (int n0 = 0; n0 < g.n(); n0 += chunk) {
            int nb = Math.min(chunk, g.n() - n0), cols = nb * s, ld = im2col.ld(nb);
            float[] col = scratch.col = grow(scratch.col, im2col.size(nb));
            im2col.write(col, n0, nb, threads);
            for (int gr = 0; gr < g.groups(); gr++) {
                int wOff = gr * kg * patch, colOff = gr * patch * ld;
                gemm.packedGemm(kg, cols, patch,
                        (i0, p0, kc, dst, off) -> GemmPacking.packA(false, w, wOff, patch, kg, i0, p0, kc, VectorKernels.MR, dst, off), null,
                        (j0, p0, kc, dst, off) -> VectorKernels.packB(false, col, colOff, ld, cols, j0, p0, kc, dst, off), null,
                        0f, new VectorKernels.Output(out, n0 * g.k() * s + gr * kg * s, s, s, g.k() * s), null);
            }
        }
    }

    /**
     * dx[N, C, H, W] = conv^T(gy, w): per group and chunk of images, col [patch, nb * S] = W_g^T @ gy_g [kg, nb * S],
     * then col2im.
     */
    void inputGrad(ConvGeometry g, float[] gy, float[] w, float[] dx) {
        int s = g.oh() * g.ow(), patch = g.patch(), kg = g.kPerGroup(), chunk = chunk(g, (long) patch * s), taps = g.kh() * g.kw();
        Scratch scratch = SCRATCH.get();
        Col2Im acc = Col2Im.zeroed(g, threads);
        for (int n0 = 0; n0 < g.n(); n0 += chunk) {
            int nb = Math.min(chunk, g.n() - n0), cols = nb * s, first = n0;
            float[] col = scratch.col = grow(scratch.col, (long) patch * cols);
            for (int gr = 0; gr < g.groups(); gr++) {
                int channel0 = gr * g.cPerGroup(), gyOff = first * g.k() * s + gr * kg * s, wOff = gr * kg * patch;
                // col = W_g^T @ gy_g, with gy read in place (one segment per image) except for panels across images
                // and a partial last panel, which are packed.
                gemm.packedGemm(patch, cols, kg,
                        (i0, p0, kc, dst, off) -> GemmPacking.packA(true, w, wOff, patch, patch, i0, p0, kc, VectorKernels.MR, dst, off), null,
                        (j0, p0, kc, dst, off) -> packGy(g, gy, gyOff, cols, j0, p0, kc, dst, off),
                        new VectorKernels.Direct(gy, gyOff, s, 1, s, g.k() * s), 0f, col, 0, cols);
                // By channel and image: each item adds its part of col into its own plane, so no two items touch
                // the same pixel, and each pixel's sum keeps its order (by chunk, then tap).
                threads.parallelFor(g.cPerGroup() * nb, q -> {
                    int c = q / nb, i = q % nb;
                    acc.scatterAdd(channel0 + c, first + i, col, c * taps, cols, i * s);
                });
            }
        }
        acc.cropInto(dx, g.n(), threads);
    }

    /**
     * dw[K, C/groups, KH, KW] = sum over images of gy_g [kg, N * S] @ col^T [N * S, patch]. By the patch size:
     * <ul>
     * <li>at most one vector (D1/G2 with one channel: patch 16, depth 64 x 196): the narrow GEMM, gy read in
     * place image by image, col^T packed once from x; the two-vector panels would waste half their lanes.</li>
     * <li>at most {@link VectorKernels#DIRECT_A_MAX_N}: dw_g = gy_g @ col^T straight into dw, gy_g gathered into
     * [kg, N * S] and read in place as A, col^T packed as B from x. The other orientation spent three quarters of
     * its time packing here: col packed as A once per column chunk, and gy^T packed by a strided transpose.</li>
     * <li>otherwise its transpose dw_g^T [patch, kg] = col @ gy_g^T with col packed as A straight from x
     * (implicit im2col), then transposed into dw: a large patch would make a direct A re-read from memory
     * once per column panel.</li>
     * </ul>
     */
    void weightGrad(ConvGeometry g, float[] x, float[] gy, float[] dw) {
        int s = g.oh() * g.ow(), patch = g.patch(), kg = g.kPerGroup(), cols = g.n() * s;
        ConvGather gx = ConvGather.ofInput(g, x, threads);
        if (patch <= VectorKernels.L && (long) cols * VectorKernels.NARROW_MR < Integer.MAX_VALUE - 8) {
            for (int gr = 0; gr < g.groups(); gr++) {
                int channel0 = gr * g.cPerGroup();
                gemm.narrowGemm(kg, patch, cols, gyInPlace(g, gy, gr),
                        (j0, p0, kc, dst, off) -> gx.packColumnsTransposed(channel0, patch, j0, p0, kc, dst, off, VectorKernels.L),
                        dw, gr * kg * patch, patch);
            }
            return;
        }
        Scratch scratch = SCRATCH.get();
        float[] rows = scratch.rows = grow(scratch.rows, (long) kg * cols);
        if (patch <= VectorKernels.DIRECT_A_MAX_N) {
            VectorKernels.Direct gyInPlace = new VectorKernels.Direct(rows, 0, cols, 1);
            for (int gr = 0; gr < g.groups(); gr++) {
                int channel0 = gr * g.cPerGroup();
                gatherRows(g, gy, 0, g.n(), gr, rows);
                gemm.packedGemm(kg, patch, cols,
                        (i0, p0, kc, dst, off) -> GemmPacking.packA(false, rows, 0, cols, kg, i0, p0, kc, VectorKernels.MR, dst, off), gyInPlace,
                        (j0, p0, kc, dst, off) -> gx.packColumnsTransposed(channel0, patch, j0, p0, kc, dst, off, VectorKernels.NR), null,
                        0f, dw, gr * kg * patch, patch);
            }
            return;
        }
        float[] dwT = scratch.weightT = grow(scratch.weightT, (long) kg * patch);   // [patch, kg]
        for (int gr = 0; gr < g.groups(); gr++) {
            int channel0 = gr * g.cPerGroup();
            gatherRows(g, gy, 0, g.n(), gr, rows);
            gemm.packedGemm(patch, kg, cols,
                    (q0, p0, kc, dst, off) -> gx.packRows(channel0, patch, q0, p0, kc, dst, off),
                    (j0, p0, kc, dst, off) -> GemmPacking.packB(true, rows, 0, cols, kg, j0, p0, kc, VectorKernels.NR, dst, off),
                    0f, dwT, 0, kg);
            for (int q = 0; q < patch; q++)
                for (int kk = 0; kk < kg; kk++) dw[(gr * kg + kk) * patch + q] = dwT[q * kg + kk];
        }
    }

    /** gy [N, K, S] of one group (from gyOff) read in place as the matrix [kg, N * S]: one segment per image. */
    private static VectorKernels.Direct gyInPlace(ConvGeometry g, float[] gy, int group) {
        int s = g.oh() * g.ow();
        return new VectorKernels.Direct(gy, group * g.kPerGroup() * s, s, 1, s, g.k() * s);
    }

    /**
     * A B panel of gy [kg, cols] (columns (image, position), from gyOff of an NCHW gy): rows [p0, p0 + kc),
     * columns [j0, j0 + NR) into {@code dst[off + pp * NR + jj]}, zeros past the last column.
     */
    static void packGy(ConvGeometry g, float[] gy, int gyOff, int cols, int j0, int p0, int kc, float[] dst, int off) {
        int s = g.oh() * g.ow(), nr = VectorKernels.NR, valid = Math.min(nr, cols - j0), image = g.k() * s;
        for (int pp = 0; pp < kc; pp++) {
            int d = off + pp * nr, row = gyOff + (p0 + pp) * s;
            for (int q = 0, j = j0, len; q < valid; q += len, j += len) {
                int img = j / s, pos = j - img * s;
                len = Math.min(valid - q, s - pos);
                System.arraycopy(gy, row + img * image + pos, dst, d + q, len);
            }
            java.util.Arrays.fill(dst, d + valid, d + nr, 0f);
        }
    }

    /** rows [kg, nb * S] = gy[first .. first + nb, group's channels, :]. */
    private void gatherRows(ConvGeometry g, float[] gy, int first, int nb, int group, float[] rows) {
        int s = g.oh() * g.ow(), kg = g.kPerGroup(), cols = nb * s;
        threads.parallelFor(nb, i -> {
            for (int kk = 0; kk < kg; kk++)
                System.arraycopy(gy, ((first + i) * g.k() + group * kg + kk) * s, rows, kk * cols + i * s, s);
        });
    }
}
