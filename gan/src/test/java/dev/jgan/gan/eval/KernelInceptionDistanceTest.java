package dev.jgan.gan.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import org.junit.jupiter.api.Test;

class KernelInceptionDistanceTest {
    @Test
    void aHandComputedMmd() {
        // d = 1, k(a, b) = (a b + 1)^3; x = {0, 1}, y = {2, 3}
        // k(x1, x2) = 1 -> 2 * 1 / (2 * 1) = 1; k(y1, y2) = 7^3 = 343 -> 343;
        // cross: 1 + 1 + 27 + 64 = 93 -> 2 * 93 / 4 = 46.5; MMD^2 = 1 + 343 - 46.5
        Tensor x = Tensor.of(new float[] {0, 1}, 2, 1), y = Tensor.of(new float[] {2, 3}, 2, 1);
        MeanStd kid = KernelInceptionDistance.of(x, y, 3, 2, new Rng(1)); // every subset is the whole set, in some order
        assertThat(kid.mean()).isCloseTo(297.5, within(1e-9));
        assertThat(kid.std()).isCloseTo(0, within(1e-9));
        // the kernel divides by d: d = 2, x . y = 4 -> (4 / 2 + 1)^3 = 27
        assertThat(KernelInceptionDistance.kernel(new double[] {1, 1}, new double[] {2, 2}, 2)).isEqualTo(27);
    }

    @Test
    void identicalSetsAreNearZeroAndShiftedSetsAreNot() {
        Rng rng = new Rng(5);
        Tensor x = Tensor.randn(rng, 400, 8);
        // The whole set against itself: the unbiased estimator is 2/(m(m-1)) (sum_ij k / m - sum_i k(x_i, x_i)), in
        // [-2 mean_i k(x_i, x_i) / (m - 1), 0] since the kernel is positive semi-definite.
        double[][] rows = Rows.of("x", x, 2);
        double selfMean = 0;
        for (double[] r : rows) selfMean += KernelInceptionDistance.kernel(r, r, 8) / rows.length;
        MeanStd same = KernelInceptionDistance.of(x, x, 2, 400, new Rng(6));
        assertThat(same.mean()).isBetween(-2 * selfMean / 399, 0.0);
        // another sample of the same distribution, random subsets of 200: near 0 either side
        Tensor y = Tensor.randn(rng, 400, 8);
        MeanStd other = KernelInceptionDistance.of(x, y, 50, 200, new Rng(7));
        double previous = other.mean();
        assertThat(Math.abs(previous)).isLessThan(0.05);
        for (float shift : new float[] {0.25f, 0.5f, 1f}) {
            MeanStd shifted = KernelInceptionDistance.of(x, y.add(shift), 50, 200, new Rng(7));
            assertThat(shifted.mean()).as("shift %f", shift).isGreaterThan(previous + 3 * shifted.std() / Math.sqrt(50));
            previous = shifted.mean();
        }
    }

    @Test
    void theSubsetsComeFromTheGivenGenerator() {
        Rng rng = new Rng(9);
        Tensor x = Tensor.randn(rng, 60, 3), y = Tensor.randn(rng, 50, 3).add(0.3f);
        assertThat(KernelInceptionDistance.of(x, y, 10, 20, new Rng(4))).isEqualTo(KernelInceptionDistance.of(x, y, 10, 20, new Rng(4)));
        assertThat(KernelInceptionDistance.of(x, y, 10, 20, new Rng(4))).isNotEqualTo(KernelInceptionDistance.of(x, y, 10, 20, new Rng(5)));
        // the subset size is capped at the smaller set: 1000 -> 50
        assertThat(KernelInceptionDistance.of(x, y, 2, 1000, new Rng(4)).mean()).isCloseTo(KernelInceptionDistance.of(x, y, 2, 50, new Rng(4)).mean(), within(0.0));
    }

    @Test
    void refusesBadInputs() {
        Rng rng = new Rng(1);
        assertThatThrownBy(() -> KernelInceptionDistance.of(Tensor.zeros(4, 3), Tensor.zeros(4, 2), rng))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("KernelInceptionDistance.of: the feature sizes differ: a is [4, 3], b is [4, 2]");
        assertThatThrownBy(() -> KernelInceptionDistance.of(Tensor.zeros(1, 3), Tensor.zeros(4, 3), rng))
                .hasMessage("KernelInceptionDistance.of: a needs at least 2 rows, got [1, 3]");
        assertThatThrownBy(() -> KernelInceptionDistance.of(Tensor.zeros(4, 3), Tensor.zeros(4, 3), 0, 10, rng))
                .hasMessage("KernelInceptionDistance.of: subsets must be >= 1, got 0");
        assertThatThrownBy(() -> KernelInceptionDistance.of(Tensor.zeros(4, 3), Tensor.zeros(4, 3), 5, 1, rng))
                .hasMessage("KernelInceptionDistance.of: subsetSize must be >= 2, got 1");
        assertThatThrownBy(() -> KernelInceptionDistance.of(Tensor.zeros(2, 1), Tensor.of(new float[] {Float.NaN, 0}, 2, 1), rng))
                .hasMessage("KernelInceptionDistance.of: b [2, 1] holds NaN at [0, 0]");
    }
}
