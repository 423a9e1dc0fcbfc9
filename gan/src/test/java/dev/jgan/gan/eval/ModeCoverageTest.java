package dev.jgan.gan.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.data.SwissRoll;
import org.junit.jupiter.api.Test;

class ModeCoverageTest {
    // Three modes far apart, std 0.5: high quality means within 1.5 of the nearest mode.
    private static final float[][] THREE = {{0f, 0f}, {10f, 0f}, {0f, 10f}};

    private static Tensor points(float... xy) {
        return Tensor.of(xy, xy.length / 2, 2);
    }

    @Test
    void countsAHandMadeSet() {
        ModeCoverage c = ModeCoverage.of(points(
                0f, 0f,                      // mode 0
                1.5f, 0f,                    // mode 0, exactly at 3 std: high quality
                0f, -1.5f,                   // mode 0, exactly at 3 std
                Math.nextUp(1.5f), 0f,       // just beyond 3 std of mode 0
                10f, 1f,                     // mode 1
                5f, 5f,                      // far from every mode
                Float.NaN, 0f),              // a diverged sample: counted, never high quality
                THREE, 0.5f, 3f, 1);
        assertThat(c.samples()).isEqualTo(7);
        assertThat(c.highQuality()).isEqualTo(4);
        assertThat(c.highQualityShare()).isEqualTo(4.0 / 7);
        assertThat(c.perMode()).containsExactly(3, 1, 0);
        assertThat(c.modes()).isEqualTo(3);
        assertThat(c.modesCovered()).isEqualTo(2);
        // p = (3/4, 1/4, 0): 3/4 log(9/4) + 1/4 log(3/4)
        assertThat(c.reverseKl()).isEqualTo(0.75 * Math.log(0.75 * 3) + 0.25 * Math.log(0.25 * 3));
    }

    @Test
    void minSamplesRaisesTheBarForCoverage() {
        Tensor p = points(0f, 0f, 0.1f, 0f, 10f, 0f);
        assertThat(ModeCoverage.of(p, THREE, 0.5f, 3f, 1).modesCovered()).isEqualTo(2);
        assertThat(ModeCoverage.of(p, THREE, 0.5f, 3f, 2).modesCovered()).isEqualTo(1);
        assertThat(ModeCoverage.of(p, THREE, 0.5f, 3f, 3).modesCovered()).isZero();
    }

    @Test
    void stdsSetsTheRadius() {
        Tensor p = points(1f, 0f);
        assertThat(ModeCoverage.of(p, THREE, 0.5f, 2f, 1).highQuality()).isEqualTo(1); // 1 <= 2 * 0.5
        assertThat(ModeCoverage.of(p, THREE, 0.5f, 1.9f, 1).highQuality()).isZero();
    }

    @Test
    void aTieGoesToTheLowerMode() {
        ModeCoverage c = ModeCoverage.of(points(1f, 0f), new float[][] {{0f, 0f}, {2f, 0f}}, 1f, 3f, 1);
        assertThat(c.perMode()).containsExactly(1, 0);
    }

    @Test
    void noHighQualitySampleLeavesTheKlUndefined() {
        ModeCoverage c = ModeCoverage.of(points(5f, 5f, 100f, -3f, Float.POSITIVE_INFINITY, 0f), THREE, 0.5f, 3f, 1);
        assertThat(c.highQuality()).isZero();
        assertThat(c.highQualityShare()).isZero();
        assertThat(c.modesCovered()).isZero();
        assertThat(c.perMode()).containsExactly(0, 0, 0);
        assertThat(c.reverseKl()).isNaN();
    }

    @Test
    void allInOneModeGivesLogM() {
        GaussianMixture ring = GaussianMixture.ring8();
        float[] m = ring.modes()[3];
        ModeCoverage c = ModeCoverage.of(points(m[0], m[1], m[0] + 0.01f, m[1], m[0], m[1] - 0.07f), ring);
        assertThat(c.perMode()).containsExactly(0, 0, 0, 2, 0, 0, 0, 0); // 0.07 is beyond 3 * 0.02
        assertThat(c.modesCovered()).isEqualTo(1);
        assertThat(c.reverseKl()).isEqualTo(Math.log(8));
    }

