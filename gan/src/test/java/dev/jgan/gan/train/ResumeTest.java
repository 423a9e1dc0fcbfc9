package dev.jgan.gan.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.data.ToyBatches;
import dev.jgan.gan.nets.AutoencoderDiscriminator;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.gan.scheme.Ebgan;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.Scheme;
import dev.jgan.gan.scheme.SpectralNormGan;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.scheme.UnrolledGan;
import dev.jgan.gan.scheme.Wgan;
import dev.jgan.gan.scheme.WganGp;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.SpectralNorm;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Sigmoid;
import dev.jgan.nn.layers.Tanh;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * For every scheme: N iterations straight, and N/2 iterations + save + load into freshly built objects + N/2
 * iterations, end in bitwise the same state (the two final checkpoints are byte-identical: networks, optimizers,
 * every random generator, the counters). The networks use tanh and sigmoid (exact on every JIT tier) and batch norm
 * (buffers); the suite runs on both kernel paths.
 */
class ResumeTest {
    static final int N = 6, BATCH = 16, NOISE = 4;

    /** A freshly built trainer of the named scheme, the same for the same name: weights, data and noise from fixed seeds. */
    static Trainer build(String scheme) {
        Rng init = new Rng(1);
        Module g = new Sequential(new Linear(NOISE, 16, init), new BatchNorm1d(16), new Tanh(), new Linear(16, 2, init));
        Module d = new Sequential(new Linear(2, 16, init), new LeakyReLU(0.2f), new Linear(16, 8, init), new Sigmoid(), new Linear(8, 1, init));
        Latent z = Latent.normal(new Rng(2), NOISE);
        Function<Module, Module> bn = net -> net;
        Scheme s = switch (scheme) {
            case "standard" -> StandardGan.builder(g, d, z).build();
            case "standard-adaptive" -> StandardGan.builder(g, d, z).schedule(Schedule.adaptive(3, 1.3f)).build();
            case "wgan" -> Wgan.builder(g, d, z).schedule(Schedule.wganReference(2)).build();
            case "wgan-gp" -> WganGp.builder(g, d, z, new Rng(3)).schedule(Schedule.fixed(2, 1)).build();
            case "ebgan" -> Ebgan.builder(g, AutoencoderDiscriminator.mlp(2, 8, 4, init), z, 0.5f).build();
            case "unrolled" -> UnrolledGan.builder(g, withBatchNorm(init), z).unrollSteps(2).build();
            case "unrolled-first-order" -> UnrolledGan.builder(g, withBatchNorm(init), z).unrollSteps(2).secondOrder(false).build();
            // spectral norm's u and v are buffers that move in every forward; the learning rates decay with the counter
            case "sngan" -> SpectralNormGan.sngan(g, SpectralNorm.applyToAll(d, init), z, 2 * N).schedule(Schedule.fixed(2, 1)).build();
            default -> throw new IllegalArgumentException(scheme);
        };
        return new Trainer(s, new ToyBatches(GaussianMixture.ring8(), new Rng(4), BATCH));
    }

    /** A D with batch norm: the look-ahead forwards move its buffers, which both unrolled forms must put back. */
    static Module withBatchNorm(Rng init) {
        return new Sequential(new Linear(2, 16, init), new BatchNorm1d(16), new Tanh(), new Linear(16, 1, init));
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard", "standard-adaptive", "wgan", "wgan-gp", "ebgan", "unrolled", "unrolled-first-order", "sngan"})
    void resumedRunIsTheStraightRunBitwise(String scheme, @TempDir Path dir) throws Exception {
        Resumption.assertResumesBitwise(() -> build(scheme), N, dir);
    }

    /** A checkpoint of one scheme does not load into another, and nothing changes. */
    @Test
    void checkpointOfAnotherSchemeIsRefused(@TempDir Path dir) throws Exception {
        Trainer a = build("wgan-gp");
        a.trainUntil(1);
        a.save(dir.resolve("a.safetensors"));
        Trainer b = build("standard");
        assertThatThrownBy(() -> b.load(dir.resolve("a.safetensors"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scheme/interpolation");
        assertThat(b.scheme().iterations()).isZero();
    }
}
