package dev.jgan.autodiff.kernels;

import java.util.Locale;

/**
 * The largest error, in ulps of the float nearest the exact value, of {@link FloatMath}'s exp, tanh and sigmoid
 * against {@code StrictMath} in double over every {@code stride}-th float bit pattern (NaNs skipped; they are
 * checked as special values). {@code FloatMathTest} runs a dense sweep; the exhaustive one (stride 1, all 2^32
 * patterns, a few minutes) is {@code java -cp autodiff/target/classes:autodiff/target/test-classes
 * dev.jgan.autodiff.kernels.FloatMathSweep 1} (docs/reliability.md records its result).
 */
public final class FloatMathSweep {
    private FloatMathSweep() {}

    /** The functions, in the order of {@link #sweep}'s result. */
    static final String[] NAMES = {"exp", "tanh", "sigmoid"};

    /** For each function: {largest error in ulps, the input where it occurs}. */
    static double[][] sweep(long stride) {
        double[][] worst = new double[3][2];
        for (long b = 0; b < (1L << 32); b += stride) {
            float x = Float.intBitsToFloat((int) b);
            if (Float.isNaN(x)) continue;
            check(worst[0], x, FloatMath.exp(x), StrictMath.exp(x));
            check(worst[1], x, FloatMath.tanh(x), StrictMath.tanh(x));
            check(worst[2], x, FloatMath.sigmoid(x), sigmoid(x));
        }
        return worst;
    }

    /** The logistic function in double; its own error (a few double ulps) is far below a float ulp. */
    static double sigmoid(double x) {
        if (x >= 0) return 1 / (1 + StrictMath.exp(-x));
        double e = StrictMath.exp(x);
        return e / (1 + e);
    }

    private static void check(double[] worst, float x, float got, double exact) {
        float nearest = (float) exact;
        double err;
        if (Float.isInfinite(nearest) || Float.isInfinite(got)) err = got == nearest ? 0 : Double.POSITIVE_INFINITY;
        else err = Math.abs(got - exact) / Math.ulp(nearest);
        if (err > worst[0]) {
            worst[0] = err;
            worst[1] = x;
        }
    }

    public static void main(String[] args) {
        long stride = args.length > 0 ? Long.parseLong(args[0]) : 1;
        long t0 = System.nanoTime();
        double[][] w = sweep(stride);
        for (int f = 0; f < 3; f++)
            System.out.printf(Locale.ROOT, "%-8s max %.4f ulp at x = %s (%a)%n", NAMES[f], w[f][0], (float) w[f][1], (float) w[f][1]);
        System.out.printf(Locale.ROOT, "stride %d, %.1f s%n", stride, (System.nanoTime() - t0) / 1e9);
    }
}
