package dev.jgan.gan.tricks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.data.ToyBatches;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.Scheme;
import dev.jgan.gan.scheme.SchemeBase;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.scheme.UnrolledGan;
import dev.jgan.gan.scheme.WganGp;
import dev.jgan.gan.train.Resumption;
import dev.jgan.gan.train.Trainer;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.GaussianNoise;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Sigmoid;
import dev.jgan.nn.layers.Tanh;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With the tricks on, N iterations straight and N/2 + save + load into freshly built objects + N/2 end in the same
 * checkpoint bytes: the tricks' generators, the replay buffer (part full, and wrapped), stored copies with a swap running
 * across the save, and the average are all in the run's state, as are the seed, count and sigma of G's noise layer (in
 * G's state dict). As ResumeTest, with networks of tanh, sigmoid and batch norm.
 */
class TricksResumeTest {
    static final int N = 8, BATCH = 16, NOISE = 4;

    /** G with a noise layer after its hidden block, annealed by generatorLayerNoise in every case below. */
    static Module generator(long seed) {
        Rng init = new Rng(seed);
        return new Sequential(new Linear(NOISE, 16, init), new BatchNorm1d(16), new Tanh(), new GaussianNoise(0f, init), new Linear(16, 2, init));
    }

    /** A freshly built trainer of the named case, the same for the same name. */
    static Trainer build(String name) {
        Rng init = new Rng(1), tricksSeed = new Rng(100);
        Module g = generator(1);
        Module d = new Sequential(new Linear(2, 16, init), new LeakyReLU(0.2f), new Linear(16, 8, init), new Sigmoid(), new Linear(8, 1, init));
        Latent z = Latent.normal(new Rng(2), NOISE);
        // the swaps: a copy every iteration, a likely swap of 3 iterations, so one runs across the save at N/2
        Tricks networks = Tricks.none().instanceNoise(InstanceNoise.linear(0.2f, 6, tricksSeed.split()))
                .experienceReplay(name.equals("wgan-gp") ? 20 : 100, 0.5f, tricksSeed.split()).jointBatches(true)
                .swapGenerator(1, 3, 0.6f, 3, tricksSeed.split()).swapDiscriminator(2, 2, 0.5f, 2, tricksSeed.split())
                .generatorAverage(generator(50), 0.9f, 2)
                // noise on G's layers down to 0 at iteration 7: still drawing across the save at N/2
                .generatorLayerNoise(InstanceNoise.linear(0.3f, 7, tricksSeed.split()));
        Scheme s = switch (name) {
            // every trick on at once (soft labels, as they exclude one-sided smoothing)
            case "standard-all" -> StandardGan.builder(g, d, z)
                    .tricks(networks.softLabels(tricksSeed.split()).labelFlipping(0.2f, tricksSeed.split())).build();
            case "standard-smoothing" -> StandardGan.builder(g, d, z).tricks(networks.oneSidedLabelSmoothing(0.9f).labelFlipping(0.2f, tricksSeed.split()))
                    .build();
            case "unrolled" -> UnrolledGan.builder(g, d, z).unrollSteps(2).tricks(networks.labelFlipping(0.2f, tricksSeed.split())).build();
            // those that apply to a critic: instance noise, replay (20: wrapped by N/2 at two critic steps an iteration), joint batches, swaps, average,
            // noise on G's layers (three G forwards an iteration)
            case "wgan-gp" -> WganGp.builder(g, d, z, new Rng(3)).schedule(Schedule.fixed(2, 1)).tricks(networks).build();
            default -> throw new IllegalArgumentException(name);
        };
        return new Trainer(s, new ToyBatches(GaussianMixture.ring8(), new Rng(4), BATCH));
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard-all", "standard-smoothing", "unrolled", "wgan-gp"})
    void resumedRunIsTheStraightRunBitwise(String name, @TempDir Path dir) throws Exception {
        Resumption.assertResumesBitwise(() -> build(name), N, dir,
                t -> assertThat(((SchemeBase) t.scheme()).tricks().swapping(true)).as("a swap of G runs across the save").isTrue());
    }

    /** Saved before any iteration (empty buffer, no copies, no swap): loads and continues as the straight run. */
    @Test
    void savedBeforeTheFirstIteration(@TempDir Path dir) throws Exception {
        Trainer straight = build("standard-all");
        straight.trainUntil(3);
        straight.save(dir.resolve("straight.safetensors"));
        build("standard-all").save(dir.resolve("zero.safetensors"));
        Trainer resumed = build("standard-all");
        resumed.load(dir.resolve("zero.safetensors"));
        resumed.trainUntil(3);
        resumed.save(dir.resolve("resumed.safetensors"));
        assertThat(Files.readAllBytes(dir.resolve("resumed.safetensors"))).isEqualTo(Files.readAllBytes(dir.resolve("straight.safetensors")));
    }

    /** A run saved without the tricks' state does not load into one with tricks, and nothing changes. */
    @Test
    void checkpointWithoutTheTricksIsRefused(@TempDir Path dir) throws Exception {
        Rng init = new Rng(1);
        Module g = generator(1);
        Module d = new Sequential(new Linear(2, 16, init), new LeakyReLU(0.2f), new Linear(16, 8, init), new Sigmoid(), new Linear(8, 1, init));
        Trainer plain = new Trainer(StandardGan.builder(g, d, Latent.normal(new Rng(2), NOISE)).build(),
                new ToyBatches(GaussianMixture.ring8(), new Rng(4), BATCH));
        plain.trainUntil(1);
        plain.save(dir.resolve("plain.safetensors"));
        Trainer withTricks = build("standard-all");
        assertThatThrownBy(() -> withTricks.load(dir.resolve("plain.safetensors"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scheme/tricks/replay/samples");
        assertThat(withTricks.scheme().iterations()).isZero();
    }
}
