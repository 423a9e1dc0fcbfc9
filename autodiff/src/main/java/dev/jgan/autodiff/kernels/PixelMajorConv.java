package dev.jgan.autodiff.kernels;

import java.util.Arrays;

/**
 * Convolution of a minibatch of at least {@link VectorKernels#NR} images through pixel-major layouts, with the
 * images (or channels) innermost. In NCHW, each column of the im2col matrix (one image at one output position) is
 * gathered pixel by pixel; here the NR columns of a panel are NR images at one output position, contiguous in
 * memory, so packing is a vector copy and col2im a vector add. The price is one transposition of each operand
 * and result, a single pass each, where the GEMM makes patch-many passes. On the DCGAN's 64->128 layer (batch 64,
 * 14x14, JDK 17, 1 thread, JMH) forward + both gradients took 39.6 ms before this path and 31.2 ms with it.
 * <ul>
 * <li>forward: out [kg, S * N] = W [kg, taps * cg] @ col [taps * cg, S * N], x in HWCN (row, column, channel,
 * image). The depth runs by (tap, channel), so a tap that falls in the padding at every output position a
 * panel covers (one, or two when the batch is not a multiple of NR) is one contiguous run of zeros that the
 * micro-kernel skips (14% of the products of a 4x4 stride-2 layer on 14x14). The result [kg, S, N] is
 * transposed into NCHW.</li>
 * <li>input gradient: col [taps * cg, n] = W^T @ gy [kg, n] for the n images at each output position (chunks of
 * positions sized for L2), only for the runs of taps that are inside the image at some position of the chunk,
 * each folded back (col2im) into dx in HWCN by vector adds while still in cache; dx then to NCHW.</li>
 * <li>weight gradient: dw [kg, taps * cg] = gy [kg, S * N] @ col^T [S * N, taps * cg], x in HWNC (row, column,
 * image, channel), where a row of col^T (one image at one output position) is contiguous within each tap; the
 * positions where a panel's taps fall in the padding are skipped.</li>
 * </ul>
 * <p>Invariant: every partition depends on the geometry only, so results are bitwise independent of the thread count.
 * <p>Skipping the padding's products means a NaN or infinite weight (forward) or gradient (weight gradient) does
 * not reach the outputs whose taps read only padding there, where the NCHW path, which multiplies the padding's
 * zeros, makes them NaN. The convolution's definition has no such products; PyTorch's native (im2col) and oneDNN
 * (direct) paths differ the same way.
 */
final class PixelMajorConv {
    /** Target size of a chunk of the input gradient's column matrix, in floats (256 KB, for L2); a chunk holds at least one position. */
    private static final int COL_CHUNK = 64 * 1024;

    private final VectorKernels gemm;
    private final KernelThreads threads;

    PixelMajorConv(VectorKernels gemm, KernelThreads threads) {
        this.gemm = gemm;
        this.threads = threads;
    }

    /**
     * Whether this path fits the geometry: panels of whole output positions need at least NR images, and a layer
     * with fewer than 4 input or output channels per group does too little arithmetic per transposed float (the
     * DCGAN's 1->64 layer, timed ad hoc: 5.2 ms here against 2.3 ms on the NCHW path).
     */
    static boolean suits(ConvGeometry g) {
        return g.n() >= VectorKernels.NR && g.cPerGroup() >= 4 && g.kPerGroup() >= 4;
    }

