package dev.jgan.gan.scheme;

import static dev.jgan.gan.scheme.SchemeAlgorithmTest.assertSameParameters;
import static dev.jgan.gan.scheme.SchemeAlgorithmTest.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.gan.scheme.SchemeAlgorithmTest.Nets;
import dev.jgan.nn.SpectralNorm;
import dev.jgan.nn.optim.Adam;
import dev.jgan.nn.optim.Optimizer;
import org.junit.jupiter.api.Test;

/** SNGAN's and SAGAN's defaults, their spectral-norm checks, the hinge step, and the linear learning-rate decay. */
class SpectralNormGanTest {
    static Latent latent() {
        return Latent.normal(new Rng(7), SchemeAlgorithmTest.NOISE);
    }

    /** The small nets with spectral norm on D's weights (and G's when {@code generatorToo}). */
    static Nets normalised(long seed, boolean generatorToo) {
        Nets n = Nets.of(seed);
        Rng uv = new Rng(seed + 100);
        return new Nets(generatorToo ? SpectralNorm.applyToAll(n.g(), uv) : n.g(), SpectralNorm.applyToAll(n.d(), uv));
    }

    @Test
    void snganDefaults() {
        Nets n = normalised(1, false);
        SpectralNormGan s = SpectralNormGan.sngan(n.g(), n.d(), latent(), 1000).build();
        assertThat(s.describe()).isEqualTo("SNGAN(hinge loss, 5:1, linear lr decay over 1000)");
        assertThat(s.schedule()).isEqualTo(Schedule.fixed(5, 1));
        for (Optimizer o : new Optimizer[] {s.generatorOptimizer(), s.discriminatorOptimizer()}) {
            assertThat(o).isInstanceOf(Adam.class);
            assertThat(o.groups().get(0).lr()).isEqualTo(2e-4f);
        }
    }

    @Test
    void saganDefaults() {
        Nets n = normalised(1, true);
        SpectralNormGan s = SpectralNormGan.sagan(n.g(), n.d(), latent()).build();
        assertThat(s.describe()).isEqualTo("SAGAN(hinge loss, 1:1)");
        assertThat(s.generatorOptimizer().groups().get(0).lr()).isEqualTo(1e-4f);
        assertThat(s.discriminatorOptimizer().groups().get(0).lr()).isEqualTo(4e-4f);
    }

    @Test
    void refusesNetworksWithoutSpectralNorm() {
        Nets plain = Nets.of(1);
        assertThatThrownBy(() -> SpectralNormGan.sngan(plain.g(), plain.d(), latent(), 10))
                .hasMessage("SNGAN: layer '0' (Linear(in=2, out=8, bias=true)) of the discriminator has no spectral norm on its weight; apply SpectralNorm.applyToAll to the discriminator");
        Nets dOnly = normalised(1, false);
        assertThatThrownBy(() -> SpectralNormGan.sagan(dOnly.g(), dOnly.d(), latent()))
                .hasMessageStartingWith("SAGAN: layer '0' (Linear(in=3, out=8, bias=true)) of the generator has no spectral norm");
        assertThatThrownBy(() -> SpectralNormGan.sngan(dOnly.g(), dOnly.d(), latent(), 0)).hasMessageContaining("must be >= 1, got 0");
    }

    /**
     * The step is the hinge-loss GAN's: bitwise what StandardGan does with the hinge loss and the papers' optimizers
     * written out (which also pins the defaults' betas (0, 0.9): other betas part from these bits at the second step).
     */
    @Test
    void saganIsTheHingeGanWithTtur() {
        Nets a = normalised(5, true), b = normalised(5, true);
        SpectralNormGan sagan = SpectralNormGan.sagan(a.g(), a.d(), latent()).build();
        StandardGan hinge = StandardGan.builder(b.g(), b.d(), latent()).loss(AdversarialLoss.hinge())
                .optimizers(Optimizers.adam(b.g(), 1e-4f, 0f, 0.9f), Optimizers.adam(b.d(), 4e-4f, 0f, 0.9f)).build();
        Rng da = new Rng(9), db = new Rng(9);
        for (int i = 0; i < 3; i++) {
            sagan.step(data(da));
            hinge.step(data(db));
        }
        assertSameParameters(a.g(), b.g());
        assertSameParameters(a.d(), b.d());
    }

    @Test
    void snganIsTheHingeGanWithFiveCriticStepsAndDecay() {
        Nets a = normalised(6, false), b = normalised(6, false);
        SpectralNormGan sngan = SpectralNormGan.sngan(a.g(), a.d(), latent(), 3).build();
        StandardGan hinge = StandardGan.builder(b.g(), b.d(), latent()).loss(AdversarialLoss.hinge()).schedule(Schedule.fixed(5, 1))
                .optimizers(Optimizers.adam(b.g(), 2e-4f, 0f, 0.9f), Optimizers.adam(b.d(), 2e-4f, 0f, 0.9f)).linearLearningRateDecay(3).build();
        Rng da = new Rng(9), db = new Rng(9);
        for (int i = 0; i < 3; i++) {
            sngan.step(data(da));
            hinge.step(data(db));
        }
        assertSameParameters(a.g(), b.g());
        assertSameParameters(a.d(), b.d());
        assertThat(sngan.discriminatorSteps()).isEqualTo(15);
    }

    /** Before iteration t the rates are base * (1 - t / T); 0 from T on. */
    @Test
    void learningRatesDecayLinearlyToZero() {
        Nets n = normalised(1, false);
        SpectralNormGan s = SpectralNormGan.sngan(n.g(), n.d(), latent(), 4).schedule(Schedule.alternating()).build();
        Rng d = new Rng(3);
        float[] factors = {1f, 0.75f, 0.5f, 0.25f, 0f, 0f};
        for (float f : factors) {
            float lr = 2e-4f * f;
            s.step(data(d));
            assertThat(s.generatorOptimizer().groups().get(0).lr()).isEqualTo(lr);
            assertThat(s.discriminatorOptimizer().groups().get(0).lr()).isEqualTo(lr);
        }
        // at rate 0 nothing moves
        float[] before = n.d().parameters().get(0).toArray();
        s.step(data(d));
        assertThat(n.d().parameters().get(0).toArray()).containsExactly(before);
    }
}
