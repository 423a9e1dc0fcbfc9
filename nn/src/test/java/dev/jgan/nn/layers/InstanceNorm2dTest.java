package dev.jgan.nn.layers;

import static dev.jgan.nn.ModuleGradCheck.check;
import static dev.jgan.nn.TestUtil.assertValues;
import static dev.jgan.nn.TestUtil.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import org.junit.jupiter.api.Test;

/** InstanceNorm2d against hand-computed values, its per-sample independence, and its gradients to second order. */
class InstanceNorm2dTest {
    private static final float TOL = 1e-5f;
    private final Rng rng = new Rng(23);

    /** Two samples of two channels of 2 x 2: each (sample, channel) has its own mean and biased variance. */
    private static Tensor input() {
        return Tensor.of(new float[] {1, 2, 3, 4, 0, 0, 0, 8, -1, 1, -1, 1, 5, 5, 5, 7}, 2, 2, 2, 2);
    }

    @Test
    void normalisesEachSampleAndChannelOverItsOwnPixels() {
        // (1, 2, 3, 4): mean 2.5, var 1.25; (0, 0, 0, 8): mean 2, var 12; (-1, 1, -1, 1): mean 0, var 1;
        // (5, 5, 5, 7): mean 5.5, var 0.75; y = (x - mean) / sqrt(var + 1e-5)
        InstanceNorm2d in = new InstanceNorm2d(2);
        assertThat(in.stateDict()).isEmpty();
        assertValues(in.forward(input()), new int[] {2, 2, 2, 2}, TOL,
                -1.341635f, -0.447212f, 0.447212f, 1.341635f, -0.57735f, -0.57735f, -0.57735f, 1.73205f,
                -0.999995f, 0.999995f, -0.999995f, 0.999995f, -0.577346f, -0.577346f, -0.577346f, 1.732039f);
        in.eval(); // no running statistics: evaluation computes the same
        assertValues(in.forward(input()), new int[] {2, 2, 2, 2}, TOL,
                -1.341635f, -0.447212f, 0.447212f, 1.341635f, -0.57735f, -0.57735f, -0.57735f, 1.73205f,
                -0.999995f, 0.999995f, -0.999995f, 0.999995f, -0.577346f, -0.577346f, -0.577346f, 1.732039f);
    }

    @Test
    void affineScalesAndShiftsPerChannel() {
        InstanceNorm2d in = new InstanceNorm2d(2, 1e-5f, true);
        assertThat(in.parameter("weight").toArray()).containsExactly(1f, 1f);
        assertThat(in.parameter("bias").toArray()).containsExactly(0f, 0f);
        set(in.parameter("weight"), 2, -1);
        set(in.parameter("bias"), 0.5f, 0);
        assertValues(in.forward(input()), new int[] {2, 2, 2, 2}, TOL,
                -2.183271f, -0.394424f, 1.394424f, 3.183271f, 0.57735f, 0.57735f, 0.57735f, -1.73205f,
                -1.49999f, 2.49999f, -1.49999f, 2.49999f, 0.577346f, 0.577346f, 0.577346f, -1.732039f);
        assertThat(in.toString()).contains("InstanceNorm2d(2, eps=1.0E-5, affine=true)");
    }

    /** The point of the layer when batch norm is off: a sample's output does not depend on the rest of the batch. */
    @Test
    void aSamplesOutputIgnoresTheOtherSamples() {
        InstanceNorm2d in = new InstanceNorm2d(3, 1e-5f, true);
        Tensor a = Tensor.randn(rng, 4, 3, 3, 3), b = a.copy();
        float[] bv = b.buffer();
        for (int i = 27; i < bv.length; i++) bv[i] = bv[i] * 5f + 3f; // samples 1..3 changed, sample 0 kept
        b.markModified();
        float[] ya = in.forward(a).narrow(0, 0, 1).toArray(), yb = in.forward(b).narrow(0, 0, 1).toArray();
        assertThat(yb).containsExactly(ya);
        BatchNorm2d bn = new BatchNorm2d(3); // the contrast: batch norm's sample 0 moves with the others
        assertThat(bn.forward(b).narrow(0, 0, 1).toArray()).isNotEqualTo(bn.forward(a).narrow(0, 0, 1).toArray());
    }

    @Test
    void secondOrderGradients() {
        InstanceNorm2d in = new InstanceNorm2d(2, 1e-5f, true);
        set(in.parameter("weight"), 1.5f, -0.5f);
        set(in.parameter("bias"), 0.2f, 1f);
        check(in, Tensor.randn(rng, 2, 2, 3, 2), true);
        check(new InstanceNorm2d(2), Tensor.randn(rng, 1, 2, 2, 2), true);
    }

    @Test
    void badInputsAndSettingsAreNamed() {
        InstanceNorm2d in = new InstanceNorm2d(2);
        assertThatThrownBy(() -> in.forward(Tensor.zeros(2, 3, 2, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input must be [N, 2, H, W], got [2, 3, 2, 2]");
        assertThatThrownBy(() -> in.forward(Tensor.zeros(2, 2, 4))).hasMessageContaining("got [2, 2, 4]");
        assertThatThrownBy(() -> in.forward(Tensor.zeros(2, 2, 1, 1))).hasMessageContaining("more than one spatial value");
        assertThatThrownBy(() -> new InstanceNorm2d(0)).hasMessageContaining("features=0");
        assertThatThrownBy(() -> new InstanceNorm2d(2, 0f, true)).hasMessageContaining("eps=0.0");
    }
}
