package dev.jgan.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.io.Checkpoint;
import dev.jgan.nn.layers.BatchNorm2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DCGAN generator example of docs/nn.md, with the channel width as a parameter so the test stays small. */
class DocsExampleTest {
    @TempDir
    Path dir;

    static Sequential dcganGenerator(int nz, int ngf, Rng rng) {
        Sequential g = new Sequential(
                new ConvTranspose2d(nz, ngf * 8, 4, 1, 0, false, rng),
                new BatchNorm2d(ngf * 8), new ReLU(),
                new ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, false, rng),
                new BatchNorm2d(ngf * 4), new ReLU(),
                new ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, false, rng),
                new BatchNorm2d(ngf * 2), new ReLU(),
                new ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, false, rng),
                new BatchNorm2d(ngf), new ReLU(),
                new ConvTranspose2d(ngf, 3, 4, 2, 1, false, rng),
                new Tanh());
        return Init.dcgan(g, rng);
    }

    @Test
    void dcganGeneratorTrainsAStepAndSaves() throws IOException {
        Rng rng = new Rng(42);
        Sequential g = dcganGenerator(100, 2, rng);
        Adam opt = new Adam(g.parameters(), 2e-4f, 0.5f, 0.999f);
        Tensor fake = g.forward(Tensor.randn(rng, 2, 100, 1, 1));
        assertThat(fake.shape()).containsExactly(2, 3, 64, 64);
        float before = g.get(0).parameter("weight").get(0, 0, 0, 0);
        Tensor loss = fake.square().mean();
        opt.zeroGrad();
        loss.backward();
        opt.step();
        assertThat(g.get(0).parameter("weight").get(0, 0, 0, 0)).isNotEqualTo(before);
        Path p = dir.resolve("netG.safetensors");
        Checkpoint.save(g, p);
        assertThat(g.stateDict().keySet()).startsWith("0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "3.weight");
        Sequential h = dcganGenerator(100, 2, new Rng(1));
        assertThat(Checkpoint.load(h, p, true).isClean()).isTrue();
    }
}
