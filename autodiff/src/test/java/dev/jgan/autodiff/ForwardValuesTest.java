package dev.jgan.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Forward results against hand-computed values and naive reference loops. */
class ForwardValuesTest {

    private static void assertValues(Tensor t, int[] shape, float... expected) {
        assertThat(t.shape()).containsExactly(shape);
        float[] got = t.toArray();
        assertThat(got).hasSize(expected.length);
        for (int i = 0; i < got.length; i++) assertThat(got[i]).as("element %d", i).isCloseTo(expected[i], within(1e-5f));
    }

    @Test
    void creation() {
        assertValues(Tensor.arange(4), new int[] {4}, 0, 1, 2, 3);
        assertValues(Tensor.arange(1f, 2f, 0.25f), new int[] {4}, 1f, 1.25f, 1.5f, 1.75f);
        assertValues(Tensor.arange(3f, 0f, -1f), new int[] {3}, 3, 2, 1);
        assertValues(Tensor.full(2.5f, 2, 1), new int[] {2, 1}, 2.5f, 2.5f);
        assertValues(Tensor.zeros(0, 3), new int[] {0, 3});
        assertThat(Tensor.scalar(3f).dim()).isZero();
        assertThat(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).get(1, 2)).isEqualTo(6f);
    }

    @Test
    void seededGeneratorsRepeatAndDiffer() {
        Tensor a = Tensor.randn(new Rng(7), 1000), b = Tensor.randn(new Rng(7), 1000), c = Tensor.randn(new Rng(8), 1000);
        assertThat(a.toArray()).containsExactly(b.toArray());
        assertThat(a.toArray()).isNotEqualTo(c.toArray());
        assertThat(a.mean().item()).isCloseTo(0f, within(0.1f));
        assertThat(a.variance(new int[0], false, 1).item()).isCloseTo(1f, within(0.1f));
        Tensor u = Tensor.uniform(new Rng(1), -2f, 3f, 1000);
        assertThat(u.max().item()).isLessThan(3f);
        assertThat(u.min(new int[0], false).item()).isGreaterThanOrEqualTo(-2f);
    }

    @Test
    void broadcastingArithmetic() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.vector(10, 20, 30);
        assertValues(a.add(b), new int[] {2, 3}, 11, 22, 33, 14, 25, 36);
        assertValues(a.mul(Tensor.of(new float[] {2, 3}, 2, 1)), new int[] {2, 3}, 2, 4, 6, 12, 15, 18);
        assertValues(b.sub(a), new int[] {2, 3}, 9, 18, 27, 6, 15, 24);
        assertValues(a.div(2f), new int[] {2, 3}, 0.5f, 1, 1.5f, 2, 2.5f, 3);
        assertValues(Tensor.vector(2, 3).pow(Tensor.vector(3, 2)), new int[] {2}, 8, 9);
        assertValues(Tensor.vector(1, 5).maximum(Tensor.vector(3, 2)), new int[] {2}, 3, 5);
        assertValues(Tensor.vector(1, 5).minimum(Tensor.vector(3, 2)), new int[] {2}, 1, 2);
        assertValues(Tensor.where(Tensor.vector(1, 0, 1), Tensor.vector(1, 2, 3), Tensor.scalar(-1f)), new int[] {3}, 1, -1, 3);
        assertValues(Tensor.vector(1, 2, 3).gt(Tensor.scalar(2f)), new int[] {3}, 0, 0, 1);
        assertValues(Tensor.vector(2, 4).rdiv(8f), new int[] {2}, 4, 2);
    }

    @Test
    void activations() {
        Tensor x = Tensor.vector(-2, -0.5f, 0, 1.5f);
        assertValues(x.relu(), new int[] {4}, 0, 0, 0, 1.5f);
        assertValues(x.leakyRelu(0.1f), new int[] {4}, -0.2f, -0.05f, 0, 1.5f);
        assertValues(x.elu(1f), new int[] {4}, (float) Math.expm1(-2), (float) Math.expm1(-0.5), 0, 1.5f);
        assertValues(x.sigmoid(), new int[] {4}, (float) (1 / (1 + Math.exp(2))), (float) (1 / (1 + Math.exp(0.5))), 0.5f, (float) (1 / (1 + Math.exp(-1.5))));
        assertValues(x.tanh(), new int[] {4}, (float) Math.tanh(-2), (float) Math.tanh(-0.5), 0, (float) Math.tanh(1.5));
        assertValues(x.softplus(), new int[] {4}, (float) Math.log1p(Math.exp(-2)), (float) Math.log1p(Math.exp(-0.5)), (float) Math.log(2), (float) Math.log1p(Math.exp(1.5)));
        assertValues(x.clamp(-1, 1), new int[] {4}, -1, -0.5f, 0, 1);
        assertValues(x.abs(), new int[] {4}, 2, 0.5f, 0, 1.5f);
        // stable at extremes
        assertValues(Tensor.vector(-200, 200).sigmoid(), new int[] {2}, 0, 1);
        assertValues(Tensor.vector(-200, 200).softplus(), new int[] {2}, 0, 200);
    }

    @Test
    void reductions() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertValues(x.sum(), new int[0], 21);
        assertValues(x.sum(0, false), new int[] {3}, 5, 7, 9);
        assertValues(x.sum(1, true), new int[] {2, 1}, 6, 15);
        assertValues(x.mean(new int[] {-1}, false), new int[] {2}, 2, 5);
        assertValues(x.max(0, false), new int[] {3}, 4, 5, 6);
        assertValues(x.min(new int[] {1}, false), new int[] {2}, 1, 4);
        assertValues(x.variance(new int[] {1}, false, 1), new int[] {2}, 1, 1);
        assertValues(x.variance(new int[] {0, 1}, false, 0), new int[0], 35f / 12f);
        assertValues(x.logSumExp(new int[] {1}, false), new int[] {2},
                (float) Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), (float) Math.log(Math.exp(4) + Math.exp(5) + Math.exp(6)));
        Tensor sm = x.softmax(1);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertValues(sm.narrow(0, 0, 1), new int[] {1, 3}, (float) (Math.exp(1) / z), (float) (Math.exp(2) / z), (float) (Math.exp(3) / z));
        assertValues(Tensor.vector(1000, 1000).logSoftmax(0), new int[] {2}, (float) -Math.log(2), (float) -Math.log(2));
        assertValues(Tensor.vector(3, 4).norm(new int[0], false), new int[0], 5);
        assertThat(Tensor.of(new float[] {1, 9, 3, 7, 2, 7}, 2, 3).argmaxRows()).containsExactly(1, 0);
        // sum over non-adjacent axes of a 4-D tensor against a loop
        Tensor y = Tensor.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5);
        Tensor s = y.sum(new int[] {0, 2}, false);
        for (int j = 0; j < 3; j++)
            for (int l = 0; l < 5; l++) {
                float e = 0;
                for (int i = 0; i < 2; i++) for (int k = 0; k < 4; k++) e += y.get(i, j, k, l);
                assertThat(s.get(j, l)).isEqualTo(e);
            }
    }

    @Test
    void shapeOps() {
        Tensor x = Tensor.arange(6).reshape(2, 3);
        assertValues(x.t(), new int[] {3, 2}, 0, 3, 1, 4, 2, 5);
        assertValues(x.reshape(-1, 2), new int[] {3, 2}, 0, 1, 2, 3, 4, 5);
        assertValues(Tensor.arange(24).reshape(2, 3, 4).permute(2, 0, 1).narrow(0, 1, 1), new int[] {1, 2, 3}, 1, 5, 9, 13, 17, 21);
        assertValues(x.slice(1, 0, 3, 2), new int[] {2, 2}, 0, 2, 3, 5);
        assertValues(x.slice(1, -1, 3, 1), new int[] {2, 1}, 2, 5);
        assertValues(Tensor.concat(List.of(x, Tensor.full(9f, 2, 1)), 1), new int[] {2, 4}, 0, 1, 2, 9, 3, 4, 5, 9);
        assertValues(Tensor.concat(List.of(x, x), 0), new int[] {4, 3}, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5);
        assertValues(Tensor.stack(List.of(Tensor.vector(1, 2), Tensor.vector(3, 4)), 1), new int[] {2, 2}, 1, 3, 2, 4);
        List<Tensor> parts = Tensor.arange(5).split(2, 0);
        assertThat(parts).hasSize(3);
        assertValues(parts.get(2), new int[] {1}, 4);
        assertThat(Tensor.arange(5).chunk(2, 0).get(0).shape()).containsExactly(3);
        assertValues(Tensor.vector(1, 2).reshape(2, 1).expand(2, 3), new int[] {2, 3}, 1, 1, 1, 2, 2, 2);
        assertValues(Tensor.vector(1, 2).expand(2, -1), new int[] {2, 2}, 1, 2, 1, 2);
        assertValues(Tensor.ones(2, 3, 4).sumTo(3, 1), new int[] {3, 1}, 8, 8, 8);
        assertThat(Tensor.zeros(2, 1, 3).squeeze(1).shape()).containsExactly(2, 3);
        assertThat(Tensor.zeros(2, 3).unsqueeze(-1).shape()).containsExactly(2, 3, 1);
        assertThat(Tensor.zeros(2, 3, 4, 5).flatten(1).shape()).containsExactly(2, 60);
    }

    @Test
    void matmulAgainstLoop() {
        Rng rng = new Rng(3);
        Tensor a = Tensor.randn(rng, 2, 3, 5, 4), b = Tensor.randn(rng, 3, 4, 6);
        Tensor c = a.matmul(b);
        assertThat(c.shape()).containsExactly(2, 3, 5, 6);
        for (int n = 0; n < 2; n++)
            for (int bt = 0; bt < 3; bt++)
                for (int i = 0; i < 5; i++)
                    for (int j = 0; j < 6; j++) {
                        float e = 0;
                        for (int k = 0; k < 4; k++) e += a.get(n, bt, i, k) * b.get(bt, k, j);
                        assertThat(c.get(n, bt, i, j)).isCloseTo(e, within(1e-4f));
                    }
        Tensor at = Tensor.randn(rng, 4, 5), bt = Tensor.randn(rng, 6, 4);
        Tensor ct = Linalg.matmul(at, bt, true, true);
        Tensor ref = at.t().matmul(bt.t());
        for (int i = 0; i < ct.numel(); i++) assertThat(ct.toArray()[i]).isCloseTo(ref.toArray()[i], within(1e-5f));
        assertValues(Tensor.vector(1, 2).matmul(Tensor.vector(3, 4)), new int[0], 11);
    }

    @Test
    void indexing() {
        Tensor table = Tensor.arange(6).reshape(3, 2);
        assertValues(table.indexSelect(0, 2, 0, 2), new int[] {3, 2}, 4, 5, 0, 1, 4, 5);
        assertValues(table.gather(1, new int[] {1, 0, 0}, 3, 1), new int[] {3, 1}, 1, 2, 4);
        assertValues(Indexing.oneHot(new int[] {2, 0}, 3), new int[] {2, 3}, 0, 0, 1, 1, 0, 0);
    }

    /** conv2d against the definition, with stride, padding, dilation and groups. */
    @Test
    void conv2dAgainstDefinition() {
        Rng rng = new Rng(5);
        ConvParams p = new ConvParams(2, 1, 1, 2, 1, 2, 2);
        Tensor x = Tensor.randn(rng, 2, 4, 7, 6), w = Tensor.randn(rng, 6, 2, 3, 2);
        Tensor y = Conv.conv2d(x, w, p);
        int oh = (7 + 2 - 2 - 1) / 2 + 1, ow = (6 + 4 - 2 - 1) / 1 + 1;
        assertThat(y.shape()).containsExactly(2, 6, oh, ow);
        for (int n = 0; n < 2; n++)
            for (int k = 0; k < 6; k++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        int g = k / 3;
                        float e = 0;
                        for (int c = 0; c < 2; c++)
                            for (int a = 0; a < 3; a++)
                                for (int b = 0; b < 2; b++) {
                                    int iy = i * 2 - 1 + a, ix = j - 2 + b * 2;
                                    if (iy >= 0 && iy < 7 && ix >= 0 && ix < 6) e += x.get(n, g * 2 + c, iy, ix) * w.get(k, c, a, b);
                                }
                        assertThat(y.get(n, k, i, j)).isCloseTo(e, within(1e-4f));
                    }
    }

    /** convTranspose2d is the adjoint of conv2d: <conv(x, w), y> = <x, convT(y, w)>. */
    @Test
    void convTransposeIsAdjointOfConv() {
        Rng rng = new Rng(6);
        ConvParams p = new ConvParams(2, 2, 1, 0, 1, 2, 1);
        Tensor x = Tensor.randn(rng, 2, 3, 8, 7), w = Tensor.randn(rng, 4, 3, 3, 3);
        Tensor cx = Conv.conv2d(x, w, p);
        Tensor y = Tensor.randn(rng, cx.shape());
        int outPadW = 7 - ((cx.size(3) - 1) * 2 + 2 * 2 + 1);
        Tensor ty = Conv.convTranspose2d(y, w, p, 8 - ((cx.size(2) - 1) * 2 - 2 + 3), outPadW);
        assertThat(ty.shape()).containsExactly(x.shape());
        assertThat(cx.mul(y).sum().item()).isCloseTo(x.mul(ty).sum().item(), within(1e-2f));
        // hand case: 1x1 input, stride 2, 2x2 kernel spreads the pixel
        Tensor one = Conv.convTranspose2d(Tensor.full(2f, 1, 1, 1, 1), Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2), ConvParams.of(2, 0), 0, 0);
        assertValues(one, new int[] {1, 1, 2, 2}, 2, 4, 6, 8);
    }

    @Test
    void imageResampling() {
        Tensor x = Tensor.arange(16).reshape(1, 1, 4, 4);
        assertValues(Pooling.avgPool2d(x, 2, 2, 0), new int[] {1, 1, 2, 2}, 2.5f, 4.5f, 10.5f, 12.5f);
        // padding counts as zero: top-left 3x3 window at padding 1 holds 0,1,4,5
        assertThat(Pooling.avgPool2d(x, 3, 2, 1).get(0, 0, 0, 0)).isCloseTo(10f / 9f, within(1e-6f));
        assertValues(Pooling.upsampleNearest2d(Tensor.vector(1, 2).reshape(1, 1, 1, 2), 2), new int[] {1, 1, 2, 4}, 1, 1, 2, 2, 1, 1, 2, 2);
        Tensor ps = Pooling.pixelShuffle(Tensor.arange(4).reshape(1, 4, 1, 1), 2);
        assertValues(ps, new int[] {1, 1, 2, 2}, 0, 1, 2, 3);
        Tensor y = Tensor.randn(new Rng(2), 2, 3, 4, 6);
        assertThat(Pooling.pixelShuffle(Pooling.pixelUnshuffle(y, 2), 2).toArray()).containsExactly(y.toArray());
    }

    @Test
    void losses() {
        Tensor logits = Tensor.vector(2f, -1f);
        Tensor t = Tensor.vector(1f, 0f);
        double expected = (Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-1))) / 2;
        assertThat(Losses.binaryCrossEntropyWithLogits(logits, t).item()).isCloseTo((float) expected, within(1e-6f));
        assertThat(Losses.binaryCrossEntropyWithLogits(Tensor.vector(100f), Tensor.vector(0f)).item()).isCloseTo(100f, within(1e-4f));
        Tensor l = Tensor.of(new float[] {1, 2, 3, 1, 1, 1}, 2, 3);
        double ce = (-(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3))) + Math.log(3)) / 2;
        assertThat(Losses.crossEntropy(l, new int[] {2, 0}).item()).isCloseTo((float) ce, within(1e-5f));
        assertThat(Losses.mse(Tensor.vector(1, 2), Tensor.vector(3, 2)).item()).isEqualTo(2f);
        assertThat(Losses.l1(Tensor.vector(1, 2), Tensor.vector(3, 5)).item()).isEqualTo(2.5f);
    }

    @Test
    void lossReductions() {
        Tensor logits = Tensor.vector(2f, -1f), t = Tensor.vector(1f, 0f);
        float a = (float) Math.log1p(Math.exp(-2)), b = (float) Math.log1p(Math.exp(-1));
        assertValues(Losses.binaryCrossEntropyWithLogits(logits, t, Reduction.NONE), new int[] {2}, a, b);
        assertValues(Losses.binaryCrossEntropyWithLogits(logits, t, Reduction.SUM), new int[0], a + b);
        assertThat(Losses.binaryCrossEntropyWithLogits(logits, t, Reduction.MEAN).item()).isEqualTo(Losses.binaryCrossEntropyWithLogits(logits, t).item());
        Tensor l = Tensor.of(new float[] {1, 2, 3, 1, 1, 1}, 2, 3);
        float ce0 = (float) (Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3), ce1 = (float) Math.log(3);
        assertValues(Losses.crossEntropy(l, new int[] {2, 0}, Reduction.NONE), new int[] {2}, ce0, ce1);
        assertValues(Losses.crossEntropy(l, new int[] {2, 0}, Reduction.SUM), new int[0], ce0 + ce1);
        assertThat(Losses.crossEntropy(l, new int[] {2, 0}, Reduction.MEAN).item()).isEqualTo(Losses.crossEntropy(l, new int[] {2, 0}).item());
        Tensor p = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2), q = Tensor.of(new float[] {3, 2, 1, 5}, 2, 2);
        assertValues(Losses.mse(p, q, Reduction.NONE), new int[] {2, 2}, 4, 0, 4, 1);
        assertValues(Losses.mse(p, q, Reduction.SUM), new int[0], 9);
        assertValues(Losses.l1(p, q, Reduction.NONE), new int[] {2, 2}, 2, 0, 2, 1);
        assertValues(Losses.l1(p, q, Reduction.SUM), new int[0], 5);
        assertThat(Losses.l1(p, q, Reduction.MEAN).item()).isEqualTo(1.25f);
    }

    /** sin and cos are StrictMath's, rounded to float, bitwise on both kernel paths (the suite runs each). */
    @Test
    void sinAndCosAreStrictMathBitwise() {
        Rng rng = new Rng(9);
        float[] v = new float[1000];
        for (int i = 0; i < v.length; i++) v[i] = (rng.nextFloat() - 0.5f) * (i < 500 ? 20f : 2e6f);
        v[0] = 0f;
        v[1] = -0f;
        v[2] = Float.NaN;
        v[3] = Float.POSITIVE_INFINITY;
        v[4] = Float.MIN_VALUE;
        v[5] = Float.MAX_VALUE;
        Tensor x = Tensor.of(v, v.length);
        float[] sin = x.sin().toArray(), cos = x.cos().toArray();
        for (int i = 0; i < v.length; i++) {
            assertThat(Float.floatToRawIntBits(sin[i])).as("sin(%s)", v[i]).isEqualTo(Float.floatToRawIntBits((float) StrictMath.sin(v[i])));
            assertThat(Float.floatToRawIntBits(cos[i])).as("cos(%s)", v[i]).isEqualTo(Float.floatToRawIntBits((float) StrictMath.cos(v[i])));
        }
        assertThat(Float.floatToRawIntBits(sin[1])).isEqualTo(Float.floatToRawIntBits(-0f));
    }

    @Test
    void rsubIsScalarMinusTensor() {
        assertValues(Tensor.vector(1, -2, 0.5f).rsub(3f), new int[] {3}, 2, 5, 2.5f);
        Tensor x = Tensor.vector(0.1f, 7.3f, -1e-8f);
        assertThat(x.rsub(1f).toArray()).containsExactly(1f - 0.1f, 1f - 7.3f, 1f + 1e-8f);
    }

    @Test
    void axesAsVarargs() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        assertThat(x.sum(0, 2).toArray()).containsExactly(x.sum(new int[] {0, 2}, false).toArray());
        assertThat(x.sum(0, 2).shape()).containsExactly(3);
        assertThat(x.sum(1).shape()).containsExactly(2, 4);
        assertThat(x.sum(1, true).shape()).containsExactly(2, 1, 4);        // (axis, keepDim) still means keepDim
        assertValues(x.mean(-1), new int[] {2, 3}, 1.5f, 5.5f, 9.5f, 13.5f, 17.5f, 21.5f);
        assertValues(x.max(0, 1), new int[] {4}, 20, 21, 22, 23);
        assertValues(x.min(2), new int[] {2, 3}, 0, 4, 8, 12, 16, 20);
        assertValues(x.min(2, true), new int[] {2, 3, 1}, 0, 4, 8, 12, 16, 20);
        assertThat(x.norm(1, 2).toArray()).containsExactly(x.norm(new int[] {1, 2}, false).toArray());
        assertThat(x.logSumExp(1).toArray()).containsExactly(x.logSumExp(new int[] {1}, false).toArray());
        assertThat(x.sum(new int[0]).item()).isEqualTo(276f);               // no axes: all of them
    }

    @Test
    void tensorsFromOtherArrays() {
        assertValues(Tensor.of(new double[] {0.1, 2, -3.5, 4}, 2, 2), new int[] {2, 2}, 0.1f, 2, -3.5f, 4);
        assertThat(Tensor.of(new double[] {0.1}, 1).item()).isEqualTo((float) 0.1);
        assertValues(Tensor.of(new int[] {1, 2, 3}, 3, 1), new int[] {3, 1}, 1, 2, 3);
        assertValues(Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}}), new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
        assertValues(Tensor.of(new double[][] {{1.5}, {-2}}), new int[] {2, 1}, 1.5f, -2);
        assertValues(Tensor.of(new int[][] {{7, 8}}), new int[] {1, 2}, 7, 8);
        assertValues(Tensor.of(new float[][][] {{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}, {{9, 10}, {11, 12}}}), new int[] {3, 2, 2},
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertValues(Tensor.of(new double[][][] {{{1}, {2}}}), new int[] {1, 2, 1}, 1, 2);
        assertValues(Tensor.of(new int[][][] {{{1, 2, 3}}}), new int[] {1, 1, 3}, 1, 2, 3);
        float[][][][] image = new float[2][3][4][5];
        image[1][2][3][4] = 9f;
        image[0][1][0][2] = -1f;
        Tensor t = Tensor.of(image);
        assertThat(t.shape()).containsExactly(2, 3, 4, 5);
        assertThat(t.get(1, 2, 3, 4)).isEqualTo(9f);
        assertThat(t.get(0, 1, 0, 2)).isEqualTo(-1f);
        assertThat(t.sum().item()).isEqualTo(8f);
        assertThat(Tensor.of(new double[1][2][3][4]).shape()).containsExactly(1, 2, 3, 4);
        assertThat(Tensor.of(new int[2][1][1][3]).shape()).containsExactly(2, 1, 1, 3);
        assertThat(Tensor.of(new float[0][3]).shape()).containsExactly(0, 0);   // no row to look at
        assertThat(Tensor.of(new float[2][0]).shape()).containsExactly(2, 0);
        float[][] source = {{1, 2}};
        Tensor copy = Tensor.of(source);
        source[0][0] = 5f;
        assertThat(copy.get(0, 0)).isEqualTo(1f);                                // the values are copied
    }

    @Test
    void defaultGeneratorIsReseededByManualSeed() {
        Rng.manualSeed(123);
        float[] first = {Rng.defaultGenerator().nextFloat(), Rng.defaultGenerator().nextGaussian()};
        Rng reference = new Rng(123);
        assertThat(first).containsExactly(reference.nextFloat(), reference.nextGaussian());
        Rng held = Rng.defaultGenerator();
        Rng.manualSeed(123);
        assertThat(held.nextFloat()).isEqualTo(first[0]);                 // reseeded in place, as torch's generator object
    }

    @Test
    void convTransposeWithoutOutputPaddingIsPyTorchsDefault() {
        Rng rng = new Rng(4);
        Tensor x = Tensor.randn(rng, 2, 3, 4, 5), w = Tensor.randn(rng, 3, 2, 4, 4), b = Tensor.randn(rng, 2);
        ConvParams p = ConvParams.of(2, 1);
        Tensor y = Conv.convTranspose2d(x, w, p);
        assertThat(y.shape()).containsExactly(2, 2, 8, 10);                 // (H - 1) 2 - 2 + 4
        assertThat(y.toArray()).containsExactly(Conv.convTranspose2d(x, w, p, 0, 0).toArray());
        assertThat(Conv.convTranspose2d(x, w, b, p).toArray()).containsExactly(Conv.convTranspose2d(x, w, b, p, 0, 0).toArray());
    }
}
