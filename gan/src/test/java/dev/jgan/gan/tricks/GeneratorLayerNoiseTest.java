package dev.jgan.gan.tricks;

import static dev.jgan.gan.tricks.TrickTesting.BATCH;
import static dev.jgan.gan.tricks.TrickTesting.NOISE;
import static dev.jgan.gan.tricks.TrickTesting.assertSameParameters;
import static dev.jgan.gan.tricks.TrickTesting.assertSameState;
import static dev.jgan.gan.tricks.TrickTesting.d;
import static dev.jgan.gan.tricks.TrickTesting.data;
import static dev.jgan.gan.tricks.TrickTesting.realBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.Scheme;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.scheme.Wgan;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.GaussianNoise;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tricks.generatorLayerNoise: sigma_t on every GaussianNoise layer of G at each iteration, a GAN step with it written
 * out by hand, noise layers at sigma 0 are the plain run, and a held-out Wasserstein estimate leaves a noisy run as it was.
 */
class GeneratorLayerNoiseTest {

    /**
     * G: 3-8-8-2 with tanh and a noise layer after each hidden tanh, the second inside a nested Sequential (the trick
     * must reach every depth). The noise layers draw their seeds from a generator of their own, so the weights are
     * those of {@link #plainG} from the same seed.
     */
    static Sequential noisyG(long seed) {
        Rng init = new Rng(seed), noiseSeeds = new Rng(seed + 1000);
        return new Sequential(new Linear(NOISE, 8, init), new Tanh(), new GaussianNoise(0f, noiseSeeds),
                new Sequential(new Linear(8, 8, init), new Tanh(), new GaussianNoise(0f, noiseSeeds)), new Linear(8, 2, init));
    }

    /** {@link #noisyG} without its noise layers. */
    static Sequential plainG(long seed) {
        Rng init = new Rng(seed);
        return new Sequential(new Linear(NOISE, 8, init), new Tanh(), new Sequential(new Linear(8, 8, init), new Tanh()), new Linear(8, 2, init));
    }

    static List<GaussianNoise> layers(Module g) {
        List<GaussianNoise> l = new ArrayList<>();
        for (Module m : g.namedModules().values()) if (m instanceof GaussianNoise n) l.add(n);
        return l;
    }

    /** The drawing forwards a noise layer has counted (its count is below 2^24 here, so the low part). */
    static float count(GaussianNoise n) {
        return n.buffer("forwards").toArray()[1];
    }

    @Test
    void sigmaFollowsTheScheduleAtEveryIteration() {
        Sequential g = noisyG(1);
        GaussianNoise ofD = new GaussianNoise(0.05f, new Rng(5));       // D's own noise layer is not the trick's
        Module d = new Sequential(ofD, d(2));
        StandardGan gan = StandardGan.builder(g, d, Latent.normal(new Rng(7), NOISE))
                .tricks(Tricks.none().generatorLayerNoise(InstanceNoise.linear(0.5f, 4, new Rng(13)))).build();
        assertThat(layers(g)).hasSize(2);
        BatchSource data = data(9);
        float[] sigmas = {0.5f, 0.375f, 0.25f, 0.125f, 0f, 0f};
        // 1:1, so G runs once an iteration (its step reuses the D step's samples); from sigma 0 on nothing is drawn
        float[] counts = {1, 2, 3, 4, 4, 4};
        for (int t = 0; t < sigmas.length; t++) {
            gan.step(data);
            for (GaussianNoise n : layers(g)) {
                assertThat(n.sigma()).as("sigma at iteration %d", t).isEqualTo(sigmas[t]);
                assertThat(count(n)).as("forwards after iteration %d", t).isEqualTo(counts[t]);
            }
            assertThat(ofD.sigma()).isEqualTo(0.05f);
        }
        assertThat(gan.describe()).isEqualTo("GAN(non-saturating loss, 1:1, noise on G's layers sigma 0.5 -> 0 over 4 iterations)");
    }

