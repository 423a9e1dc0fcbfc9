package dev.jgan.nn;

import static dev.jgan.nn.TestUtil.assertValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.GradCheck;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.layers.BatchNorm2d;
import dev.jgan.nn.layers.LayerNorm;
import dev.jgan.nn.layers.Linear;
import org.junit.jupiter.api.Test;

/** linear, batchNorm and layerNorm as functions: hand-computed values, the layers built on them, and gradchecks to second order. */
class LayerFunctionsTest {
    private static final float TOL = 1e-5f;
    private final Rng rng = new Rng(77);

    @Test
    void linearValuesAndLayer() {
        Tensor x = Tensor.of(new float[][] {{1, 2}, {3, -1}});
        Tensor w = Tensor.of(new float[][] {{1, 0}, {2, 1}, {-1, 3}});
        assertValues(LayerFunctions.linear(x, w, Tensor.vector(0.5f, 0, -1)), new int[] {2, 3}, TOL, 1.5f, 4, 4, 3.5f, 5, -7);
        assertValues(LayerFunctions.linear(Tensor.vector(1, 2), w, null), new int[] {3}, TOL, 1, 4, 5);
        Linear l = new Linear(2, 3, rng);
        assertThat(l.forward(x).toArray()).containsExactly(LayerFunctions.linear(x, l.parameter("weight"), l.parameter("bias")).toArray());
        assertThatThrownBy(() -> LayerFunctions.linear(Tensor.zeros(2, 4), w, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linear: input [2, 4] and weight [3, 2] do not match");
        assertThatThrownBy(() -> LayerFunctions.linear(x, w, Tensor.zeros(2))).hasMessageContaining("linear: bias [2] must have shape [3]");
    }

    @Test
    void batchNormInTrainingUpdatesTheRunningStatisticsGiven() {
        // channel 0 holds 1, 3 (sample 0) and 5, 7 (sample 1): mean 4, biased variance 5, unbiased 20/3.
        Tensor x = Tensor.of(new float[] {1, 3, 0, 0, 5, 7, 2, 2}, 2, 2, 2);
        Tensor rm = Tensor.vector(1, 1), rv = Tensor.vector(2, 2);
        float s = (float) Math.sqrt(5 + 1e-5), s1 = (float) Math.sqrt(1 + 1e-5);
        Tensor y = LayerFunctions.batchNorm(x, rm, rv, Tensor.vector(2, 1), Tensor.vector(0, 10), true, 0.25f, 1e-5f);
        assertValues(y, new int[] {2, 2, 2}, 1e-4f, -6 / s, -2 / s, 10 - 1 / s1, 10 - 1 / s1, 2 / s, 6 / s, 10 + 1 / s1, 10 + 1 / s1);
        assertValues(rm, new int[] {2}, TOL, 0.75f * 1 + 0.25f * 4, 0.75f * 1 + 0.25f * 1);
        assertValues(rv, new int[] {2}, TOL, 0.75f * 2 + 0.25f * 20f / 3f, 0.75f * 2 + 0.25f * 4f / 3f);
        // no running statistics: nothing to update; eval mode: the running statistics normalise
        assertValues(LayerFunctions.batchNorm(x, null, null, null, null, true, 0.1f, 1e-5f).narrow(1, 1, 1), new int[] {2, 1, 2}, 1e-4f,
                -1 / s1, -1 / s1, 1 / s1, 1 / s1);
        Tensor e = LayerFunctions.batchNorm(Tensor.of(new float[] {3, 5}, 1, 2), Tensor.vector(1, -1), Tensor.vector(4, 0.25f), null, null, false, 0.1f, 0f);
        assertValues(e, new int[] {1, 2}, TOL, 1, 12);
    }

    @Test
    void batchNormLayerAgreesBitwiseWithTheFunction() {
        BatchNorm2d bn = new BatchNorm2d(3, 1e-3f, 0.2f, true, true);
        Init.normal(bn.parameter("weight"), 1f, 0.3f, rng);
        Init.normal(bn.parameter("bias"), 0f, 0.3f, rng);
        Tensor rm = Tensor.zeros(3), rv = Tensor.ones(3);
        for (int i = 0; i < 3; i++) {
            Tensor x = Tensor.randn(rng, 4, 3, 2, 3);
            Tensor expected = LayerFunctions.batchNorm(x, rm, rv, bn.parameter("weight"), bn.parameter("bias"), true, 0.2f, 1e-3f);
            assertThat(bn.forward(x).toArray()).containsExactly(expected.toArray());
        }
        assertThat(bn.buffer("running_mean").toArray()).containsExactly(rm.toArray());
        assertThat(bn.buffer("running_var").toArray()).containsExactly(rv.toArray());
        assertThat(bn.numBatchesTracked()).isEqualTo(3);
    }

    @Test
    void batchNormRefusals() {
        Tensor x = Tensor.zeros(4, 2);
        assertThatThrownBy(() -> LayerFunctions.batchNorm(x, null, null, null, null, false, 0.1f, 1e-5f))
                .hasMessageContaining("batchNorm: running statistics are required when not training");
        assertThatThrownBy(() -> LayerFunctions.batchNorm(x, Tensor.zeros(2), null, null, null, true, 0.1f, 1e-5f))
                .hasMessageContaining("both running statistics or neither");
        assertThatThrownBy(() -> LayerFunctions.batchNorm(x, null, null, Tensor.ones(3), null, true, 0.1f, 1e-5f))
                .hasMessageContaining("batchNorm: weight [3] must have shape [2] for input [4, 2]");
        assertThatThrownBy(() -> LayerFunctions.batchNorm(Tensor.zeros(1, 2), null, null, null, null, true, 0.1f, 1e-5f))
                .hasMessageContaining("batchNorm: expected more than 1 value per channel when training, got input [1, 2]");
        assertThatThrownBy(() -> LayerFunctions.batchNorm(Tensor.zeros(3), null, null, null, null, true, 0.1f, 1e-5f)).hasMessageContaining("[N, C, ...]");
    }

    @Test
    void layerNormValuesAndLayer() {
        Tensor x = Tensor.of(new float[][] {{1, 3}, {2, 2}});
        float s = (float) Math.sqrt(1 + 1e-5);
        assertValues(LayerFunctions.layerNorm(x, new int[] {2}, Tensor.vector(2, 1), Tensor.vector(0, 1), 1e-5f), new int[] {2, 2}, TOL,
                -2 / s, 1 + 1 / s, 0, 1);
        LayerNorm ln = new LayerNorm(2, 3);
        Init.normal(ln.parameter("weight"), 1f, 0.5f, rng);
        Tensor y = Tensor.randn(rng, 4, 2, 3);
        assertThat(ln.forward(y).toArray())
                .containsExactly(LayerFunctions.layerNorm(y, new int[] {2, 3}, ln.parameter("weight"), ln.parameter("bias"), 1e-5f).toArray());
        assertThatThrownBy(() -> LayerFunctions.layerNorm(y, new int[] {3, 2}, null, null, 1e-5f))
                .hasMessageContaining("layerNorm: input [4, 2, 3] must end in the normalized shape [3, 2]");
        assertThatThrownBy(() -> LayerFunctions.layerNorm(y, new int[] {3}, null, Tensor.zeros(2), 1e-5f))
                .hasMessageContaining("layerNorm: bias [2] must have the normalized shape [3]");
    }

    @Test
    void gradientsToSecondOrder() {
        GradCheck.gradgradcheck(in -> LayerFunctions.linear(in.get(0), in.get(1), in.get(2)), Tensor.randn(rng, 2, 3), Tensor.randn(rng, 4, 3),
                Tensor.randn(rng, 4));
        GradCheck.gradgradcheck(in -> LayerFunctions.layerNorm(in.get(0), new int[] {3}, in.get(1), in.get(2), 1e-5f), Tensor.randn(rng, 2, 3),
                Tensor.randn(rng, 3), Tensor.randn(rng, 3));
        // training: batch statistics (running ones are updated without recording, so they do not enter the gradient)
        Tensor rm = Tensor.zeros(2), rv = Tensor.ones(2);
        GradCheck.gradgradcheck(in -> LayerFunctions.batchNorm(in.get(0), rm, rv, in.get(1), in.get(2), true, 0.1f, 1e-5f),
                Tensor.randn(rng, 3, 2, 2), Tensor.randn(rng, 2), Tensor.randn(rng, 2));
        // evaluation: an affine map of x, differentiable in the running statistics too
        GradCheck.gradgradcheck(in -> LayerFunctions.batchNorm(in.get(0), in.get(1), in.get(2), in.get(3), null, false, 0.1f, 1e-5f),
                Tensor.randn(rng, 3, 2, 2), Tensor.randn(rng, 2), Tensor.uniform(rng, 0.5f, 2f, 2), Tensor.randn(rng, 2));
    }
}
