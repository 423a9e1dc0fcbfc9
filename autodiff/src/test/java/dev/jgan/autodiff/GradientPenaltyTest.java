package dev.jgan.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * WGAN-GP's penalty (||grad_x D(x_hat)||_2 - 1)^2 needs the gradient of a gradient: these tests are the
 * engine's end-to-end proof of double backprop through a real critic.
 */
class GradientPenaltyTest {

    /** The penalty of a critic at x_hat = a real + (1 - a) fake, with one a per sample (not per element). */
    static Tensor gradientPenalty(java.util.function.Function<Tensor, Tensor> critic, Tensor real, Tensor fake, Tensor alpha) {
        Tensor a = alpha.reshape(alpha.size(0), 1, 1, 1);
        Tensor xHat = real.mul(a).add(fake.mul(a.neg().add(1f))).detach().requiresGrad(true);
        Tensor scores = critic.apply(xHat);
        Tensor gradX = Autograd.grad(List.of(scores.sum()), List.of(xHat), null, true, true, false).get(0);
        Tensor norms = gradX.flatten(1).norm(new int[] {1}, false);   // [N]: one norm per sample
        return norms.sub(1f).square().mean();
    }

    /**
     * conv(1->4, k3 s2 p1) -> tanh -> avgPool -> flatten -> linear(4*2*2 -> 1), on [N, 1, 7, 7].
     * NOTE: a smooth activation on purpose: with leakyRelu the penalty itself jumps where a pre-activation
     * crosses 0, and finite differences across the jump measure nothing.
     */
    static Tensor critic(Tensor x, List<Tensor> p) {
        Tensor h = Conv.conv2d(x, p.get(0), p.get(1), ConvParams.of(2, 1)).tanh();            // [N, 4, 4, 4]
        h = Pooling.avgPool2d(h, 2, 2, 0).flatten(1);                                          // [N, 16]
        return Linalg.matmul(h, p.get(2), false, true).add(p.get(3));                           // [N, 1]
    }

    @Test
    void penaltyGradientOfAConvCriticMatchesFiniteDifferences() {
        Rng rng = new Rng(11);
        Tensor real = Tensor.randn(rng, 3, 1, 7, 7), fake = Tensor.randn(rng, 3, 1, 7, 7);
        Tensor alpha = Tensor.rand(rng, 3);
        Tensor w1 = Tensor.normal(rng, 0f, 0.5f, 4, 1, 3, 3), b1 = Tensor.normal(rng, 0f, 0.1f, 4);
        Tensor w2 = Tensor.normal(rng, 0f, 0.5f, 1, 16), b2 = Tensor.zeros(1);
        GradCheck.of(1e-2f, 2e-3f, 2e-2f).first(
                p -> gradientPenalty(x -> critic(x, p), real, fake, alpha).reshape(1),
                w1, b1, w2, b2);
    }

    /**
     * Closed form: for a linear critic D(x) = <w, x> the input gradient is w for every sample, so the penalty
     * is (|w| - 1)^2 with gradient 2 (|w| - 1) w / |w|.
     */
    @Test
    void linearCriticHasTheClosedFormPenalty() {
        Tensor w = Tensor.vector(0.3f, -1.2f, 0.4f, 2.0f).requiresGrad(true);
        Rng rng = new Rng(3);
        Tensor real = Tensor.randn(rng, 5, 1, 2, 2), fake = Tensor.randn(rng, 5, 1, 2, 2);
        Tensor gp = gradientPenalty(x -> x.flatten(1).matmul(w), real, fake, Tensor.rand(rng, 5));
        double norm = Math.sqrt(0.09 + 1.44 + 0.16 + 4.0);
        assertThat(gp.item()).isCloseTo((float) ((norm - 1) * (norm - 1)), within(1e-5f));
        gp.backward();
        float[] g = w.grad().toArray();
        float[] wv = {0.3f, -1.2f, 0.4f, 2.0f};
        for (int i = 0; i < 4; i++) assertThat(g[i]).isCloseTo((float) (2 * (norm - 1) * wv[i] / norm), within(1e-5f));
    }
}
