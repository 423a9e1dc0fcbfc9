package dev.jgan.gan.regularize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Autograd;
import dev.jgan.autodiff.GradCheck;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EBGAN's pull-away term against a direct double loop, a hand-computed case and finite differences. */
class PullAwayTest {

    /** PT by the paper's formula, two loops over i != j in double precision. */
    private static double directPullAway(float[] s, int n) {
        int d = s.length / n;
        double sum = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                if (i == j) continue;
                double dot = 0, ni = 0, nj = 0;
                for (int k = 0; k < d; k++) {
                    dot += (double) s[i * d + k] * s[j * d + k];
                    ni += (double) s[i * d + k] * s[i * d + k];
                    nj += (double) s[j * d + k] * s[j * d + k];
                }
                double cos = dot / (Math.sqrt(ni) * Math.sqrt(nj));
                sum += cos * cos;
            }
        return sum / (n * (n - 1.0));
    }

    @Test
    void matchesADirectDoubleLoop() {
        Rng rng = new Rng(12);
        for (int n : new int[] {2, 3, 7, 16}) {
            Tensor codes = Tensor.randn(rng, n, 3, 2, 2); // flattened per sample to 12
            double expected = directPullAway(codes.toArray(), n);
            assertThat((double) PullAway.term(codes).item()).as("N = %d", n).isCloseTo(expected, within(1e-6 + 1e-5 * expected));
        }
    }

    @Test
    void handComputedCase() {
        // S = [1, 0], [0, 1], [1, 1]: cosines 0, 1/sqrt 2, 1/sqrt 2; each pair twice: 2 (0 + 1/2 + 1/2) / (3 * 2) = 1/3
        Tensor s = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        assertThat(PullAway.term(s).item()).isCloseTo(1 / 3f, within(1e-7f));
        // Scaling a code changes nothing; identical codes give the maximum, 1.
        assertThat(PullAway.term(Tensor.of(new float[] {5, 0, 0, 0.1f, 2, 2}, 3, 2)).item()).isCloseTo(1 / 3f, within(1e-7f));
        assertThat(PullAway.term(Tensor.of(new float[] {1, 2, 1, 2}, 2, 2)).item()).isCloseTo(1f, within(1e-6f));
        assertThat(new PullAway().penalty(s).item()).isCloseTo(0.1f / 3, within(1e-8f));
        assertThat(new PullAway(2f).penalty(s).item()).isCloseTo(2f / 3, within(1e-7f));
    }

    @Test
    void gradientsMatchFiniteDifferencesToSecondOrder() {
        Rng rng = new Rng(13);
        GradCheck.gradgradcheck(in -> PullAway.term(in.get(0)).reshape(1), Tensor.randn(rng, 4, 2, 3));
    }

    /** A zero code has no direction: it adds nothing, and gets a zero gradient rather than NaN. */
    @Test
    void aZeroCodeAddsNothing() {
        Tensor s = Tensor.of(new float[] {0, 0, 1, 0, 1, 1}, 3, 2).requiresGrad(true);
        Tensor pt = PullAway.term(s);
        // only the pair ([1, 0], [1, 1]) counts, twice: 2 * 1/2 / 6
        assertThat(pt.item()).isCloseTo(1 / 6f, within(1e-7f));
        float[] g = Autograd.grad(pt, List.of(s), false).get(0).toArray();
        for (float v : g) assertThat(Float.isFinite(v)).isTrue();
        assertThat(g[0]).isEqualTo(0f);
        assertThat(g[1]).isEqualTo(0f);
    }

    @Test
    void badInputIsRefused() {
        assertThatThrownBy(() -> PullAway.term(Tensor.zeros(1, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PullAway: codes must be [N, ...] with N >= 2 samples and at least one element each, got [1, 4]");
        assertThatThrownBy(() -> PullAway.term(Tensor.zeros(5))).hasMessageEndingWith("got [5]");
        assertThatThrownBy(() -> PullAway.term(Tensor.zeros(3, 0))).hasMessageEndingWith("got [3, 0]");
        for (float w : new float[] {-0.1f, Float.NaN, Float.POSITIVE_INFINITY})
            assertThatThrownBy(() -> new PullAway(w)).hasMessage("PullAway: weight must be finite and >= 0, got weight=" + w);
    }
}
