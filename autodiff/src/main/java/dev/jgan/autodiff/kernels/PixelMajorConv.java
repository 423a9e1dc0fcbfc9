package dev.jgan.autodiff.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Convolution of a minibatch of at least {@link VectorKernels#NR} images through pixel-major layouts, with the
 * images (or channels) innermost. In NCHW, each column of the im2col matrix (one image at one output position) is
 * gathered pixel by pixel; here the NR columns of a panel are NR images at one output position, contiguous in
 * memory, so the GEMM reads a panel in place or packs it by vector copies. The price is one transposition of
 * each operand and result, a single pass each, where the GEMM makes patch-many passes. On the DCGAN's 64->128
 * layer (batch 64, 14x14, JDK 17, 1 thread, JMH) forward + both gradients took 39.6 ms before this path and 31.2 ms
 * with it (that layer now takes {@link WinogradConv}).
 * <ul>
 * <li>forward: out [kg, S * N] = W [kg, taps * cg] @ col [taps * cg, S * N], x in HWCN (row, column, channel,
 * image). The depth runs by (tap, channel): a panel of NR images at one position is read in place tap by tap
 * (with {@link #IN_PLACE_CHANNELS} or more channels; packed otherwise), and a tap that falls in the padding there is
 * skipped (14% of the products of a 4x4 stride-2 layer on 14x14).
 * The result [kg, S, N] is transposed into NCHW.</li>
 * <li>input gradient: one such forward convolution of gy (in HWCN) per phase of the input pixels,
 * (py + sh a, px + sw b) for strides (sh, sw), with the sub-kernel of the taps that reach them; each result is
 * that phase's pixels of dx, so nothing is added up afterwards (no col2im). The GEMM has cg rows, so with fewer
 * than 12 channels per group part of each 6-row tile is idle (4-11 channels: about 10% slower than the column
 * matrix it replaced; 16 and more: 10-19% faster).</li>
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
    /**
     * Fewest channels per tap for reading panels in place: each tap is one run of that many rows, and the
     * micro-kernel loads and stores its tile of C once per run, where a packed panel joins adjacent taps into one
     * run. Measured (3x3 stride-1 layers, batch 64, 14x14, 1 thread, alternated in one JVM): 16 channels 7% slower
     * in place than packed, 32 level, 64 (the DCGAN's 64->128 layer) 0.3-0.6 ms faster of 9-10.
     */
    private static final int IN_PLACE_CHANNELS = 32;

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
        float[] image = new float[0], result = new float[0], rows = new float[0], weights = new float[0], weightsT = new float[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static float[] grow(float[] a, long size) {
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("convolution scratch of " + size + " floats is too large");
        return a.length >= size ? a : new float[(int) size];
    }

    /**
     * The padded frame of a source plane (the convolution's input, or for the input gradient its output gradient):
     * pixel (y, x) at (y + top) * wp + x + left of a padded plane, the border zeros; and for each output position
     * and tap, the padded pixel the tap reads there and whether it is inside the source.
     */
    private static final class Frame {
        final int top, left, hp, wp, plane, taps, positions;
        /** [positions, taps]: the padded pixel read. */
        final int[] pixel;
        /** [positions, taps]: false where the tap reads the padding. */
        final boolean[] inside;

        private Frame(int top, int left, int hp, int wp, int positions, int taps) {
            this.top = top;
            this.left = left;
            this.hp = hp;
            this.wp = wp;
            this.plane = hp * wp;
            this.taps = taps;
            this.positions = positions;
            pixel = new int[positions * taps];
            inside = new boolean[positions * taps];
        }

        /** The forward's: every tap of the kernel over x. */
        static Frame of(ConvGeometry g) {
            int top = Math.max(0, g.padH()), left = Math.max(0, g.padW());
            Frame f = new Frame(top, left,
                    top + Math.max(g.h(), (g.oh() - 1) * g.strideH() + (g.kh() - 1) * g.dilH() - g.padH() + 1),
                    left + Math.max(g.w(), (g.ow() - 1) * g.strideW() + (g.kw() - 1) * g.dilW() - g.padW() + 1),
                    g.oh() * g.ow(), g.kh() * g.kw());
            for (int oy = 0, i = 0; oy < g.oh(); oy++)
                for (int ox = 0; ox < g.ow(); ox++)
                    for (int ki = 0; ki < g.kh(); ki++)
                        for (int kj = 0; kj < g.kw(); kj++, i++)
                            f.set(i, oy * g.strideH() - g.padH() + ki * g.dilH(), ox * g.strideW() - g.padW() + kj * g.dilW(), g.h(), g.w());
            return f;
        }

        /** Entry i reads source pixel (y, x) of an h x w source. */
        void set(int i, int y, int x, int h, int w) {
            pixel[i] = (y + top) * wp + x + left;
            inside[i] = y >= 0 && y < h && x >= 0 && x < w;
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
        Frame f = Frame.of(g);
        int n = g.n(), cg = g.cPerGroup(), kg = g.kPerGroup(), taps = f.taps, s = f.positions, depth = taps * cg;
        Scratch scratch = SCRATCH.get();
        int pixelStride = pixelStride(f, n, g.c());
        float[] xs = scratch.image = grow(scratch.image, (long) f.plane * pixelStride);
        toHwcn(n, g.c(), g.h(), g.w(), f, x, xs);
        float[] wg = scratch.weights = grow(scratch.weights, (long) kg * depth);
        float[] result = scratch.result = grow(scratch.result, (long) kg * s * n);
        int[] at = new int[s];
        for (int pos = 0; pos < s; pos++) at[pos] = pos;
        for (int gr = 0; gr < g.groups(); gr++) {
            int c0 = gr * cg, k0 = gr * kg;
            // W_g [kg, (tap, channel)]
            for (int k = 0; k < kg; k++)
                for (int c = 0; c < cg; c++)
                    for (int t = 0; t < taps; t++) wg[k * depth + t * cg + c] = w[((k0 + k) * cg + c) * taps + t];
            convolve(f, xs, pixelStride, n, cg, c0, wg, kg, result);
            scatter(result, kg, s, n, at, out, k0 * s, g.k() * s, s);
        }
    }

    /**
     * result [rows, S * N] = weights [rows, taps * cs] @ col [taps * cs, S * N], col read through frame f from src
     * in HWCN, cs channels per tap from channel c0; the taps in the padding are skipped. With at least
     * {@link #IN_PLACE_CHANNELS} channels per tap a panel of NR images at one position is read in place, tap by tap
     * (rows n apart); the others (fewer channels, or a panel across positions or past the end) are packed.
     */
    private void convolve(Frame f, float[] src, int pixelStride, int n, int cs, int c0, float[] weights, int rows, float[] result) {
        int cols = f.positions * n, depth = f.taps * cs, nr = VectorKernels.NR;
        VectorKernels.InPlaceRuns images = new VectorKernels.InPlaceRuns() {
            @Override
            public boolean inPlace(int j) {
                return cs >= IN_PLACE_CHANNELS && j + nr <= cols && j % n + nr <= n;
            }

            @Override
            public float[] b() {
                return src;
            }

            @Override
            public int rowStride() {
                return n;
            }

            @Override
            public int find(int j, int p0, int kc, int[] runs) {
                return f.runs(j, n, cols, cs, p0, kc, runs);
            }

            @Override
            public int findInPlace(int j, int p0, int kc, int[] runs) {
                int pos = j / n, image = j - pos * n, count = 0;
                for (int t = p0 / cs, tEnd = (p0 + kc - 1) / cs; t <= tEnd; t++) {
                    int at = pos * f.taps + t;
                    if (!f.inside[at]) continue;
                    int start = Math.max(p0, t * cs);
                    runs[3 * count] = start - p0;
                    runs[3 * count + 1] = Math.min(p0 + kc, (t + 1) * cs) - p0;
                    runs[3 * count + 2] = f.pixel[at] * pixelStride + (c0 + start - t * cs) * n + image;
                    count++;
                }
                return count;
            }
        };
        gemm.packedGemm(rows, cols, depth,
                (i0, p0, kc, dst, off) -> GemmPacking.packA(false, weights, 0, depth, rows, i0, p0, kc, VectorKernels.MR, dst, off), null,
                (j0, p0, kc, dst, off) -> packImages(f, src, pixelStride, n, cs, c0, cols, j0, p0, kc, dst, off), null,
                0f, VectorKernels.Output.matrix(result, 0, cols), images);
    }

    /**
     * result [rows, S, N] into an NCHW tensor: row r, position pos, image img to
     * {@code out[off + img * imageStride + r * plane + at[pos]]}. Along images inside, so the reads are contiguous
     * and the writes fall in n lines that the next position reuses.
     */
    private void scatter(float[] result, int rows, int positions, int n, int[] at, float[] out, int off, int imageStride, int plane) {
        int cols = positions * n;
        threads.parallelFor(rows, r -> {
            int o = off + r * plane;
            for (int i0 = 0; i0 < n; i0 += BLOCK) {
                int i1 = Math.min(n, i0 + BLOCK);
                for (int pos = 0; pos < positions; pos++) {
                    int src = r * cols + pos * n, dst = o + at[pos];
                    for (int img = i0; img < i1; img++) out[dst + img * imageStride] = result[src + img];
                }
            }
        });
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
            // A full panel within one output position: by taps, the tap's offset found once.
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

    /**
     * dx = conv^T(gy, w) as stride_h x stride_w forward convolutions of gy, one per phase (py, px): the input pixels
     * (py + sh a, px + sw b). Kernel row ki reaches phase row py only when py + padH - ki dilH is a multiple of sh,
     * and then from gy row a + (py + padH - ki dilH) / sh: a stride-1 convolution of gy with the sub-kernel of
     * those taps, whose result is the phase's pixels of dx. It replaced W^T @ gy into a column matrix that was then
     * added back (col2im) into a pixel-major dx: on the DCGAN's 64->128 layer (JDK 17, 1 thread, both builds
     * alternated in one JVM) 0.6-0.95 ms less of about 10, and reading the panels in place 0.75-1.1 ms more.
     */
    void inputGrad(ConvGeometry g, float[] gy, float[] w, float[] dx) {
        int n = g.n(), cg = g.cPerGroup(), kg = g.kPerGroup(), sh = g.strideH(), sw = g.strideW(), khw = g.kh() * g.kw();
        int[][] kiOf = new int[sh][], dyOf = new int[sh][], kjOf = new int[sw][], dxOf = new int[sw][];
        phaseTaps(sh, g.padH(), g.kh(), g.dilH(), kiOf, dyOf);
        phaseTaps(sw, g.padW(), g.kw(), g.dilW(), kjOf, dxOf);
        // One padded frame of gy for every phase: a border as wide as the furthest tap reads.
        int top = border(sh, g.h(), dyOf, true), left = border(sw, g.w(), dxOf, true);
        int hp = top + Math.max(g.oh(), border(sh, g.h(), dyOf, false)), wp = left + Math.max(g.ow(), border(sw, g.w(), dxOf, false));
        Frame plane = new Frame(top, left, hp, wp, 0, 0);
        Scratch scratch = SCRATCH.get();
        int pixelStride = pixelStride(plane, n, g.k());
        float[] gys = scratch.image = grow(scratch.image, (long) plane.plane * pixelStride);
        toHwcn(n, g.k(), g.oh(), g.ow(), plane, gy, gys);
        List<Phase> phases = new ArrayList<>();
        for (int py = 0; py < sh; py++)
            for (int px = 0; px < sw; px++) {
                int rows = (g.h() - py + sh - 1) / sh, cols = (g.w() - px + sw - 1) / sw, ty = kiOf[py].length, tx = kjOf[px].length, taps = ty * tx;
                if (rows <= 0 || cols <= 0) continue;
                int[] at = new int[rows * cols];
                for (int a = 0; a < rows; a++)
                    for (int b = 0; b < cols; b++) at[a * cols + b] = (py + sh * a) * g.w() + px + sw * b;
                if (taps == 0) {
                    // No tap reaches these pixels: their gradient is zero.
                    threads.parallelFor(n * g.c(), q -> {
                        for (int pos : at) dx[q * g.h() * g.w() + pos] = 0f;
                    });
                    continue;
                }
                Frame f = new Frame(top, left, hp, wp, rows * cols, taps);
                for (int a = 0, i = 0; a < rows; a++)
                    for (int b = 0; b < cols; b++)
                        for (int u = 0; u < ty; u++)
                            for (int v = 0; v < tx; v++, i++) f.set(i, a + dyOf[py][u], b + dxOf[px][v], g.oh(), g.ow());
                int[] tap = new int[taps];
                for (int u = 0, t = 0; u < ty; u++)
                    for (int v = 0; v < tx; v++, t++) tap[t] = kiOf[py][u] * g.kw() + kjOf[px][v];
                phases.add(new Phase(f, at, tap));
            }
        float[] wt = scratch.weightsT = grow(scratch.weightsT, (long) cg * khw * kg);
        for (int gr = 0; gr < g.groups(); gr++) {
            int c0 = gr * cg, k0 = gr * kg;
            // W_g^T [cg, tap, kg], read along w; each phase's sub-kernel is then a copy of kg-long runs.
            for (int k = 0; k < kg; k++)
                for (int c = 0; c < cg; c++)
                    for (int t = 0; t < khw; t++) wt[(c * khw + t) * kg + k] = w[((k0 + k) * cg + c) * khw + t];
            for (Phase ph : phases) {
                int taps = ph.tap.length, depth = taps * kg, positions = ph.at.length;
                float[] wph = scratch.weights = grow(scratch.weights, (long) cg * depth);
                float[] result = scratch.result = grow(scratch.result, (long) cg * positions * n);
                for (int c = 0; c < cg; c++)
                    for (int t = 0; t < taps; t++) System.arraycopy(wt, (c * khw + ph.tap[t]) * kg, wph, c * depth + t * kg, kg);
                convolve(ph.frame, gys, pixelStride, n, kg, k0, wph, cg, result);
                scatter(result, cg, positions, n, ph.at, dx, c0 * g.h() * g.w(), g.c() * g.h() * g.w(), g.h() * g.w());
            }
        }
    }

    /** One phase of the input gradient: its frame over gy, its pixels' offsets in a plane of dx, its taps (ki kw + kj). */
    private record Phase(Frame frame, int[] at, int[] tap) {}

    /**
     * For each phase p in [0, stride) along one dimension: the kernel offsets q that reach its input pixels
     * p + stride a ({@code tapsOf[p]}), and for each the output row they read there, less a ({@code shiftOf[p]}).
     */
    private static void phaseTaps(int stride, int pad, int kernel, int dil, int[][] tapsOf, int[][] shiftOf) {
        for (int p = 0; p < stride; p++) {
            int count = 0;
            for (int q = 0; q < kernel; q++) if (Math.floorMod(p + pad - q * dil, stride) == 0) count++;
            tapsOf[p] = new int[count];
            shiftOf[p] = new int[count];
            for (int q = 0, i = 0; q < kernel; q++)
                if (Math.floorMod(p + pad - q * dil, stride) == 0) {
                    tapsOf[p][i] = q;
                    shiftOf[p][i++] = Math.floorDiv(p + pad - q * dil, stride);
                }
        }
    }

    /**
     * The border of gy the phases read along one dimension: before row 0 ({@code before}), or the end of the
     * rows read (last read + 1) otherwise.
     */
    private static int border(int stride, int size, int[][] shiftOf, boolean before) {
        int edge = 0;
        for (int p = 0; p < stride && p < size; p++) {
            int last = (size - p + stride - 1) / stride - 1;
            for (int d : shiftOf[p]) edge = before ? Math.max(edge, -d) : Math.max(edge, last + d + 1);
        }
        return edge;
    }

    // ---- weight gradient ----

    void weightGrad(ConvGeometry g, float[] x, float[] gy, float[] dw) {
        Frame f = Frame.of(g);
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
    private void toHwcn(int n, int channels, int h, int w, Frame f, float[] x, float[] xs) {
        int stride = n * channels, image = channels * h * w;
        threads.parallelFor(f.hp, y -> Arrays.fill(xs, y * f.wp * stride, (y + 1) * f.wp * stride, 0f));
        threads.parallelFor(channels, c -> {
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
