package dev.jgan.nn;

import dev.jgan.autodiff.Losses;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.autodiff.kernels.KernelProvider;
import dev.jgan.nn.io.Checkpoint;
import dev.jgan.nn.io.SafeTensorsReader;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.Flatten;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Sigmoid;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

/**
 * A seeded training run of a small network with tanh and sigmoid (a conv layer, then an MLP), trained with Adam on
 * BCE, that prints the SHA-256 of its parameters' bytes: {@code CrossJvmDeterminismTest} runs it in fresh JVMs on
 * different JIT tiers and kernel paths, straight through and as two halves with a checkpoint between.
 * Usage: {@code DeterministicRun straight STEPS} | {@code first STEPS DIR} (the first STEPS/2 steps, then save) |
 * {@code second STEPS DIR} (load, then the remaining steps); with the system property {@code warm=N}, N steps of a
 * throwaway copy of the network train first (its own data), so that C2 has compiled the kernels before the measured
 * run begins: without it a short run stays interpreted and in C1, where the old vector exp and tanh agreed with
 * themselves.
 */
public final class DeterministicRun {
    private DeterministicRun() {}

    static Module net() {
        Rng init = new Rng(5);
        return new Sequential(new Conv2d(1, 4, 3, 1, 1, init), new Tanh(), new Flatten(1),
                new Linear(4 * 6 * 6, 32, init), new Sigmoid(), new Linear(32, 16, init), new Tanh(), new Linear(16, 1, init));
    }

    static void train(Module m, Adam opt, Rng data, int steps) {
        for (int t = 0; t < steps; t++) {
            Tensor x = Tensor.randn(data, 32, 1, 6, 6);
            Tensor target = x.mean(new int[] {1, 2, 3}, false).gt(0f).reshape(32, 1);
            opt.zeroGrad();
            Losses.binaryCrossEntropyWithLogits(m.forward(x), target).backward();
            opt.step();
        }
    }

    static String digest(Module m) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            sha.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            float[] v = e.getValue().toArray();
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : v) b.putFloat(f);
            sha.update(b.array());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(args[1]);
        int warm = Integer.getInteger("warm", 0);
        if (warm > 0) {
            Module throwaway = net();
            train(throwaway, new Adam(throwaway.parameters(), 0.01f, 0.5f, 0.999f), new Rng(999), warm);
        }
        Module m = net();
        Adam opt = new Adam(m.parameters(), 0.01f, 0.5f, 0.999f);
        Rng data = new Rng(77);
        switch (args[0]) {
            case "straight" -> train(m, opt, data, steps);
            case "first" -> {
                train(m, opt, data, steps / 2);
                Path dir = Path.of(args[2]);
                long[] s = data.state();
                Checkpoint.save(m, dir.resolve("model.safetensors"), Map.of("data_rng", s[0] + "," + s[1] + "," + s[2] + "," + s[3]));
                Checkpoint.save(opt, dir.resolve("optimizer.safetensors"));
            }
            case "second" -> {
                Path dir = Path.of(args[2]);
                Checkpoint.load(m, dir.resolve("model.safetensors"), true);
                Checkpoint.load(opt, dir.resolve("optimizer.safetensors"));
                String[] s = SafeTensorsReader.read(dir.resolve("model.safetensors")).metadata().get("data_rng").split(",");
                data.restore(new long[] {Long.parseLong(s[0]), Long.parseLong(s[1]), Long.parseLong(s[2]), Long.parseLong(s[3])});
                train(m, opt, data, steps - steps / 2);
            }
            default -> throw new IllegalArgumentException("mode must be straight, first or second, got " + args[0]);
        }
        System.out.println("KERNELS " + KernelProvider.get().name());
        System.out.println("DIGEST " + digest(m));
    }
}