    @Test
    void oneSamplePerModeGivesZero() {
        GaussianMixture grid = GaussianMixture.grid25();
        float[][] modes = grid.modes();
        float[] xy = new float[2 * modes.length];
        for (int k = 0; k < modes.length; k++) {
            xy[2 * k] = modes[k][0];
            xy[2 * k + 1] = modes[k][1];
        }
        ModeCoverage c = ModeCoverage.of(points(xy), grid);
        assertThat(c.modesCovered()).isEqualTo(25);
        assertThat(c.highQualityShare()).isEqualTo(1.0);
        assertThat(c.reverseKl()).isZero();
    }

    @Test
    void realSamplesCoverEveryModeEvenly() {
        GaussianMixture ring = GaussianMixture.ring8();
        ModeCoverage c = ModeCoverage.of(ring.sample(new Rng(1), ModeCoverage.DEFAULT_SAMPLES), ring);
        assertThat(c.modesCovered()).isEqualTo(8);
        // 3 std hold 1 - exp(-9/2) = 98.9% of a 2-D Gaussian; 2,500 samples give a standard error of 0.2%
        assertThat(c.highQualityShare()).isBetween(0.98, 0.995);
        // a multinomial histogram's KL from uniform is about (M - 1) / (2 n) = 0.0014
        assertThat(c.reverseKl()).isBetween(0.0, 0.01);
    }

    @Test
    void perModeIsACopy() {
        ModeCoverage c = ModeCoverage.of(points(0f, 0f), THREE, 0.5f, 3f, 1);
        c.perMode()[0] = 7;
        assertThat(c.perMode()).containsExactly(1, 0, 0);
        assertThat(c.toString()).isEqualTo("1/3 modes, 1 of 1 samples high quality (100.0%), reverse KL 1.0986");
    }

    @Test
    void badArgumentsAreNamed() {
        Tensor p = points(0f, 0f);
        assertThatThrownBy(() -> ModeCoverage.of(Tensor.zeros(3, 3), THREE, 0.5f, 3f, 1)).hasMessageContaining("points must be [n, 2] with n >= 1, got [3, 3]");
        assertThatThrownBy(() -> ModeCoverage.of(Tensor.zeros(0, 2), THREE, 0.5f, 3f, 1)).hasMessageContaining("got [0, 2]");
        assertThatThrownBy(() -> ModeCoverage.of(Tensor.zeros(4), THREE, 0.5f, 3f, 1)).hasMessageContaining("got [4]");
        assertThatThrownBy(() -> ModeCoverage.of(p, new float[0][], 0.5f, 3f, 1)).hasMessageContaining("no modes given");
        assertThatThrownBy(() -> ModeCoverage.of(p, new float[][] {{0f, 0f}, {1f, 2f, 3f}}, 0.5f, 3f, 1))
                .hasMessageContaining("mode 1 must be a finite {x, y} pair, got [1.0, 2.0, 3.0]");
        assertThatThrownBy(() -> ModeCoverage.of(p, new float[][] {{Float.NaN, 0f}}, 0.5f, 3f, 1)).hasMessageContaining("mode 0");
        assertThatThrownBy(() -> ModeCoverage.of(p, THREE, 0f, 3f, 1)).hasMessageContaining("std must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> ModeCoverage.of(p, THREE, 0.5f, Float.NaN, 1)).hasMessageContaining("stds must be finite and > 0, got NaN");
        assertThatThrownBy(() -> ModeCoverage.of(p, THREE, 0.5f, 3f, 0)).hasMessageContaining("minSamples must be >= 1, got 0");
        assertThatThrownBy(() -> ModeCoverage.of(p, new SwissRoll())).hasMessageContaining("swissroll has no modes to cover");
    }
}
