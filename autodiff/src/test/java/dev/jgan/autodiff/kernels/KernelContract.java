package dev.jgan.autodiff.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Kernels} implementation must compute, checked against naive loops in double precision
 * written here. Tolerances grow with the reduction length: an error bound of a float sum of k products is
 * about {@code k * eps * sum |a_i b_i|}, and that is what is allowed (times a small factor).
 * Subclasses supply the implementation under test.
 */
abstract class KernelContract {
    /** m, n, k and lengths that hit every edge: below, at and above vector widths and register tiles. */
    static final int[] SIZES = {1, 3, 7, 8, 17, 64, 65, 257};
    static final double EPS = Math.ulp(1f);

    abstract Kernels kernels();

    static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    static void assertClose(String what, double expected, double absSum, int length, float actual) {
        double tol = 4 * (length + 2) * EPS * absSum + 1e-30;
        if (!(Math.abs(actual - expected) <= tol))
            fail(what + ": expected " + expected + " got " + actual + " (tolerance " + tol + ")");
    }

    // ---- GEMM ----

    @Test
    void gemmMatchesNaiveLoopsOverAwkwardSizes() {
        SplittableRandom r = new SplittableRandom(1);
        Kernels k = kernels();
        int checked = 0;
        for (int m : SIZES) for (int n : SIZES) for (int kk : SIZES) {
            // Each shape with one of the four transpose combinations and both betas, in rotation, plus padded strides.
            int variant = (m * 31 + n * 7 + kk) & 7;
            boolean ta = (variant & 1) != 0, tb = (variant & 2) != 0;
            float beta = (variant & 4) != 0 ? 1f : 0f;
            checkGemm(k, r, ta, tb, m, n, kk, beta, 1 + (variant & 1));
            checked++;
        }
        assertEquals(SIZES.length * SIZES.length * SIZES.length, checked);
    }

    @Test
    void gemmAllTransposesAndBetasOnMidSizes() {
        SplittableRandom r = new SplittableRandom(2);
        for (boolean ta : new boolean[] {false, true})
            for (boolean tb : new boolean[] {false, true})
                for (float beta : new float[] {0f, 1f})
                    for (int[] s : new int[][] {{65, 257, 17}, {257, 65, 64}, {100, 96, 300}, {6, 32, 513}, {13, 200, 1}, {300, 2, 129}, {129, 1, 300}, {3, 5, 70}})
                        checkGemm(kernels(), r, ta, tb, s[0], s[1], s[2], beta, 3);
    }

