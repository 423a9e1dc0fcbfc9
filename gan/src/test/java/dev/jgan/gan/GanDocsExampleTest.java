package dev.jgan.gan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.data.ToyBatches;
import dev.jgan.gan.nets.AutoencoderDiscriminator;
import dev.jgan.gan.nets.Dcgan;
import dev.jgan.gan.nets.ImageShape;
import dev.jgan.gan.nets.Mlp;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.gan.scheme.Ebgan;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.Scheme;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.scheme.StepResult;
import dev.jgan.gan.scheme.UnrolledGan;
import dev.jgan.gan.scheme.WassersteinCritic;
import dev.jgan.gan.scheme.Wgan;
import dev.jgan.gan.scheme.WganGp;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.gan.train.Trainer;
import dev.jgan.nn.Module;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code of docs/gan.md, as written there (with fewer iterations), so the page cannot drift from the API. */
class GanDocsExampleTest {
    @Test
    void trainingInAFewLines(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Path run = dir.resolve("run.safetensors");
        // --- docs/gan.md, "Training in a few lines" (5000 -> 4 iterations, every 500 -> every 2)
        Rng seed = new Rng(42);
        Module g = Mlp.toyGenerator(seed.split()), d = Mlp.toyDiscriminator(seed.split());
        Scheme scheme = UnrolledGan.builder(g, d, Latent.normal(seed.split(), 256)).unrollSteps(5).build();
        Trainer trainer = new Trainer(scheme, new ToyBatches(GaussianMixture.ring8(), seed.split(), 512))
                .every(2, (step, r) -> out.printf("%d: D %.3f G %.3f%n", step, r.dLoss(), r.gLoss()))
                .checkpointEvery(4, run);
        trainer.trainUntil(4);
        // ---
        assertThat(printed.toString(StandardCharsets.UTF_8).lines()).hasSize(2).allMatch(l -> l.matches("\\d: D \\d\\.\\d{3} G \\d\\.\\d{3}"));
        assertThat(Files.size(run)).isPositive();

        // --- docs/gan.md, the run checkpoint example (3000 -> 4, 6000 -> 6)
        Rng again = new Rng(42);
        Module g2 = Mlp.toyGenerator(again.split()), d2 = Mlp.toyDiscriminator(again.split());
        Scheme sameScheme = UnrolledGan.builder(g2, d2, Latent.normal(again.split(), 256)).unrollSteps(5).build();
        Trainer resumed = new Trainer(sameScheme, new ToyBatches(GaussianMixture.ring8(), again.split(), 512));
        resumed.load(run);
        resumed.trainUntil(6);
        // ---
        trainer.trainUntil(6);
        assertThat(g2.parameters().get(0).toArray()).containsExactly(g.parameters().get(0).toArray());
    }

    @Test
    void schemeExamples() {
        Rng rng = new Rng(7);
        BatchSource images = () -> Tensor.rand(rng, 4, 1, 28, 28).mul(2f).sub(1f);
        // --- DCGAN
        Module g = Dcgan.generator(ImageShape.GRAY_28, rng), d = Dcgan.discriminator(ImageShape.GRAY_28, rng);
        StandardGan dcgan = StandardGan.builder(g, d, Latent.normal(rng.split(), Dcgan.NOISE)).build();
        StepResult r = dcgan.step(images);
        assertThat(r.dSteps()).isEqualTo(1);
        // --- WGAN with the reference critic schedule
        Wgan wgan = Wgan.builder(g, d, Latent.normal(rng.split(), 100)).clip(0.01f).schedule(Schedule.wganReference(5)).build();
        assertThat(wgan.describe()).contains("clip=0.01");
        // --- WGAN-GP (the critic without batch norm, as the paper's)
        Module critic = Mlp.toyDiscriminator(rng), toyG = Mlp.of(new int[] {100, 16, 2}, dev.jgan.nn.layers.ReLU::new, rng);
        WganGp wgangp = WganGp.builder(toyG, critic, Latent.normal(rng.split(), 100), rng.split()).penalty(10f, false).build();
        Tensor heldOut = GaussianMixture.ring8().sample(rng, 64), fixedNoise = Tensor.randn(rng, 64, 100);
        float w = wgangp.wassersteinEstimate(heldOut, fixedNoise);
        assertThat(w).isFinite();
        // --- EBGAN
        Module toyG256 = Mlp.toyGenerator(rng);
        Ebgan ebgan = Ebgan.builder(toyG256, AutoencoderDiscriminator.mlp(rng), Latent.normal(rng.split(), 256), 0.5f).pullAwayWeight(0.1f).build();
        assertThat(ebgan.step(new ToyBatches(GaussianMixture.ring8(), rng.split(), 32)).extras()).containsKey("pull_away");
    }

    /** A held-out estimate changes nothing: parameters, G's batch-norm statistics and the scheme's generators stay as they were. */
    @Test
    void wassersteinEstimateIsReadOnly() {
        Rng rng = new Rng(3);
        Module critic = Mlp.toyDiscriminator(rng);
        Module g = new dev.jgan.nn.Sequential(new dev.jgan.nn.layers.Linear(8, 16, rng), new dev.jgan.nn.layers.BatchNorm1d(16),
                new dev.jgan.nn.layers.ReLU(), new dev.jgan.nn.layers.Linear(16, 2, rng));
        for (WassersteinCritic s : java.util.List.<WassersteinCritic>of(WganGp.builder(g, critic, Latent.normal(rng.split(), 8), rng.split()).build(),
                Wgan.builder(g, critic, Latent.normal(rng.split(), 8)).build())) {
            float[] before = critic.parameters().get(0).toArray();
            java.util.Map<String, float[]> buffers = new java.util.LinkedHashMap<>();
            g.namedBuffers().forEach((k, v) -> buffers.put(k, v.toArray()));
            long[] latentState = s.latent().rng().state();
            float w1 = s.wassersteinEstimate(GaussianMixture.ring8().sample(new Rng(1), 64), Tensor.randn(new Rng(2), 64, 8));
            float w2 = s.wassersteinEstimate(GaussianMixture.ring8().sample(new Rng(1), 64), Tensor.randn(new Rng(2), 64, 8));
            assertThat(w2).isEqualTo(w1).isFinite();
            assertThat(critic.parameters().get(0).toArray()).containsExactly(before);
            g.namedBuffers().forEach((k, v) -> assertThat(v.toArray()).as(k).containsExactly(buffers.get(k)));
            assertThat(s.latent().rng().state()).containsExactly(latentState);
        }
    }
}
