package dev.jgan.gan.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Rng;
import org.junit.jupiter.api.Test;

class SwissRollTest {

    @Test
    void isTheWganGpSetting() {
        SwissRoll roll = new SwissRoll();
        assertThat(roll.noise()).isEqualTo(0.25f);
        assertThat(roll.scale()).isEqualTo(7.5f);
        assertThat(roll.std()).isEqualTo(0.25f / 7.5f);
        assertThat(roll.modes()).isEmpty();
        assertThat(roll.name()).isEqualTo("swissroll");
    }

    @Test
    void samplesFollowTheFormulaDrawForDraw() {
        float[] got = new SwissRoll().sample(new Rng(9), 50).toArray();
        Rng r = new Rng(9);
        for (int i = 0; i < 50; i++) {
            double t = 1.5 * Math.PI * (1 + 2 * r.nextFloat());
            double x = t * StrictMath.cos(t) + 0.25f * r.nextGaussian();
            double z = t * StrictMath.sin(t) + 0.25f * r.nextGaussian();
            assertThat(got[2 * i]).isEqualTo((float) (x / 7.5f));
            assertThat(got[2 * i + 1]).isEqualTo((float) (z / 7.5f));
        }
    }

    @Test
    void withoutNoiseSamplesLieOnTheSpiral() {
        int n = 20_000;
        float[] p = new SwissRoll(0f, 7.5f).sample(new Rng(2), n).toArray();
        double sumT = 0;
        for (int i = 0; i < n; i++) {
            double x = p[2 * i] * 7.5, z = p[2 * i + 1] * 7.5;
            double t = Math.hypot(x, z); // the radius is the curve parameter t
            assertThat(t).isBetween(1.5 * Math.PI - 1e-5, 4.5 * Math.PI + 1e-5);
            assertThat(Math.IEEEremainder(Math.atan2(z, x) - t, 2 * Math.PI)).isCloseTo(0.0, within(1e-5)); // angle = t
            sumT += t;
        }
        // t uniform on [1.5 pi, 4.5 pi]: mean 3 pi, standard error 3 pi / sqrt(12 n)
        assertThat(sumT / n).isCloseTo(3 * Math.PI, within(5 * 3 * Math.PI / Math.sqrt(12.0 * n)));
    }

    @Test
    void noiseHasItsStd() {
        // Away from the curve's ends and with a noise far below the gap between turns (2 pi / 7.5), the radial
        // distance to the curve r - angle-matched t is the noise's radial component: std noise / scale.
        int n = 20_000;
        SwissRoll roll = new SwissRoll(0.1f, 1f);
        float[] p = roll.sample(new Rng(3), n).toArray();
        double sum2 = 0;
        int used = 0;
        for (int i = 0; i < n; i++) {
            double x = p[2 * i], z = p[2 * i + 1], r = Math.hypot(x, z);
            if (r < 1.5 * Math.PI + 1 || r > 4.5 * Math.PI - 1) continue;
            // the turn whose parameter matches the angle and lies nearest to r
            double angle = Math.atan2(z, x);
            double t = angle + 2 * Math.PI * Math.rint((r - angle) / (2 * Math.PI));
            sum2 += (r - t) * (r - t);
            used++;
        }
        assertThat(used).isGreaterThan(n / 2);
        assertThat(Math.sqrt(sum2 / used)).isCloseTo(0.1, within(0.01));
    }

    @Test
    void deterministicAndValidated() {
        assertThat(new SwissRoll().sample(new Rng(1), 10).toArray()).isEqualTo(new SwissRoll().sample(new Rng(1), 10).toArray());
        assertThatThrownBy(() -> new SwissRoll(-1f, 7.5f)).hasMessageContaining("noise must be finite and >= 0, got -1.0");
        assertThatThrownBy(() -> new SwissRoll(0.25f, 0f)).hasMessageContaining("scale must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> new SwissRoll().sample(new Rng(1), -3)).hasMessageContaining("swissroll.sample: n must be >= 0, got -3");
    }
}
