package dev.jgan.autodiff.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels against the naive loops of {@link KernelContract} and against {@link ScalarKernels},
 * at the JVM's vector width ({@code -Djgan.simd.bits}; surefire runs this class at 128, 256 and 512 bits).
 * Skipped when the JVM was started without the incubator module. This class never names an incubator type,
 * so it loads either way.
 */
class VectorKernelsTest extends KernelContract {
    private static Kernels one, two;
    /** The pool of {@link #two}, for tests that build a kernel part of their own on it. */
    private static KernelThreads twoThreads;

    @BeforeAll
    static void vectorModule() {
        assumeTrue(KernelProvider.vectorModuleAvailable(), "jdk.incubator.vector not in the boot layer");
        one = KernelProvider.vector(KernelThreads.create(1));
        twoThreads = KernelThreads.create(2);
        two = KernelProvider.vector(twoThreads);
    }

    @Override
    Kernels kernels() {
        return two;
    }

    @Test
    void widthIsTheRequestedOne() {
        String bits = System.getProperty("jgan.simd.bits");
        if (bits != null) assertThat(two.name()).isEqualTo("vector-" + bits);
        assertThat(two.name()).startsWith("vector-");
    }

    @Test
    void gemmIsBitwiseTheSameForOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(11);
        for (int[] s : new int[][] {{257, 65, 300}, {64, 1030, 100}, {500, 64, 577}, {7, 300, 65}}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    int m = s[0], n = s[1], k = s[2];
                    float[] a = random(r, m * k), b = random(r, k * n), c1 = random(r, m * n), c2 = c1.clone();
                    one.gemm(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, 1f, c1, 0, n);
                    two.gemm(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, 1f, c2, 0, n);
                    assertThat(c2).as("gemm %dx%dx%d %b %b", m, n, k, ta, tb).containsExactly(c1);
                }
            }
        }
    }

    @Test
    void batchNormIsBitwiseTheSameForOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(13);
        for (int[] s : new int[][] {{64, 128, 49}, {16, 64, 196}, {8, 33, 129}}) {
            int n = s[0], c = s[1], hw = s[2], size = n * c * hw;
            assertThat(size).isGreaterThanOrEqualTo(VectorKernels.BATCH_NORM_PARALLEL);
            float[] x = random(r, size), gy = random(r, size), scale = random(r, c), shift = random(r, c), xScale = random(r, c);
            float[] oneThread = TierProbe.batchNormPasses(one, x, gy, n, c, hw, scale, shift, xScale);
            float[] twoThreads = TierProbe.batchNormPasses(two, x, gy, n, c, hw, scale, shift, xScale);
            // The first differing index (containsExactly is quadratic in the length).
            assertThat(Arrays.mismatch(twoThreads, oneThread)).as("batch norm [%d, %d, %d]", n, c, hw).isEqualTo(-1);
        }
    }

    @Test
    void convolutionIsBitwiseTheSameForOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(12);
        for (ConvGeometry g : convShapes()) {
            int xs = g.n() * g.c() * g.h() * g.w(), ys = g.n() * g.k() * g.oh() * g.ow(), ws = g.k() * g.patch();
            float[] x = random(r, xs), w = random(r, ws), gy = random(r, ys);
            float[] y1 = new float[ys], y2 = new float[ys], dx1 = new float[xs], dx2 = new float[xs], dw1 = new float[ws], dw2 = new float[ws];
            one.conv2d(g, x, w, y1);
            two.conv2d(g, x, w, y2);
            one.conv2dInputGrad(g, gy, w, dx1);
            two.conv2dInputGrad(g, gy, w, dx2);
            one.conv2dWeightGrad(g, x, gy, dw1);
            two.conv2dWeightGrad(g, x, gy, dw2);
            assertThat(y2).as("conv2d %s", g).containsExactly(y1);
            assertThat(dx2).as("inputGrad %s", g).containsExactly(dx1);
            assertThat(dw2).as("weightGrad %s", g).containsExactly(dw1);
        }
    }

    @Test
    void chunksOfImagesAreBitwiseTheWholeBatch() {
        // The NCHW path writes the input gradient's column matrix, and the im2col matrix of a forward with a small
        // patch, by chunks of images when it would exceed 64 MB; a small limit covers that here. Each pixel belongs
        // to one image, so chunking must not change a bit.
        SplittableRandom r = new SplittableRandom(15);
        BatchedConv whole = new BatchedConv((VectorKernels) two, twoThreads);
        for (ConvGeometry g : new ConvGeometry[] {
                new ConvGeometry(5, 1, 12, 10, 20, 4, 4, 2, 2, 1, 1, 1, 1, 1, 6, 5),
                new ConvGeometry(7, 6, 11, 8, 4, 3, 2, 1, 2, 2, 1, 2, 1, 2, 11, 5),
                new ConvGeometry(3, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 7, 9)}) {
            assertThat(g.patch()).as("the forward writes its im2col matrix").isLessThanOrEqualTo(BatchedConv.EXPLICIT_IM2COL_MAX_PATCH);
            int xs = g.n() * g.c() * g.h() * g.w(), ys = g.n() * g.k() * g.oh() * g.ow(), ws = g.k() * g.patch();
            float[] x = random(r, xs), w = random(r, ws), gy = random(r, ys), dx = new float[xs], y = new float[ys];
            whole.inputGrad(g, gy, w, dx);
            whole.forward(g, x, w, y);
            long perImage = (long) g.patch() * g.oh() * g.ow();
            for (int images : new int[] {1, 2, 3}) {
                BatchedConv chunked = new BatchedConv((VectorKernels) two, twoThreads, images * perImage);
                float[] dxChunked = new float[xs], yChunked = new float[ys];
                java.util.Arrays.fill(dxChunked, Float.NaN);
                java.util.Arrays.fill(yChunked, Float.NaN);
                chunked.inputGrad(g, gy, w, dxChunked);
                chunked.forward(g, x, w, yChunked);
                assertThat(dxChunked).as("inputGrad %s by chunks of %d images", g, images).containsExactly(dx);
                assertThat(yChunked).as("forward %s by chunks of about %d images", g, images).containsExactly(y);
            }
        }
    }

    @Test
    void winogradTakesLayersWithAKernelTwiceTheStride() {
        // The four shapes of the contract that are meant for WinogradConv, and the ones that are not.
        assertThat(convShapes().stream().filter(WinogradConv::suits).map(g -> g.kh() + "x" + g.kw() + "/" + g.strideH() + "x" + g.strideW()))
                .containsExactly("4x4/2x2", "4x4/2x2", "2x2/1x1", "6x4/3x2");
        ConvGeometry d2 = new ConvGeometry(64, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1, 1, 1, 1, 7, 7);
        assertThat(WinogradConv.suits(d2)).isTrue();
        assertThat(WinogradConv.suits(new ConvGeometry(64, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1, 1, 1, 2, 7, 7))).as("groups").isFalse();
        assertThat(WinogradConv.suits(new ConvGeometry(64, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1, 2, 2, 1, 4, 4))).as("dilation").isFalse();
        assertThat(WinogradConv.suits(new ConvGeometry(64, 64, 7, 7, 128, 4, 4, 2, 2, 1, 1, 1, 1, 1, 3, 3))).as("3x3 output in a 4x4 tile").isFalse();
        assertThat(WinogradConv.suits(new ConvGeometry(64, 15, 14, 14, 128, 4, 4, 2, 2, 1, 1, 1, 1, 1, 7, 7))).as("60 channels per GEMM").isFalse();
        assertThat(WinogradConv.suits(new ConvGeometry(64, 64, 14, 14, 31, 4, 4, 2, 2, 1, 1, 1, 1, 1, 7, 7))).as("31 filters").isFalse();
        assertThat(WinogradConv.suits(new ConvGeometry(64, 512, 8, 8, 1024, 4, 4, 2, 2, 1, 1, 1, 1, 1, 4, 4))).as("213 MB of transformed weights").isFalse();
    }

    @Test
    void winogradByChunksOfOneImageMatchesDirectLoops() {
        // The transformed operands are split into chunks of images when large; a bound of one float makes every
        // image a chunk, and the weight gradient the sum of the chunks' GEMMs.
        SplittableRandom r = new SplittableRandom(16);
        WinogradConv chunked = new WinogradConv((VectorKernels) two, twoThreads, 1);
        ConvPasses passes = new ConvPasses(chunked::forward, chunked::inputGrad, chunked::weightGrad);
        for (ConvGeometry g : convShapes())
            if (WinogradConv.suits(g) && g.n() > 1) assertMatchesDirectLoops("winograd by images", g, r, passes);
    }

    @Test
    void powerIterationIsBitwiseTheSameForOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(13);
        int rows = 300, cols = 4000;   // above the size where the passes go parallel
        float[] w = random(r, rows * cols), u1 = random(r, rows), u2 = u1.clone(), v1 = new float[cols], v2 = new float[cols];
        float s1 = one.powerIteration(w, 0, rows, cols, u1, v1, 2, 1e-12f);
        float s2 = two.powerIteration(w, 0, rows, cols, u2, v2, 2, 1e-12f);
        assertThat(s2).isEqualTo(s1);
        assertThat(u2).containsExactly(u1);
        assertThat(v2).containsExactly(v1);
    }

    @Test
    void agreesWithScalarKernelsOnLargeGemm() {
        // The packed path against the reference implementation (not only against the naive double loops).
        SplittableRandom r = new SplittableRandom(14);
        Kernels scalar = new ScalarKernels();
        int m = 130, n = 270, k = 600;
        float[] a = random(r, m * k), b = random(r, k * n), cv = new float[m * n], cs = new float[m * n];
        two.gemm(false, true, m, n, k, a, 0, k, b, 0, k, 0f, cv, 0, n);
        scalar.gemm(false, true, m, n, k, a, 0, k, b, 0, k, 0f, cs, 0, n);
        for (int i = 0; i < cv.length; i++) assertThat((double) cv[i]).isCloseTo(cs[i], org.assertj.core.data.Offset.offset(8 * k * EPS * 20));
    }
}
