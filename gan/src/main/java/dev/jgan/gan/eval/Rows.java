package dev.jgan.gan.eval;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;

/** Feature and logit batches [N, D] as double rows, checked once for every metric: shape, size, finiteness. */
final class Rows {
    private Rows() {}

    /**
     * The rows of {@code t} [N, D] in double precision; {@code what} names the metric and the argument in errors
     * ("FrechetDistance.of: a"). Refuses N < {@code minRows}, D = 0 and any NaN or infinite value (naming the row,
     * the column and the value).
     */
    static double[][] of(String what, Tensor t, int minRows) {
        if (t == null) throw new IllegalArgumentException(what + " must be given, got null");
        if (t.dim() != 2 || t.size(1) == 0)
            throw new IllegalArgumentException(what + " must be [N, D] with D >= 1, got " + Shape.str(t.shape()));
        int n = t.size(0), d = t.size(1);
        if (n < minRows)
            throw new IllegalArgumentException(what + " needs at least " + minRows + " rows, got " + Shape.str(t.shape()));
        float[] v = t.toArray();
        double[][] rows = new double[n][d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) {
                float x = v[i * d + j];
                if (!Float.isFinite(x))
                    throw new IllegalArgumentException(what + " " + Shape.str(t.shape()) + " holds " + x + " at [" + i + ", " + j + "]");
                rows[i][j] = x;
            }
        return rows;
    }

    /** Refuses two feature sets of different widths. */
    static void sameWidth(String what, String nameA, double[][] a, String nameB, double[][] b) {
        if (a[0].length != b[0].length)
            throw new IllegalArgumentException(what + ": the feature sizes differ: " + nameA + " is [" + a.length + ", " + a[0].length
                    + "], " + nameB + " is [" + b.length + ", " + b[0].length + "]");
    }

    /** Mean and population standard deviation (ddof 0, as numpy's default in the reference codes). */
    static MeanStd meanStd(double[] values) {
        double mean = 0;
        for (double x : values) mean += x;
        mean /= values.length;
        double var = 0;
        for (double x : values) var += (x - mean) * (x - mean);
        return new MeanStd(mean, Math.sqrt(var / values.length));
    }
}
