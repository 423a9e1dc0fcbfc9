package dev.jgan.gan.eval;

import dev.jgan.autodiff.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * Improved precision and recall of Kynkäänniemi et al. (2019), "Improved Precision and Recall Metric for Assessing
 * Generative Models": each feature set stands for a manifold, the union of balls around its points whose radius is
 * the distance to the point's k-th nearest neighbour within the set (the point itself not counted; default
 * k = {@value #DEFAULT_K}, the paper's choice);
 * <pre>
 *   precision = share of generated features inside the real manifold:  exists i, ||g - r_i|| &lt;= NND_k(r_i)
 *   recall    = share of real features inside the generated manifold:  exists j, ||r - g_j|| &lt;= NND_k(g_j)
 * </pre>
 * Precision measures how much of what the generator makes looks real, recall how much of the real data it covers.
 * Distances are Euclidean, in double precision, exact (no batching or approximate neighbours); the cost is
 * O((N + M)^2 D). A point lying on a ball's surface counts as inside ({@code <=}, as the paper's code).
 */
public final class PrecisionRecall {
    /** The paper's neighbourhood size. */
    public static final int DEFAULT_K = 3;

    private final double precision, recall;

    private PrecisionRecall(double precision, double recall) {
        this.precision = precision;
        this.recall = recall;
    }

    /** Precision and recall of generated features against real ones, k = {@value #DEFAULT_K}. */
    public static PrecisionRecall of(Tensor real, Tensor generated) {
        return of(real, generated, DEFAULT_K);
    }

    /** Precision and recall of generated features [M, D] against real features [N, D], both sets with more than k rows. */
    public static PrecisionRecall of(Tensor real, Tensor generated, int k) {
        if (k < 1) throw new IllegalArgumentException("PrecisionRecall.of: k must be >= 1, got " + k);
        double[][] r = Rows.of("PrecisionRecall.of: real (k = " + k + ")", real, k + 1);
        double[][] g = Rows.of("PrecisionRecall.of: generated (k = " + k + ")", generated, k + 1);
        Rows.sameWidth("PrecisionRecall.of", "real", r, "generated", g);
        return new PrecisionRecall(coverage(g, r, kthNeighbourDistances2(r, k)), coverage(r, g, kthNeighbourDistances2(g, k)));
    }

    /** For each row, the squared distance to its k-th nearest other row. */
    static double[] kthNeighbourDistances2(double[][] x, int k) {
        int n = x.length;
        double[] radii = new double[n];
        double[] d2 = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) d2[j] = distance2(x[i], x[j]);
            d2[i] = Double.POSITIVE_INFINITY; // not its own neighbour (a duplicate elsewhere still counts, at distance 0)
            double[] sorted = d2.clone();
            Arrays.sort(sorted);
            radii[i] = sorted[k - 1];
        }
        return radii;
    }

    /** The share of {@code points} within radius of at least one centre ({@code radii2} squared). */
    static double coverage(double[][] points, double[][] centres, double[] radii2) {
        int inside = 0;
        for (double[] p : points)
            for (int j = 0; j < centres.length; j++)
                if (distance2(p, centres[j]) <= radii2[j]) {
                    inside++;
                    break;
                }
        return (double) inside / points.length;
    }

    private static double distance2(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            double d = a[k] - b[k];
            s += d * d;
        }
        return s;
    }

    /** The share of generated features inside the real manifold. */
    public double precision() {
        return precision;
    }

    /** The share of real features inside the generated manifold. */
    public double recall() {
        return recall;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "precision %.4f, recall %.4f", precision, recall);
    }
}
