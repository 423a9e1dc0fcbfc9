package dev.jgan.nn.layers;

import static dev.jgan.nn.TestUtil.assertValues;
import static dev.jgan.nn.TestUtil.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Tensor;
import org.junit.jupiter.api.Test;

/** BatchNorm's two modes and its running statistics, against hand computation. */
class BatchNormTest {
    private static final float TOL = 1e-5f;

    @Test
    void trainingUsesBatchStatisticsAndUpdatesRunningOnes() {
        BatchNorm1d bn = new BatchNorm1d(1);
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 4, 1);
        float s = (float) Math.sqrt(1.25 + 1e-5); // mean 2.5, biased variance 1.25
        assertValues(bn.forward(x), new int[] {4, 1}, TOL, -1.5f / s, -0.5f / s, 0.5f / s, 1.5f / s);
        // running = 0.9 running + 0.1 batch, with the unbiased variance 5/3 for running_var
        assertValues(bn.buffer("running_mean"), new int[] {1}, TOL, 0.25f);
        assertValues(bn.buffer("running_var"), new int[] {1}, TOL, 0.9f + 0.1f * 5f / 3f);
        assertThat(bn.buffer("num_batches_tracked").item()).isEqualTo(1f);
        bn.forward(x);
        assertValues(bn.buffer("running_mean"), new int[] {1}, TOL, 0.9f * 0.25f + 0.25f);
        assertThat(bn.buffer("num_batches_tracked").item()).isEqualTo(2f);
    }

    @Test
    void batchCountStaysExactPastTwoToThe24() {
        BatchNorm1d bn = new BatchNorm1d(1);
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3}, 4, 1);
        set(bn.buffer("num_batches_tracked"), 16_777_216f);       // as a loaded checkpoint would: adopted
        bn.forward(x);
        assertThat(bn.numBatchesTracked()).isEqualTo(16_777_217L);
        assertThat(bn.buffer("num_batches_tracked").item()).isEqualTo(16_777_216f); // 2^24 + 1 rounds in float32
        bn.forward(x);
        assertThat(bn.numBatchesTracked()).isEqualTo(16_777_218L);
        assertThat(bn.buffer("num_batches_tracked").item()).isEqualTo(16_777_218f);
    }

    @Test
    void evalUsesRunningStatisticsAndLeavesThemAlone() {
        BatchNorm2d bn = new BatchNorm2d(2);
        set(bn.buffer("running_mean"), 1, -1);
        set(bn.buffer("running_var"), 4, 0.25f);
        set(bn.parameter("weight"), 2, 1);
        set(bn.parameter("bias"), 0, 3);
        bn.eval();
        Tensor x = Tensor.of(new float[] {3, 5, 0, 1}, 1, 2, 1, 2);
        float s0 = (float) Math.sqrt(4 + 1e-5), s1 = (float) Math.sqrt(0.25 + 1e-5);
        assertValues(bn.forward(x), new int[] {1, 2, 1, 2}, TOL, 2 * 2 / s0, 2 * 4 / s0, 1 / s1 + 3, 2 / s1 + 3);
        assertValues(bn.buffer("running_mean"), new int[] {2}, 0f, 1, -1);
        assertThat(bn.buffer("num_batches_tracked").item()).isEqualTo(0f);
        // A batch of one sample works in eval mode, and is refused in training (variance of one value).
        assertThat(bn.forward(Tensor.zeros(1, 2, 1, 1)).shape()).containsExactly(1, 2, 1, 1);
        bn.train(true);
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(1, 2, 1, 1))).hasMessageContaining("more than 1 value per channel");
    }

    @Test
    void statisticsArePerChannelOverBatchAndSpace() {
        BatchNorm2d bn = new BatchNorm2d(2, 1e-5f, 0.5f, false, true);
        assertThat(bn.stateDict().keySet()).containsExactly("running_mean", "running_var", "num_batches_tracked");
        // channel 0 holds 0, 2 (sample 0) and 4, 6 (sample 1): mean 3, biased var 5; channel 1 is constant 7.
        Tensor x = Tensor.of(new float[] {0, 2, 7, 7, 4, 6, 7, 7}, 2, 2, 1, 2);
        float s = (float) Math.sqrt(5 + 1e-5);
        assertValues(bn.forward(x), new int[] {2, 2, 1, 2}, 1e-4f, -3 / s, -1 / s, 0, 0, 1 / s, 3 / s, 0, 0);
        assertValues(bn.buffer("running_mean"), new int[] {2}, TOL, 1.5f, 3.5f);
        assertValues(bn.buffer("running_var"), new int[] {2}, TOL, 0.5f + 0.5f * 20f / 3f, 0.5f);
    }

    @Test
    void withoutRunningStatisticsEvalStillUsesTheBatch() {
        BatchNorm1d bn = new BatchNorm1d(1, 1e-5f, 0.1f, true, false);
        assertThat(bn.stateDict().keySet()).containsExactly("weight", "bias");
        bn.eval();
        float s = (float) Math.sqrt(1 + 1e-5);
        assertValues(bn.forward(Tensor.of(new float[] {1, 3}, 2, 1)), new int[] {2, 1}, TOL, -1 / s, 1 / s);
    }

    @Test
    void batchNorm1dTakesSequences() {
        BatchNorm1d bn = new BatchNorm1d(1);
        float s = (float) Math.sqrt(1 + 1e-5);
        assertValues(bn.forward(Tensor.of(new float[] {0, 2, 0, 2}, 2, 1, 2)), new int[] {2, 1, 2}, TOL, -1 / s, 1 / s, -1 / s, 1 / s);
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(2, 1, 2, 2))).hasMessageContaining("[N, C] or [N, C, L]");
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(2, 3))).hasMessageContaining("has 3 channels, expected 1");
    }
}