    /**
     * Four iterations with sigma 0.4 decaying over 3: the scheme's run equals D descending loss_D(D(x), D(G_s(z))) and
     * G descending loss_G(D(G_s(z))) on the same samples, where G_s is G with its noise layers set to s = 0.4,
     * 0.267, 0.133, then 0 by hand. The noise mattered: without it G ends elsewhere.
     */
    @Test
    void aGanStepWithLayerNoiseIsTheHandWrittenOne() {
        Module ga = noisyG(1), da = d(2), gb = noisyG(1), db = d(2);
        StandardGan scheme = StandardGan.builder(ga, da, Latent.normal(new Rng(7), NOISE))
                .tricks(Tricks.none().generatorLayerNoise(InstanceNoise.linear(0.4f, 3, new Rng(13)))).build();
        BatchSource data = data(9);
        for (int i = 0; i < 4; i++) scheme.step(data);

        AdversarialLoss loss = AdversarialLoss.nonSaturating();
        Adam og = new Adam(gb.parameters(), 2e-4f, 0.5f, 0.999f), od = new Adam(db.parameters(), 2e-4f, 0.5f, 0.999f);
        Rng zs = new Rng(7), xs = new Rng(9);
        for (int i = 0; i < 4; i++) {
            float s = (float) (0.4f * Math.max(0.0, 1.0 - i / 3.0));   // the linear schedule, as InstanceNoise computes it
            for (GaussianNoise n : layers(gb)) n.setSigma(s);
            Tensor x = realBatch(xs), z = Tensor.randn(zs, BATCH, NOISE);
            Tensor fake = gb.forward(z);                                 // G_s(z), with G's graph
            od.zeroGrad();
            loss.discriminator(db.forward(x), db.forward(fake.detach())).backward();
            od.step();
            og.zeroGrad();
            loss.generator(db.forward(fake)).backward();
            og.step();
        }
        assertSameState(ga, gb);                                         // parameters, and the layers' counts and sigma
        assertSameParameters(da, db);
        for (GaussianNoise n : layers(ga)) assertThat(count(n)).isEqualTo(3f);   // iterations 0..2 drew; 3 had sigma 0

        Module gc = noisyG(1);
        StandardGan noiseless = StandardGan.builder(gc, d(2), Latent.normal(new Rng(7), NOISE)).build();
        BatchSource again = data(9);
        for (int i = 0; i < 4; i++) noiseless.step(again);
        assertThat(gc.parameters().get(0).toArray()).isNotEqualTo(ga.parameters().get(0).toArray());
    }

    /**
     * One schedule for D's inputs and G's layers: the instance noise draws from its generator as before (the layers draw
     * from their own seeds), so the run is the hand-written one with both noises.
     */
    @Test
    void theInstanceNoiseScheduleServesBoth() {
        Module ga = noisyG(1), da = d(2), gb = noisyG(1), db = d(2);
        InstanceNoise annealed = InstanceNoise.constant(0.2f, new Rng(13));
        StandardGan scheme = StandardGan.builder(ga, da, Latent.normal(new Rng(7), NOISE))
                .tricks(Tricks.none().instanceNoise(annealed).generatorLayerNoise(annealed)).build();
        BatchSource data = data(9);
        for (int i = 0; i < 2; i++) scheme.step(data);

        AdversarialLoss loss = AdversarialLoss.nonSaturating();
        Adam og = new Adam(gb.parameters(), 2e-4f, 0.5f, 0.999f), od = new Adam(db.parameters(), 2e-4f, 0.5f, 0.999f);
        Rng zs = new Rng(7), xs = new Rng(9), ns = new Rng(13);
        for (GaussianNoise n : layers(gb)) n.setSigma(0.2f);
        for (int i = 0; i < 2; i++) {
            Tensor x = realBatch(xs), fake = gb.forward(Tensor.randn(zs, BATCH, NOISE));
            Tensor xr = x.add(Tensor.randn(ns, BATCH, 2).mul(0.2f)), xf = fake.add(Tensor.randn(ns, BATCH, 2).mul(0.2f));
            od.zeroGrad();
            loss.discriminator(db.forward(xr), db.forward(xf.detach())).backward();
            od.step();
            Tensor xg = fake.add(Tensor.randn(ns, BATCH, 2).mul(0.2f));
            og.zeroGrad();
            loss.generator(db.forward(xg)).backward();
            og.step();
        }
        assertSameState(ga, gb);
        assertSameParameters(da, db);
        assertThat(scheme.describe()).isEqualTo("GAN(non-saturating loss, 1:1, instance noise sigma=0.2, noise on G's layers sigma=0.2)");
    }

