package dev.jgan.autodiff.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * FloatMath's accuracy against StrictMath, its special values, and the bitwise agreement of the kernels with it
 * (the vector kernels' lanes and the scalar ones alike). Determinism across JIT tiers: KernelDeterminismTest.
 */
class FloatMathTest {
    /**
     * Every 1021st float bit pattern (4.2 million inputs, all binades). The bound is 2 ulp; the bounds below
     * are the exhaustive sweep's maxima (docs/reliability.md) rounded up, so an accuracy regression fails here.
     */
    @Test
    void withinTheirUlpBoundsOfStrictMath() {
        double[][] worst = FloatMathSweep.sweep(1021);
        assertThat(worst[0][0]).as("exp, worst at %s", worst[0][1]).isLessThanOrEqualTo(0.9);
        assertThat(worst[1][0]).as("tanh, worst at %s", worst[1][1]).isLessThanOrEqualTo(1.35);
        assertThat(worst[2][0]).as("sigmoid, worst at %s", worst[2][1]).isLessThanOrEqualTo(1.5);
    }

    /** Dense near the places where the formulas switch or the results leave the normal range. */
    @Test
    void denseAroundTheEdges() {
        float[][] ranges = {{-104f, -87f}, {87f, 89f}, {0.6f, 0.65f}, {8.5f, 9.5f}, {-1e-3f, 1e-3f}, {-20f, 20f}};
        for (float[] r : ranges) {
            for (float x = r[0]; x <= r[1]; x = Math.nextUp(x == 0f ? 0f : x) + (r[1] - r[0]) / 3e5f) {
                assertUlps(FloatMath.exp(x), StrictMath.exp(x), 0.9, "exp", x);
                assertUlps(FloatMath.tanh(x), StrictMath.tanh(x), 1.35, "tanh", x);
                assertUlps(FloatMath.sigmoid(x), FloatMathSweep.sigmoid(x), 1.5, "sigmoid", x);
            }
        }
    }

    private static void assertUlps(float got, double exact, double bound, String f, float x) {
        float nearest = (float) exact;
        if (Float.isInfinite(nearest)) {
            assertThat(got).as("%s(%s)", f, x).isEqualTo(nearest);
            return;
        }
        assertThat(Math.abs(got - exact) / Math.ulp(nearest)).as("%s(%s) = %s, exact %s", f, x, got, exact).isLessThanOrEqualTo(bound);
    }

    @Test
    void specialValues() {
        assertThat(FloatMath.exp(Float.NaN)).isNaN();
        assertThat(FloatMath.exp(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(FloatMath.exp(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(FloatMath.exp(0f)).isEqualTo(1f);
        assertThat(FloatMath.exp(-0f)).isEqualTo(1f);
        assertThat(FloatMath.exp(1f)).isEqualTo((float) Math.E);
        // Overflow threshold: ln(MAX_VALUE) = 88.7228391...; the float below it is finite, the one above overflows.
        assertThat(FloatMath.exp(88.72283f)).isFinite().isEqualTo((float) StrictMath.exp(88.72283f));
        assertThat(FloatMath.exp(88.72284f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(FloatMath.exp(Float.MAX_VALUE)).isEqualTo(Float.POSITIVE_INFINITY);
        // Underflow: e^-103.28 is the smallest subnormal 2^-149, e^-103.98 rounds to 0; subnormal results are exact to the ulp.
        assertThat(FloatMath.exp(-103.27893f)).isEqualTo(Float.MIN_VALUE);
        assertThat(FloatMath.exp(-104f)).isEqualTo(0f);
        assertThat(FloatMath.exp(-Float.MAX_VALUE)).isEqualTo(0f);
        assertThat(FloatMath.exp(-87.33655f)).isEqualTo((float) StrictMath.exp(-87.33655f)); // the normal/subnormal boundary
        assertThat(FloatMath.exp(Float.MIN_VALUE)).isEqualTo(1f);

        assertThat(FloatMath.tanh(Float.NaN)).isNaN();
        assertThat(FloatMath.tanh(Float.POSITIVE_INFINITY)).isEqualTo(1f);
        assertThat(FloatMath.tanh(Float.NEGATIVE_INFINITY)).isEqualTo(-1f);
        assertThat(Float.floatToRawIntBits(FloatMath.tanh(-0f))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(Float.floatToRawIntBits(FloatMath.tanh(0f))).isZero();
        assertThat(FloatMath.tanh(Float.MIN_VALUE)).isEqualTo(Float.MIN_VALUE);
        assertThat(FloatMath.tanh(1e-20f)).isEqualTo(1e-20f);
        assertThat(FloatMath.tanh(9.1f)).isEqualTo(1f);
        assertThat(FloatMath.tanh(-Float.MAX_VALUE)).isEqualTo(-1f);
        assertThat(FloatMath.tanh(-8f)).isEqualTo((float) StrictMath.tanh(-8));

        assertThat(FloatMath.sigmoid(Float.NaN)).isNaN();
        assertThat(FloatMath.sigmoid(Float.POSITIVE_INFINITY)).isEqualTo(1f);
        assertThat(FloatMath.sigmoid(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(FloatMath.sigmoid(0f)).isEqualTo(0.5f);
        assertThat(FloatMath.sigmoid(-0f)).isEqualTo(0.5f);
        assertThat(FloatMath.sigmoid(100f)).isEqualTo(1f);
        assertThat(FloatMath.sigmoid(-100f)).isEqualTo((float) StrictMath.exp(-100)); // subnormal, not flushed to 0
        assertThat(FloatMath.sigmoid(-110f)).isEqualTo(0f);
    }

    /**
     * The kernels (whichever this JVM selected) agree with FloatMath bit for bit, on lengths and offsets that put
     * elements in whole vectors and in the scalar tail.
     */
    @Test
    void kernelsAgreeBitwiseWithFloatMath() {
        Kernels k = KernelProvider.get();
        float[] x = TierProbe.inputs(11, 5000);
        for (int f = 0; f < 3; f++) {
            UnaryOp op = new UnaryOp[] {UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID}[f];
            for (int[] at : new int[][] {{0, 5000}, {3, 1}, {7, 61}, {1, 4093}}) {
                float[] out = new float[at[1] + 2];
                k.unary(op, 0f, 0f, x, at[0], out, 1, at[1]);
                for (int i = 0; i < at[1]; i++) {
                    float v = x[at[0] + i];
                    float expected = f == 0 ? FloatMath.exp(v) : f == 1 ? FloatMath.tanh(v) : FloatMath.sigmoid(v);
                    assertThat(Float.floatToIntBits(out[1 + i])).as("%s %s(%s) of %s at %s", k.name(), op, v, at[1], i)
                            .isEqualTo(Float.floatToIntBits(expected));
                }
            }
        }
    }
}
