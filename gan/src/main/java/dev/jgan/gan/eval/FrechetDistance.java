package dev.jgan.gan.eval;

import dev.jgan.autodiff.Tensor;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The Fréchet distance of Heusel et al. (2017), "GANs Trained by a Two Time-Scale Update Rule Converge to a Local
 * Nash Equilibrium" (FID when the features are Inception's): the squared 2-Wasserstein distance between the
 * Gaussians fitted to two feature sets,
 * <pre>
 *   d^2 = ||mu1 - mu2||^2 + Tr( S1 + S2 - 2 (S1 S2)^{1/2} )
 * </pre>
 * with the sample mean and the unbiased sample covariance (divided by N - 1, as {@code numpy.cov} in the reference
 * code), all in double precision.
 *
 * <p>The square root: S1 S2 is not symmetric, and the reference code's general {@code scipy.linalg.sqrtm} can
 * return complex parts or fail on singular covariances (fewer samples than feature dimensions). Here
 * {@code Tr (S1 S2)^{1/2}} is computed from the symmetric matrix {@code M = S1^{1/2} S2 S1^{1/2}}, which has the
 * eigenvalues of S1 S2 (they are similar when S1 is invertible, and share their non-zero eigenvalues always), so
 * {@code Tr (S1 S2)^{1/2} = sum_i sqrt(lambda_i(M))}. Both S1^{1/2} and the eigenvalues of M come from EJML's
 * symmetric eigendecomposition ({@code DecompositionFactory_DDRM.eig(d, ..., true)}); M is symmetrised as
 * {@code (M + M^T) / 2} first, and eigenvalues below 0, which for these positive semi-definite matrices are
 * rounding only, are clamped to 0. No regularising {@code eps I} is added.
 *
 * <p>On a classifier of jgan's own ({@link FeatureClassifier}) the numbers are comparable only with numbers from
 * the same classifier checkpoint and the same sample counts (the estimate is biased upwards for small N), never with
 * the Inception-based FIDs of papers.
 */
public final class FrechetDistance {
    private FrechetDistance() {}

    /**
     * The mean and covariance of a feature set: the sufficient statistics of the distance, so the real set's can be
     * computed once and kept.
     *
     * @param mean       mu [D]
     * @param covariance S [D][D], symmetric positive semi-definite
     */
    public record Statistics(double[] mean, double[][] covariance) {
        /** Checks sizes, finiteness and symmetry (to 1e-9 relative); keeps copies. */
        public Statistics {
            if (mean == null || covariance == null) throw new IllegalArgumentException("FrechetDistance.Statistics: mean and covariance must be given");
            int d = mean.length;
            if (d == 0) throw new IllegalArgumentException("FrechetDistance.Statistics: the mean is empty");
            if (covariance.length != d)
                throw new IllegalArgumentException("FrechetDistance.Statistics: the mean has " + d + " entries, the covariance " + covariance.length + " rows");
            mean = mean.clone();
            double[][] c = new double[d][];
            for (int i = 0; i < d; i++) {
                if (covariance[i] == null || covariance[i].length != d)
                    throw new IllegalArgumentException("FrechetDistance.Statistics: covariance row " + i + " must have " + d + " entries, got "
                            + (covariance[i] == null ? "null" : covariance[i].length));
                c[i] = covariance[i].clone();
            }
            for (int i = 0; i < d; i++) {
                if (!Double.isFinite(mean[i])) throw new IllegalArgumentException("FrechetDistance.Statistics: mean[" + i + "] = " + mean[i]);
                for (int j = 0; j < d; j++) {
                    if (!Double.isFinite(c[i][j]))
                        throw new IllegalArgumentException("FrechetDistance.Statistics: covariance[" + i + "][" + j + "] = " + c[i][j]);
                    double scale = Math.max(1e-300, Math.max(Math.abs(c[i][j]), Math.abs(c[j][i])));
                    if (Math.abs(c[i][j] - c[j][i]) > 1e-9 * scale)
                        throw new IllegalArgumentException("FrechetDistance.Statistics: the covariance is not symmetric: [" + i + "][" + j + "] = "
                                + c[i][j] + ", [" + j + "][" + i + "] = " + c[j][i]);
                }
            }
            covariance = c;
        }

        /** The sample mean and unbiased covariance of features [N, D], N >= 2, in double precision (two passes). */
        public static Statistics of(Tensor features) {
            return of(Rows.of("FrechetDistance.Statistics.of: features", features, 2));
        }

        static Statistics of(double[][] x) {
            int n = x.length, d = x[0].length;
            double[] mu = new double[d];
            for (double[] row : x)
                for (int j = 0; j < d; j++) mu[j] += row[j];
            for (int j = 0; j < d; j++) mu[j] /= n;
            double[][] cov = new double[d][d];
            double[] c = new double[d];
            for (double[] row : x) {
                for (int j = 0; j < d; j++) c[j] = row[j] - mu[j];
                for (int a = 0; a < d; a++) {
                    double ca = c[a];
                    if (ca == 0) continue;
                    double[] out = cov[a];
                    for (int b = a; b < d; b++) out[b] += ca * c[b]; // upper triangle; mirrored below
                }
            }
            for (int a = 0; a < d; a++)
                for (int b = a; b < d; b++) cov[b][a] = cov[a][b] /= (n - 1);
            return new Statistics(mu, cov);
        }

