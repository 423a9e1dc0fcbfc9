package dev.jgan.nn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.DType;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.optim.Adam;
import dev.jgan.nn.optim.SGD;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCheckpointTest {
    @TempDir
    Path dir;

    private static final Map<String, String> META = Map.of("seed", "7", "run", "test", "note", "é");

    private static TinyGanRun trained(int steps) {
        TinyGanRun run = new TinyGanRun(6, 3, 7);
        for (int i = 0; i < steps; i++) run.step();
        return run;
    }

    private byte[] saved(TinyGanRun run, String name) throws IOException {
        Path p = dir.resolve(name);
        TrainingCheckpoint.save(p, run.parts(), META);
        return Files.readAllBytes(p);
    }

    @Test
    void loadIntoFreshObjectsGivesBitwiseTheSavedState() throws IOException {
        TinyGanRun run = trained(4);
        run.lossAverage = 0.1 + 0.2;                 // a double that float or a short decimal would not keep
        Path p = dir.resolve("run.safetensors");
        TrainingCheckpoint.save(p, run.parts(), META);

        TinyGanRun fresh = new TinyGanRun(6, 3, 99);   // other seed: every part differs before the load
        assertThat(fresh.g.stateDict().get("0.weight").toArray()).isNotEqualTo(run.g.stateDict().get("0.weight").toArray());
        Map<String, String> meta = TrainingCheckpoint.load(p, fresh.parts());
        assertThat(meta).isEqualTo(META);

        for (String k : run.g.stateDict().keySet())
            assertThat(fresh.g.stateDict().get(k).toArray()).as(k).containsExactly(run.g.stateDict().get(k).toArray());
        for (String k : run.d.stateDict().keySet())
            assertThat(fresh.d.stateDict().get(k).toArray()).as(k).containsExactly(run.d.stateDict().get(k).toArray());
        assertThat(fresh.d.stateDict().keySet()).contains("0.weight_u", "0.weight_v", "2.seed", "2.forwards");
        for (Adam[] pair : new Adam[][] {{run.optG, fresh.optG}, {run.optD, fresh.optD}}) {
            assertThat(pair[1].stateDict().metadata()).isEqualTo(pair[0].stateDict().metadata());
            Map<String, Tensor> a = pair[0].stateDict().tensors(), b = pair[1].stateDict().tensors();
            assertThat(b.keySet()).isEqualTo(a.keySet()).contains("state.0.exp_avg");
            for (String k : a.keySet()) assertThat(b.get(k).toArray()).as(k).containsExactly(a.get(k).toArray());
        }
        assertThat(fresh.optD.groups().get(0).lr()).isEqualTo(4e-3f);
        assertThat(fresh.noise.state()).containsExactly(run.noise.state());
        assertThat(fresh.data.state()).containsExactly(run.data.state());
        assertThat(fresh.step).isEqualTo(4);
        assertThat(fresh.lossAverage).isEqualTo(0.1 + 0.2);
        assertThat(fresh.fixedNoise.toArray()).containsExactly(run.fixedNoise.toArray());
        assertThat(fresh.replay.shape()).containsExactly(TinyGanRun.REPLAY_CAPACITY, 3);
        assertThat(fresh.replay.toArray()).containsExactly(run.replay.toArray());
        assertThat(fresh.phase).isEqualTo("main");

        // The loaded state saves to the very same bytes, and both runs go on identically.
        assertThat(saved(fresh, "again.safetensors")).isEqualTo(Files.readAllBytes(p));
        run.step();
        fresh.step();
        assertThat(saved(fresh, "a.safetensors")).isEqualTo(saved(run, "b.safetensors"));
    }

    @Test
    void fileIsPlainSafetensorsWithPrefixedNamesAndSortedMetadata() throws IOException {
        TinyGanRun run = trained(1);
        Path p = dir.resolve("run.safetensors");
        TrainingCheckpoint.save(p, run.parts(), META);
        SafeTensorsFile f = SafeTensorsReader.read(p);
        assertThat(f.entries()).containsKeys("module.generator.0.weight", "module.discriminator.0.weight_orig", "optimizer.generator.state.0.exp_avg",
                "tensor.fixed_noise", "tensor.replay");
        assertThat(f.entries().get("module.generator.1.num_batches_tracked").dtype()).isEqualTo(FileDType.I64);
        Map<String, String> m = f.metadata();
        assertThat(m).containsEntry("format", "jgan-training-checkpoint").containsEntry("format_version", "1")
                .containsEntry("modules", "generator,discriminator").containsEntry("optimizers", "generator,discriminator")
                .containsEntry("rngs", "noise,data").containsEntry("counters", "step").containsEntry("scalars", "loss_average")
                .containsEntry("tensors", "fixed_noise,replay").containsEntry("strings", "phase").containsEntry("counter.step", "1")
                .containsEntry("optimizer.generator.optimizer", "Adam").containsEntry("optimizer.generator.param.0", "generator:0.weight [6, 8]")
                .containsEntry("optimizer.discriminator.param.1", "discriminator:0.weight_orig [6, 3]").containsEntry("meta.note", "é")
                .containsEntry("rng.noise", join(run.noise.state()));
        assertThat(List.copyOf(m.keySet())).isSorted();
    }

    private static String join(long[] state) {
        StringBuilder sb = new StringBuilder();
        for (long v : state) sb.append(sb.length() == 0 ? "" : ",").append(v);
        return sb.toString();
    }

    @Test
    void scalarsAndCountersRoundTripExactly() throws IOException {
        double[] values = {0.1, -0.0, Double.NaN, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, 1e-300 / 3};
        for (double v : values) {
            double[] box = {v};
            long[] count = {Long.MIN_VALUE};
            Path p = dir.resolve("s.safetensors");
            TrainingCheckpoint.save(p, new TrainingCheckpoint.Parts().scalar("x", () -> box[0], x -> box[0] = x)
                    .counter("c", () -> count[0], c -> count[0] = c), Map.of());
            double[] into = {42};
            long[] intoCount = {0};
            TrainingCheckpoint.load(p, new TrainingCheckpoint.Parts().scalar("x", () -> into[0], x -> into[0] = x)
                    .counter("c", () -> intoCount[0], c -> intoCount[0] = c));
            assertThat(Double.doubleToRawLongBits(into[0])).as("%s", v).isEqualTo(Double.doubleToRawLongBits(v));
            assertThat(intoCount[0]).isEqualTo(Long.MIN_VALUE);
        }
    }

    // ---------------------------------------------------------------- refusals, each leaving the target as it was

    /** A run of another seed, one step in: what the refused loads below must leave exactly as it is. */
    private static TinyGanRun target() {
        TinyGanRun target = new TinyGanRun(6, 3, 99);
        target.step();
        return target;
    }

    /** Expects loading {@code file} into {@code parts} of {@code target} to be refused with {@code messages}, and nothing to change. */
    private void refused(Path file, TinyGanRun target, TrainingCheckpoint.Parts parts, String... messages) throws IOException {
        byte[] before = saved(target, "before.safetensors");
        var thrown = assertThatThrownBy(() -> TrainingCheckpoint.load(file, parts)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString());
        for (String m : messages) thrown.hasMessageContaining(m);
        assertThat(saved(target, "after.safetensors")).isEqualTo(before);
    }

    /** The checkpoint of a 4-step run, rewritten by {@code edit} (tensors, dtypes, metadata). */
    private Path edited(String name, EditFn edit) throws IOException {
        Path p = dir.resolve(name);
        TrainingCheckpoint.save(p, trained(4).parts(), META);
        SafeTensorsFile f = SafeTensorsReader.read(p);
        Map<String, Tensor> tensors = new LinkedHashMap<>(f.tensors());
        Map<String, DType> dtypes = new LinkedHashMap<>();
        f.entries().forEach((k, e) -> dtypes.put(k, e.dtype() == FileDType.I64 ? DType.I64 : DType.F32));
        Map<String, String> meta = new LinkedHashMap<>(f.metadata());
        edit.apply(tensors, dtypes, meta);
        SafeTensorsWriter.write(p, tensors, dtypes, meta);
        return p;
    }

    @FunctionalInterface
    private interface EditFn {
        void apply(Map<String, Tensor> tensors, Map<String, DType> dtypes, Map<String, String> meta);
    }

    @Test
    void everyDisagreementIsListedAndNothingChanges() throws IOException {
        Path p = edited("bad.safetensors", (t, d, m) -> {
            t.put("module.generator.0.weight", Tensor.zeros(6, 9));                // shape
            t.put("junk", Tensor.zeros(1));                                        // stray
            m.put("rngs", "noise,data,extra");                                     // unknown part
            m.put("rng.extra", "1,2,3,4");
            m.put("rng.noise", "2,0,1,1");                                         // even LCG addend: no such state
            m.put("counter.step", "4.5");
            m.remove("strings");                                                   // a registered part is missing
            m.remove("string.phase");
            t.put("tensor.fixed_noise", Tensor.zeros(5, 8));
        });
        TinyGanRun target = target();
        refused(p, target, target.parts(), "nothing was loaded", "module 'generator'", "0.weight: file shape [6, 9] dtype F32, module shape [6, 8] dtype F32",
                "entries of no declared part: tensor 'junk'", "in the file but not registered: rng 'extra'",
                "rng 'noise': Rng: [2, 0, 1, 1] is not a state", "counter 'step': '4.5' is not a long",
                "registered but not in the file: string 'phase'", "tensor 'fixed_noise': file shape [5, 8], registered shape [4, 8]");
    }

    @Test
    void optimizerOverOtherParametersIsRefused() throws IOException {
        Path p = dir.resolve("run.safetensors");
        TrainingCheckpoint.save(p, trained(2).parts(), META);
        TinyGanRun target = target();
        // Generator and discriminator optimizers swapped: each is built over the other network's parameters.
        TrainingCheckpoint.Parts swapped = new TrainingCheckpoint.Parts().module("generator", target.g).module("discriminator", target.d)
                .optimizer("generator", target.optD).optimizer("discriminator", target.optG).rng("noise", target.noise).rng("data", target.data)
                .counter("step", () -> target.step, v -> target.step = v).scalar("loss_average", () -> 0, v -> {})
                .tensor("fixed_noise", target.fixedNoise).tensor("replay", () -> target.replay, t -> target.replay = t)
                .string("phase", () -> target.phase, s -> target.phase = s);
        refused(p, target, swapped, "optimizer 'generator': the file describes 6 parameters, this Adam has 4",
                "optimizer 'discriminator': the file describes 4 parameters, this Adam has 6");
        // Same count, other order.
        Linear a = new Linear(2, 2, new Rng(1)), b = new Linear(2, 2, new Rng(2));
        Adam ab = new Adam(List.of(a.parameter("weight"), a.parameter("bias"), b.parameter("weight"), b.parameter("bias")), 0.1f);
        Adam ba = new Adam(List.of(b.parameter("weight"), b.parameter("bias"), a.parameter("weight"), a.parameter("bias")), 0.1f);
        Path q = dir.resolve("two.safetensors");
        TrainingCheckpoint.save(q, new TrainingCheckpoint.Parts().module("a", a).module("b", b).optimizer("opt", ab), Map.of());
        assertThatThrownBy(() -> TrainingCheckpoint.load(q, new TrainingCheckpoint.Parts().module("a", a).module("b", b).optimizer("opt", ba)))
                .hasMessageContaining("parameter 0 is a:weight [2, 2] in the file, b:weight [2, 2] here");
        // Another kind of optimizer.
        SGD sgd = new SGD(ab.parameters(), 0.1f);
        assertThatThrownBy(() -> TrainingCheckpoint.load(q, new TrainingCheckpoint.Parts().module("a", a).module("b", b).optimizer("opt", sgd)))
                .hasMessageContaining("optimizer 'opt': SGD.loadStateDict: state was written by optimizer 'Adam', expected SGD");
    }

    @Test
    void otherFilesAndVersionsAreRefused() throws IOException {
        Path module = dir.resolve("g.safetensors");
        Checkpoint.save(new Linear(2, 3, new Rng(1)), module);
        assertThatThrownBy(() -> TrainingCheckpoint.load(module, trained(0).parts())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(module.toString()).hasMessageContaining("holds a module's state dict (2 tensors: 'bias', 'weight')")
                .hasMessageContaining("not a training checkpoint");
        Path optimizer = dir.resolve("o.safetensors");
        Checkpoint.save(new Adam(new Linear(2, 3, new Rng(1)).parameters(), 0.1f), optimizer);
        assertThatThrownBy(() -> TrainingCheckpoint.load(optimizer, trained(0).parts())).hasMessageContaining("holds the state of optimizer 'Adam'");
        Path future = edited("v2.safetensors", (t, d, m) -> m.put("format_version", "2"));
        TinyGanRun target = target();
        refused(future, target, target.parts(), "has format version '2'; this jgan reads version 1");
        // And a training checkpoint is not a module's or an optimizer's file.
        Path run = dir.resolve("run.safetensors");
        TrainingCheckpoint.save(run, trained(1).parts(), Map.of());
        assertThatThrownBy(() -> Checkpoint.load(new Linear(2, 3, new Rng(1)), run, false))
                .hasMessageContaining("holds a training checkpoint (written by TrainingCheckpoint.save), not a module's state dict");
        assertThatThrownBy(() -> Checkpoint.load(new Adam(new Linear(2, 3, new Rng(1)).parameters(), 0.1f), run))
                .hasMessageContaining("holds a training checkpoint");
    }

    @Test
    void aDirectoryIsRefusedByItsPath() throws IOException {
        assertThatThrownBy(() -> TrainingCheckpoint.load(dir, trained(0).parts())).isInstanceOf(IOException.class)
                .hasMessage(dir + ": is a directory, not a checkpoint file");
        assertThatThrownBy(() -> TrainingCheckpoint.save(dir, trained(0).parts(), Map.of())).isInstanceOf(IOException.class)
                .hasMessage(dir + ": cannot save a checkpoint here: it is a directory");
    }

    @Test
    void partNamesAreChecked() {
        Linear l = new Linear(2, 2, new Rng(1));
        assertThatThrownBy(() -> new TrainingCheckpoint.Parts().module("g.ema", l)).hasMessageContaining("module name 'g.ema' must be letters");
        assertThatThrownBy(() -> new TrainingCheckpoint.Parts().counter("a,b", () -> 0, v -> {})).hasMessageContaining("counter name 'a,b'");
        assertThatThrownBy(() -> new TrainingCheckpoint.Parts().module("g", l).module("g", l)).hasMessageContaining("module 'g' is registered twice");
        new TrainingCheckpoint.Parts().module("g", l).optimizer("g", new Adam(l.parameters(), 0.1f)); // one name per kind
    }

    @Test
    void groupedPartNamesRoundTrip() throws IOException {
        Linear a = new Linear(2, 2, new Rng(1)), b = new Linear(2, 2, new Rng(2));
        Path p = dir.resolve("grouped.safetensors");
        TrainingCheckpoint.save(p, new TrainingCheckpoint.Parts().module("scheme/generator", a).optimizer("scheme/generator", new Adam(a.parameters(), 0.1f)),
                Map.of());
        assertThat(SafeTensorsReader.read(p).entries()).containsKey("module.scheme/generator.weight");
        TrainingCheckpoint.load(p, new TrainingCheckpoint.Parts().module("scheme/generator", b).optimizer("scheme/generator", new Adam(b.parameters(), 0.1f)));
        assertThat(b.parameter("weight").toArray()).containsExactly(a.parameter("weight").toArray());
    }
}
