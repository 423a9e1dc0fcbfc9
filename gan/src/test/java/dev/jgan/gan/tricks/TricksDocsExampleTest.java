package dev.jgan.gan.tricks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.data.ToyBatches;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.nets.Mlp;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.scheme.WganGp;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import org.junit.jupiter.api.Test;

/** The examples of the tricks' user docs (the notes merged into docs/gan.md), run as written, on the toy networks. */
class TricksDocsExampleTest {
    static BatchSource data() {
        return new ToyBatches(GaussianMixture.ring8(), new Rng(3), 64);
    }

    @Test
    void overview() {
        Module g = Mlp.toyGenerator(new Rng(1)), d = Mlp.toyDiscriminator(new Rng(2));
        Rng seed = new Rng(42);
        Tricks tricks = Tricks.none().oneSidedLabelSmoothing(0.9f)
                .instanceNoise(InstanceNoise.linear(0.1f, 2000, seed.split()))
                .experienceReplay(4096, 0.5f, seed.split());
        StandardGan gan = StandardGan.builder(g, d, Latent.normal(seed.split(), 256)).tricks(tricks).build();
        gan.step(data());
        assertThat(gan.describe()).isEqualTo("GAN(non-saturating loss, 1:1, one-sided label smoothing 0.9,"
                + " instance noise sigma 0.1 -> 0 over 2000 iterations, experience replay 50% from a ring of 4096)");
    }

    @Test
    void targets() {
        Module g = Mlp.toyGenerator(new Rng(1)), d = Mlp.toyDiscriminator(new Rng(2));
        Latent latent = Latent.normal(new Rng(5), 256);
        BatchSource data = data();
        Rng seed = new Rng(7);
        Tricks tricks = Tricks.none().softLabels(seed.split()).labelFlipping(0.05f, seed.split());
        StandardGan gan = StandardGan.builder(g, d, latent).loss(AdversarialLoss.minimax()).tricks(tricks).build();
        gan.step(data);
        float[] targetsOfReal = tricks.realTargets();   // in [0.7, 1.2], or [0, 0.3] where flipped
        assertThat(targetsOfReal).hasSize(64);
        for (float t : targetsOfReal) assertThat(t >= 0.7f && t <= 1.2f || t >= 0f && t <= 0.3f).isTrue();
    }

    @Test
    void inputs() {
        Module g = Mlp.toyGenerator(new Rng(1)), critic = Mlp.toyDiscriminator(new Rng(2));
        Latent latent = Latent.normal(new Rng(5), 256);
        Rng seed = new Rng(7);
        Tricks tricks = Tricks.none().instanceNoise(InstanceNoise.linear(0.1f, 5000, seed.split()))
                .experienceReplay(50 * 64, 0.5f, seed.split()).jointBatches(true);
        WganGp wgangp = WganGp.builder(g, critic, latent, seed.split()).tricks(tricks).build();
        assertThat(wgangp.step(data()).dSteps()).isEqualTo(5);
    }

    @Test
    void generatorLayers() {
        Rng seed = new Rng(7);
        Module g = Mlp.toyGenerator(Mlp.Options.defaults().withLayerNoise(true), seed.split());
        InstanceNoise annealed = InstanceNoise.linear(0.1f, 5000, seed.split());
        Tricks tricks = Tricks.none().instanceNoise(annealed).generatorLayerNoise(annealed);
        StandardGan gan = StandardGan.builder(g, Mlp.toyDiscriminator(seed.split()), Latent.normal(seed.split(), 256)).tricks(tricks).build();
        BatchSource data = data();
        for (int i = 0; i < 2; i++) gan.step(data);
        // sigma_1 = 0.1 (1 - 1 / 5000) on both noise layers of G
        assertThat(((Sequential) g).get(2)).hasToString("GaussianNoise(sigma=" + annealed.sigma(1) + ")");
        assertThat(annealed.sigma(1)).isEqualTo((float) (0.1f * (1 - 1 / 5000.0)));
        assertThat(gan.describe()).isEqualTo("GAN(non-saturating loss, 1:1, instance noise sigma 0.1 -> 0 over 5000 iterations,"
                + " noise on G's layers sigma 0.1 -> 0 over 5000 iterations)");
        g.eval();                                       // sampling: the noise layers are the identity
        Tensor z = Tensor.randn(new Rng(1), 4, 256);
        assertThat(g.forward(z).toArray()).containsExactly(g.forward(z).toArray());
    }

    @Test
    void networks() {
        Rng seed = new Rng(7);
        Module g = Mlp.toyGenerator(seed.split()), average = Mlp.toyGenerator(seed.split());
        Tricks tricks = Tricks.none().generatorAverage(average, 0.999f, 1000)
                .swapDiscriminator(500, 5, 0.01f, 20, seed.split());
        StandardGan gan = StandardGan.builder(g, Mlp.toyDiscriminator(seed.split()), Latent.normal(seed.split(), 256)).tricks(tricks).build();
        BatchSource data = data();
        for (int i = 0; i < 2; i++) gan.step(data);
        Tensor samples = average.forward(Tensor.randn(new Rng(1), 2500, 256));
        // before step 1000 the average is G itself
        assertThat(samples.toArray()).containsExactly(g.forward(Tensor.randn(new Rng(1), 2500, 256)).toArray());
    }
}
