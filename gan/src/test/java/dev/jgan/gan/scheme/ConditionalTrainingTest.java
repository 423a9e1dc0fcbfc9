package dev.jgan.gan.scheme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.Rng;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.data.LabelledToyBatches;
import dev.jgan.gan.eval.Sampling;
import dev.jgan.gan.loss.AuxiliaryClassifierLoss;
import dev.jgan.gan.nets.AcganDiscriminator;
import dev.jgan.gan.nets.Cgan;
import dev.jgan.gan.nets.Mlp;
import dev.jgan.nn.Module;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.ReLU;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Conditional generation does what it is for: a conditional G trained briefly on the 8 Gaussians with the mode index
 * as the class puts most samples of class c on mode c, for every c, with the simple cGAN (label embedding at G's and
 * D's inputs) and with AC-GAN (an unconditional D with a classifier head). Unconditional GANs on this ring cover
 * 0-1 mode (docs/gan.md, "Mode collapse and its cure"), so the class is what spreads G over the ring.
 */
class ConditionalTrainingTest {
    static final int MODES = 8, NOISE = 8, EMBED = 4, HIDDEN = 64, BATCH = 128, PER_CLASS = 200;
    static final GaussianMixture RING = GaussianMixture.ring8();

    static Module generator(Rng init) {
        return Cgan.generator(Mlp.of(new int[] {NOISE + EMBED, HIDDEN, HIDDEN, 2}, ReLU::new, init), NOISE, MODES, EMBED, init);
    }

    /** For each class c, the share of {@value #PER_CLASS} samples of class c whose nearest mode is mode c. */
    static double[] shareOnOwnMode(Scheme scheme) {
        float[][] modes = RING.modes();
        double[] share = new double[MODES];
        for (int c = 0; c < MODES; c++) {
            float[] xy = Sampling.ofClass(scheme, new Rng(100 + c), PER_CLASS, c).toArray();
            int own = 0;
            for (int i = 0; i < PER_CLASS; i++) {
                int nearest = 0;
                double best = Double.MAX_VALUE;
                for (int k = 0; k < MODES; k++) {
                    double dx = xy[2 * i] - modes[k][0], dy = xy[2 * i + 1] - modes[k][1], d2 = dx * dx + dy * dy;
                    if (d2 < best) {
                        best = d2;
                        nearest = k;
                    }
                }
                if (nearest == c) own++;
            }
            share[c] = (double) own / PER_CLASS;
        }
        return share;
    }

    static void assertEveryClassOnItsMode(Scheme scheme) {
        double[] share = shareOnOwnMode(scheme);
        for (int c = 0; c < MODES; c++) assertThat(share[c]).as("share of class %d on mode %d, all: %s", c, c, Arrays.toString(share))
                .isGreaterThanOrEqualTo(0.8);
    }

    /** The cGAN (embedding at G's and D's inputs) after {@code iterations}, weights from {@code init}, noise and data from the next two seeds. */
    static StandardGan cgan(long init, int iterations) {
        Rng rng = new Rng(init);
        Module g = generator(rng);
        Module d = Cgan.discriminator(Mlp.of(new int[] {2 + EMBED, HIDDEN, HIDDEN, 1}, () -> new LeakyReLU(0.2f), rng), 2, MODES, EMBED, rng);
        return train(g, d, StandardGan.builder(g, d, Latent.normal(new Rng(init + 1), NOISE)), init, iterations);
    }

    /** AC-GAN (unconditional D with a classifier head) with the given class loss, seeded as {@link #cgan}. */
    static StandardGan acgan(long init, int iterations, AuxiliaryClassifierLoss loss) {
        Rng rng = new Rng(init);
        Module g = generator(rng);
        Module d = new AcganDiscriminator(Mlp.of(new int[] {2, HIDDEN, HIDDEN, 1 + MODES}, () -> new LeakyReLU(0.2f), rng), MODES);
        return train(g, d, StandardGan.builder(g, d, Latent.normal(new Rng(init + 1), NOISE)).auxiliaryClassifierLoss(loss), init, iterations);
    }

    // Adam at 1e-3 for both (DCGAN's 2e-4 needs several times the iterations on this toy)
    private static StandardGan train(Module g, Module d, StandardGan.Builder b, long init, int iterations) {
        StandardGan gan = b.optimizers(Optimizers.adam(g, 1e-3f, 0.5f, 0.999f), Optimizers.adam(d, 1e-3f, 0.5f, 0.999f)).build();
        LabelledToyBatches data = new LabelledToyBatches(RING, new Rng(init + 2), BATCH);
        for (int i = 0; i < iterations; i++) gan.step(data);
        return gan;
    }

    // Seed 1 at CI size (every class 100% on its own mode after 300 iterations, on both kernel paths; after 100, four
    // classes were still at or below 1.5%, so the test fails with a G that ignores its labels). Over seeds 1-5 the
    // setting needs about 1,000 iterations: ConditionalSeedsTest.
    @Test
    void cganPutsEachClassOnItsMode() {
        assertEveryClassOnItsMode(cgan(1, 300));
    }

    // The default class loss (the WGAN-GP ResNet code's: D's classifier on real samples only, w_G = 0.1).
    @Test
    void acganPutsEachClassOnItsMode() {
        StandardGan gan = acgan(1, 400, new AuxiliaryClassifierLoss());
        assertEveryClassOnItsMode(gan);
        // D's classifier has learned the real classes (the modes are far apart: near-perfect)
        assertThat(gan.step(new LabelledToyBatches(RING, new Rng(9), BATCH)).extra("class_accuracy_real")).isGreaterThanOrEqualTo(0.95f);
    }
}
