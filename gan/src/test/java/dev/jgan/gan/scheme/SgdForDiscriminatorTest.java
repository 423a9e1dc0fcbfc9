package dev.jgan.gan.scheme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.scheme.SchemeAlgorithmTest.Nets;
import dev.jgan.nn.Module;
import dev.jgan.nn.optim.Adam;
import dev.jgan.nn.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "How to train a GAN" (NIPS 2016 workshop, trick 9): SGD for D with Adam for G. One iteration of a StandardGan so
 * built moves D by exactly -lr grad and G by Adam's first step, the gradients taken from a twin pair of networks.
 */
class SgdForDiscriminatorTest {
    private static final float LR_D = 0.05f, LR_G = 2e-4f, BETA1 = 0.5f, BETA2 = 0.999f, EPS = 1e-8f;

    private static List<float[]> snapshot(Module net) {
        List<float[]> s = new ArrayList<>();
        for (Tensor p : net.parameters()) s.add(p.toArray());
        return s;
    }

    private static List<float[]> grads(Module net) {
        List<float[]> s = new ArrayList<>();
        for (Tensor p : net.parameters()) s.add(p.grad().toArray());
        return s;
    }

    @Test
    void discriminatorTakesAnSgdStepAndGeneratorAnAdamStep() {
        Nets a = Nets.of(21), twin = Nets.of(21);
        StandardGan scheme = StandardGan.builder(a.g(), a.d(), Latent.normal(new Rng(7), SchemeAlgorithmTest.NOISE))
                .optimizers(Optimizers.adam(a.g(), LR_G, BETA1, BETA2), Optimizers.sgd(a.d(), LR_D)).build();
        assertThat(scheme.discriminatorOptimizer()).isInstanceOf(SGD.class);
        scheme.step(SchemeAlgorithmTest.data(new Rng(9)));

        // The twin: D's gradient on the same batch, then G's gradient through the D that SGD has moved.
        AdversarialLoss loss = AdversarialLoss.nonSaturating();
        Tensor x = Tensor.randn(new Rng(9), SchemeAlgorithmTest.BATCH, 2).add(1.5f);
        Tensor z = Tensor.randn(new Rng(7), SchemeAlgorithmTest.BATCH, SchemeAlgorithmTest.NOISE);
        List<float[]> d0 = snapshot(twin.d()), g0 = snapshot(twin.g());
        Tensor fake = twin.g().forward(z);
        loss.discriminator(twin.d().forward(x), twin.d().forward(fake.detach())).backward();
        List<float[]> gd = grads(twin.d());
        List<Tensor> dParams = twin.d().parameters();
        for (int i = 0; i < dParams.size(); i++) {
            float[] p = d0.get(i), g = gd.get(i), moved = new float[p.length];
            for (int j = 0; j < p.length; j++) moved[j] = p[j] - g[j] * LR_D;   // p = p - lr grad, in float as SGD does
            // D: exactly one plain SGD step
            assertThat(a.d().parameters().get(i).toArray()).as("D parameter %d", i).containsExactly(moved);
            try (GradMode.Scope s = GradMode.noGrad()) {
                dParams.get(i).copyInPlace(Tensor.of(moved, dParams.get(i).shape()));
            }
        }
        for (Tensor p : twin.g().parameters()) p.setGrad(null);
        loss.generator(twin.d().forward(fake)).backward();
        List<float[]> gg = grads(twin.g());
        for (int i = 0; i < gg.size(); i++) {
            float[] p = g0.get(i), g = gg.get(i), now = a.g().parameters().get(i).toArray();
            for (int j = 0; j < p.length; j++) {
                // Adam's step 1: m = (1 - b1) g, v = (1 - b2) g^2, p -= lr / (1 - b1) m / (sqrt(v) / sqrt(1 - b2) + eps)
                double m = (1 - BETA1) * (double) g[j], v = (1 - BETA2) * (double) g[j] * g[j];
                double expected = p[j] - LR_G / (1 - BETA1) * m / (Math.sqrt(v) / Math.sqrt(1 - BETA2) + EPS);
                assertThat((double) now[j]).as("G parameter %d[%d]", i, j).isCloseTo(expected, within(2e-8 + 1e-6 * Math.abs(expected)));
            }
        }
        // and the step is Adam's, not SGD's: about lr sign(g) for gradients well above eps
        float[] g0w = g0.get(0), gw = gg.get(0), nw = a.g().parameters().get(0).toArray();
        assertThat(Math.abs(nw[0] - g0w[0])).isCloseTo(LR_G, within(LR_G * 0.01f));
        assertThat(Math.signum(g0w[0] - nw[0])).isEqualTo(Math.signum(gw[0]));
    }

    @Test
    void sgdSettingsAreChecked() {
        Module d = Nets.of(1).d();
        assertThatThrownBy(() -> Optimizers.sgd(d, 0f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SGD: learning rate must be > 0 and finite, got lr=0.0");
        assertThatThrownBy(() -> Optimizers.sgd(d, 0.1f, 1f)).hasMessageContaining("momentum must be in [0, 1), got momentum=1.0");
        assertThat(Optimizers.sgd(d, 0.1f).groups().get(0).lr()).isEqualTo(0.1f);
        assertThat(Optimizers.sgd(d, 0.1f).parameters()).hasSameSizeAs(d.parameters());
    }
}
