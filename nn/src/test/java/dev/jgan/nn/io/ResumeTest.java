package dev.jgan.nn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Losses;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import dev.jgan.nn.optim.Optimizer;
import dev.jgan.nn.optim.SGD;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run saved part-way (module and optimizer) and resumed continues bitwise as the uninterrupted run. */
class ResumeTest {

    private static Module net() {
        Rng rng = new Rng(3);
        return new Sequential(new Linear(3, 8, rng), new BatchNorm1d(8), new Tanh(), new Linear(8, 1, rng));
    }

    /** Steps from..to-1; the data of step t comes from its own seed, so a resumed loop sees the same batches. */
    private static void train(Module m, Optimizer opt, int from, int to) {
        for (int t = from; t < to; t++) {
            Rng data = new Rng(1000 + t);
            Tensor x = Tensor.randn(data, 16, 3);
            Tensor y = x.sum(1, true).tanh();
            opt.zeroGrad();
            Losses.mse(m.forward(x), y).backward();
            opt.step();
        }
    }

    private static List<float[]> values(Module m) {
        return m.stateDict().values().stream().map(Tensor::toArray).toList();
    }

    @Test
    void resumedRunMatchesTheUninterruptedOneBitwise(@TempDir Path dir) throws Exception {
        Module straight = net();
        Adam optStraight = new Adam(straight.parameters(), 0.01f, 0.5f, 0.999f);
        train(straight, optStraight, 0, 10);

        Module first = net();
        Adam optFirst = new Adam(first.parameters(), 0.01f, 0.5f, 0.999f);
        train(first, optFirst, 0, 4);
        Checkpoint.save(first, dir.resolve("model.safetensors"));
        Checkpoint.save(optFirst, dir.resolve("optim.safetensors"));

        Module resumed = net();
        Adam optResumed = new Adam(resumed.parameters(), 0.5f, 0.5f, 0.999f); // lr comes from the checkpoint
        Checkpoint.load(resumed, dir.resolve("model.safetensors"), true);
        Checkpoint.load(optResumed, dir.resolve("optim.safetensors"));
        assertThat(optResumed.groups().get(0).lr()).isEqualTo(0.01f);
        train(resumed, optResumed, 4, 10);

        List<float[]> a = values(straight), b = values(resumed);
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) assertThat(b.get(i)).containsExactly(a.get(i));
    }

    @Test
    void mismatchedOptimizerStateIsRefused(@TempDir Path dir) throws Exception {
        Module m = net();
        Adam adam = new Adam(m.parameters(), 0.01f);
        train(m, adam, 0, 2);
        Path file = dir.resolve("optim.safetensors");
        Checkpoint.save(adam, file);
        assertThatThrownBy(() -> Checkpoint.load(new SGD(m.parameters(), 0.1f), file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("optimizer 'Adam'").hasMessageContaining(file.toString());
        Module other = new Sequential(new Linear(3, 8, new Rng(1)), new BatchNorm1d(8), new Tanh(), new Linear(8, 2, new Rng(1)));
        assertThatThrownBy(() -> Checkpoint.load(new Adam(other.parameters(), 0.01f), file))
                .hasMessageContaining("has shape [1, 8], parameter 4 has shape [2, 8]");
        Adam fewer = new Adam(m.parameters().subList(0, 2), 0.01f);
        assertThatThrownBy(() -> Checkpoint.load(fewer, file)).hasMessageContaining("holds 6 parameters, this optimizer 2");
    }
}
