package dev.jgan.gan.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import org.junit.jupiter.api.Test;

class PrecisionRecallTest {
    private static Tensor line(float... x) {
        return Tensor.of(x, x.length, 1);
    }

    @Test
    void identicalSetsHaveFullPrecisionAndRecall() {
        Tensor x = Tensor.randn(new Rng(2), 100, 5);
        PrecisionRecall pr = PrecisionRecall.of(x, x);
        assertThat(pr.precision()).isEqualTo(1.0);
        assertThat(pr.recall()).isEqualTo(1.0);
    }

    @Test
    void disjointFarSetsHaveNone() {
        Rng rng = new Rng(3);
        PrecisionRecall pr = PrecisionRecall.of(Tensor.randn(rng, 100, 5), Tensor.randn(rng, 80, 5).add(100f));
        assertThat(pr.precision()).isZero();
        assertThat(pr.recall()).isZero();
    }

    @Test
    void aHandComputedCase() {
        // real {0, 1, 2, 3}, k = 1: every radius is 1, so the ball union is [-1, 4]; generated {0.5, 10}: precision 1/2.
        // generated radii (k = 1 of 2 points): 9.5 each, the ball around 0.5 holds every real point: recall 1.
        PrecisionRecall pr = PrecisionRecall.of(line(0, 1, 2, 3), line(0.5f, 10), 1);
        assertThat(pr.precision()).isEqualTo(0.5);
        assertThat(pr.recall()).isEqualTo(1.0);
        // k = 2: real radii 2, 1, 1, 2 -> the union [-2, 5]; generated {0.5, 10, 4.5} (k = 2 needs 3 points): radii 9.5, 9.5,
        // 5.5, and the ball of radius 9.5 around 0.5 holds every real point: recall 1.
        PrecisionRecall k2 = PrecisionRecall.of(line(0, 1, 2, 3), line(0.5f, 10, 4.5f), 2);
        assertThat(k2.precision()).isEqualTo(2.0 / 3); // 0.5 and 4.5 (|4.5 - 3| = 1.5 <= 2) inside, 10 not
        assertThat(k2.recall()).isEqualTo(1.0);
        // a point on a ball's surface counts as inside: real {0, 1}, k = 1 -> radius 1; generated {2, 5}: 2 is on the ball of 1
        assertThat(PrecisionRecall.of(line(0, 1), line(2, 5), 1).precision()).isEqualTo(0.5);
    }

    @Test
    void aNarrowGeneratorHasPrecisionButLacksRecall() {
        Rng rng = new Rng(4);
        Tensor real = Tensor.randn(rng, 300, 2), collapsed = Tensor.randn(rng, 300, 2).mul(0.1f);
        PrecisionRecall pr = PrecisionRecall.of(real, collapsed);
        assertThat(pr.precision()).isGreaterThan(0.95);
        assertThat(pr.recall()).isLessThan(0.3);
    }

    @Test
    void refusesBadInputs() {
        assertThatThrownBy(() -> PrecisionRecall.of(Tensor.zeros(5, 2), Tensor.zeros(5, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("PrecisionRecall.of: the feature sizes differ: real is [5, 2], generated is [5, 3]");
        assertThatThrownBy(() -> PrecisionRecall.of(Tensor.zeros(3, 2), Tensor.zeros(5, 2)))
                .hasMessage("PrecisionRecall.of: real (k = 3) needs at least 4 rows, got [3, 2]");
        assertThatThrownBy(() -> PrecisionRecall.of(Tensor.zeros(5, 2), Tensor.zeros(5, 2), 0))
                .hasMessage("PrecisionRecall.of: k must be >= 1, got 0");
        assertThatThrownBy(() -> PrecisionRecall.of(Tensor.zeros(5, 2), Tensor.full(Float.NaN, 5, 2)))
                .hasMessage("PrecisionRecall.of: generated (k = 3) [5, 2] holds NaN at [0, 0]");
    }
}
