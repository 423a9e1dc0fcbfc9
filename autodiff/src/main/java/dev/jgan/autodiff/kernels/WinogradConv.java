package dev.jgan.autodiff.kernels;

import static dev.jgan.autodiff.kernels.VectorKernels.L;
import static dev.jgan.autodiff.kernels.VectorKernels.SPECIES;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Convolution by Winograd's minimal filtering F(4x4, 2x2) (Lavin and Gray, "Fast Algorithms for Convolutional
 * Neural Networks", 2016) for layers whose kernel is twice their stride in each direction (4x4 stride 2, as in
 * the DCGAN's 64->128 layer and its transposed twin; 2x2 stride 1), without dilation or groups.
 * <p>A stride-s convolution with a 2s x 2s kernel is a stride-1 convolution with a 2x2 kernel over the s * s
 * phases of the padded input (phase (bh, bw) holds padded pixels (s a + bh, s b + bw)): its channels are the
 * input's times the phases, and tap (a, a') of phase (bh, bw) is tap (s a + bh, s a' + bw) of the kernel. Each
 * 4x4 tile of the output is then a 5x5 tile of the phases, transformed (B^T d B, one per channel), multiplied by
 * the transformed kernel (G g G^T) and summed over channels, which for the 25 points of the transform is one
 * GEMM each, and transformed back (A^T m A): 25 products for 16 outputs where the direct sum takes 64. On 7x7
 * outputs (two tiles each way, one row and column computed and dropped) that is half the multiplications.
 * The two gradients are the same algorithm's adjoints: dx = B (V . A gy A^T) B^T, each tile's 5x5 added into the
 * phases (neighbours share a row or column); dw = G^T (U . A gy A^T) G summed over tiles and images, which the
 * GEMM's depth does.
 * <p>Interpolation points 0, 1, -1, 2 and infinity, with the rows of B^T scaled to integers (their fractions moved
 * into G, where they are applied once per weight). The rounding is that of a few more float operations per
 * product: in a float32 simulation of these transforms (numpy, tiles of 256 channels, unit-normal operands) the
 * error averaged 2e-6 and at most 8e-6 of the tile's largest output, where numpy's float32 sum of the same
 * products was off by 1e-7 on average and at most 3e-7. {@code -Djgan.winograd=off} turns this path off.
 * <p>The transforms run on vectors of channels. The transformed operands are laid out [row][point][column], a
 * tile's (or a channel's) 25 points side by side, so that a transform's 25 stores land within a few KB; each
 * point's GEMM reads its matrix with a leading dimension of 25 rows. Channels are padded to whole vectors there.
 * Images are taken in chunks whose transformed operands stay below {@link #CHUNK_FLOATS}; the weight gradient
 * adds the chunks' GEMMs in order, so, like every partition here, the chunks depend on the geometry only and
 * results are bitwise independent of the thread count.
 * <p>A NaN or infinity in a tile of the input (or of the output gradient) reaches every output of the tile (and of
 * the tiles sharing its edge), not only those whose taps read it: the transforms mix a tile's values.
 */
final class WinogradConv {
    /** Output tile edge, kernel edge (per phase) and input tile edge of F(4x4, 2x2); the 25 transform points. */
    private static final int M = 4, R = 2, A = M + R - 1, POINTS = A * A;
    /** Bound on one chunk's transformed operand by default, and on the transformed weights, in floats (64 MB). */
    static final long CHUNK_FLOATS = 16L << 20;
    private static final boolean ENABLED = KernelSettings.current().winograd();

    private final VectorKernels gemm;
    private final KernelThreads threads;
    private final long chunkFloats;

    WinogradConv(VectorKernels gemm, KernelThreads threads) {
        this(gemm, threads, CHUNK_FLOATS);
    }

    /** With a smaller chunk bound, for tests of the chunking. */
    WinogradConv(VectorKernels gemm, KernelThreads threads, long chunkFloats) {
        this.gemm = gemm;
        this.threads = threads;
        this.chunkFloats = chunkFloats;
    }

    /**
     * Whether this path fits and pays: kernel twice the stride, no dilation, one group; enough channels that the 25
     * GEMMs outweigh the transforms (2x2 sub-kernels over s*s phases give s*s*c input channels per GEMM); at least
     * 70% of the tiles' outputs inside the output (7x7 and 14x14: 77%; 3x3: 56%, where a 64->64 layer measured 10%
     * slower than the pixel-major path); and transformed weights (6.25 times the weights) below
     * {@link #CHUNK_FLOATS}.
     */
    static boolean suits(ConvGeometry g) {
        if (!ENABLED || g.groups() != 1 || g.dilH() != 1 || g.dilW() != 1 || g.kh() != R * g.strideH() || g.kw() != R * g.strideW())
            return false;
        long tiled = (long) M * M * ((g.oh() + M - 1) / M) * ((g.ow() + M - 1) / M);
        long phases = (long) g.strideH() * g.strideW(), transformedWeights = POINTS * phases * Plan.roundUp(g.c()) * Plan.roundUp(g.k());
        return phases * g.c() >= 64 && g.k() >= 32 && 10L * g.oh() * g.ow() >= 7 * tiled && transformedWeights <= CHUNK_FLOATS;
    }

    /** The sizes every pass derives from the geometry. */
    private static final class Plan {
        final ConvGeometry g;
        final int sh, sw, phases, cp, kp, width, tilesH, tilesW, tiles, zw, zPlane, yh, yw, images;
        /** For input row iy: the offset of its phase row in the phase planes, or -1 past the last tile. */
        final int[] rowAt;
        /** For column phase bw: the first phase column inside the input, how many are, and the input column of the first. */
        final int[] firstV, countV, firstX;
        /** Whether every input pixel lies in some tile (otherwise the input gradient has pixels no tile writes). */
        final boolean covered;
        /** Offsets of L consecutive channel planes of the input: i * h * w. */
        final int[] planeIndex = new int[L];
        /** For output position oy * ow + ox: its offset (oy * yw + ox) * kp in the staged output [yh][yw][kp]. */
        final int[] outAt;

        Plan(ConvGeometry g, long chunkFloats) {
            this.g = g;
            sh = g.strideH();
            sw = g.strideW();
            phases = sh * sw;
            cp = roundUp(g.c());
            kp = roundUp(g.k());
            width = phases * cp;
            tilesH = (g.oh() + M - 1) / M;
            tilesW = (g.ow() + M - 1) / M;
            tiles = tilesH * tilesW;
            int zh = M * tilesH + 1;
            zw = M * tilesW + 1;
            zPlane = zh * zw;
            yh = M * tilesH;
            yw = M * tilesW;
            long perImage = (long) POINTS * tiles * Math.max(width, kp);
            images = (int) Math.max(1, Math.min(g.n(), chunkFloats / perImage));
            rowAt = new int[g.h()];
            boolean all = true;
            for (int iy = 0; iy < g.h(); iy++) {
                int y = iy + g.padH(), u = y / sh, bh = y % sh;
                rowAt[iy] = u < zh ? (bh * sw * zPlane + u * zw) * cp : -1;
                all &= u < zh;
            }
            firstV = new int[sw];
            countV = new int[sw];
            firstX = new int[sw];
            int columns = 0;
            for (int bw = 0; bw < sw; bw++) {
                // input column ix = sw * v + bw - padW, for 0 <= ix < w and v < zw
                int v0 = Math.max(0, Math.floorDiv(g.padW() - bw + sw - 1, sw)), v1 = Math.min(zw, Math.floorDiv(g.w() - 1 + g.padW() - bw, sw) + 1);
                firstV[bw] = v0;
                countV[bw] = Math.max(0, v1 - v0);
                firstX[bw] = sw * v0 + bw - g.padW();
                columns += countV[bw];
            }
            covered = all && columns == g.w();
            for (int i = 0; i < L; i++) planeIndex[i] = i * g.h() * g.w();
            outAt = new int[g.oh() * g.ow()];
            for (int oy = 0, pos = 0; oy < g.oh(); oy++)
                for (int ox = 0; ox < g.ow(); ox++, pos++) outAt[pos] = (oy * yw + ox) * kp;
        }

        private static int roundUp(int c) {
            return (c + L - 1) / L * L;
        }
    }

    /** Buffers of the calling thread (the transformed operands) and of each worker (one image's staging). */
    private static final class Scratch {
        float[] u = new float[0], v = new float[0], m = new float[0];
        float[] planes = new float[0], tileOut = new float[0], weights = new float[0];
        /** A 5x5 tile of vectors between a transform's column pass and its row pass. */
        final float[] tmp = new float[POINTS * L];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static float[] grow(float[] a, long size) {
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("Winograd convolution scratch of " + size + " floats is too large");
        return a.length >= size ? a : new float[(int) size];
    }

    // ---- the three passes ----

    void forward(ConvGeometry g, float[] x, float[] w, float[] out) {
        Plan p = new Plan(g, chunkFloats);
        float[] v = transformedWeights(p);
        transformWeights(p, w, v);
        byChunks(p, (first, images, t, u, m) -> {
            threads.parallelFor(images, i -> transformInput(p, x, first + i, u, i * p.tiles));
            gemmPerPoint(false, t, p.kp, p.width, u, p.width, v, p.kp, 0f, m, p.kp);
            threads.parallelFor(images, i -> transformOutput(p, m, i * p.tiles, out, first + i));
        });
    }

    void inputGrad(ConvGeometry g, float[] gy, float[] w, float[] dx) {
        Plan p = new Plan(g, chunkFloats);
        float[] v = transformedWeights(p);
        transformWeightsByInput(p, w, v);
        byChunks(p, (first, images, t, d, m) -> {
            threads.parallelFor(images, i -> transformOutputGrad(p, gy, first + i, m, i * p.tiles));
            gemmPerPoint(false, t, p.width, p.kp, m, p.kp, v, p.width, 0f, d, p.width);
            threads.parallelFor(images, i -> transformInputGrad(p, d, i * p.tiles, dx, first + i));
        });
    }

    void weightGrad(ConvGeometry g, float[] x, float[] gy, float[] dw) {
        Plan p = new Plan(g, chunkFloats);
        float[] dv = transformedWeights(p);
        byChunks(p, (first, images, t, u, m) -> {
            threads.parallelFor(images, i -> {
                transformInput(p, x, first + i, u, i * p.tiles);
                transformOutputGrad(p, gy, first + i, m, i * p.tiles);
            });
            gemmPerPoint(true, p.width, p.kp, t, u, p.width, m, p.kp, first == 0 ? 0f : 1f, dv, p.kp);
        });
        transformWeightGrad(p, dv, dw);
    }

    /** The calling thread's buffer for the transformed weights (or their gradient). */
    private static float[] transformedWeights(Plan p) {
        Scratch s = SCRATCH.get();
        return s.v = grow(s.v, (long) POINTS * p.width * p.kp);
    }

    /**
     * One chunk of images: the first, how many, their tiles, and the calling thread's buffers for them, {@code wide}
     * with room for their transformed input (or its gradient), {@code narrow} for their transformed output (or its
     * gradient).
     */
    private interface Chunk {
        void run(int first, int images, int tiles, float[] wide, float[] narrow);
    }

    /** Runs {@code chunk} on each chunk of {@link Plan#images} images, in order. */
    private static void byChunks(Plan p, Chunk chunk) {
        Scratch s = SCRATCH.get();
        for (int first = 0; first < p.g.n(); first += p.images) {
            int images = Math.min(p.images, p.g.n() - first), t = images * p.tiles;
            s.u = grow(s.u, (long) POINTS * t * p.width);
            s.m = grow(s.m, (long) POINTS * t * p.kp);
            chunk.run(first, images, t, s.u, s.m);
        }
    }

    /**
     * The GEMM of each transform point xi: C[xi] = op(A[xi]) B[xi] (+ beta C[xi]), m x n by a depth of k, on operands
     * laid out [row][point][column] with rows of POINTS times the given lengths (op(A) = A^T when {@code transA}).
     */
    private void gemmPerPoint(boolean transA, int m, int n, int k, float[] a, int aRow, float[] b, int bRow, float beta, float[] c, int cRow) {
        for (int xi = 0; xi < POINTS; xi++)
            gemm.gemm(transA, false, m, n, k, a, xi * aRow, POINTS * aRow, b, xi * bRow, POINTS * bRow, beta, c, xi * cRow, POINTS * cRow);
    }

    // ---- transforms: one image, or the weights; vectors over channels ----

    /**
     * u[row0 + tile][xi][phase * cp + c] = (B^T d B)[xi] for every tile of image {@code img}, d the tile's 5x5 of
     * phase plane (phase, c). The image is first staged as phase planes [phase][u][v][cp], zero where padding.
     */
    private static void transformInput(Plan p, float[] x, int img, float[] u, int row0) {
        ConvGeometry g = p.g;
        Scratch s = SCRATCH.get();
        float[] z = s.planes = grow(s.planes, (long) p.phases * p.zPlane * p.cp), tmp = s.tmp;
        Arrays.fill(z, 0, p.phases * p.zPlane * p.cp, 0f);
        int hw = g.h() * g.w();
        int fullC = g.c() / L * L;
        for (int iy = 0; iy < g.h(); iy++)
            for (int bw = 0; bw < p.sw; bw++) {
                if (p.rowAt[iy] < 0) continue;
                int src = img * g.c() * hw + iy * g.w() + p.firstX[bw], dst = p.rowAt[iy] + (bw * p.zPlane + p.firstV[bw]) * p.cp;
                for (int v = 0; v < p.countV[bw]; v++, src += p.sw, dst += p.cp) {
                    int c = 0;
                    for (; c < fullC; c += L) FloatVector.fromArray(SPECIES, x, src + c * hw, p.planeIndex, 0).intoArray(z, dst + c);
                    for (; c < g.c(); c++) z[dst + c] = x[src + c * hw];
                }
            }
        int rowStride = p.zw * p.cp, pointStride = p.width;
        for (int ti = 0; ti < p.tilesH; ti++)
            for (int tj = 0; tj < p.tilesW; tj++) {
                int row = row0 + ti * p.tilesW + tj;
                for (int ph = 0; ph < p.phases; ph++)
                    for (int c0 = 0; c0 < p.cp; c0 += L) {
                        int base = (ph * p.zPlane + M * ti * p.zw + M * tj) * p.cp + c0;
                        for (int j = 0; j < A; j++) bt(z, base + j * p.cp, rowStride, tmp, j * L, A * L);
                        int dst = row * POINTS * p.width + ph * p.cp + c0;
                        for (int i = 0; i < A; i++) bt(tmp, i * A * L, L, u, dst + i * A * pointStride, pointStride);
                    }
            }
    }

    /** out[img][k][oy][ox] = A^T m A of each tile, m[row0 + tile][xi][k]; staged as [oy][ox][kp] and transposed. */
    private static void transformOutput(Plan p, float[] m, int row0, float[] out, int img) {
        ConvGeometry g = p.g;
        Scratch s = SCRATCH.get();
        float[] y = s.tileOut = grow(s.tileOut, (long) p.yh * p.yw * p.kp), tmp = s.tmp;
        int pointStride = p.kp;
        for (int ti = 0; ti < p.tilesH; ti++)
            for (int tj = 0; tj < p.tilesW; tj++) {
                int row = row0 + ti * p.tilesW + tj;
                for (int k0 = 0; k0 < p.kp; k0 += L) {
                    int src = row * POINTS * p.kp + k0;
                    for (int j = 0; j < A; j++) at(m, src + j * pointStride, A * pointStride, tmp, j * L, A * L);
                    int dst = (M * ti * p.yw + M * tj) * p.kp + k0;
                    for (int i = 0; i < M; i++) at(tmp, i * A * L, L, y, dst + i * p.yw * p.kp, p.kp);
                }
            }
        // Unstaged by blocks of BLOCK filters, each position's BLOCK values read as one run: 0.16 ms for the DCGAN's
        // 64->128 layer against 0.38 ms by rows of the output (batch 64, JDK 17 and 25, the unstaging alone, ad hoc).
        int s2 = g.oh() * g.ow(), base = img * g.k() * s2;
        for (int k0 = 0; k0 < g.k(); k0 += BLOCK) {
            int k1 = Math.min(g.k(), k0 + BLOCK);
            for (int pos = 0; pos < s2; pos++)
                for (int k = k0, src = p.outAt[pos]; k < k1; k++) out[base + k * s2 + pos] = y[src + k];
        }
    }

    /** m[row0 + tile][xi][k] = (A gy A^T)[xi] for every 4x4 tile of gy[img] (zero past the output's edge). */
    private static void transformOutputGrad(Plan p, float[] gy, int img, float[] m, int row0) {
        ConvGeometry g = p.g;
        Scratch s = SCRATCH.get();
        float[] y = s.tileOut = grow(s.tileOut, (long) p.yh * p.yw * p.kp), tmp = s.tmp;
        Arrays.fill(y, 0, p.yh * p.yw * p.kp, 0f);
        // Staged by blocks of BLOCK filters, as the forward unstages its output (this pass on the DCGAN's 64->128
        // layer: 0.86-0.96 ms, against 1.06-1.12 with vector gathers of L filters and about 1.0 by rows of gy).
        int s2 = g.oh() * g.ow(), base = img * g.k() * s2;
        for (int k0 = 0; k0 < g.k(); k0 += BLOCK) {
            int k1 = Math.min(g.k(), k0 + BLOCK);
            for (int pos = 0; pos < s2; pos++)
                for (int k = k0, dst = p.outAt[pos]; k < k1; k++) y[dst + k] = gy[base + k * s2 + pos];
        }
        int pointStride = p.kp;
        for (int ti = 0; ti < p.tilesH; ti++)
            for (int tj = 0; tj < p.tilesW; tj++) {
                int row = row0 + ti * p.tilesW + tj;
                for (int k0 = 0; k0 < p.kp; k0 += L) {
                    int src = (M * ti * p.yw + M * tj) * p.kp + k0;
                    for (int j = 0; j < M; j++) a(y, src + j * p.kp, p.yw * p.kp, tmp, j * L, M * L);
                    int dst = row * POINTS * p.kp + k0;
                    for (int i = 0; i < A; i++) a(tmp, i * M * L, L, m, dst + i * A * pointStride, pointStride);
                }
            }
    }

    /** dx[img] from d[row0 + tile][xi][phase * cp + c]: B d B^T of each tile added into the phase planes, then unstaged. */
    private static void transformInputGrad(Plan p, float[] d, int row0, float[] dx, int img) {
        ConvGeometry g = p.g;
        Scratch s = SCRATCH.get();
        float[] z = s.planes = grow(s.planes, (long) p.phases * p.zPlane * p.cp), tmp = s.tmp;
        Arrays.fill(z, 0, p.phases * p.zPlane * p.cp, 0f);
        int rowStride = p.zw * p.cp, pointStride = p.width;
        for (int ti = 0; ti < p.tilesH; ti++)
            for (int tj = 0; tj < p.tilesW; tj++) {
                int row = row0 + ti * p.tilesW + tj;
                for (int ph = 0; ph < p.phases; ph++)
                    for (int c0 = 0; c0 < p.cp; c0 += L) {
                        int src = row * POINTS * p.width + ph * p.cp + c0;
                        for (int j = 0; j < A; j++) b(d, src + j * pointStride, A * pointStride, tmp, j * L, A * L);
                        int dst = (ph * p.zPlane + M * ti * p.zw + M * tj) * p.cp + c0;
                        for (int i = 0; i < A; i++) bAdd(tmp, i * A * L, L, z, dst + i * rowStride, p.cp);
                    }
            }
        int hw = g.h() * g.w();
        if (!p.covered) Arrays.fill(dx, img * g.c() * hw, (img + 1) * g.c() * hw, 0f);
        for (int iy = 0; iy < g.h(); iy++)
            for (int bw = 0; bw < p.sw; bw++) {
                if (p.rowAt[iy] < 0) continue;
                int src = p.rowAt[iy] + (bw * p.zPlane + p.firstV[bw]) * p.cp, dst = img * g.c() * hw + iy * g.w() + p.firstX[bw];
                // NOTE: a scalar loop, not a vector scatter (intoArray with an index map): C2 compiles scatters only
                // with AVX-512; on AVX2 the Vector API's fallback boxed each vector, and the DCGAN iteration took
                // about 240 ms against 232 with this loop (JDK 17, 1 thread).
                for (int v = 0; v < p.countV[bw]; v++, src += p.cp, dst += p.sw)
                    for (int c = 0; c < g.c(); c++) dx[dst + c * hw] = z[src + c];
            }
    }

    /** The forward's: v[phase * cp + c][xi][k] = (G g G^T)[xi], g the 2x2 sub-kernel of the phase; w staged as [c][kh][kw][kp]. */
    private static void transformWeights(Plan p, float[] w, float[] v) {
        ConvGeometry g = p.g;
        int taps = g.kh() * g.kw();
        float[] ws = stagedWeights((long) g.c() * taps * p.kp);
        copy2d(w, 0, g.c() * taps, 1, ws, 0, 1, p.kp, g.k(), g.c() * taps);
        transformStagedWeights(p, ws, g.c(), p.cp, p.kp, p.cp, 0, p.kp, v);
    }

    /**
     * The input gradient's: v[k][xi][phase * cp + c] = (G g G^T)[xi], the transposition of {@link #transformWeights}
     * (whose layout the GEMM would read as B^T: packing that cost 1.2 ms of 5 on the DCGAN's 64->128 layer);
     * w staged as [k][kh][kw][cp].
     */
    private static void transformWeightsByInput(Plan p, float[] w, float[] v) {
        ConvGeometry g = p.g;
        int taps = g.kh() * g.kw();
        float[] ws = stagedWeights((long) g.k() * taps * p.cp);
        for (int k = 0; k < g.k(); k++) copy2d(w, k * g.c() * taps, taps, 1, ws, k * taps * p.cp, 1, p.cp, g.c(), taps);
        transformStagedWeights(p, ws, g.k(), p.kp, p.cp, 0, p.cp, p.width, v);
    }

    private static float[] stagedWeights(long size) {
        Scratch s = SCRATCH.get();
        return s.weights = grow(s.weights, size);
    }

    /**
     * G g G^T of the 2x2 sub-kernel of each phase, vectors over the inner dimension of ws, staged as
     * [outer][kh][kw][inner] (inner padded to whole vectors): outer index o of phase ph is row o + ph * rowPhase of v,
     * from column ph * colPhase, in rows of POINTS * rowLength. The rows of padding outer indices (up to
     * outerPadded) are zeros: the GEMM's depth runs over them, and 0 times a stale NaN is NaN.
     */
    private static void transformStagedWeights(Plan p, float[] ws, int outer, int outerPadded, int inner, int rowPhase, int colPhase, int rowLength, float[] v) {
        int kh = p.g.kh(), kw = p.g.kw();
        float[] tmp = SCRATCH.get().tmp;
        for (int o = 0; o < outerPadded; o++)
            for (int bh = 0; bh < p.sh; bh++)
                for (int bw = 0; bw < p.sw; bw++) {
                    int ph = bh * p.sw + bw, dst = (o + ph * rowPhase) * POINTS * rowLength + ph * colPhase;
                    if (o >= outer) {
                        for (int xi = 0; xi < POINTS; xi++) Arrays.fill(v, dst + xi * rowLength, dst + xi * rowLength + inner, 0f);
                        continue;
                    }
                    for (int i0 = 0; i0 < inner; i0 += L) {
                        // taps (sh a + bh, sw a' + bw): a steps kh by sh, a' steps kw by sw.
                        int src = ((o * kh + bh) * kw + bw) * inner + i0;
                        for (int j = 0; j < R; j++) gTransform(ws, src + j * p.sw * inner, p.sh * kw * inner, tmp, j * L, R * L);
                        for (int i = 0; i < A; i++) gTransform(tmp, i * R * L, L, v, dst + i0 + i * A * rowLength, rowLength);
                    }
                }
    }

    /** dw[k][c][kh][kw] = G^T dv G of each row of dv[phase * cp + c][xi][k]; staged as [c][kh][kw][kp] and transposed. */
    private static void transformWeightGrad(Plan p, float[] dv, float[] dw) {
        ConvGeometry g = p.g;
        int kh = g.kh(), kw = g.kw(), taps = kh * kw;
        float[] ws = stagedWeights((long) g.c() * taps * p.kp), tmp = SCRATCH.get().tmp;
        int pointStride = p.kp;
        for (int c = 0; c < g.c(); c++)
            for (int bh = 0; bh < p.sh; bh++)
                for (int bw = 0; bw < p.sw; bw++) {
                    int row = (bh * p.sw + bw) * p.cp + c;
                    for (int k0 = 0; k0 < p.kp; k0 += L) {
                        int src = row * POINTS * p.kp + k0;
                        for (int j = 0; j < A; j++) gtTransform(dv, src + j * pointStride, A * pointStride, tmp, j * L, A * L);
                        int dst = ((c * kh + bh) * kw + bw) * p.kp + k0;
                        for (int i = 0; i < R; i++) gtTransform(tmp, i * A * L, L, ws, dst + i * p.sh * kw * p.kp, p.sw * p.kp);
                    }
                }
        copy2d(ws, 0, 1, p.kp, dw, 0, g.c() * taps, 1, g.k(), g.c() * taps);
    }

    /** Rows a scalar transposition moves at a time. */
    private static final int BLOCK = 8;

    /**
     * dst[d + i * di + j * dj] = src[s + i * si + j * sj] for i < rows, j < cols: a transposition, with i the
     * dimension that steps by 1 on one side. By blocks of BLOCK rows swept along j: one side reads or writes runs
     * of BLOCK, the other BLOCK streams along j.
     */
    private static void copy2d(float[] src, int s, int si, int sj, float[] dst, int d, int di, int dj, int rows, int cols) {
        for (int i0 = 0; i0 < rows; i0 += BLOCK) {
            int i1 = Math.min(rows, i0 + BLOCK);
            for (int j = 0; j < cols; j++)
                for (int i = i0, si2 = s + i0 * si + j * sj, di2 = d + i0 * di + j * dj; i < i1; i++, si2 += si, di2 += di) dst[di2] = src[si2];
        }
    }

    // ---- the 1-D transforms, on vectors: inputs at src + i * ss, outputs at dst + i * ds ----
    // NOTE: each loads, combines and stores its vectors itself; a vector passed to a method that is not inlined
    // gets boxed.

    /** B^T (rows scaled to integers): 5 -> 5. */
    private static void bt(float[] src, int s0, int ss, float[] dst, int d0, int ds) {
        FloatVector d0v = FloatVector.fromArray(SPECIES, src, s0), d1 = FloatVector.fromArray(SPECIES, src, s0 + ss);
        FloatVector d2 = FloatVector.fromArray(SPECIES, src, s0 + 2 * ss), d3 = FloatVector.fromArray(SPECIES, src, s0 + 3 * ss);
        FloatVector d4 = FloatVector.fromArray(SPECIES, src, s0 + 4 * ss);
        FloatVector d1x2 = d1.add(d1);
        d0v.add(d0v).sub(d1).sub(d2.add(d2)).add(d3).intoArray(dst, d0);
        d1x2.add(d2).sub(d3).intoArray(dst, d0 + ds);
        d2.mul(3f).sub(d1x2).sub(d3).intoArray(dst, d0 + 2 * ds);
        d3.sub(d1).intoArray(dst, d0 + 3 * ds);
        d1x2.sub(d2).sub(d3.add(d3)).add(d4).intoArray(dst, d0 + 4 * ds);
    }

    /** B = (B^T)^T: 5 -> 5. */
    private static void b(float[] src, int s0, int ss, float[] dst, int d0, int ds) {
        FloatVector e0 = FloatVector.fromArray(SPECIES, src, s0), e1 = FloatVector.fromArray(SPECIES, src, s0 + ss);
        FloatVector e2 = FloatVector.fromArray(SPECIES, src, s0 + 2 * ss), e3 = FloatVector.fromArray(SPECIES, src, s0 + 3 * ss);
        FloatVector e4 = FloatVector.fromArray(SPECIES, src, s0 + 4 * ss);
        FloatVector e4x2 = e4.add(e4);
        e0.add(e0).intoArray(dst, d0);
        e1.sub(e2).mul(2f).sub(e0).sub(e3).add(e4x2).intoArray(dst, d0 + ds);
        e2.mul(3f).add(e1).sub(e0.add(e0)).sub(e4).intoArray(dst, d0 + 2 * ds);
        e0.sub(e1).sub(e2).add(e3).sub(e4x2).intoArray(dst, d0 + 3 * ds);
        e4.intoArray(dst, d0 + 4 * ds);
    }

    /** B, added into dst. */
    private static void bAdd(float[] src, int s0, int ss, float[] dst, int d0, int ds) {
        FloatVector e0 = FloatVector.fromArray(SPECIES, src, s0), e1 = FloatVector.fromArray(SPECIES, src, s0 + ss);
        FloatVector e2 = FloatVector.fromArray(SPECIES, src, s0 + 2 * ss), e3 = FloatVector.fromArray(SPECIES, src, s0 + 3 * ss);
        FloatVector e4 = FloatVector.fromArray(SPECIES, src, s0 + 4 * ss);
        FloatVector e4x2 = e4.add(e4);
        e0.add(e0).add(FloatVector.fromArray(SPECIES, dst, d0)).intoArray(dst, d0);
        e1.sub(e2).mul(2f).sub(e0).sub(e3).add(e4x2).add(FloatVector.fromArray(SPECIES, dst, d0 + ds)).intoArray(dst, d0 + ds);
        e2.mul(3f).add(e1).sub(e0.add(e0)).sub(e4).add(FloatVector.fromArray(SPECIES, dst, d0 + 2 * ds)).intoArray(dst, d0 + 2 * ds);
        e0.sub(e1).sub(e2).add(e3).sub(e4x2).add(FloatVector.fromArray(SPECIES, dst, d0 + 3 * ds)).intoArray(dst, d0 + 3 * ds);
        e4.add(FloatVector.fromArray(SPECIES, dst, d0 + 4 * ds)).intoArray(dst, d0 + 4 * ds);
    }

    /** G (with B^T's fractions): 2 -> 5. */
    private static void gTransform(float[] src, int s0, int ss, float[] dst, int d0, int ds) {
        FloatVector g0 = FloatVector.fromArray(SPECIES, src, s0), g1 = FloatVector.fromArray(SPECIES, src, s0 + ss);
        g0.mul(0.5f).intoArray(dst, d0);
        g0.add(g1).mul(0.5f).intoArray(dst, d0 + ds);
        g0.sub(g1).mul(1f / 6).intoArray(dst, d0 + 2 * ds);
        g0.add(g1.add(g1)).mul(1f / 6).intoArray(dst, d0 + 3 * ds);
        g1.intoArray(dst, d0 + 4 * ds);
    }

    /** G^T: 5 -> 2. */
    private static void gtTransform(float[] src, int s0, int ss, float[] dst, int d0, int ds) {
        FloatVector v0 = FloatVector.fromArray(SPECIES, src, s0), v1 = FloatVector.fromArray(SPECIES, src, s0 + ss);
        FloatVector v2 = FloatVector.fromArray(SPECIES, src, s0 + 2 * ss), v3 = FloatVector.fromArray(SPECIES, src, s0 + 3 * ss);
        FloatVector v4 = FloatVector.fromArray(SPECIES, src, s0 + 4 * ss);
        v0.add(v1).mul(0.5f).add(v2.add(v3).mul(1f / 6)).intoArray(dst, d0);
        v1.mul(0.5f).add(v3.add(v3).sub(v2).mul(1f / 6)).add(v4).intoArray(dst, d0 + ds);
    }

    /** A^T: 5 -> 4. */
    private static void at(float[] src, int s0, int ss, float[] dst, int d0, int ds) {
        FloatVector m0 = FloatVector.fromArray(SPECIES, src, s0), m1 = FloatVector.fromArray(SPECIES, src, s0 + ss);
        FloatVector m2 = FloatVector.fromArray(SPECIES, src, s0 + 2 * ss), m3 = FloatVector.fromArray(SPECIES, src, s0 + 3 * ss);
        FloatVector m4 = FloatVector.fromArray(SPECIES, src, s0 + 4 * ss);
        FloatVector sum = m1.add(m2), diff = m1.sub(m2);
        sum.add(m0).add(m3).intoArray(dst, d0);
        diff.add(m3.add(m3)).intoArray(dst, d0 + ds);
        sum.add(m3.mul(4f)).intoArray(dst, d0 + 2 * ds);
        diff.add(m3.mul(8f)).add(m4).intoArray(dst, d0 + 3 * ds);
    }

    /** A = (A^T)^T: 4 -> 5. */
    private static void a(float[] src, int s0, int ss, float[] dst, int d0, int ds) {
        FloatVector y0 = FloatVector.fromArray(SPECIES, src, s0), y1 = FloatVector.fromArray(SPECIES, src, s0 + ss);
        FloatVector y2 = FloatVector.fromArray(SPECIES, src, s0 + 2 * ss), y3 = FloatVector.fromArray(SPECIES, src, s0 + 3 * ss);
        FloatVector even = y0.add(y2), odd = y1.add(y3);
        y0.intoArray(dst, d0);
        even.add(odd).intoArray(dst, d0 + ds);
        even.sub(odd).intoArray(dst, d0 + 2 * ds);
        y0.add(y1.add(y1)).add(y2.mul(4f)).add(y3.mul(8f)).intoArray(dst, d0 + 3 * ds);
        y3.intoArray(dst, d0 + 4 * ds);
    }
}
