package dev.jgan.gan.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.eval.FrechetDistance.Statistics;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {
    @Test
    void diagonalCovariancesGiveTheSumOfSquaredRootDifferences() {
        // commuting case: Tr(S1 + S2 - 2 (S1 S2)^1/2) = sum_i (sqrt a_i - sqrt b_i)^2
        double[] a = {4, 1, 0.25, 9}, b = {1, 1, 4, 0};
        Statistics s1 = new Statistics(new double[] {1, 2, 3, 4}, diag(a)), s2 = new Statistics(new double[] {0, 2, 5, 4}, diag(b));
        double expected = 1 + 4;
        for (int i = 0; i < 4; i++) expected += Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
        assertThat(FrechetDistance.of(s1, s2)).isCloseTo(expected, within(1e-12));
    }

    @Test
    void nonCommutingCovariancesMatchTheTwoByTwoClosedForm() {
        // For 2 x 2 PSD matrices the eigenvalues l1, l2 of S1 S2 give Tr (S1 S2)^1/2 = sqrt(l1) + sqrt(l2)
        // = sqrt(tr(S1 S2) + 2 sqrt(det S1 det S2)). S1 = [[2, 1], [1, 2]], S2 = diag(1, 3): S1 S2 = [[2, 3], [1, 6]]
        // != S2 S1; tr(S1 S2) = 8, det S1 det S2 = 9, so Tr (S1 S2)^1/2 = sqrt 14.
        double[][] s1 = {{2, 1}, {1, 2}}, s2 = {{1, 0}, {0, 3}};
        double fid = FrechetDistance.of(new Statistics(new double[] {1, 2}, s1), new Statistics(new double[] {0, 0}, s2));
        assertThat(fid).isCloseTo(5 + 4 + 4 - 2 * Math.sqrt(14), within(1e-12));
        // singular S1 = [[1, 1], [1, 1]] against I: tr = 2, det = 0 -> Tr (S1 S2)^1/2 = sqrt 2
        double singular = FrechetDistance.of(new Statistics(new double[2], new double[][] {{1, 1}, {1, 1}}),
                new Statistics(new double[2], new double[][] {{1, 0}, {0, 1}}));
        assertThat(singular).isCloseTo(2 + 2 - 2 * Math.sqrt(2), within(1e-12));
    }

    @Test
    void randomCovariancesMatchADenmanBeaversSquareRootOfTheProduct() {
        Rng rng = new Rng(3);
        for (int d : new int[] {1, 3, 6}) {
            double[][] s1 = randomSpd(rng, d), s2 = randomSpd(rng, d);
            double[] mu1 = new double[d], mu2 = new double[d];
            double expected = 0;
            for (int i = 0; i < d; i++) {
                mu1[i] = rng.nextGaussian();
                mu2[i] = rng.nextGaussian();
                expected += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]) + s1[i][i] + s2[i][i];
            }
            DMatrixRMaj product = new DMatrixRMaj(d, d);
            CommonOps_DDRM.mult(new DMatrixRMaj(s1), new DMatrixRMaj(s2), product);
            expected -= 2 * CommonOps_DDRM.trace(denmanBeavers(product));
            double fid = FrechetDistance.of(new Statistics(mu1, s1), new Statistics(mu2, s2));
            assertThat(fid).as("d = %d", d).isCloseTo(expected, within(1e-9 * (1 + Math.abs(expected))));
            assertThat(FrechetDistance.of(new Statistics(mu2, s2), new Statistics(mu1, s1))).isCloseTo(fid, within(1e-9 * (1 + fid)));
        }
    }

    @Test
    void aSetAgainstItselfIsZeroEvenWithFewerSamplesThanDimensions() {
        Rng rng = new Rng(7);
        for (int[] nd : new int[][] {{200, 16}, {10, 32}}) {
            Tensor x = Tensor.randn(rng, nd[0], nd[1]).mul(3f).add(1f);
            double fid = FrechetDistance.of(x, x);
            double trace = 0;
            double[][] c = Statistics.of(x).covariance();
            for (int i = 0; i < nd[1]; i++) trace += c[i][i];
            assertThat(Math.abs(fid)).as("N = %d, D = %d, trace %f", nd[0], nd[1], trace).isLessThan(1e-6 * trace);
        }
    }

    @Test
    void samplesOfShiftedGaussiansGrowWithTheShift() {
        Rng rng = new Rng(11);
        Tensor a = Tensor.randn(rng, 2000, 4), b = Tensor.randn(rng, 2000, 4);
        double previous = FrechetDistance.of(a, b);
        assertThat(previous).isLessThan(0.05); // two samples of N(0, I): only the estimate's bias and noise
        for (float shift : new float[] {0.5f, 1f, 2f}) {
            double fid = FrechetDistance.of(a, b.add(shift));
            // ||mu1 - mu2||^2 = 4 shift^2 on top of the covariance term
            assertThat(fid).isCloseTo(4 * shift * shift, within(0.1 + 0.1 * shift)).isGreaterThan(previous);
            previous = fid;
        }
    }

    @Test
    void theCovarianceIsTheUnbiasedSampleCovariance() {
        Statistics s = Statistics.of(Tensor.of(new float[] {1, 2, 3, 6, 5, 4}, 3, 2));
        assertThat(s.mean()).containsExactly(3, 4);
        // deviations (-2, -2), (0, 2), (2, 0): sums of products (8, 4; 4, 8) / (N - 1 = 2)
        assertThat(s.covariance()[0]).containsExactly(4, 2);
        assertThat(s.covariance()[1]).containsExactly(2, 4);
    }

    @Test
    void refusesBadInputs() {
        Tensor a = Tensor.zeros(5, 3);
        assertThatThrownBy(() -> FrechetDistance.of(a, Tensor.zeros(5, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("FrechetDistance.of: the feature sizes differ: a is [5, 3], b is [5, 4]");
        assertThatThrownBy(() -> FrechetDistance.of(a, Tensor.zeros(1, 3)))
                .hasMessage("FrechetDistance.of: b needs at least 2 rows, got [1, 3]");
        assertThatThrownBy(() -> FrechetDistance.of(Tensor.of(new float[] {0, 1, Float.POSITIVE_INFINITY, 2}, 2, 2), Tensor.zeros(2, 2)))
                .hasMessage("FrechetDistance.of: a [2, 2] holds Infinity at [1, 0]");
        assertThatThrownBy(() -> FrechetDistance.of(Tensor.zeros(3, 2), Tensor.of(new float[] {0, Float.NaN, 0, 0}, 2, 2)))
                .hasMessage("FrechetDistance.of: b [2, 2] holds NaN at [0, 1]");
        assertThatThrownBy(() -> new Statistics(new double[] {0, 0}, new double[][] {{1, 0.5}, {0.4, 1}}))
                .hasMessageContaining("not symmetric: [0][1] = 0.5, [1][0] = 0.4");
        assertThatThrownBy(() -> new Statistics(new double[] {0, 0}, new double[][] {{1, 0}}))
                .hasMessageContaining("the mean has 2 entries, the covariance 1 rows");
        assertThatThrownBy(() -> FrechetDistance.of(new Statistics(new double[1], new double[][] {{1}}), new Statistics(new double[2], diag(new double[] {1, 1}))))
                .hasMessage("FrechetDistance.of: the feature sizes differ: 1 and 2");
    }

    private static double[][] diag(double[] v) {
        double[][] m = new double[v.length][v.length];
        for (int i = 0; i < v.length; i++) m[i][i] = v[i];
        return m;
    }

    /** A A^T + 0.1 I for a Gaussian A: symmetric positive definite. */
    private static double[][] randomSpd(Rng rng, int d) {
        double[][] a = new double[d][d], s = new double[d][d];
        for (double[] row : a)
            for (int j = 0; j < d; j++) row[j] = rng.nextGaussian();
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < d; k++) s[i][j] += a[i][k] * a[j][k];
                if (i == j) s[i][j] += 0.1;
            }
        return s;
    }

    /** The principal square root of a matrix with positive real eigenvalues (Denman and Beavers 1976): an independent oracle. */
    private static DMatrixRMaj denmanBeavers(DMatrixRMaj a) {
        int d = a.numRows;
        DMatrixRMaj y = a.copy(), z = CommonOps_DDRM.identity(d);
        for (int k = 0; k < 100; k++) {
            DMatrixRMaj yi = y.copy(), zi = z.copy();
            CommonOps_DDRM.invert(yi);
            CommonOps_DDRM.invert(zi);
            DMatrixRMaj y2 = new DMatrixRMaj(d, d), z2 = new DMatrixRMaj(d, d);
            CommonOps_DDRM.add(0.5, y, 0.5, zi, y2);
            CommonOps_DDRM.add(0.5, z, 0.5, yi, z2);
            y = y2;
            z = z2;
        }
        return y;
    }
}
