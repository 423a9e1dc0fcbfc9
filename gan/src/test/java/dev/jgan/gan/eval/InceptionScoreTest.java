package dev.jgan.gan.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Tensor;
import org.junit.jupiter.api.Test;

class InceptionScoreTest {
    private static Tensor oneHot(int n, int c) {
        float[] p = new float[n * c];
        for (int i = 0; i < n; i++) p[i * c + i % c] = 1f;
        return Tensor.of(p, n, c);
    }

    @Test
    void confidentPredictionsSpreadEvenlyOverTheClassesScoreTheNumberOfClasses() {
        MeanStd one = InceptionScore.ofProbabilities(oneHot(100, 10), 1);
        assertThat(one.mean()).isCloseTo(10, within(1e-12));
        assertThat(one.std()).isZero();
        // 10 splits of 10 rows: each holds every class once
        MeanStd ten = InceptionScore.ofProbabilities(oneHot(100, 10), 10);
        assertThat(ten.mean()).isCloseTo(10, within(1e-12));
        assertThat(ten.std()).isCloseTo(0, within(1e-12));
    }

    @Test
    void identicalPredictionsScoreOne() {
        float[] p = new float[50 * 4];
        for (int i = 0; i < 50; i++) System.arraycopy(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 0, p, 4 * i, 4);
        MeanStd s = InceptionScore.ofProbabilities(Tensor.of(p, 50, 4), 5);
        assertThat(s.mean()).isCloseTo(1, within(1e-12));
        assertThat(s.std()).isCloseTo(0, within(1e-12));
        // a one-hot prediction repeated: also 1 (p(y) is that one-hot; 0 log 0 = 0)
        float[] q = new float[20 * 3];
        for (int i = 0; i < 20; i++) q[3 * i + 2] = 1f;
        assertThat(InceptionScore.ofProbabilities(Tensor.of(q, 20, 3), 2).mean()).isEqualTo(1.0);
    }

    @Test
    void aHandComputedScore() {
        // p(y|x1) = (1/2, 1/2), p(y|x2) = (1, 0): p(y) = (3/4, 1/4)
        double kl1 = 0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25);
        double kl2 = Math.log(1 / 0.75);
        MeanStd s = InceptionScore.ofProbabilities(Tensor.of(new float[] {0.5f, 0.5f, 1f, 0f}, 2, 2), 1);
        assertThat(s.mean()).isCloseTo(Math.exp((kl1 + kl2) / 2), within(1e-12));
    }

    @Test
    void splitsAreConsecutiveParts() {
        // N = 5, 2 splits: rows [0, 2) and [2, 5). Part one: two different one-hots -> 2; part two: one class -> 1.
        float[] p = {1, 0, 0, 1, 1, 0, 1, 0, 1, 0};
        MeanStd s = InceptionScore.ofProbabilities(Tensor.of(p, 5, 2), 2);
        assertThat(s.mean()).isCloseTo(1.5, within(1e-12));
        assertThat(s.std()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void logitsGoThroughASoftmaxInDoublePrecision() {
        float[] z = {1f, 2f, 3f, -1f, 0f, 4f, 2f, 2f, 2f};
        float[] p = new float[9];
        for (int i = 0; i < 3; i++) {
            double s = 0;
            for (int j = 0; j < 3; j++) s += Math.exp(z[3 * i + j]);
            for (int j = 0; j < 3; j++) p[3 * i + j] = (float) (Math.exp(z[3 * i + j]) / s);
        }
        assertThat(InceptionScore.ofLogits(Tensor.of(z, 3, 3), 1).mean())
                .isCloseTo(InceptionScore.ofProbabilities(Tensor.of(p, 3, 3), 1).mean(), within(1e-6));
        // huge logits: confident one-hots without overflow
        float[] big = {1000f, -1000f, -1000f, 1000f};
        assertThat(InceptionScore.ofLogits(Tensor.of(big, 2, 2), 1).mean()).isCloseTo(2, within(1e-12));
        assertThat(InceptionScore.ofLogits(oneHot(30, 3), InceptionScore.DEFAULT_SPLITS).mean()).isBetween(1.0, 3.0);
    }

    @Test
    void refusesBadInputs() {
        assertThatThrownBy(() -> InceptionScore.ofLogits(Tensor.zeros(4, 3), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("InceptionScore.ofLogits: splits must be in [1, N] = [1, 4], got 5");
        assertThatThrownBy(() -> InceptionScore.ofLogits(Tensor.of(new float[] {0f, Float.NaN}, 1, 2), 1))
                .hasMessageContaining("InceptionScore.ofLogits: logits [1, 2] holds NaN at [0, 1]");
        assertThatThrownBy(() -> InceptionScore.ofLogits(Tensor.zeros(4), 1))
                .hasMessageContaining("InceptionScore.ofLogits: logits must be [N, D] with D >= 1, got [4]");
        assertThatThrownBy(() -> InceptionScore.ofProbabilities(Tensor.of(new float[] {0.5f, 0.6f}, 1, 2), 1))
                .hasMessageContaining("row 0 of probabilities [1, 2] sums to").hasMessageContaining("not 1");
        assertThatThrownBy(() -> InceptionScore.ofProbabilities(Tensor.of(new float[] {1.5f, -0.5f}, 1, 2), 1))
                .hasMessageContaining("hold -0.5 < 0 at [0, 1]");
    }
}
