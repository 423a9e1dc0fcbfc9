package dev.jgan.nn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Losses;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.SpectralNorm;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.Dropout;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import dev.jgan.nn.optim.Optimizer;
import dev.jgan.nn.optim.ParamGroup;
import dev.jgan.nn.optim.SGD;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run saved part-way and resumed continues bitwise as the uninterrupted run: from a module file and an optimizer
 * file, and from one {@link TrainingCheckpoint} that also carries the data generator and the step.
 */
class ResumeTest {

    /** Every kind of state a resume must carry: parameters, BatchNorm statistics, Dropout's counter, spectral-norm u and v. */
    private static Module net(int outputs) {
        Rng rng = new Rng(3);
        return new Sequential(new Linear(3, 8, rng), new BatchNorm1d(8), new Tanh(), new Dropout(0.25f, rng),
                SpectralNorm.apply(new Linear(8, outputs, rng), rng));
    }

    private static Module net() {
        return net(1);
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

    /** Steps from..to-1 drawing every batch from one generator, which a resume must therefore restore. */
    private static void train(Module m, Optimizer opt, Rng data, int from, int to) {
        for (int t = from; t < to; t++) {
            Tensor x = Tensor.randn(data, 16, 3);
            Tensor y = x.sum(1, true).tanh();
            opt.zeroGrad();
            Losses.mse(m.forward(x), y).backward();
            opt.step();
        }
    }

    /** The run as one training checkpoint: the module, the optimizer, the data generator and the step, in ONE file. */
    private static final class Run {
        final Module net = net();
        final Adam opt;
        final Rng data;
        long step;

        Run(float lr, long dataSeed) {
            opt = new Adam(net.parameters(), lr, 0.5f, 0.999f);
            data = new Rng(dataSeed);
        }

        TrainingCheckpoint.Parts parts() {
            return new TrainingCheckpoint.Parts().module("net", net).optimizer("net", opt).rng("data", data).counter("step", () -> step, v -> step = v);
        }

        void trainTo(int to) {
            train(net, opt, data, (int) step, to);
            step = to;
        }
    }

    @Test
    void trainingCheckpointResumesBitwise(@TempDir Path dir) throws Exception {
        Run straight = new Run(0.01f, 77);
        straight.trainTo(10);

        Run first = new Run(0.01f, 77);
        first.trainTo(4);
        Path file = dir.resolve("run.safetensors");
        TrainingCheckpoint.save(file, first.parts(), Map.of());

        Run resumed = new Run(0.5f, 1);                           // lr, data stream and step all come from the file
        TrainingCheckpoint.load(file, resumed.parts());
        assertThat(resumed.step).isEqualTo(4);
        resumed.trainTo(10);
        List<float[]> a = values(straight.net), b = values(resumed.net);
        for (int i = 0; i < a.size(); i++) assertThat(b.get(i)).containsExactly(a.get(i));

        // Without the generator's state the same resume draws other batches: the rng part is what makes it exact.
        Run noRng = new Run(0.5f, 1);
        TrainingCheckpoint.load(file, noRng.parts());
        noRng.data.restore(new Rng(77).state());
        noRng.trainTo(10);
        assertThat(values(noRng.net).get(0)).isNotEqualTo(a.get(0));
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
        Module other = net(2);
        assertThatThrownBy(() -> Checkpoint.load(new Adam(other.parameters(), 0.01f), file))
                .hasMessageContaining("has shape [1], parameter 4 has shape [2]");
        Adam fewer = new Adam(m.parameters().subList(0, 2), 0.01f);
        assertThatThrownBy(() -> Checkpoint.load(fewer, file)).hasMessageContaining("holds 6 parameters, this optimizer 2");
    }

    /** An Adam state after two steps, as a checkpoint holds it, for the tests that corrupt it. */
    private static Optimizer.StateDict adamState(Module m) {
        Adam adam = new Adam(m.parameters(), 0.01f);
        train(m, adam, 0, 2);
        return adam.stateDict();
    }

    private static Optimizer.StateDict withMeta(Optimizer.StateDict sd, String key, String value) {
        Map<String, String> meta = new LinkedHashMap<>(sd.metadata());
        meta.put(key, value);
        return new Optimizer.StateDict(sd.tensors(), meta);
    }

    @Test
    void badLearningRateLeavesTheOptimizerUnchanged() {
        Module m = net();
        Optimizer.StateDict good = adamState(m);
        for (String lr : List.of("0.01f", "0x1p-7", "-0.01", "NaN", "Infinity", "1e39", "", " 0.01")) {
            Adam target = new Adam(m.parameters(), 0.5f);
            assertThatThrownBy(() -> target.loadStateDict(withMeta(good, "param_groups.0.lr", lr)))
                    .as(lr).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a finite learning rate");
            assertThat(target.groups().get(0).lr()).isEqualTo(0.5f);
            assertThat(target.state(0).step()).isZero();
            assertThat(target.state(0).names()).isEmpty();
        }
        Adam target = new Adam(m.parameters(), 0.5f);
        target.loadStateDict(withMeta(good, "param_groups.0.lr", "1.0E-4"));   // Float.toString's own form loads
        assertThat(target.groups().get(0).lr()).isEqualTo(1e-4f);
        assertThat(target.state(0).step()).isEqualTo(2);
    }

    @Test
    void missingMomentIsRefused() {
        Module m = net();
        Optimizer.StateDict good = adamState(m);
        Map<String, Tensor> tensors = new LinkedHashMap<>(good.tensors());
        assertThat(tensors.remove("state.3.exp_avg_sq")).isNotNull();
        Adam target = new Adam(m.parameters(), 0.5f);
        assertThatThrownBy(() -> target.loadStateDict(new Optimizer.StateDict(tensors, good.metadata())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter 3 took 2 steps but its state lacks [exp_avg_sq]");
        assertThat(target.state(3).step()).isZero();
        // amsgrad needs its running maximum too
        Adam ams = new Adam(List.of(new ParamGroup(m.parameters(), 0.01f)), 0.9f, 0.999f, 1e-8f, 0f, true);
        assertThatThrownBy(() -> ams.loadStateDict(good)).hasMessageContaining("lacks [max_exp_avg_sq]");
    }

    @Test
    void unknownStateNameIsRefused() {
        Module m = net();
        Optimizer.StateDict good = adamState(m);
        Map<String, Tensor> tensors = new LinkedHashMap<>(good.tensors());
        tensors.put("state.0.momentum_buffer", good.tensors().get("state.0.exp_avg"));
        Adam target = new Adam(m.parameters(), 0.5f);
        assertThatThrownBy(() -> target.loadStateDict(new Optimizer.StateDict(tensors, good.metadata())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unexpected entry 'state.0.momentum_buffer'");
        assertThat(target.state(0).names()).isEmpty();
        // plain SGD keeps no tensors at all
        SGD sgd = new SGD(m.parameters(), 0.1f);
        Optimizer.StateDict sgdState = new Optimizer.StateDict(good.tensors(), withMeta(good, "optimizer", "SGD").metadata());
        assertThatThrownBy(() -> sgd.loadStateDict(sgdState)).hasMessageContaining("unexpected entry 'state.0.exp_avg' (per-parameter state is []");
    }
}
