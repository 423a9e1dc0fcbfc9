package dev.jgan.gan.tricks;

import static dev.jgan.gan.tricks.TrickTesting.BATCH;
import static dev.jgan.gan.tricks.TrickTesting.NOISE;
import static dev.jgan.gan.tricks.TrickTesting.assertSameParameters;
import static dev.jgan.gan.tricks.TrickTesting.d;
import static dev.jgan.gan.tricks.TrickTesting.data;
import static dev.jgan.gan.tricks.TrickTesting.g;
import static dev.jgan.gan.tricks.TrickTesting.realBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.nn.Module;
import dev.jgan.nn.optim.Adam;
import org.junit.jupiter.api.Test;

/** Instance noise: its schedule, and a GAN step with it written out by hand (noise on both of D's inputs, and on G's samples in G's step). */
class InstanceNoiseTest {
    @Test
    void schedules() {
        InstanceNoise linear = InstanceNoise.linear(0.5f, 4, new Rng(1));
        assertThat(linear.sigma(0)).isEqualTo(0.5f);
        assertThat(linear.sigma(1)).isEqualTo(0.375f);
        assertThat(linear.sigma(2)).isEqualTo(0.25f);
        assertThat(linear.sigma(4)).isZero();
        assertThat(linear.sigma(1_000_000)).isZero();
        InstanceNoise constant = InstanceNoise.constant(0.3f, new Rng(1));
        assertThat(constant.sigma(0)).isEqualTo(0.3f);
        assertThat(constant.sigma(1_000_000)).isEqualTo(0.3f);
    }

    /**
     * Four iterations with sigma 0.5 decaying over 2: D descends loss_D(D(x + s e1), D(G(z) + s e2)), G descends
     * loss_G(D(G(z) + s e3)) through the noise, with s = 0.5, 0.25, then 0 (no noise and no draws).
     */
    @Test
    void ganStepWithInstanceNoiseIsTheHandWrittenOne() {
        Module ga = g(1), da = d(2), gb = g(1), db = d(2);
        Rng noise = new Rng(13);
        Tricks tricks = Tricks.none().instanceNoise(InstanceNoise.linear(0.5f, 2, noise));
        StandardGan scheme = StandardGan.builder(ga, da, Latent.normal(new Rng(7), NOISE)).tricks(tricks).build();
        BatchSource data = data(9);
        long[] noiseAfterTwo = null;
        for (int i = 0; i < 4; i++) {
            scheme.step(data);
            if (i == 1) noiseAfterTwo = noise.state();
        }
        // from sigma = 0 on, nothing is drawn
        assertThat(noise.state()).containsExactly(noiseAfterTwo);

        AdversarialLoss loss = AdversarialLoss.nonSaturating();
        Adam og = new Adam(gb.parameters(), 2e-4f, 0.5f, 0.999f), od = new Adam(db.parameters(), 2e-4f, 0.5f, 0.999f);
        Rng zs = new Rng(7), xs = new Rng(9), ns = new Rng(13);
        float[] sigmas = {0.5f, 0.25f, 0f, 0f};
        for (int i = 0; i < 4; i++) {
            Tensor x = realBatch(xs), z = Tensor.randn(zs, BATCH, NOISE);
            Tensor fake = gb.forward(z);
            float s = sigmas[i];
            Tensor xr = s == 0 ? x : x.add(Tensor.randn(ns, BATCH, 2).mul(s));
            Tensor xf = s == 0 ? fake : fake.add(Tensor.randn(ns, BATCH, 2).mul(s));
            od.zeroGrad();
            loss.discriminator(db.forward(xr), db.forward(xf.detach())).backward();
            od.step();
            Tensor xg = s == 0 ? fake : fake.add(Tensor.randn(ns, BATCH, 2).mul(s));   // fresh noise, G's graph kept
            og.zeroGrad();
            loss.generator(db.forward(xg)).backward();
            og.step();
        }
        assertSameParameters(ga, gb);
        assertSameParameters(da, db);
        assertThat(scheme.describe()).isEqualTo("GAN(non-saturating loss, 1:1, instance noise sigma 0.5 -> 0 over 2 iterations)");
    }

    /** The noise reaches D's inputs only: the noisy inputs minus the plain run's are sigma times the noise generator's draws. */
    @Test
    void constantNoiseIsAddedToBothOfDsInputs() {
        TrickTesting.Recorder d = new TrickTesting.Recorder(d(2)), plainD = new TrickTesting.Recorder(d(2));
        StandardGan noisy = StandardGan.builder(g(1), d, Latent.normal(new Rng(7), NOISE))
                .tricks(Tricks.none().instanceNoise(InstanceNoise.constant(0.1f, new Rng(14)))).build();
        StandardGan plain = StandardGan.builder(g(1), plainD, Latent.normal(new Rng(7), NOISE)).build();
        noisy.step(data(9));
        plain.step(data(9));
        Rng ns = new Rng(14);
        for (int call = 0; call < 3; call++) {   // D(x), D(G(z)) in D's step, D(G(z)) in G's
            float[] eps = Tensor.randn(ns, BATCH, 2).mul(0.1f).toArray();
            float[] expected = plainD.inputs.get(call).clone();
            for (int i = 0; i < expected.length; i++) expected[i] += eps[i];
            // G's step reuses the samples G generated before D's step, so its raw input is the plain run's too
            assertThat(d.inputs.get(call)).as("D's input %d", call).containsExactly(expected);
        }
        assertThat(noisy.describe()).endsWith(", instance noise sigma=0.1)");
    }

    @Test
    void badOptionsAreRejected() {
        assertThatThrownBy(() -> InstanceNoise.linear(0f, 10, new Rng(1)))
                .hasMessage("InstanceNoise.linear: sigma0 must be > 0 and finite, got sigma0=0.0");
        assertThatThrownBy(() -> InstanceNoise.linear(Float.NaN, 10, new Rng(1))).hasMessageContaining("got sigma0=NaN");
        assertThatThrownBy(() -> InstanceNoise.linear(0.1f, 0, new Rng(1)))
                .hasMessage("InstanceNoise.linear: iterations must be >= 1, got iterations=0");
        assertThatThrownBy(() -> InstanceNoise.linear(0.1f, 10, null)).hasMessage("InstanceNoise.linear: rng must be given");
        assertThatThrownBy(() -> InstanceNoise.constant(Float.POSITIVE_INFINITY, new Rng(1)))
                .hasMessage("InstanceNoise.constant: sigma must be > 0 and finite, got sigma=Infinity");
        assertThatThrownBy(() -> Tricks.none().instanceNoise(null)).hasMessageContaining("Tricks.instanceNoise: noise must be given");
    }
}
