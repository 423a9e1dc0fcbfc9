package dev.jgan.gan.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Autograd;
import dev.jgan.autodiff.GradCheck;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EBGAN's energy and margin loss against hand-computed values and gradients. */
class EnergyMarginLossTest {

    @Test
    void energyIsThePerSampleMeanSquaredReconstructionError() {
        // Two samples [1, 2, 2]: sample 0 reconstructs 0 as [1, 2, 3, 4], sample 1 as [0, 0, 0, 2].
        Tensor input = Tensor.zeros(2, 1, 2, 2).requiresGrad(true);
        Tensor recon = Tensor.of(new float[] {1, 2, 3, 4, 0, 0, 0, 2}, 2, 1, 2, 2).requiresGrad(true);
        Tensor e = EnergyMarginLoss.energy(input, recon);
        assertThat(e.shape()).containsExactly(2);
        assertThat(e.toArray()).containsExactly((1 + 4 + 9 + 16) / 4f, 4 / 4f);
        // d E_n / d recon_nj = 2 (recon_nj - input_nj) / 4, and the negative of it for the input
        List<Tensor> g = Autograd.grad(e.sum(), List.of(input, recon), false);
        assertThat(g.get(1).toArray()).containsExactly(0.5f, 1f, 1.5f, 2f, 0f, 0f, 0f, 1f);
        assertThat(g.get(0).toArray()).containsExactly(new float[] {-0.5f, -1f, -1.5f, -2f, 0f, 0f, 0f, -1f}, within(0f)); // -0 == 0
    }

    @Test
    void energyGradientsMatchFiniteDifferences() {
        Rng rng = new Rng(5);
        GradCheck.gradgradcheck(in -> EnergyMarginLoss.energy(in.get(0), in.get(1)), Tensor.randn(rng, 3, 2, 3), Tensor.randn(rng, 3, 2, 3));
    }

    @Test
    void marginLossMatchesHandComputedValuesAndGradients() {
        EnergyMarginLoss loss = new EnergyMarginLoss(5f);
        Tensor real = Tensor.vector(7.5f, 1f).requiresGrad(true);
        Tensor fake = Tensor.of(new float[] {7.5f, 1f, 4.5f}, 3, 1).requiresGrad(true);

        // D real: mean E(x) = 4.25, gradient 1/2 each
        Tensor dReal = loss.discriminatorReal(real);
        assertThat(dReal.item()).isEqualTo(4.25f);
        assertThat(Autograd.grad(dReal, List.of(real), false).get(0).toArray()).containsExactly(0.5f, 0.5f);

        // D fake: mean max(0, 5 - [7.5, 1, 4.5]) = (0 + 4 + 0.5) / 3; the sample beyond the margin gets no gradient
        Tensor dFake = loss.discriminatorFake(fake);
        assertThat(dFake.item()).isCloseTo(1.5f, within(1e-6f));
        assertThat(Autograd.grad(dFake, List.of(fake), false).get(0).toArray()).containsExactly(new float[] {0f, -1 / 3f, -1 / 3f}, within(0f));

        // G: mean E(G(z)) = 13 / 3
        Tensor g = loss.generator(fake);
        assertThat(g.item()).isCloseTo(13 / 3f, within(1e-6f));
        assertThat(Autograd.grad(g, List.of(fake), false).get(0).toArray()).containsExactly(1 / 3f, 1 / 3f, 1 / 3f);

        assertThat(loss.discriminator(real, fake).item()).isCloseTo(4.25f + 1.5f, within(1e-6f));
        assertThat(loss.name()).isEqualTo("energy-margin(m=5.0)");
    }

    @Test
    void marginMustBeFiniteAndPositive() {
        for (float m : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY})
            assertThatThrownBy(() -> new EnergyMarginLoss(m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("EnergyMarginLoss: margin must be finite and > 0, got margin=" + m);
    }

    @Test
    void badShapesAreRefused() {
        assertThatThrownBy(() -> EnergyMarginLoss.energy(Tensor.zeros(2, 3), Tensor.zeros(2, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("EnergyMarginLoss.energy: input [2, 3] and reconstruction [2, 4] differ in shape");
        assertThatThrownBy(() -> EnergyMarginLoss.energy(Tensor.zeros(4), Tensor.zeros(4)))
                .hasMessageContaining("input must be [N, ...] with N >= 1").hasMessageEndingWith("got [4]");
        assertThatThrownBy(() -> EnergyMarginLoss.energy(Tensor.zeros(2, 0), Tensor.zeros(2, 0))).hasMessageEndingWith("got [2, 0]");
        EnergyMarginLoss loss = new EnergyMarginLoss(1f);
        assertThatThrownBy(() -> loss.discriminatorFake(Tensor.zeros(2, 1, 4, 4)))
                .hasMessageContaining("energy-margin(m=1.0) loss, discriminatorFake: fakeEnergy must hold one value per sample");
    }
}
