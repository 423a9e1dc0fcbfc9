package dev.jgan.gan.train;


import dev.jgan.autodiff.Rng;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.data.LabelledToyBatches;
import dev.jgan.gan.nets.AcganDiscriminator;
import dev.jgan.gan.nets.Cgan;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.Scheme;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.scheme.UnrolledGan;
import dev.jgan.gan.scheme.WganGp;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Sigmoid;
import dev.jgan.nn.layers.Tanh;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conditional runs resume bitwise, as {@link ResumeTest} checks for the unconditional ones: the labels of the real
 * batches come from the data source's generator and G's labels from the latent's (Latent.sampleLabels), both in the
 * checkpoint, as are the label embeddings and the classifier head.
 */
class ConditionalResumeTest {
    static final int N = 6, BATCH = 16, NOISE = 4, CLASSES = 4, EMBED = 3;

    static Trainer build(String scheme) {
        Rng init = new Rng(1);
        Module g = Cgan.generator(new Sequential(new Linear(NOISE + EMBED, 16, init), new BatchNorm1d(16), new Tanh(), new Linear(16, 2, init)),
                NOISE, CLASSES, EMBED, init);
        Module cganD = Cgan.discriminator(new Sequential(new Linear(2 + EMBED, 16, init), new LeakyReLU(0.2f), new Linear(16, 8, init), new Sigmoid(),
                new Linear(8, 1, init)), 2, CLASSES, EMBED, init);
        Module acganD = new AcganDiscriminator(new Sequential(new Linear(2, 16, init), new LeakyReLU(0.2f), new Linear(16, 8, init), new Sigmoid(),
                new Linear(8, 1 + CLASSES, init)), CLASSES);
        Latent z = Latent.normal(new Rng(2), NOISE);
        Scheme s = switch (scheme) {
            case "cgan" -> StandardGan.builder(g, cganD, z).build();
            case "acgan-wgan-gp" -> WganGp.builder(g, acganD, z, new Rng(3)).schedule(Schedule.fixed(2, 1)).build();
            case "acgan-unrolled" -> UnrolledGan.builder(g, acganD, z).unrollSteps(2).build();
            default -> throw new IllegalArgumentException(scheme);
        };
        return new Trainer(s, new LabelledToyBatches(GaussianMixture.ring(CLASSES, 2f, 0.1f), new Rng(4), BATCH));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cgan", "acgan-wgan-gp", "acgan-unrolled"})
    void resumedConditionalRunIsTheStraightRunBitwise(String scheme, @TempDir Path dir) throws Exception {
        Resumption.assertResumesBitwise(() -> build(scheme), N, dir);
    }
}