        /** The feature dimension D. */
        public int dimension() {
            return mean.length;
        }

        @Override
        public double[] mean() {
            return mean.clone();
        }

        @Override
        public double[][] covariance() {
            double[][] c = new double[covariance.length][];
            for (int i = 0; i < c.length; i++) c[i] = covariance[i].clone();
            return c;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Statistics s && Arrays.equals(mean, s.mean) && Arrays.deepEquals(covariance, s.covariance);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(mean) + Arrays.deepHashCode(covariance);
        }

        @Override
        public String toString() {
            return "FrechetDistance.Statistics[D = " + mean.length + "]";
        }
    }

    /** The Fréchet distance between the Gaussians fitted to features a [N, D] and b [M, D] (N, M >= 2). */
    public static double of(Tensor a, Tensor b) {
        double[][] x = Rows.of("FrechetDistance.of: a", a, 2), y = Rows.of("FrechetDistance.of: b", b, 2);
        Rows.sameWidth("FrechetDistance.of", "a", x, "b", y);
        return of(Statistics.of(x), Statistics.of(y));
    }

    /** The Fréchet distance between two Gaussians N(mu1, S1) and N(mu2, S2) of the same dimension. */
    public static double of(Statistics a, Statistics b) {
        int d = a.dimension();
        if (b.dimension() != d)
            throw new IllegalArgumentException("FrechetDistance.of: the feature sizes differ: " + d + " and " + b.dimension());
        double meanTerm = 0, trace = 0;
        for (int i = 0; i < d; i++) {
            double diff = a.mean[i] - b.mean[i];
            meanTerm += diff * diff;
            trace += a.covariance[i][i] + b.covariance[i][i];
        }
        return meanTerm + trace - 2 * traceSqrtProduct(a.covariance, b.covariance);
    }

    /**
     * {@code Tr (S1 S2)^{1/2}} for symmetric positive semi-definite S1, S2, as {@code sum_i sqrt(lambda_i(S1^{1/2} S2
     * S1^{1/2}))}, eigenvalues below 0 clamped to 0.
     */
    static double traceSqrtProduct(double[][] s1, double[][] s2) {
        int d = s1.length;
        DMatrixRMaj root = symmetricSqrt(new DMatrixRMaj(s1));
        DMatrixRMaj tmp = new DMatrixRMaj(d, d), m = new DMatrixRMaj(d, d);
        CommonOps_DDRM.mult(root, new DMatrixRMaj(s2), tmp);
        CommonOps_DDRM.mult(tmp, root, m);
        symmetrise(m);
        double[] lambda = eigenvalues(m, false).values;
        double sum = 0;
        for (double l : lambda) sum += Math.sqrt(Math.max(l, 0)); // negative: rounding on a PSD matrix
        return sum;
    }

    /** V diag(sqrt(max(lambda, 0))) V^T for a symmetric matrix. */
    static DMatrixRMaj symmetricSqrt(DMatrixRMaj s) {
        int d = s.numRows;
        Eigen e = eigenvalues(s, true);
        DMatrixRMaj root = new DMatrixRMaj(d, d);
        for (int k = 0; k < d; k++) {
            double r = Math.sqrt(Math.max(e.values[k], 0));
            if (r == 0) continue;
            DMatrixRMaj v = e.vectors[k];
            for (int i = 0; i < d; i++) {
                double vi = r * v.data[i];
                for (int j = 0; j < d; j++) root.data[i * d + j] += vi * v.data[j];
            }
        }
        symmetrise(root);
        return root;
    }

    private record Eigen(double[] values, DMatrixRMaj[] vectors) {}

    private static Eigen eigenvalues(DMatrixRMaj s, boolean vectors) {
        int d = s.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, vectors, true);
        if (!eig.decompose(s.copy()))
            throw new IllegalStateException("FrechetDistance: EJML's symmetric eigendecomposition of a " + d + " x " + d + " matrix did not converge");
        double[] values = new double[d];
        DMatrixRMaj[] vecs = vectors ? new DMatrixRMaj[d] : null;
        for (int k = 0; k < d; k++) {
            values[k] = eig.getEigenvalue(k).getReal();
            if (vectors) vecs[k] = eig.getEigenVector(k);
        }
        return new Eigen(values, vecs);
    }

    private static void symmetrise(DMatrixRMaj m) {
        int d = m.numRows;
        for (int i = 0; i < d; i++)
            for (int j = i + 1; j < d; j++) {
                double v = 0.5 * (m.data[i * d + j] + m.data[j * d + i]);
                m.data[i * d + j] = v;
                m.data[j * d + i] = v;
            }
    }
}