    /** Per-thread scratch, grown on demand and reused across calls. */
    private static final class Scratch {
        float[] image = new float[0], result = new float[0], rows = new float[0], weights = new float[0], col = new float[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static float[] grow(float[] a, long size) {
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("convolution scratch of " + size + " floats is too large");
        return a.length >= size ? a : new float[(int) size];
    }

    /**
     * The padded frame of a convolution's input: pixel (y, x) at (y + top) * wp + x + left of a padded plane, the
     * border zeros; and for each output position and tap, the padded pixel the tap reads there and whether it is
     * inside the image.
     */
    private static final class Frame {
        final int top, left, hp, wp, plane, taps, positions;
        /** [positions, taps]: the padded pixel read. */
        final int[] pixel;
        /** [positions, taps]: false where the tap reads the padding. */
        final boolean[] inside;

        Frame(ConvGeometry g) {
            top = Math.max(0, g.padH());
            left = Math.max(0, g.padW());
            hp = top + Math.max(g.h(), (g.oh() - 1) * g.strideH() + (g.kh() - 1) * g.dilH() - g.padH() + 1);
            wp = left + Math.max(g.w(), (g.ow() - 1) * g.strideW() + (g.kw() - 1) * g.dilW() - g.padW() + 1);
            plane = hp * wp;
            taps = g.kh() * g.kw();
            positions = g.oh() * g.ow();
            pixel = new int[positions * taps];
            inside = new boolean[positions * taps];
            for (int oy = 0, i = 0; oy < g.oh(); oy++)
                for (int ox = 0; ox < g.ow(); ox++)
                    for (int ki = 0; ki < g.kh(); ki++)
                        for (int kj = 0; kj < g.kw(); kj++, i++) {
                            int iy = oy * g.strideH() - g.padH() + ki * g.dilH(), ix = ox * g.strideW() - g.padW() + kj * g.dilW();
                            pixel[i] = (iy + top) * wp + ix + left;
                            inside[i] = iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w();
                        }
        }

        /**
         * {@link VectorKernels.DepthRuns} of the forward GEMM: depth (tap, channel) with cg channels per tap; the
         * panel at column j covers the output positions of columns [j, j + NR) of n images each. A tap is kept
         * when it is inside the image at any of them.
         */
        int runs(int j, int n, int cols, int cg, int p0, int kc, int[] runs) {
            int pos0 = j / n, pos1 = (Math.min(cols, j + VectorKernels.NR) - 1) / n, count = 0;
            for (int t = p0 / cg, tEnd = (p0 + kc - 1) / cg; t <= tEnd; t++)
                if (insideAny(t, pos0, pos1 - pos0 + 1))
                    count = addRun(runs, count, Math.max(p0, t * cg) - p0, Math.min(p0 + kc, (t + 1) * cg) - p0);
            return count;
        }

        /** Appends the depth run [start, end) to the {@code count} runs so far, joined to the last when they touch. */
        private static int addRun(int[] runs, int count, int start, int end) {
            if (count > 0 && runs[2 * count - 1] == start) {
                runs[2 * count - 1] = end;
                return count;
            }
            runs[2 * count] = start;
            runs[2 * count + 1] = end;
            return count + 1;
        }

        /** Whether tap t is inside the image at any of the positions [first, first + count). */
        boolean insideAny(int t, int first, int count) {
            for (int pos = first; pos < first + count; pos++) if (inside[pos * taps + t]) return true;
            return false;
        }

        /**
         * {@link VectorKernels.DepthRuns} of the weight-gradient GEMM: depth (position, image) with n images per
         * position; the panel at column j covers columns (tap, channel) [j, j + NR) of {@code width}. A position is
         * kept when any of the panel's taps is inside the image there.
         */
        int runsByPosition(int j, int cg, int width, int n, int p0, int kc, int[] runs) {
            int t0 = j / cg, t1 = (Math.min(width, j + VectorKernels.NR) - 1) / cg, count = 0;
            for (int pos = p0 / n, end = (p0 + kc - 1) / n; pos <= end; pos++) {
                boolean used = false;
                for (int t = t0; t <= t1 && !used; t++) used = inside[pos * taps + t];
                if (!used) continue;
                count = addRun(runs, count, Math.max(p0, pos * n) - p0, Math.min(p0 + kc, (pos + 1) * n) - p0);
            }
            return count;
        }
    }

    // ---- forward ----

    void forward(ConvGeometry g, float[] x, float[] w, float[] out) {
        Frame f = new Frame(g);
        int n = g.n(), cg = g.cPerGroup(), kg = g.kPerGroup(), taps = f.taps, s = f.positions, cols = s * n, depth = taps * cg;
        Scratch scratch = SCRATCH.get();
        int pixelStride = pixelStride(f, n, g.c());
        float[] xs = scratch.image = grow(scratch.image, (long) f.plane * pixelStride);
        toHwcn(g, f, x, xs);
        float[] wg = scratch.weights = grow(scratch.weights, (long) kg * depth);
        float[] result = scratch.result = grow(scratch.result, (long) kg * cols);
        for (int gr = 0; gr < g.groups(); gr++) {
            int c0 = gr * cg, k0 = gr * kg;
            // W_g [kg, (tap, channel)]
            for (int k = 0; k < kg; k++)
                for (int c = 0; c < cg; c++)
                    for (int t = 0; t < taps; t++) wg[k * depth + t * cg + c] = w[((k0 + k) * cg + c) * taps + t];
            gemm.packedGemm(kg, cols, depth,
                    (i0, p0, kc, dst, off) -> GemmPacking.packA(false, wg, 0, depth, kg, i0, p0, kc, VectorKernels.MR, dst, off), null,
                    (j0, p0, kc, dst, off) -> packImages(f, xs, pixelStride, n, cg, c0, cols, j0, p0, kc, dst, off), null,
                    0f, VectorKernels.Output.matrix(result, 0, cols), (j, p0, kc, runs) -> f.runs(j, n, cols, cg, p0, kc, runs));
            // result [kg, S, N] -> out [N, K, S]: along images inside, so the reads are contiguous and the writes
            // fall in n lines that the next position reuses.
            threads.parallelFor(kg, k -> {
                int o = (k0 + k) * s, stride = g.k() * s;
                for (int i0 = 0; i0 < n; i0 += BLOCK) {
                    int i1 = Math.min(n, i0 + BLOCK);
                    for (int pos = 0; pos < s; pos++) {
                        int r = k * cols + pos * n;
                        for (int img = i0; img < i1; img++) out[o + img * stride + pos] = result[r + img];
                    }
                }
            });
        }
    }

    /**
     * A B panel of col [taps * cg, S * N] (rows (tap, channel), columns (position, image)) for the channels from
     * c0, read from x in HWCN: rows [p0, p0 + kc), columns [j0, j0 + NR) into {@code dst[off + pp * NR + jj]}.
     * The rows of one tap are consecutive channels of one pixel: a contiguous block of memory.
     */
    private static void packImages(Frame f, float[] xs, int pixelStride, int n, int cg, int c0, int cols,
                                   int j0, int p0, int kc, float[] dst, int off) {
        int nr = VectorKernels.NR, valid = Math.min(nr, cols - j0), pos0 = j0 / n, img0 = j0 - pos0 * n;
        if (valid == nr && img0 + nr <= n) {
            // A full panel within one output position (the usual case): by taps, the tap's offset found once.
            for (int pp = 0, t = p0 / cg, c = p0 - t * cg, run; pp < kc; pp += run, t++, c = 0) {
                run = Math.min(kc - pp, cg - c);
                int at = pos0 * f.taps + t;
                // A tap in the padding here is a depth run the micro-kernel skips (Frame.runs): not packed.
                if (!f.inside[at]) continue;
                for (int q = 0, src = f.pixel[at] * pixelStride + (c0 + c) * n + img0, d = off + pp * nr; q < run; q++, src += n, d += nr)
                    VectorKernels.copy(xs, src, dst, d, nr);
            }
            return;
        }
        for (int pp = 0; pp < kc; pp++) {
            int p = p0 + pp, t = p / cg, c = p - t * cg, d = off + pp * nr, base = (c0 + c) * n;
            // Runs of columns within one output position.
            for (int q = 0, pos = pos0, img = img0, len; q < valid; q += len, pos++, img = 0) {
                len = Math.min(valid - q, n - img);
                VectorKernels.copy(xs, f.pixel[pos * f.taps + t] * pixelStride + base + img, dst, d + q, len);
            }
            if (valid < nr) Arrays.fill(dst, d + valid, d + nr, 0f);
        }
    }

    // ---- input gradient ----

    void inputGrad(ConvGeometry g, float[] gy, float[] w, float[] dx) {
        Frame f = new Frame(g);
        int n = g.n(), cg = g.cPerGroup(), kg = g.kPerGroup(), taps = f.taps, s = f.positions, cols = s * n, depth = taps * cg;
        Scratch scratch = SCRATCH.get();
        int pixelStride = pixelStride(f, n, g.c());
        float[] dxs = scratch.image = grow(scratch.image, (long) f.plane * pixelStride);
        threads.parallelFor(f.hp, y -> Arrays.fill(dxs, y * f.wp * pixelStride, (y + 1) * f.wp * pixelStride, 0f));
        float[] rows = scratch.rows = grow(scratch.rows, (long) g.k() * cols);
        toRows(g, gy, rows);
        float[] wt = scratch.weights = grow(scratch.weights, (long) depth * kg);
        int chunk = Math.max(1, Math.min(s, COL_CHUNK / (depth * n)));
        float[] col = scratch.col = grow(scratch.col, (long) depth * chunk * n);
        for (int gr = 0; gr < g.groups(); gr++) {
            int c0 = gr * cg, k0 = gr * kg, gyOff = k0 * cols;
            // W_g^T [(tap, channel), kg], read in place as A. (Reading W_g [kg, (tap, channel)] as a transposed A
            // instead measured 0.4-1.3 ms slower here: each depth step then lands in a new cache line.)
            for (int k = 0; k < kg; k++)
                for (int c = 0; c < cg; c++)
                    for (int t = 0; t < taps; t++) wt[(t * cg + c) * kg + k] = w[((k0 + k) * cg + c) * taps + t];
            for (int first = 0; first < s; first += chunk) {
                int np = Math.min(chunk, s - first), ccols = np * n, bOff = gyOff + first * n, pos0 = first;
                VectorKernels.Direct gyInPlace = new VectorKernels.Direct(rows, bOff, cols, 1);
                // Rows by runs of taps that are inside the image at some position of the chunk: the rest of col
                // would be added to the padding, so it is neither computed nor read.
                for (int t0 = 0, t1; t0 < taps; t0 = t1) {
                    if (!f.insideAny(t0, first, np)) {
                        t1 = t0 + 1;
                        continue;
                    }
                    t1 = t0 + 1;
                    while (t1 < taps && f.insideAny(t1, first, np)) t1++;
                    int row0 = t0 * cg, m = (t1 - t0) * cg;
                    gemm.packedGemm(m, ccols, kg,
                            (i0, p0, kc, dst, off) -> GemmPacking.packA(false, wt, row0 * kg, kg, m, i0, p0, kc, VectorKernels.MR, dst, off),
                            new VectorKernels.Direct(wt, row0 * kg, kg, 1),
                            (j0, p0, kc, dst, off) -> GemmPacking.packB(false, rows, bOff, cols, ccols, j0, p0, kc, VectorKernels.NR, dst, off),
                            gyInPlace, 0f, VectorKernels.Output.matrix(col, row0 * ccols, ccols), null);
                }
                // col2im by channel: each item adds into its own channel, and each pixel's sum runs in a fixed
                // order (chunk, tap, position).
                threads.parallelFor(cg, c -> {
                    int base = (c0 + c) * n;
                    for (int t = 0; t < taps; t++)
                        for (int pos = pos0; pos < pos0 + np; pos++) {
                            int i = pos * taps + t;
                            if (f.inside[i]) VectorKernels.addInto(col, (t * cg + c) * ccols + (pos - pos0) * n, dxs, f.pixel[i] * pixelStride + base, n);
                        }
                });
            }
        }
        fromHwcn(g, f, dxs, dx);
    }

    // ---- weight gradient ----

    void weightGrad(ConvGeometry g, float[] x, float[] gy, float[] dw) {
        Frame f = new Frame(g);
        int n = g.n(), cg = g.cPerGroup(), kg = g.kPerGroup(), taps = f.taps, s = f.positions, cols = s * n, depth = taps * cg;
        Scratch scratch = SCRATCH.get();
        int pixelStride = pixelStride(f, n, g.c());
        float[] xh = scratch.image = grow(scratch.image, (long) f.plane * pixelStride);
        toHwnc(g, f, x, xh);
        float[] rows = scratch.rows = grow(scratch.rows, (long) g.k() * cols);
        toRows(g, gy, rows);
        float[] result = scratch.result = grow(scratch.result, (long) kg * depth);
        for (int gr = 0; gr < g.groups(); gr++) {
            int c0 = gr * cg, k0 = gr * kg, gyOff = k0 * cols;
            gemm.packedGemm(kg, depth, cols,
                    (i0, p0, kc, dst, off) -> GemmPacking.packA(false, rows, gyOff, cols, kg, i0, p0, kc, VectorKernels.MR, dst, off),
                    depth <= VectorKernels.DIRECT_A_MAX_N ? new VectorKernels.Direct(rows, gyOff, cols, 1) : null,
                    (j0, p0, kc, dst, off) -> packTaps(f, xh, n, pixelStride, cg, c0, depth, j0, p0, kc, dst, off), null,
                    0f, VectorKernels.Output.matrix(result, 0, depth), (j, p0, kc, runs) -> f.runsByPosition(j, cg, depth, n, p0, kc, runs));
            for (int k = 0; k < kg; k++)
                for (int c = 0; c < cg; c++)
                    for (int t = 0; t < taps; t++) dw[((k0 + k) * cg + c) * taps + t] = result[k * depth + t * cg + c];
        }
    }

    /**
     * A B panel of col^T [S * N, taps * cg] (rows (position, image), columns (tap, channel)) for the channels from
     * c0, read from x in HWNC: rows [p0, p0 + kc), columns [j0, j0 + NR) into {@code dst[off + pp * NR + jj]}.
     */
    private static void packTaps(Frame f, float[] xh, int n, int pixelStride, int cg, int c0, int depth,
                                 int j0, int p0, int kc, float[] dst, int off) {
        int nr = VectorKernels.NR, valid = Math.min(nr, depth - j0), t0 = j0 / cg, ch0 = j0 - t0 * cg, channels = pixelStride / n;
        if (valid == nr && ch0 + nr <= cg) {
            // A full panel within one tap (the usual case): by positions, the pixel found once per position.
            for (int pp = 0, pos = p0 / n, img = p0 - pos * n, run; pp < kc; pp += run, pos++, img = 0) {
                run = Math.min(kc - pp, n - img);
                int at = pos * f.taps + t0;
                // The tap in the padding at this position: a depth run the micro-kernel skips (Frame.runsByPosition).
                if (!f.inside[at]) continue;
                for (int q = 0, src = f.pixel[at] * pixelStride + img * channels + c0 + ch0, d = off + pp * nr; q < run; q++, src += channels, d += nr)
                    VectorKernels.copy(xh, src, dst, d, nr);
            }
            return;
        }
        int pos = p0 / n, img = p0 - pos * n;
        for (int pp = 0; pp < kc; pp++) {
            int d = off + pp * nr, base = img * channels + c0, at = pos * f.taps;
            // Runs of columns within one tap.
            for (int q = 0, t = t0, c = ch0, len; q < valid; q += len, t++, c = 0) {
                len = Math.min(valid - q, cg - c);
                VectorKernels.copy(xh, f.pixel[at + t] * pixelStride + base + c, dst, d + q, len);
            }
            if (valid < nr) Arrays.fill(dst, d + valid, d + nr, 0f);
            if (++img == n) {
                img = 0;
                pos++;
            }
        }
    }

    // ---- layouts ----
    // The transpositions but toHwnc run over a block of BLOCK images innermost, then over the pixels: the strided
    // side touches BLOCK cache lines that the next pixel reuses, the other side is contiguous. A block of 64 at the
    // strides here (multiples of 1 KB) lands in a few L1 sets and thrashed them.

    /** Images (or channels) per block of a transposition. */
    private static final int BLOCK = 16;

    /** Floats per padded pixel of HWCN or HWNC: channels x images. */
    private static int pixelStride(Frame f, int n, int channels) {
        long stride = (long) n * channels;
        if (stride * f.plane > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("convolution too large: " + n + " images of " + channels + " padded " + f.hp + "x" + f.wp + " planes");
        return (int) stride;
    }

    /** x [N, C, H, W] -> xs [hp, wp, C, N] (padded, zero border). */
    private void toHwcn(ConvGeometry g, Frame f, float[] x, float[] xs) {
        int n = g.n(), h = g.h(), w = g.w(), stride = n * g.c(), image = g.c() * h * w;
        threads.parallelFor(f.hp, y -> Arrays.fill(xs, y * f.wp * stride, (y + 1) * f.wp * stride, 0f));
        threads.parallelFor(g.c(), c -> {
            for (int i0 = 0; i0 < n; i0 += BLOCK) {
                int i1 = Math.min(n, i0 + BLOCK);
                for (int y = 0; y < h; y++)
                    for (int xx = 0; xx < w; xx++) {
                        int dst = ((y + f.top) * f.wp + xx + f.left) * stride + c * n, src = (c * h + y) * w + xx;
                        for (int img = i0; img < i1; img++) xs[dst + img] = x[src + img * image];
                    }
            }
        });
    }

    /** dxs [hp, wp, C, N] -> dx [N, C, H, W] (the border dropped). */
    private void fromHwcn(ConvGeometry g, Frame f, float[] dxs, float[] dx) {
        int n = g.n(), h = g.h(), w = g.w(), stride = n * g.c(), image = g.c() * h * w;
        threads.parallelFor(g.c(), c -> {
            for (int i0 = 0; i0 < n; i0 += BLOCK) {
                int i1 = Math.min(n, i0 + BLOCK);
                for (int y = 0; y < h; y++)
                    for (int xx = 0; xx < w; xx++) {
                        int src = ((y + f.top) * f.wp + xx + f.left) * stride + c * n, dst = (c * h + y) * w + xx;
                        for (int img = i0; img < i1; img++) dx[dst + img * image] = dxs[src + img];
                    }
            }
        });
    }

    /** x [N, C, H, W] -> xh [hp, wp, N, C] (padded, zero border). */
    private void toHwnc(ConvGeometry g, Frame f, float[] x, float[] xh) {
        int n = g.n(), h = g.h(), w = g.w(), channels = g.c(), stride = n * channels, plane = h * w;
        threads.parallelFor(f.hp, y -> Arrays.fill(xh, y * f.wp * stride, (y + 1) * f.wp * stride, 0f));
        // In the destination's order: each pixel's block is written in sequence, and the n x C source lines one pixel
        // reads (256 KB on the DCGAN's 64->128 layer) are the next pixel's, from L2. By blocks of channels per image
        // this measured 0.3 ms slower on that layer; the other transpositions measured no faster in this order.
        threads.parallelFor(h, y -> {
            for (int xx = 0; xx < w; xx++) {
                int dst = ((y + f.top) * f.wp + xx + f.left) * stride, src = y * w + xx;
                for (int img = 0; img < n; img++)
                    for (int c = 0; c < channels; c++) xh[dst + img * channels + c] = x[src + (img * channels + c) * plane];
            }
        });
    }

    /** gy [N, K, S] -> rows [K, S, N]. */
    private void toRows(ConvGeometry g, float[] gy, float[] rows) {
        int n = g.n(), s = g.oh() * g.ow(), cols = s * n, stride = g.k() * s;
        threads.parallelFor(g.k(), k -> {
            for (int i0 = 0; i0 < n; i0 += BLOCK) {
                int i1 = Math.min(n, i0 + BLOCK);
                for (int pos = 0; pos < s; pos++) {
                    int dst = k * cols + pos * n, src = k * s + pos;
                    for (int img = i0; img < i1; img++) rows[dst + img] = gy[src + img * stride];
                }
            }
        });
    }
}
