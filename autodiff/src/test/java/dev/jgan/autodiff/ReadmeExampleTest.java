package dev.jgan.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The first example of README.md, verbatim, so the README stays true; checked against the closed form. */
class ReadmeExampleTest {

    @Test
    void readmeExampleComputesTheClosedFormPenaltyGradient() {
        Rng rng = new Rng(42);
        Tensor w = Tensor.randn(rng, 1, 4).requiresGrad(true);     // a linear critic D(x) = x w^T
        Tensor real = Tensor.randn(rng, 8, 4), fake = Tensor.randn(rng, 8, 4);
        Tensor a = Tensor.rand(rng, 8, 1);
        Tensor xHat = real.mul(a).add(fake.mul(a.neg().add(1f))).requiresGrad(true);

        Tensor gradX = Autograd.grad(xHat.matmul(w.t()).sum(), List.of(xHat), true).get(0);
        Tensor penalty = gradX.norm(new int[] {1}, false).sub(1f).square().mean();
        penalty.backward();

        // d/dw (|w| - 1)^2 = 2 (|w| - 1) w / |w|
        float[] wv = w.toArray();
        double norm = 0;
        for (float v : wv) norm += v * v;
        norm = Math.sqrt(norm);
        for (int i = 0; i < 4; i++) assertThat(w.grad().get(0, i)).isCloseTo((float) (2 * (norm - 1) * wv[i] / norm), within(1e-5f));
    }
}
