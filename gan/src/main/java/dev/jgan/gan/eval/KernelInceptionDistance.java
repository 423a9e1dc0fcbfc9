package dev.jgan.gan.eval;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;

/**
 * The Kernel Inception Distance of Bińkowski et al. (2018), "Demystifying MMD GANs": the unbiased estimate of the
 * squared maximum mean discrepancy between two feature sets under the cubic polynomial kernel
 * <pre>
 *   k(x, y) = (x . y / d + 1)^3                                  (d the feature dimension)
 *   MMD^2_u = sum_{i != j} k(x_i, x_j) / (m (m - 1)) + sum_{i != j} k(y_i, y_j) / (m (m - 1)) - 2 sum_{i, j} k(x_i, y_j) / m^2
 * </pre>
 * averaged over {@code subsets} pairs of random subsets of m rows each, drawn without replacement from each set
 * independently, as the paper's code does; the result is the mean and (population) standard deviation over the
 * subsets. Defaults: {@value #DEFAULT_SUBSETS} subsets of {@value #DEFAULT_SUBSET_SIZE} rows, m capped at the smaller
 * set. Unlike the Fréchet distance the estimate is unbiased, so it can come out slightly negative for two samples of
 * one distribution; it is 0 in expectation then.
 *
 * <p>On a classifier of jgan's own ({@link FeatureClassifier}) the numbers are comparable only with numbers from the
 * same classifier checkpoint, never with the Inception-based KIDs of papers.
 */
public final class KernelInceptionDistance {
    /** The paper's code's number of subsets. */
    public static final int DEFAULT_SUBSETS = 100;
    /** The paper's code's subset size (capped at the smaller set). */
    public static final int DEFAULT_SUBSET_SIZE = 1000;

    private KernelInceptionDistance() {}

    /** KID of features a [N, D] and b [M, D] with the defaults, subsets drawn from {@code rng}. */
    public static MeanStd of(Tensor a, Tensor b, Rng rng) {
        return of(a, b, DEFAULT_SUBSETS, DEFAULT_SUBSET_SIZE, rng);
    }

    /**
     * KID of features a [N, D] and b [M, D] (N, M >= 2) over {@code subsets} pairs of subsets of
     * {@code min(subsetSize, N, M)} rows each, drawn from {@code rng} (the subset of a first, then b's, per subset).
     */
    public static MeanStd of(Tensor a, Tensor b, int subsets, int subsetSize, Rng rng) {
        double[][] x = Rows.of("KernelInceptionDistance.of: a", a, 2), y = Rows.of("KernelInceptionDistance.of: b", b, 2);
        Rows.sameWidth("KernelInceptionDistance.of", "a", x, "b", y);
        if (subsets < 1) throw new IllegalArgumentException("KernelInceptionDistance.of: subsets must be >= 1, got " + subsets);
        if (subsetSize < 2) throw new IllegalArgumentException("KernelInceptionDistance.of: subsetSize must be >= 2, got " + subsetSize);
        if (rng == null) throw new IllegalArgumentException("KernelInceptionDistance.of: rng must be given");
        int m = Math.min(subsetSize, Math.min(x.length, y.length));
        double[] mmd = new double[subsets];
        double[][] xs = new double[m][], ys = new double[m][];
        for (int s = 0; s < subsets; s++) {
            int[] px = rng.permutation(x.length), py = rng.permutation(y.length);
            for (int i = 0; i < m; i++) {
                xs[i] = x[px[i]];
                ys[i] = y[py[i]];
            }
            mmd[s] = mmd2Unbiased(xs, ys);
        }
        return Rows.meanStd(mmd);
    }

    /** The unbiased MMD^2 of two equal-sized sets under the cubic polynomial kernel (the formula above). */
    static double mmd2Unbiased(double[][] x, double[][] y) {
        int m = x.length, d = x[0].length;
        double kxx = 0, kyy = 0, kxy = 0;
        for (int i = 0; i < m; i++) {
            for (int j = i + 1; j < m; j++) { // i != j: each unordered pair once, counted twice below
                kxx += kernel(x[i], x[j], d);
                kyy += kernel(y[i], y[j], d);
            }
            for (int j = 0; j < m; j++) kxy += kernel(x[i], y[j], d);
        }
        return 2 * (kxx + kyy) / ((double) m * (m - 1)) - 2 * kxy / ((double) m * m);
    }

    /** k(x, y) = (x . y / d + 1)^3. */
    static double kernel(double[] x, double[] y, int d) {
        double dot = 0;
        for (int k = 0; k < d; k++) dot += x[k] * y[k];
        double t = dot / d + 1;
        return t * t * t;
    }
}
