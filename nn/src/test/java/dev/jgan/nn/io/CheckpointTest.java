package dev.jgan.nn.io;

import static dev.jgan.nn.io.SafeTensorsTest.file;
import static dev.jgan.nn.io.SafeTensorsTest.floats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.LoadResult;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.SpectralNorm;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.BatchNorm2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import dev.jgan.nn.optim.Optimizer;
import dev.jgan.nn.optim.SGD;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    /** A small DCGAN generator as in PyTorch's DCGAN example (nn.Sequential of ConvTranspose2d, BatchNorm2d, ReLU, Tanh). */
    static Sequential generator(Rng rng) {
        return new Sequential(new ConvTranspose2d(4, 8, 4, 1, 0, 0, 1, false, rng), new BatchNorm2d(8), new ReLU(),
                new ConvTranspose2d(8, 3, 4, 2, 1, 0, 1, false, rng), new Tanh());
    }

    private static void assertSameState(Module a, Module b) {
        Map<String, Tensor> sa = a.stateDict(), sb = b.stateDict();
        assertThat(sb.keySet()).containsExactlyElementsOf(sa.keySet());
        for (String k : sa.keySet()) assertThat(sb.get(k).toArray()).as(k).containsExactly(sa.get(k).toArray());
    }

    @Test
    void generatorRoundTripsWithPyTorchNames() throws IOException {
        Sequential g = generator(new Rng(1));
        g.forward(Tensor.randn(new Rng(2), 2, 4, 1, 1)); // move the running statistics
        Path p = dir.resolve("g.safetensors");
        Checkpoint.save(g, p, Map.of("step", "10"));
        SafeTensorsFile f = SafeTensorsReader.read(p);
        assertThat(f.metadata()).containsEntry("format", "pt").containsEntry("step", "10");
        assertThat(f.entries().keySet()).containsExactly("1.num_batches_tracked", "0.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.weight", "3.weight");
        assertThat(f.entries().get("0.weight").shape()).containsExactly(4, 8, 4, 4);
        assertThat(f.entries().get("1.num_batches_tracked").dtype()).isEqualTo(FileDType.I64);
        assertThat(f.entries().get("1.num_batches_tracked").tensor().item()).isEqualTo(1f);

        Sequential h = generator(new Rng(3));
        assertThat(Checkpoint.load(h, p, true).isClean()).isTrue();
        assertSameState(g, h);
        g.eval();
        h.eval();
        Tensor z = Tensor.randn(new Rng(4), 1, 4, 1, 1);
        assertThat(h.forward(z).toArray()).containsExactly(g.forward(z).toArray());
    }

    @Test
    void spectralNormStateIsSaved() throws IOException {
        Linear l = SpectralNorm.apply(new Linear(3, 2, new Rng(5)), new Rng(6));
        l.forward(Tensor.ones(1, 3));
        Path p = dir.resolve("sn.safetensors");
        Checkpoint.save(l, p);
        Linear m = SpectralNorm.apply(new Linear(3, 2, new Rng(7)), new Rng(8));
        Checkpoint.load(m, p, true);
        assertSameState(l, m);
    }

    /** A BatchNorm1d(2) file laid out byte by byte as PyTorch's safetensors writes one (I64 first, then names in order). */
    @Test
    void handMadePyTorchBatchNormFileLoads() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                + "\"running_mean\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]},"
                + "\"running_var\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]},"
                + "\"weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[32,40]}}";
        header += " ".repeat((8 - header.length() % 8) % 8);
        ByteBuffer data = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN).putLong(17);
        data.put(floats(0.5f, -0.5f, 1, 2, 3, 4, 1.5f, 2.5f));
        Path p = dir.resolve("bn.safetensors");
        Files.write(p, file(header, data.array()));
        BatchNorm1d bn = new BatchNorm1d(2);
        Checkpoint.load(bn, p, true);
        assertThat(bn.buffer("num_batches_tracked").item()).isEqualTo(17f);
        assertThat(bn.parameter("bias").toArray()).containsExactly(0.5f, -0.5f);
        assertThat(bn.buffer("running_mean").toArray()).containsExactly(1f, 2f);
        assertThat(bn.buffer("running_var").toArray()).containsExactly(3f, 4f);
        assertThat(bn.parameter("weight").toArray()).containsExactly(1.5f, 2.5f);
        // And jgan writes exactly those bytes back.
        Path q = dir.resolve("bn2.safetensors");
        Checkpoint.save(bn, q);
        assertThat(Files.readAllBytes(q)).isEqualTo(Files.readAllBytes(p));
    }

    @Test
    void mismatchesAreListedAndNothingIsLoaded() throws IOException {
        Path p = dir.resolve("lin.safetensors");
        Checkpoint.save(new Sequential(new Linear(2, 3, new Rng(9)), new BatchNorm1d(3)), p);
        Sequential other = new Sequential(new Linear(3, 3, new Rng(10)), new BatchNorm1d(3), new Linear(3, 1, new Rng(11)));
        float[] before = other.get(0).parameter("bias").toArray();
        assertThatThrownBy(() -> Checkpoint.load(other, p, true))
                .hasMessageContaining("0.weight: file shape [3, 2] dtype F32, module shape [3, 3] dtype F32")
                .hasMessageContaining("missing from the file: [2.weight, 2.bias]");
        assertThat(other.get(0).parameter("bias").toArray()).containsExactly(before);

        Sequential fewer = new Sequential(new Linear(2, 3, new Rng(12)));
        assertThatThrownBy(() -> Checkpoint.load(fewer, p, true)).hasMessageContaining("not in the module: [1.num_batches_tracked, 1.bias");
        LoadResult loose = Checkpoint.load(fewer, p, false);
        assertThat(loose.unexpectedKeys()).hasSize(5);

        // num_batches_tracked stored as F32 is a dtype mismatch.
        String header = "{\"num_batches_tracked\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}";
        Path q = dir.resolve("dtype.safetensors");
        Files.write(q, file(header, floats(1)));
        assertThatThrownBy(() -> Checkpoint.load(new BatchNorm1d(1), q, false))
                .hasMessageContaining("num_batches_tracked: file shape [] dtype F32, module shape [] dtype I64");
    }

    @Test
    void sameStateGivesTheSameBytesWhateverTheMetadataOrder() throws IOException {
        Sequential g = generator(new Rng(16));
        Map<String, String> forward = new LinkedHashMap<>(), backward = new LinkedHashMap<>();
        for (String k : List.of("alpha", "beta", "gamma", "step")) forward.put(k, k + "!");
        for (String k : List.of("step", "gamma", "beta", "alpha")) backward.put(k, k + "!");
        Path a = dir.resolve("a.safetensors"), b = dir.resolve("b.safetensors");
        Checkpoint.save(g, a, forward);
        Checkpoint.save(g, b, backward);
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
        String header = new String(Files.readAllBytes(a), 8, 120, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"alpha\":\"alpha!\",\"beta\":\"beta!\",\"format\":\"pt\",\"gamma\":\"gamma!\",\"step\":\"step!\"},");
    }

    /** The pid of a process that has ended. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void aSaveRemovesTheStaleTemporaryFilesOfItsTargetOnly() throws Exception {
        Path target = dir.resolve("ckpt.safetensors");
        long dead = deadPid(), alive = ProcessHandle.current().parent().orElseThrow().pid(), self = ProcessHandle.current().pid();
        List<String> stale = List.of("." + "ckpt.safetensors." + dead + "-0.tmp",         // a killed save's
                ".ckpt.safetensors." + self + "-999999.tmp");                               // this process's, not being written
        List<String> kept = List.of(".ckpt.safetensors." + alive + "-3.tmp",               // a save in progress in another process
                ".other.safetensors." + dead + "-0.tmp", ".ckpt.safetensors.tmp", ".ckpt.safetensors." + dead + ".tmp",
                ".ckpt.safetensors." + dead + "-0.tmp.keep", "ckpt.safetensors." + dead + "-0.tmp", "ckpt.safetensors.bak");
        for (String f : stale) Files.write(dir.resolve(f), new byte[10]);
        for (String f : kept) Files.write(dir.resolve(f), new byte[10]);

        Path[] seen = new Path[1];
        Sequential g = generator(new Rng(17));
        SafeTensorsWriter.write(target, g.stateDict(), g.stateDictDTypes(), Map.of(), tmp -> {
            seen[0] = tmp;
            return FileChannel.open(tmp, StandardOpenOption.WRITE);
        });
        assertThat(seen[0].getFileName().toString()).matches("\\.ckpt\\.safetensors\\." + self + "-[0-9]+\\.tmp")
                .matches(TemporaryFiles.pattern(target).pattern());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrderElementsOf(
                    Stream.concat(Stream.of("ckpt.safetensors"), kept.stream()).toList());
        }
        Checkpoint.load(generator(new Rng(18)), target, true);
    }

    @Test
    void savingOverADirectoryNamesThePath() throws IOException {
        Path target = Files.createDirectory(dir.resolve("ckpt.safetensors"));
        assertThatThrownBy(() -> Checkpoint.save(generator(new Rng(19)), target)).isInstanceOf(IOException.class)
                .hasMessage(target + ": cannot save a checkpoint here: it is a directory");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("ckpt.safetensors");
        }
    }

    @Test
    void savingIntoAMissingDirectoryNamesThePath() {
        Path target = dir.resolve("missing").resolve("ckpt.safetensors");
        assertThatThrownBy(() -> Checkpoint.save(generator(new Rng(20)), target)).isInstanceOf(NoSuchFileException.class)
                .hasMessage(target + ": cannot save a checkpoint here: the directory " + dir.resolve("missing").toAbsolutePath() + " does not exist");
    }

    @Test
    void loadingADirectoryNamesThePath() {
        assertThatThrownBy(() -> Checkpoint.load(generator(new Rng(21)), dir, true)).isInstanceOf(IOException.class)
                .hasMessage(dir + ": is a directory, not a checkpoint file");
        assertThatThrownBy(() -> Checkpoint.load(new Adam(generator(new Rng(21)).parameters(), 0.1f), dir)).isInstanceOf(IOException.class)
                .hasMessage(dir + ": is a directory, not a checkpoint file");
    }

    @Test
    void loadingAModuleFileAsAnOptimizerSaysWhatEachIs() throws IOException {
        Sequential g = generator(new Rng(22));
        Path module = dir.resolve("g.safetensors");
        Checkpoint.save(g, module);
        assertThatThrownBy(() -> Checkpoint.load(new Adam(g.parameters(), 0.1f), module)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("optimizer checkpoint " + module + " holds a module's state dict (7 tensors: '1.num_batches_tracked', '0.weight',"
                        + " '1.bias', ...), not an optimizer's state (written by Checkpoint.save(Optimizer, Path)); expected the state of Adam"
                        + " over 4 parameters");
        // The optimizer's own check says the same when handed a dict without its kind.
        assertThatThrownBy(() -> new Adam(g.parameters(), 0.1f).loadStateDict(new Optimizer.StateDict(Map.of(), Map.of("params", "4"))))
                .hasMessageContaining("the state names no optimizer (its metadata has no 'optimizer' entry");
    }

    @Test
    void loadingAnOptimizerFileAsAModuleSaysWhatEachIs() throws IOException {
        Sequential g = generator(new Rng(23));
        Path optimizer = dir.resolve("opt.safetensors");
        Checkpoint.save(new SGD(g.parameters(), 0.1f), optimizer);
        assertThatThrownBy(() -> Checkpoint.load(g, optimizer, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checkpoint " + optimizer + " holds the state of optimizer 'SGD', not a module's state dict (written by"
                        + " Checkpoint.save(Module, Path)); expected the state of Sequential");
    }

    /** A BatchNorm1d(2) file as PyTorch writes one after {@code .half()}-style conversions: F16, BF16, F64 entries, I64 count. */
    @Test
    void halfBfloatAndDoubleEntriesLoadCastToFloat() throws IOException {
        String header = "{\"num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"running_mean\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[8,24]},"
                + "\"running_var\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]},"
                + "\"weight\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[32,36]},"
                + "\"bias\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[36,40]}}";
        ByteBuffer data = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN).putLong(5).putDouble(0.1).putDouble(-1e-50)
                .putFloat(2f).putFloat(3f)
                .putShort((short) 0x3E00).putShort((short) 0xC000)   // F16 1.5, -2
                .putShort((short) 0x3F00).putShort((short) 0x4040);  // BF16 0.5, 3
        Path p = dir.resolve("bn.safetensors");
        Files.write(p, file(header, data.array()));
        BatchNorm1d bn = new BatchNorm1d(2);
        assertThat(Checkpoint.load(bn, p, true).isClean()).isTrue();
        assertThat(bn.parameter("weight").toArray()).containsExactly(1.5f, -2f);
        assertThat(bn.parameter("bias").toArray()).containsExactly(0.5f, 3f);
        assertThat(bn.buffer("running_mean").toArray()).containsExactly(0.1f, -0f); // rounded to nearest; -1e-50 underflows to -0
        assertThat(bn.buffer("num_batches_tracked").item()).isEqualTo(5f);

        // Integer types stay refused for float entries, and an int64 buffer takes only int64.
        String ints = "{\"weight\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"num_batches_tracked\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[8,16]}}";
        Path q = dir.resolve("ints.safetensors");
        Files.write(q, file(ints, new byte[16]));
        assertThatThrownBy(() -> Checkpoint.load(new BatchNorm1d(2), q, false)).hasMessageContaining(q.toString())
                .hasMessageContaining("weight: file shape [2] dtype I32, module shape [2] dtype F32")
                .hasMessageContaining("num_batches_tracked: file shape [] dtype F64, module shape [] dtype I64");
    }

    /** Sequential(spectral_norm(Linear(3, 2))) saved by PyTorch with torch.nn.utils.parametrizations.spectral_norm. */
    private Path parametrizedFile(String name, String extra, byte[] extraData) throws IOException {
        String header = "{\"0.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"0.parametrizations.weight.original\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[8,32]},"
                + "\"0.parametrizations.weight.0._u\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[32,40]},"
                + "\"0.parametrizations.weight.0._v\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[40,52]}" + extra + "}";
        ByteBuffer data = ByteBuffer.allocate(52 + extraData.length).order(ByteOrder.LITTLE_ENDIAN)
                .put(floats(0.5f, -0.5f, 3, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0)).put(extraData);
        Path p = dir.resolve(name);
        Files.write(p, file(header, data.array()));
        return p;
    }

    @Test
    void pyTorchParametrizationNamesOfSpectralNormLoad() throws IOException {
        Path p = parametrizedFile("param.safetensors", "", new byte[0]);
        Sequential net = new Sequential(SpectralNorm.apply(new Linear(3, 2, new Rng(24)), new Rng(25)));
        assertThat(SpectralNorm.parametrizationKeys(net)).containsExactly(Map.entry("0.parametrizations.weight.original", "0.weight_orig"),
                Map.entry("0.parametrizations.weight.0._u", "0.weight_u"), Map.entry("0.parametrizations.weight.0._v", "0.weight_v"));
        assertThat(Checkpoint.load(net, p, true).isClean()).isTrue();
        Module layer = net.get(0);
        assertThat(layer.parameter("weight_orig").toArray()).containsExactly(3, 0, 0, 0, 1, 0);
        assertThat(layer.buffer("weight_u").toArray()).containsExactly(1, 0);
        assertThat(layer.buffer("weight_v").toArray()).containsExactly(1, 0, 0);
        // sigma = u^T W v = 3: in eval mode the output is (W / 3) x + b, as PyTorch's.
        net.eval();
        assertThat(net.forward(Tensor.ones(1, 3)).toArray()).containsExactly(1.5f, 1f / 3f - 0.5f);

        // The same tensors under both names is an error, not a silent choice.
        Path both = parametrizedFile("both.safetensors", ",\"0.weight_u\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[52,60]}", floats(0, 1));
        assertThatThrownBy(() -> Checkpoint.load(net, both, false)).hasMessageContaining(both.toString())
                .hasMessageContaining("'0.weight_u' and '0.parametrizations.weight.0._u' are the same spectral-norm tensor");
        // A mismatch is reported under jgan's names with the file's names beside them.
        Sequential wider = new Sequential(SpectralNorm.apply(new Linear(4, 2, new Rng(24)), new Rng(25)));
        assertThatThrownBy(() -> Checkpoint.load(wider, p, true)).hasMessageContaining("0.weight_orig: file shape [2, 3] dtype F32, module shape [2, 4]")
                .hasMessageContaining("read under jgan's names: {0.weight_orig=0.parametrizations.weight.original");
    }

    /** A channel that fails after {@code limit} bytes, as a full disk or a killed process would leave a write. */
    private static final class FailingChannel implements WritableByteChannel {
        private final FileChannel inner;
        private long left;

        FailingChannel(Path p, long limit) throws IOException {
            inner = FileChannel.open(p, StandardOpenOption.WRITE);
            left = limit;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (left <= 0) throw new IOException("simulated failure part-way through the write");
            int n = (int) Math.min(left, src.remaining());
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + n);
            int written = inner.write(part);
            src.position(src.position() + written);
            left -= written;
            return written;
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    @Test
    void interruptedWriteLeavesThePreviousCheckpointLoadable() throws IOException {
        Sequential g = generator(new Rng(13));
        Path p = dir.resolve("ckpt.safetensors");
        Checkpoint.save(g, p);
        byte[] good = Files.readAllBytes(p);

        Sequential changed = generator(new Rng(14));
        // The same tensors and metadata give a file of the same size, so every limit below cuts the write short.
        for (long limit : new long[] {0, 5, 100, good.length - 1}) {
            assertThatThrownBy(() -> SafeTensorsWriter.write(p, changed.stateDict(), changed.stateDictDTypes(), Map.of("format", "pt"),
                    tmp -> new FailingChannel(tmp, limit))).hasMessageContaining("simulated failure");
            assertThat(Files.readAllBytes(p)).isEqualTo(good);
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString())).containsExactly("ckpt.safetensors"); // temporary file removed
            }
        }
        Sequential h = generator(new Rng(15));
        Checkpoint.load(h, p, true);
        assertSameState(g, h);
    }
}
