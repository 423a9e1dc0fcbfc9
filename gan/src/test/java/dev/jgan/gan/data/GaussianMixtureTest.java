package dev.jgan.gan.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GaussianMixtureTest {

    @Test
    void ringHasEightModesOnTheCircleAtDistinctAngles() {
        GaussianMixture ring = GaussianMixture.ring8();
        float[][] c = ring.modes();
        assertThat(c).hasNumberOfRows(8);
        assertThat(ring.std()).isEqualTo(0.02f);
        assertThat(ring.name()).isEqualTo("ring8");
        assertThat(c[0]).containsExactly(2f, 0f);
        for (int k = 0; k < 8; k++) {
            assertThat(Math.hypot(c[k][0], c[k][1])).isCloseTo(2.0, within(1e-6));
            double angle = Math.atan2(c[k][1], c[k][0]);
            double expected = 2 * Math.PI * k / 8;
            assertThat(Math.IEEEremainder(angle - expected, 2 * Math.PI)).isCloseTo(0.0, within(1e-6));
        }
        assertThat(c[2][0]).isCloseTo(0f, within(1e-6f));
        assertThat(c[2][1]).isEqualTo(2f);
        assertThat(c[4][0]).isEqualTo(-2f);
    }

    @Test
    void ringIsConfigurable() {
        GaussianMixture ring = GaussianMixture.ring(3, 5f, 0.5f);
        assertThat(ring.modes()).hasNumberOfRows(3);
        assertThat(ring.modes()[1][0]).isCloseTo(-2.5f, within(1e-6f)); // 5 cos(120 degrees)
        assertThat(ring.modes()[1][1]).isCloseTo(4.330127f, within(1e-6f));
        assertThat(ring.std()).isEqualTo(0.5f);
        assertThat(ring.name()).isEqualTo("ring3");
    }

    @Test
    void gridHasTwentyFiveModesAtEvenCoordinates() {
        GaussianMixture grid = GaussianMixture.grid25();
        assertThat(grid.std()).isEqualTo(0.05f);
        assertThat(grid.name()).isEqualTo("grid25");
        Set<String> seen = new HashSet<>();
        for (float[] c : grid.modes()) seen.add(c[0] + "," + c[1]);
        Set<String> expected = new HashSet<>();
        for (int x = -4; x <= 4; x += 2)
            for (int y = -4; y <= 4; y += 2) expected.add((float) x + "," + (float) y);
        assertThat(seen).isEqualTo(expected);
        assertThat(grid.modes()[1]).containsExactly(-4f, -2f); // x-major, then y
    }

    @Test
    void modesAreACopy() {
        GaussianMixture ring = GaussianMixture.ring8();
        ring.modes()[0][0] = 99f;
        assertThat(ring.modes()[0][0]).isEqualTo(2f);
    }

    @Test
    void ringSamplesSpreadEvenlyWithTheirStd() {
        checkStatistics(GaussianMixture.ring8(), 40_000, 11);
    }

    @Test
    void gridSamplesSpreadEvenlyWithTheirStd() {
        checkStatistics(GaussianMixture.grid25(), 50_000, 12);
    }

    /** Per mode: count within 5 binomial sigmas of n / M, mean within 5 standard errors, std within 5%. */
    private static void checkStatistics(GaussianMixture d, int n, long seed) {
        float[][] c = d.modes();
        int modes = c.length;
        float[] p = d.sample(new Rng(seed), n).toArray();
        int[] count = new int[modes];
        double[][] sum = new double[modes][2], sum2 = new double[modes][2];
        for (int i = 0; i < n; i++) {
            int m = nearest(c, p[2 * i], p[2 * i + 1]); // the modes lie > 30 std apart: the nearest is the one drawn
            count[m]++;
            for (int a = 0; a < 2; a++) {
                double v = p[2 * i + a] - c[m][a];
                sum[m][a] += v;
                sum2[m][a] += v * v;
            }
        }
        double expected = (double) n / modes, sigma = Math.sqrt(n * (1.0 / modes) * (1 - 1.0 / modes));
        for (int m = 0; m < modes; m++) {
            assertThat((double) count[m]).as("count of mode %d", m).isCloseTo(expected, within(5 * sigma));
            for (int a = 0; a < 2; a++) {
                double mean = sum[m][a] / count[m];
                double std = Math.sqrt(sum2[m][a] / count[m] - mean * mean);
                assertThat(mean).as("mean offset of mode %d, axis %d", m, a).isCloseTo(0.0, within(5 * d.std() / Math.sqrt(count[m])));
                assertThat(std).as("std of mode %d, axis %d", m, a).isCloseTo(d.std(), within(0.05 * d.std()));
            }
        }
    }

    private static int nearest(float[][] c, float x, float y) {
        int best = 0;
        for (int m = 1; m < c.length; m++)
            if (Math.hypot(x - c[m][0], y - c[m][1]) < Math.hypot(x - c[best][0], y - c[best][1])) best = m;
        return best;
    }

    @Test
    void samplingDrawsTheModeThenTwoGaussiansFromTheGivenRng() {
        GaussianMixture ring = GaussianMixture.ring8();
        float[] got = ring.sample(new Rng(5), 100).toArray();
        Rng r = new Rng(5);
        float[][] c = ring.modes();
        for (int i = 0; i < 100; i++) {
            float[] m = c[r.nextInt(8)];
            assertThat(got[2 * i]).isEqualTo(m[0] + 0.02f * r.nextGaussian());
            assertThat(got[2 * i + 1]).isEqualTo(m[1] + 0.02f * r.nextGaussian());
        }
    }

    @Test
    void sameSeedSameSamplesOtherSeedOtherSamples() {
        GaussianMixture grid = GaussianMixture.grid25();
        Tensor a = grid.sample(new Rng(3), 64), b = grid.sample(new Rng(3), 64), c = grid.sample(new Rng(4), 64);
        assertThat(a.shape()).containsExactly(64, 2);
        assertThat(a.toArray()).isEqualTo(b.toArray());
        assertThat(a.toArray()).isNotEqualTo(c.toArray());
        assertThat(grid.sample(new Rng(3), 0).shape()).containsExactly(0, 2);
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> GaussianMixture.ring(0, 2f, 0.02f)).hasMessageContaining("modes must be >= 1, got 0");
        assertThatThrownBy(() -> GaussianMixture.ring(8, 0f, 0.02f)).hasMessageContaining("radius must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> GaussianMixture.ring(8, Float.POSITIVE_INFINITY, 0.02f)).hasMessageContaining("radius");
        assertThatThrownBy(() -> GaussianMixture.ring(8, 2f, -1f)).hasMessageContaining("std must be finite and > 0, got -1.0");
        assertThatThrownBy(() -> GaussianMixture.ring(8, 2f, Float.NaN)).hasMessageContaining("std must be finite and > 0, got NaN");
        assertThatThrownBy(() -> GaussianMixture.grid(0, 2f, 0.05f)).hasMessageContaining("side must be in 1..1000, got 0");
        assertThatThrownBy(() -> GaussianMixture.grid(5, Float.NaN, 0.05f)).hasMessageContaining("spacing must be finite and > 0, got NaN");
        assertThatThrownBy(() -> GaussianMixture.grid(5, 2f, 0f)).hasMessageContaining("std");
        assertThatThrownBy(() -> GaussianMixture.ring8().sample(new Rng(1), -1)).hasMessageContaining("ring8.sample: n must be >= 0, got -1");
    }

    @Test
    void standardSetsByName() {
        assertThat(ToyDistribution.of("ring8").modes()).isDeepEqualTo(GaussianMixture.ring8().modes());
        assertThat(ToyDistribution.of("grid25").modes()).isDeepEqualTo(GaussianMixture.grid25().modes());
        assertThat(ToyDistribution.of("swissroll")).isInstanceOf(SwissRoll.class);
        for (String name : ToyDistribution.names()) assertThat(ToyDistribution.of(name).name()).isEqualTo(name);
        assertThatThrownBy(() -> ToyDistribution.of("ring9")).hasMessageContaining("'ring9' is unknown; known: [ring8, grid25, swissroll]");
    }
}