    @Test
    void gemmWithZeroDepthClearsOrKeepsC() {
        float[] c = {5f, 6f};
        kernels().gemm(false, false, 1, 2, 0, new float[0], 0, 1, new float[0], 0, 2, 1f, c, 0, 2);
        assertThat(c).containsExactly(5f, 6f);
        kernels().gemm(false, false, 1, 2, 0, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
        assertThat(c).containsExactly(0f, 0f);
    }

    /** C = op(A) op(B) + beta C with leading dimensions padded by {@code pad} and non-zero offsets. */
    static void checkGemm(Kernels kern, SplittableRandom r, boolean ta, boolean tb, int m, int n, int k, float beta, int pad) {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad, off = 3;
        float[] a = random(r, off + aRows * lda), b = random(r, off + bRows * ldb), c = random(r, off + m * ldc);
        float[] c0 = c.clone();
        kern.gemm(ta, tb, m, n, k, a, off, lda, b, off, ldb, beta, c, off, ldc);
        String what = kern.name() + " gemm(" + ta + "," + tb + ") " + m + "x" + n + "x" + k + " beta " + beta;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[off + p * lda + i] : a[off + i * lda + p];
                    double bv = tb ? b[off + j * ldb + p] : b[off + p * ldb + j];
                    s += av * bv;
                    abs += Math.abs(av * bv);
                }
                double cij = c0[off + i * ldc + j];
                if (beta != 0f) {
                    s += cij;
                    abs += Math.abs(cij);
                }
                assertClose(what + " at " + i + "," + j, s, abs, k + 1, c[off + i * ldc + j]);
            }
            // Padding between rows is never written.
            for (int j = n; j < ldc && i < m - 1; j++) assertEquals(c0[off + i * ldc + j], c[off + i * ldc + j], what + " wrote padding");
        }
    }

    // ---- convolution ----

    /** Geometries with odd sizes, strides 1 to 3, padding 0 to 3, dilation and groups, batches of 1 to 40. */
    static List<ConvGeometry> convShapes() {
        List<ConvGeometry> list = new ArrayList<>();
        int[][] specs = {
                // n, c, h, w, k, kh, kw, sh, sw, ph, pw, dh, dw, groups
                {2, 1, 28, 28, 8, 4, 4, 2, 2, 1, 1, 1, 1, 1},
                {3, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1},
                {1, 4, 5, 5, 6, 3, 3, 2, 2, 0, 0, 1, 1, 2},
                {2, 6, 11, 8, 4, 3, 2, 1, 2, 2, 1, 2, 1, 2},
                {2, 2, 9, 9, 3, 1, 1, 1, 1, 0, 0, 1, 1, 1},
                {1, 3, 6, 7, 3, 5, 5, 1, 1, 2, 2, 1, 1, 3},
                {2, 5, 13, 10, 7, 3, 3, 2, 1, 1, 0, 2, 2, 1},
                {4, 16, 7, 7, 32, 4, 4, 2, 2, 1, 1, 1, 1, 1},
                {1, 2, 3, 3, 2, 3, 3, 1, 1, 2, 2, 1, 1, 1},
                // A one-channel 4x4 patch (16 wide: the vector kernels' narrow GEMM at 512 bits) with 20 filters.
                {3, 1, 12, 10, 20, 4, 4, 2, 2, 1, 1, 1, 1, 1},
                // Stride 3 with padding 1 and 2: input columns in each of the three phases, a phase no tap's first
                // column falls in.
                {2, 2, 10, 11, 3, 3, 4, 3, 3, 1, 2, 1, 1, 1},
                // Batches of at least NR images (32 at 512 bits, 16 at 256, 8 at 128) with 4+ channels per group
                // take the vector kernels' pixel-major path (PixelMajorConv): a batch that is not a multiple of the
                // panel width, groups, dilation, padding wider than the reach of the taps, a depth of several blocks
                // (32 channels x 9 taps), more than 4096 columns (32 images x 12 x 12), a 1x1 output.
                {33, 5, 9, 8, 6, 3, 3, 2, 1, 1, 1, 1, 1, 1},
                {34, 8, 7, 7, 8, 4, 4, 2, 2, 1, 1, 1, 1, 2},
                {32, 4, 9, 9, 4, 3, 3, 1, 1, 2, 2, 2, 2, 1},
                {40, 4, 5, 6, 5, 2, 3, 3, 2, 3, 0, 1, 1, 1},
                {32, 32, 6, 6, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1},
                {32, 8, 12, 12, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1},
                {33, 4, 4, 4, 4, 4, 4, 1, 1, 0, 0, 1, 1, 1},
                // 32+ channels per tap on both sides: panels read in place (forward, and the input gradient's
                // phases), next to packed ones across positions (33 images); in two groups.
                {33, 32, 7, 7, 32, 4, 4, 2, 2, 1, 1, 1, 1, 1},
                {32, 64, 5, 5, 64, 3, 3, 1, 1, 1, 1, 1, 1, 2},
                // Kernel twice the stride with 64+ channels per phase and 32+ filters: the vector kernels' Winograd
                // path (WinogradConv): 4x4 stride 2 with odd sizes (channels not a multiple of the vector, outputs
                // not a multiple of the 4x4 tile, rows never read), padding 0 and 2, a batch of 1; 2x2 stride 1;
                // 6x4 stride (3, 2).
                {3, 17, 9, 15, 33, 4, 4, 2, 2, 1, 1, 1, 1, 1},
                {1, 16, 11, 12, 32, 4, 4, 2, 2, 0, 2, 1, 1, 1},
                {2, 64, 6, 5, 40, 2, 2, 1, 1, 1, 0, 1, 1, 1},
                {2, 11, 13, 14, 36, 6, 4, 3, 2, 2, 1, 1, 1, 1},
                // Large batches with fewer channels stay on the NCHW path: three channels, one (the narrow weight
                // gradient with 20 filters), and a 1x1 output.
                {33, 3, 9, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1},
                {40, 1, 9, 9, 20, 4, 4, 2, 2, 1, 1, 1, 1, 1},
                {5, 2, 4, 4, 3, 4, 4, 1, 1, 0, 0, 1, 1, 1},
        };
        for (int[] s : specs) {
            int oh = (s[2] + 2 * s[9] - s[11] * (s[5] - 1) - 1) / s[7] + 1;
            int ow = (s[3] + 2 * s[10] - s[12] * (s[6] - 1) - 1) / s[8] + 1;
            list.add(new ConvGeometry(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13], oh, ow));
        }
        return list;
    }

    /** Calls {@code visit(n, k, oy, ox, c, iy, ix)} for every product term of the convolution (in-bounds only). */
    interface Term {
        void visit(int n, int k, int oy, int ox, int ci, int ki, int kj, int iy, int ix);
    }

    static void forEachTerm(ConvGeometry g, Term t) {
        int cg = g.cPerGroup(), kg = g.kPerGroup();
        for (int n = 0; n < g.n(); n++)
            for (int k = 0; k < g.k(); k++)
                for (int oy = 0; oy < g.oh(); oy++)
                    for (int ox = 0; ox < g.ow(); ox++)
                        for (int ci = 0; ci < cg; ci++)
                            for (int ki = 0; ki < g.kh(); ki++)
                                for (int kj = 0; kj < g.kw(); kj++) {
                                    int iy = oy * g.strideH() - g.padH() + ki * g.dilH(), ix = ox * g.strideW() - g.padW() + kj * g.dilW();
                                    if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) t.visit(n, k, oy, ox, (k / kg) * cg + ci, ki, kj, iy, ix);
                                }
    }

    /** One pass of a convolution implementation: (geometry, two operands, result), as {@link Kernels#conv2d}. */
    interface ConvPass {
        void run(ConvGeometry g, float[] a, float[] b, float[] out);
    }

    /** The three passes of a convolution implementation. */
    record ConvPasses(ConvPass forward, ConvPass inputGrad, ConvPass weightGrad) {
        static ConvPasses of(Kernels k) {
            return new ConvPasses(k::conv2d, k::conv2dInputGrad, k::conv2dWeightGrad);
        }
    }

    /** The forward pass and both gradients of {@code passes} on random operands against the direct sums in double. */
    static void assertMatchesDirectLoops(String what, ConvGeometry g, SplittableRandom r, ConvPasses passes) {
        int xs = g.n() * g.c() * g.h() * g.w(), ys = g.n() * g.k() * g.oh() * g.ow(), ws = g.k() * g.patch();
        float[] x = random(r, xs), w = random(r, ws), gy = random(r, ys);
        double[] y = new double[ys], yAbs = new double[ys], dx = new double[xs], dxAbs = new double[xs], dw = new double[ws], dwAbs = new double[ws];
        int[] dxTerms = new int[xs];
        forEachTerm(g, (n, k, oy, ox, c, ki, kj, iy, ix) -> {
            int xi = ((n * g.c() + c) * g.h() + iy) * g.w() + ix;
            int yi = ((n * g.k() + k) * g.oh() + oy) * g.ow() + ox;
            int wi = ((k * g.cPerGroup() + c % g.cPerGroup()) * g.kh() + ki) * g.kw() + kj;
            y[yi] += (double) x[xi] * w[wi];
            yAbs[yi] += Math.abs((double) x[xi] * w[wi]);
            dx[xi] += (double) gy[yi] * w[wi];
            dxAbs[xi] += Math.abs((double) gy[yi] * w[wi]);
            dxTerms[xi]++;
            dw[wi] += (double) gy[yi] * x[xi];
            dwAbs[wi] += Math.abs((double) gy[yi] * x[xi]);
        });
        float[] out = new float[ys], gx = new float[xs], gw = random(r, ws);
        java.util.Arrays.fill(gx, Float.NaN);   // must be overwritten, not accumulated into
        passes.forward().run(g, x, w, out);
        passes.inputGrad().run(g, gy, w, gx);
        passes.weightGrad().run(g, x, gy, gw);
        what += " " + g;
        for (int i = 0; i < ys; i++) assertClose(what + " conv2d[" + i + "]", y[i], yAbs[i], g.patch(), out[i]);
        for (int i = 0; i < xs; i++) assertClose(what + " inputGrad[" + i + "]", dx[i], dxAbs[i], Math.max(1, dxTerms[i]), gx[i]);
        int reduction = g.n() * g.oh() * g.ow();
        for (int i = 0; i < ws; i++) assertClose(what + " weightGrad[" + i + "]", dw[i], dwAbs[i], reduction, gw[i]);
    }

    @Test
    void convolutionFamilyMatchesDirectLoops() {
        SplittableRandom r = new SplittableRandom(3);
        Kernels kern = kernels();
        for (ConvGeometry g : convShapes()) assertMatchesDirectLoops(kern.name(), g, r, ConvPasses.of(kern));
    }

    // ---- Adam ----

    /**
     * The fused Adam step is bitwise the formula in Kernels#adamStep, each operation rounded on its own: written out
     * here in scalar float32, over lengths with full vectors and tails, the first and later steps, with and without
     * weight decay and AMSGrad, on gradients with zeros of both signs, tiny, huge and NaN values.
     */
    @Test
    void adamStepIsBitwiseTheFormula() {
        SplittableRandom r = new SplittableRandom(11);
        float[] special = {0f, -0f, 1e-30f, -3e-39f, 3e15f, Float.NaN, -2e-5f};
        int cases = 0;
        for (int n : new int[] {1, 7, 17, 65, 257}) {
            for (boolean amsgrad : new boolean[] {false, true}) {
                for (float wd : new float[] {0f, 0.01f}) {
                    float[] p = random(r, n), pRef = p.clone();
                    float[] m = new float[n], v = new float[n], vmax = amsgrad ? new float[n] : null;
                    float[] mRef = new float[n], vRef = new float[n], vmaxRef = new float[n];
                    for (int t = 1; t <= 3; t++) {
                        float[] g = random(r, n);
                        for (int i = t % 7; i < n; i += 7) g[i] = special[(i / 7 + t) % special.length];
                        float b1 = 0.5f, b2 = 0.999f, eps = 1e-8f, invBc2 = 1.37f, stepSize = 2e-3f;
                        kernels().adamStep(p, g, m, v, vmax, n, t == 1, b1, b2, eps, wd, invBc2, stepSize);
                        for (int i = 0; i < n; i++) {
                            float gw = wd != 0f ? g[i] + pRef[i] * wd : g[i];
                            float gm = gw * (1f - b1), gv = (gw * gw) * (1f - b2);
                            mRef[i] = t == 1 ? gm : mRef[i] * b1 + gm;
                            vRef[i] = t == 1 ? gv : vRef[i] * b2 + gv;
                            float u = vRef[i];
                            if (amsgrad) u = vmaxRef[i] = t == 1 ? u : Math.max(vmaxRef[i], u);
                            float root = u > 0f ? (float) Math.sqrt(u) : 0f;
                            pRef[i] = pRef[i] - (mRef[i] / (root * invBc2 + eps)) * stepSize;
                        }
                        String what = kernels().name() + " adamStep n=" + n + " amsgrad=" + amsgrad + " wd=" + wd + " t=" + t;
                        assertThat(p).as(what + " p").containsExactly(pRef);
                        assertThat(m).as(what + " m").containsExactly(mRef);
                        assertThat(v).as(what + " v").containsExactly(vRef);
                        if (amsgrad) assertThat(vmax).as(what + " vmax").containsExactly(vmaxRef);
                    }
                    cases++;
                }
            }
        }
        assertEquals(20, cases);
    }

    // ---- batch normalisation ----

    /** [n, c, hw]: runs of one value, below, at and above the vector widths and their multiples; one image, one channel. */
    static final int[][] BATCH_NORM_SHAPES = {{4, 3, 1}, {2, 5, 7}, {3, 2, 16}, {5, 3, 49}, {1, 4, 65}, {64, 2, 17}, {2, 1, 257}};

    /**
     * The statistics and the backward's sums against double-precision loops (x with a mean far from zero, so a one-pass
     * variance would fail); the two elementwise passes bitwise against their float formulas written out here.
     */
    @Test
    void batchNormKernelsMatchTheirFormulas() {
        SplittableRandom r = new SplittableRandom(21);
        Kernels k = kernels();
        for (int[] s : BATCH_NORM_SHAPES) {
            int n = s[0], c = s[1], hw = s[2], size = n * c * hw, count = n * hw;
            float[] x = random(r, size), gy = random(r, size);
            for (int i = 0; i < size; i++) x[i] = x[i] * 3f + 50f;
            float[] mean = new float[c], var = new float[c], sumGy = new float[c], sumGyXc = new float[c];
            float[] scale = random(r, c), shift = random(r, c), gyShift = random(r, c), xScale = random(r, c);
            float[] out = new float[size], dx = new float[size];
            k.batchNormStatistics(x, n, c, hw, mean, var);
            k.batchNormForward(x, n, c, hw, mean, scale, shift, out);
            k.batchNormBackwardSums(gy, x, n, c, hw, mean, sumGy, sumGyXc);
            k.batchNormInputGrad(gy, x, n, c, hw, mean, gyShift, scale, xScale, dx);
            String what = k.name() + " batchNorm [" + n + ", " + c + ", " + hw + "]";
            for (int ch = 0; ch < c; ch++) {
                double sum = 0, abs = 0, sq = 0, g = 0, gAbs = 0, gx = 0, gxAbs = 0;
                for (int img = 0; img < n; img++) {
                    for (int i = 0, at = (img * c + ch) * hw; i < hw; i++) {
                        sum += x[at + i];
                        abs += Math.abs(x[at + i]);
                        double d = (double) x[at + i] - mean[ch];   // about the kernel's own mean, to test the second pass alone
                        sq += d * d;
                        g += gy[at + i];
                        gAbs += Math.abs(gy[at + i]);
                        gx += gy[at + i] * d;
                        gxAbs += Math.abs(gy[at + i] * d);
                    }
                }
                assertClose(what + " mean of channel " + ch, sum / count, abs / count, count, mean[ch]);
                assertClose(what + " variance of channel " + ch, sq / count, sq / count, count, var[ch]);
                assertClose(what + " sum of gy, channel " + ch, g, gAbs, count, sumGy[ch]);
                assertClose(what + " sum of gy (x - mean), channel " + ch, gx, gxAbs, count, sumGyXc[ch]);
                for (int img = 0; img < n; img++) {
                    for (int i = 0, at = (img * c + ch) * hw; i < hw; i++) {
                        float y = (x[at + i] - mean[ch]) * scale[ch] + shift[ch];
                        float d = (gy[at + i] - gyShift[ch]) * scale[ch] - (x[at + i] - mean[ch]) * xScale[ch];
                        if (Float.floatToIntBits(out[at + i]) != Float.floatToIntBits(y) || Float.floatToIntBits(dx[at + i]) != Float.floatToIntBits(d))
                            fail(what + " at " + at + ": forward " + out[at + i] + " (formula " + y + "), input gradient " + dx[at + i] + " (formula " + d + ")");
                    }
                }
            }
        }
    }

    // ---- power iteration ----

    @Test
    void powerIterationOfDiagonalMatrixFindsLargestEntry() {
        // The spectral norm of a diagonal matrix is its largest absolute entry.
        int rows = 37, cols = 53;
        float[] w = new float[rows * cols];
        for (int i = 0; i < rows; i++) w[i * cols + i] = 0.5f + 0.01f * i;
        w[20 * cols + 20] = -3f;
        float[] u = new float[rows], v = new float[cols];
        java.util.Arrays.fill(u, 1f);
        float sigma = kernels().powerIteration(w, 0, rows, cols, u, v, 50, 1e-12f);
        assertEquals(3f, sigma, 1e-4f);
        assertEquals(1f, Math.abs(u[20]), 1e-3f);
        assertEquals(1f, Math.abs(v[20]), 1e-3f);
    }

    @Test
    void powerIterationStepMatchesDefinition() {
        SplittableRandom r = new SplittableRandom(4);
        for (int[] s : new int[][] {{1, 1}, {3, 7}, {17, 65}, {64, 257}, {128, 1024}, {65, 3000}}) {
            int rows = s[0], cols = s[1];
            float[] w = random(r, 5 + rows * cols), u = random(r, rows), v = new float[cols];
            double[] vd = new double[cols], ud = new double[rows];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) vd[j] += (double) u[i] * w[5 + i * cols + j];
            double vn = Math.max(norm(vd), 1e-12);
            for (int j = 0; j < cols; j++) vd[j] /= vn;
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) ud[i] += (double) w[5 + i * cols + j] * vd[j];
            double sigma = norm(ud);
            float got = kernels().powerIteration(w, 5, rows, cols, u, v, 1, 1e-12f);
            double tol = 1e-5 * Math.sqrt(rows + cols);
            assertEquals(sigma, got, tol * Math.max(1, sigma), "sigma " + rows + "x" + cols);
            for (int j = 0; j < cols; j++) assertEquals(vd[j], v[j], tol, "v " + rows + "x" + cols);
            for (int i = 0; i < rows; i++) assertEquals(ud[i] / sigma, u[i], tol, "u " + rows + "x" + cols);
        }
    }

    static double norm(double[] x) {
        double s = 0;
        for (double d : x) s += d * d;
        return Math.sqrt(s);
    }

    // ---- BLAS-1, elementwise, reductions ----

    @Test
    void dotAndAxpyOverAwkwardLengths() {
        SplittableRandom r = new SplittableRandom(5);
        for (int n : new int[] {0, 1, 3, 7, 8, 13, 15, 16, 17, 31, 33, 63, 64, 65, 127, 207, 257, 702, 4098}) {
            float[] a = random(r, n + 2), b = random(r, n + 3);
            double s = 0, abs = 0;
            for (int i = 0; i < n; i++) {
                s += (double) a[i + 2] * b[i + 3];
                abs += Math.abs((double) a[i + 2] * b[i + 3]);
            }
            assertClose("dot " + n, s, abs, n, kernels().dot(a, 2, b, 3, n));
            float[] y = b.clone();
            kernels().axpy(0.75f, a, 2, y, 3, n);
            for (int i = 0; i < n; i++) assertClose("axpy " + n, b[i + 3] + 0.75 * a[i + 2], Math.abs(b[i + 3]) + Math.abs(0.75 * a[i + 2]), 1, y[i + 3]);
            assertEquals(b[0], y[0]);
        }
    }

    /**
     * Operand layouts of the broadcasting ops over an output [3, n]: contiguous, a row broadcast down the
     * columns (inner stride 0), a column broadcast along the rows (outer stride 0), and a scalar.
     */
    static final int[][] BROADCASTS = {{-1, 1}, {1, 0}, {0, 1}, {0, 0}};

    /** Strides of layout {outer, inner} for an output [3, n] (-1: the contiguous n). */
    static int[] strides(int[] layout, int n) {
        return new int[] {layout[0] < 0 ? n : layout[0], layout[1]};
    }

    /** The element read at (i, j) through strides. */
    static float at(float[] x, int[] strides, int i, int j) {
        return x[i * strides[0] + j * strides[1]];
    }

    @Test
    void broadcastingBinaryOpsMatchTheDefinition() {
        SplittableRandom r = new SplittableRandom(8);
        for (BinaryOp op : BinaryOp.values())
            for (int n : new int[] {1, 7, 16, 17, 33, 100})
                for (int[] la : BROADCASTS)
                    for (int[] lb : BROADCASTS) {
                        int[] sa = strides(la, n), sb = strides(lb, n);
                        float[] a = random(r, 3 * n), b = random(r, 3 * n), out = new float[3 * n];
                        b[1] = 0f;   // a division by zero among the cases
                        kernels().binary(op, a, sa, b, sb, out, new int[] {3, n});
                        for (int i = 0; i < 3; i++)
                            for (int j = 0; j < n; j++) {
                                float x = at(a, sa, i, j), y = at(b, sb, i, j);
                                // One IEEE operation per element: the vector lanes must agree bitwise (NaN from pow included).
                                assertEquals(ScalarKernels.apply(op, x, y), out[i * n + j], op + " n=" + n + " at " + i + "," + j);
                            }
                    }
    }

    @Test
    void whereSelectsByNonZeroMaskIncludingNaN() {
        SplittableRandom r = new SplittableRandom(9);
        for (int n : new int[] {1, 7, 16, 17, 33, 100})
            for (int[] lm : BROADCASTS)
                for (int[] la : BROADCASTS) {
                    int[] sm = strides(lm, n), sa = strides(la, n), sb = {n, 1};
                    float[] mask = new float[3 * n], a = random(r, 3 * n), b = random(r, 3 * n), out = new float[3 * n];
                    for (int i = 0; i < mask.length; i++) mask[i] = i % 3 == 0 ? 0f : i % 3 == 1 ? 1f : Float.NaN;
                    kernels().where(mask, sm, a, sa, b, sb, out, new int[] {3, n});
                    for (int i = 0; i < 3; i++)
                        for (int j = 0; j < n; j++)
                            assertEquals(at(mask, sm, i, j) != 0f ? at(a, sa, i, j) : at(b, sb, i, j), out[i * n + j], "where n=" + n + " at " + i + "," + j);
                }
    }

    @Test
    void stridedCopyBroadcastsTransposesAndAccumulates() {
        SplittableRandom r = new SplittableRandom(10);
        int rows = 5, cols = 19;
        float[] src = random(r, rows * cols + 4);
        // expand a row [cols] to [rows, cols]; transpose [cols, rows] -> [rows, cols]; broadcast one value.
        int[][] srcStrides = {{0, 1}, {1, rows}, {0, 0}};
        for (boolean accumulate : new boolean[] {false, true})
            for (int[] ss : srcStrides) {
                float[] dst = random(r, rows * cols + 3), before = dst.clone();
                kernels().copy(src, 4, ss, dst, 3, new int[] {cols, 1}, new int[] {rows, cols}, accumulate);
                for (int i = 0; i < rows; i++)
                    for (int j = 0; j < cols; j++) {
                        float v = src[4 + i * ss[0] + j * ss[1]], d = before[3 + i * cols + j];
                        assertEquals(accumulate ? d + v : v, dst[3 + i * cols + j], "copy at " + i + "," + j);
                    }
                for (int i = 0; i < 3; i++) assertEquals(before[i], dst[i], "copy wrote before its offset");
            }
    }

    @Test
    void unaryOpsMatchTheScalarDefinitionOverAwkwardLengths() {
        SplittableRandom r = new SplittableRandom(6);
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : new int[] {1, 7, 16, 17, 33, 100}) {
                float[] x = random(r, n);
                for (int i = 0; i < n; i++) x[i] *= 6f;   // both sides of 0, beyond tanh's linear range
                if (op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW_SCALAR) for (int i = 0; i < n; i++) x[i] = Math.abs(x[i]) + 0.01f;
                if (op == UnaryOp.LOG1P) for (int i = 0; i < n; i++) x[i] = Math.abs(x[i]);
                float p = op == UnaryOp.CLAMP || op == UnaryOp.IN_RANGE ? -1f : op == UnaryOp.POW_SCALAR ? 1.5f : 0.2f, q = 2f;
                float[] out = new float[n + 1];
                out[n] = 42f;
                kernels().unary(op, p, q, x, 0, out, 0, n);
                assertEquals(42f, out[n], "unary wrote past n");
                for (int i = 0; i < n; i++) {
                    float expected = ScalarKernels.apply(op, p, q, x[i]);
                    // Transcendental functions may differ by a few ulp from java.lang.Math's.
                    float tol = 4 * Math.ulp(Math.max(Math.abs(expected), 1e-6f)) + 1e-7f;
                    assertEquals(expected, out[i], tol, op + " at " + x[i]);
                }
            }
        }
    }

    // ---- NaN, infinities and signed zeros ----

    /** The special inputs, and a finite value on each side of 0. */
    static final float[] SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, 1f, -1f};
    /** Lengths with a special value in every lane of the vector body and in the scalar tail, at every width. */
    static final int[] SPECIAL_LENGTHS = {7, 19, 71};
    /** Calls of each kernel before its results are checked again, so that the JIT has compiled the loop. */
    static final int WARM_CALLS = 20_000;

    /** Bitwise for NaN, infinities and zeros (the sign of a zero counts), within a few ulp otherwise. */
    static void assertSpecial(String what, float expected, float actual) {
        boolean exact = Float.isNaN(expected) || Float.isInfinite(expected) || expected == 0f;
        boolean ok = exact ? Float.floatToIntBits(expected) == Float.floatToIntBits(actual)
                : Math.abs(expected - actual) <= 4 * Math.ulp(expected);
        if (!ok) fail(what + ": expected " + expected + " got " + actual);
    }

    /** IEEE 754-2019 maximum: NaN if either is NaN, and -0 < +0. */
    static float ieeeMaximum(float a, float b) {
        if (a != a || b != b) return Float.NaN;
        if (a == 0f && b == 0f) return Float.floatToRawIntBits(a) == 0 ? a : b;   // +0 wins
        return a > b ? a : b;
    }

    /** IEEE 754-2019 minimum: NaN if either is NaN, and -0 < +0. */
    static float ieeeMinimum(float a, float b) {
        return -ieeeMaximum(-a, -b);
    }

    @Test
    void activationsAndClampPropagateNaNAsPyTorchDoes() {
        // The outputs for SPECIALS, as PyTorch 1.13 gives them (torch.relu, F.leaky_relu(x, 0.2), F.elu, F.softplus,
        // clamp, torch.tanh, torch.sigmoid), except the sign of some zeros: clamp(-0, 0, ..) is +0 here (-0 < +0, as
        // in maximum), and elu(-0) is alpha expm1(-0) = -0 (PyTorch: +0).
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY, log2 = (float) Math.log(2);
        Object[][] cases = {
                {UnaryOp.RELU, 0f, 0f, new float[] {nan, inf, 0f, -0f, 0f, 1f, 0f}},
                {UnaryOp.LEAKY_RELU, 0.2f, 0f, new float[] {nan, inf, -inf, -0f, 0f, 1f, -0.2f}},
                // torch's leaky_relu_backward(1, x, 0.2): x > 0 ? 1 : 0.2, so 0.2 at NaN and at both zeros
                {UnaryOp.LEAKY_RELU_DERIVATIVE, 0.2f, 0f, new float[] {0.2f, 1f, 0.2f, 0.2f, 0.2f, 1f, 0.2f}},
                {UnaryOp.ELU, 1f, 0f, new float[] {nan, inf, -1f, -0f, 0f, 1f, (float) Math.expm1(-1)}},
                {UnaryOp.SOFTPLUS, 0f, 0f, new float[] {nan, inf, 0f, log2, log2, (float) Math.log1p(Math.E), (float) Math.log1p(1 / Math.E)}},
                {UnaryOp.CLAMP, -0.5f, 0.5f, new float[] {nan, 0.5f, -0.5f, -0f, 0f, 0.5f, -0.5f}},
                {UnaryOp.CLAMP, 0f, 0.5f, new float[] {nan, 0.5f, 0f, 0f, 0f, 0.5f, 0f}},
                {UnaryOp.TANH, 0f, 0f, new float[] {nan, 1f, -1f, -0f, 0f, (float) Math.tanh(1), (float) Math.tanh(-1)}},
                {UnaryOp.SIGMOID, 0f, 0f, new float[] {nan, 1f, 0f, 0.5f, 0.5f, (float) (1 / (1 + Math.exp(-1))), (float) (1 / (1 + Math.E))}}};
        Kernels k = kernels();
        for (Object[] c : cases) {
            UnaryOp op = (UnaryOp) c[0];
            float p = (float) c[1], q = (float) c[2];
            float[] expected = (float[]) c[3];
            for (int n : SPECIAL_LENGTHS) {
                for (int shift = 0; shift < SPECIALS.length; shift++) {
                    float[] x = new float[n], out = new float[n];
                    for (int i = 0; i < n; i++) x[i] = SPECIALS[(i + shift) % SPECIALS.length];
                    for (int call = 0; call < (shift == 0 && n == 71 ? WARM_CALLS : 1); call++) {
                        k.unary(op, p, q, x, 0, out, 0, n);
                        if (call != 0 && call != WARM_CALLS - 1) continue;
                        for (int i = 0; i < n; i++)
                            assertSpecial(op + "(" + x[i] + ") p=" + p + " n=" + n + " at " + i + " call " + call,
                                    expected[(i + shift) % SPECIALS.length], out[i]);
                    }
                }
            }
        }
    }

    /** log1p below -1 is the canonical NaN on every JDK (JDK 17's log1p returns a negative NaN there, JDK 25's a positive one). */
    @Test
    void log1pBelowMinusOneIsTheCanonicalNaN() {
        float[] x = new float[37], out = new float[37];
        for (int i = 0; i < x.length; i++) x[i] = -1.5f - i;
        x[5] = Float.NEGATIVE_INFINITY;
        kernels().unary(UnaryOp.LOG1P, 0f, 0f, x, 0, out, 0, x.length);
        for (int i = 0; i < x.length; i++)
            assertThat(Integer.toHexString(Float.floatToRawIntBits(out[i]))).as("log1p(%s)", x[i]).isEqualTo("7fc00000");
    }

    @Test
    void maximumAndMinimumPropagateNaNAndOrderZeros() {
        // Every pair of SPECIALS, contiguous and with one operand broadcast, in every lane and in the tail.
        Kernels k = kernels();
        int pairs = SPECIALS.length * SPECIALS.length, n = pairs + 5;
        float[] a = new float[n], b = new float[n], out = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = SPECIALS[(i % pairs) / SPECIALS.length];
            b[i] = SPECIALS[i % SPECIALS.length];
        }
        for (BinaryOp op : new BinaryOp[] {BinaryOp.MAX, BinaryOp.MIN}) {
            for (int call = 0; call < WARM_CALLS; call++) {
                k.binary(op, a, new int[] {1}, b, new int[] {1}, out, new int[] {n});
                if (call != 0 && call != WARM_CALLS - 1) continue;
                for (int i = 0; i < n; i++)
                    assertSpecial(op + "(" + a[i] + ", " + b[i] + ") call " + call,
                            op == BinaryOp.MAX ? ieeeMaximum(a[i], b[i]) : ieeeMinimum(a[i], b[i]), out[i]);
            }
            for (float s : SPECIALS) {
                k.binary(op, a, new int[] {1}, new float[] {s}, new int[] {0}, out, new int[] {n});
                for (int i = 0; i < n; i++)
                    assertSpecial(op + "(" + a[i] + ", broadcast " + s + ")", op == BinaryOp.MAX ? ieeeMaximum(a[i], s) : ieeeMinimum(a[i], s), out[i]);
            }
        }
    }

    @Test
    void maxReductionPropagatesNaNAndOrdersZeros() {
        // Rows of -0 with one +0, rows of -inf with one +inf, rows of 1 with one NaN, the odd value at every position,
        // reduced along a contiguous axis (inner 1) and along a strided one (inner 3).
        Kernels k = kernels();
        float[][] rows = {{-0f, 0f}, {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}, {1f, Float.NaN}, {-0f, -0f}, {0f, -0f}};
        for (int len : new int[] {1, 2, 7, 19, 71}) {
            for (float[] row : rows) {
                for (int at = 0; at < len; at++) {
                    int inner = 3;
                    float[] x = new float[len * inner], outContiguous = new float[1], outStrided = new float[inner];
                    for (int r = 0; r < len; r++) for (int i = 0; i < inner; i++) x[r * inner + i] = r == at ? row[1] : row[0];
                    float expected = x[0];
                    for (int r = 1; r < len; r++) expected = ieeeMaximum(expected, x[r * inner]);
                    float[] column = new float[len];
                    for (int r = 0; r < len; r++) column[r] = x[r * inner];
                    for (int call = 0; call < (len == 71 && at == len / 2 ? WARM_CALLS : 1); call++) {
                        k.reduce(ReduceOp.MAX, column, 1, len, 1, outContiguous);
                        k.reduce(ReduceOp.MAX, x, 1, len, inner, outStrided);
                        if (call != 0 && call != WARM_CALLS - 1) continue;
                        String what = "max of " + len + " values " + row[0] + " with " + row[1] + " at " + at + " call " + call;
                        assertSpecial(what, expected, outContiguous[0]);
                        for (int i = 0; i < inner; i++) assertSpecial(what + " (strided)", expected, outStrided[i]);
                    }
                }
            }
        }
    }

    @Test
    void binaryOpsWithBroadcastStrides() {
        SplittableRandom r = new SplittableRandom(7);
        int[] shape = {3, 5, 37};
        int total = 3 * 5 * 37;
        int[][] aStrides = {{185, 37, 1}, {37, 0, 1}, {0, 0, 1}, {1, 3, 0}};
        int[][] bStrides = {{185, 37, 1}, {0, 1, 0}, {37, 0, 1}, {0, 0, 0}};
        for (BinaryOp op : BinaryOp.values()) {
            for (int s = 0; s < aStrides.length; s++) {
                float[] a = random(r, total), b = random(r, total);
                if (op == BinaryOp.POW) for (int i = 0; i < total; i++) a[i] = Math.abs(a[i]) + 0.1f;
                if (op == BinaryOp.EQ) b = a.clone();
                float[] out = new float[total];
                kernels().binary(op, a, aStrides[s], b, bStrides[s], out, shape);
                int o = 0;
                for (int i = 0; i < 3; i++) for (int j = 0; j < 5; j++) for (int k = 0; k < 37; k++, o++) {
                    float av = a[i * aStrides[s][0] + j * aStrides[s][1] + k * aStrides[s][2]];
                    float bv = b[i * bStrides[s][0] + j * bStrides[s][1] + k * bStrides[s][2]];
                    assertEquals(ScalarKernels.apply(op, av, bv), out[o], 0f, op + " strides " + s);
                }
            }
        }
    }

    @Test
    void reductionsOverEveryAxisPosition() {
        SplittableRandom r = new SplittableRandom(8);
        for (ReduceOp op : ReduceOp.values()) {
            for (int[] s : new int[][] {{1, 1, 1}, {1, 100, 1}, {3, 17, 1}, {2, 65, 33}, {4, 7, 16}, {1, 0, 5}, {5, 257, 3}}) {
                int outer = s[0], len = s[1], inner = s[2];
                float[] x = random(r, outer * len * inner), out = new float[outer * inner];
                kernels().reduce(op, x, outer, len, inner, out);
                for (int o = 0; o < outer; o++) for (int i = 0; i < inner; i++) {
                    double acc = op == ReduceOp.SUM ? 0 : Double.NEGATIVE_INFINITY, abs = 0;
                    for (int l = 0; l < len; l++) {
                        float v = x[(o * len + l) * inner + i];
                        acc = op == ReduceOp.SUM ? acc + v : Math.max(acc, v);
                        abs += Math.abs(v);
                    }
                    if (op == ReduceOp.MAX) assertEquals((float) acc, out[o * inner + i], 0f, "max");
                    else assertClose("sum " + outer + "x" + len + "x" + inner, acc, abs, len, out[o * inner + i]);
                }
            }
        }
    }
}