    /** Off, noise layers at sigma 0 are the identity and draw nothing: the run is the one of G without them, bitwise. */
    @Test
    void noiseLayersWithTheTrickOffAreThePlainRun() {
        Module ga = noisyG(1), da = d(2), gb = plainG(1), db = d(2);
        assertSameParameters(ga, gb);
        Scheme withLayers = StandardGan.builder(ga, da, Latent.normal(new Rng(7), NOISE)).tricks(Tricks.none()).build();
        Scheme plain = StandardGan.builder(gb, db, Latent.normal(new Rng(7), NOISE)).build();
        BatchSource a = data(9), b = data(9);
        for (int i = 0; i < 3; i++) {
            var ra = withLayers.step(a);
            var rb = plain.step(b);
            assertThat(ra.dLoss()).isEqualTo(rb.dLoss());
            assertThat(ra.gLoss()).isEqualTo(rb.gLoss());
        }
        assertSameParameters(ga, gb);
        assertSameParameters(da, db);
        for (GaussianNoise n : layers(ga)) assertThat(count(n)).isZero();
    }

    /**
     * WGAN (5 critic steps, 6 G forwards an iteration) with noise on G's layers: held-out estimates between the steps,
     * which run G in training mode and so draw noise, leave the run bitwise the one without them, because the critic gap
     * puts G's buffers (the layers' counts) back. Each estimate is repeatable, and it did see the noise.
     */
    @Test
    void wassersteinEstimatesLeaveTheRunBitwise() {
        Module ga = noisyG(1), da = d(2), gb = noisyG(1), db = d(2);
        Wgan estimated = Wgan.builder(ga, da, Latent.normal(new Rng(7), NOISE))
                .tricks(Tricks.none().generatorLayerNoise(InstanceNoise.constant(0.3f, new Rng(13)))).build();
        Wgan straight = Wgan.builder(gb, db, Latent.normal(new Rng(7), NOISE))
                .tricks(Tricks.none().generatorLayerNoise(InstanceNoise.constant(0.3f, new Rng(13)))).build();
        BatchSource a = data(9), b = data(9);
        Tensor heldOut = realBatch(new Rng(21)), z = Tensor.randn(new Rng(22), BATCH, NOISE);
        for (int i = 0; i < 3; i++) {
            var ra = estimated.step(a);
            float w = estimated.wassersteinEstimate(heldOut, z);
            assertThat(estimated.wassersteinEstimate(heldOut, z)).isEqualTo(w).isFinite();
            for (GaussianNoise n : layers(ga)) assertThat(count(n)).isEqualTo(6f * (i + 1));
            ga.eval();                                                   // without the noise the estimate differs
            assertThat(estimated.wassersteinEstimate(heldOut, z)).isNotEqualTo(w);
            ga.train(true);
            var rb = straight.step(b);
            assertThat(ra.dLoss()).isEqualTo(rb.dLoss());
            assertThat(ra.gLoss()).isEqualTo(rb.gLoss());
        }
        assertSameState(ga, gb);
        assertSameState(da, db);
    }

    @Test
    void aGeneratorWithoutNoiseLayersIsRefusedAtTheFirstStep() {
        Module g = plainG(1);
        StandardGan gan = StandardGan.builder(g, d(2), Latent.normal(new Rng(7), NOISE))
                .tricks(Tricks.none().generatorLayerNoise(InstanceNoise.constant(0.1f, new Rng(13)))).build();
        float[] before = g.parameters().get(0).toArray();
        assertThatThrownBy(() -> gan.step(data(9))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GAN: Tricks.generatorLayerNoise anneals the GaussianNoise layers of the generator, which has none (build it with"
                        + " Dcgan.Options.withGeneratorLayerNoise(true) or Mlp.Options.withLayerNoise(true), or add dev.jgan.nn.layers.GaussianNoise"
                        + " layers)");
        assertThat(gan.iterations()).isZero();
        assertThat(g.parameters().get(0).toArray()).containsExactly(before);
        assertThatThrownBy(() -> Tricks.none().generatorLayerNoise(null))
                .hasMessage("Tricks.generatorLayerNoise: schedule must be given (InstanceNoise.linear or .constant)");
    }
}
