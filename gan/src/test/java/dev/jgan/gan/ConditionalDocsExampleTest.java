package dev.jgan.gan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.data.LabelledToyBatches;
import dev.jgan.gan.eval.Sampling;
import dev.jgan.gan.loss.AuxiliaryClassifierLoss;
import dev.jgan.gan.nets.AcganDiscriminator;
import dev.jgan.gan.nets.Cgan;
import dev.jgan.gan.nets.Dcgan;
import dev.jgan.gan.nets.ImageShape;
import dev.jgan.gan.nets.Mlp;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.Optimizers;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.scheme.StepResult;
import dev.jgan.gan.scheme.WganGp;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.Flatten;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import org.junit.jupiter.api.Test;

/** The code of the conditional-GAN section of docs/gan.md, as written there (with fewer iterations). */
class ConditionalDocsExampleTest {
    @Test
    void cganOnTheRing() {
        // --- cGAN (300 -> 3 iterations)
        Rng rng = new Rng(1);
        int classes = 8, nz = 8, e = 4;
        Cgan g = Cgan.generator(Mlp.of(new int[] {nz + e, 64, 64, 2}, ReLU::new, rng), nz, classes, e, rng);
        Cgan d = Cgan.discriminator(Mlp.of(new int[] {2 + e, 64, 64, 1}, () -> new LeakyReLU(0.2f), rng), 2, classes, e, rng);
        StandardGan gan = StandardGan.builder(g, d, Latent.normal(rng.split(), nz))
                .optimizers(Optimizers.adam(g, 1e-3f, 0.5f, 0.999f), Optimizers.adam(d, 1e-3f, 0.5f, 0.999f)).build();
        BatchSource data = new LabelledToyBatches(GaussianMixture.ring8(), rng.split(), 128);
        for (int i = 0; i < 3; i++) gan.step(data);
        Tensor threes = Sampling.ofClass(gan, new Rng(5), 100, 3);   // 100 samples of class 3
        // ---
        assertThat(threes.shape()).containsExactly(100, 2);
    }

    @Test
    void cganOnImages() {
        Rng rng = new Rng(2);
        // --- cGAN on 28x28 images
        Cgan g = Cgan.generator(Dcgan.generator(ImageShape.GRAY_28, 100 + 10, 64, rng), 100, 10, 10, rng);
        Sequential inner = new Sequential(new Conv2d(1 + 4, 64, 4, 2, 1, rng), new LeakyReLU(0.2f),   // image + 4 label maps
                new Flatten(), new Linear(64 * 14 * 14, 1, rng));
        Cgan d = Cgan.imageDiscriminator(inner, 1, 10, 4, rng);
        // ---
        int[] labels = {0, 9};
        Tensor fake = g.forward(Tensor.randn(rng, 2, 100), labels);
        assertThat(fake.shape()).containsExactly(2, 1, 28, 28);
        assertThat(d.forward(fake, labels).shape()).containsExactly(2, 1);
    }

    @Test
    void acganUnderWganGp() {
        Rng rng = new Rng(3);
        Cgan g = Cgan.generator(Mlp.of(new int[] {8 + 4, 64, 64, 2}, ReLU::new, rng), 8, 8, 4, rng);
        BatchSource data = new LabelledToyBatches(GaussianMixture.ring8(), rng.split(), 64);
        // --- AC-GAN
        AcganDiscriminator d = new AcganDiscriminator(Mlp.of(new int[] {2, 64, 64, 1 + 8}, () -> new LeakyReLU(0.2f), rng), 8);
        WganGp acgan = WganGp.builder(g, d, Latent.normal(rng.split(), 8), rng.split())
                .auxiliaryClassifierLoss(new AuxiliaryClassifierLoss(1f, 0.1f, true))   // the defaults
                .build();
        StepResult r = acgan.step(data);
        float accuracy = r.extra("class_accuracy_real");
        // ---
        assertThat(accuracy).isBetween(0f, 1f);
        assertThat(r.extras()).containsKeys("class_loss_real", "class_loss_fake", "class_accuracy_fake", "class_loss_g", "gradient_penalty");
    }

    @Test
    void fixedNoise() {
        Rng rng = new Rng(4);
        Cgan g = Cgan.generator(Mlp.of(new int[] {8 + 4, 16, 2}, ReLU::new, rng), 8, 8, 4, rng);
        Latent latent = Latent.normal(rng.split(), 8);
        // --- fixed-noise samples
        Tensor z = Sampling.noise(latent, new Rng(6), 64);                 // drawn once, kept for the whole run
        int[] labels = new int[64];
        for (int i = 0; i < 64; i++) labels[i] = i % 8;                   // 8 of each class
        Tensor frame = Sampling.fromNoise(g, z, labels);                  // the same z at every call
        // ---
        assertThat(frame.toArray()).containsExactly(Sampling.fromNoise(g, z, labels).toArray());
    }
}
