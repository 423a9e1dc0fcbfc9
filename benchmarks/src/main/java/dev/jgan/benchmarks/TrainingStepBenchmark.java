package dev.jgan.benchmarks;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Losses;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.autodiff.kernels.KernelProvider;
import dev.jgan.autodiff.kernels.KernelThreads;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.BatchNorm2d;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import dev.jgan.nn.layers.Flatten;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Reshape;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * End-to-end training steps through the whole stack (nn modules, autodiff graph, kernels, Adam), the same
 * networks, batch sizes and optimizer settings as the {@code dcgan} and {@code gauss} sections of
 * {@code ../shared/reference/torch_reference.py}:
 *
 * <ul>
 *   <li>{@link #dcganIteration}: batch 64, 28x28. G = Linear(100, 128*7*7) -> reshape -> BN2d -> ReLU ->
 *       ConvT(128, 64, 4, 2, 1) -> BN2d -> ReLU -> ConvT(64, 1, 4, 2, 1) -> Tanh; D = Conv(1, 64, 4, 2, 1)
 *       -> LeakyReLU(0.2) -> Conv(64, 128, 4, 2, 1) -> BN2d -> LeakyReLU(0.2) -> Flatten -> Linear(6272, 1);
 *       Adam(2e-4, 0.5, 0.999) for both. One iteration: a D step on the fixed "real" batch (uniform(-1, 1))
 *       and on a fake batch from G (detached), then a G step that reuses the same fake batch.</li>
 *   <li>{@link #gaussIteration}: 8 Gaussians, standard iteration. Batch 512, noise 256, hidden 128;
 *       G = MLP 256-128-128-2 with ReLU, D = MLP 2-128-1 with ReLU; Adam(1e-4, 0.5, 0.999). One D step
 *       (G's output under no-grad, a fresh real batch) and one G step (fresh noise).</li>
 * </ul>
 *
 * <p>The layers run on the library's global kernels ({@link KernelProvider#get()}, on the pool
 * {@link KernelThreads#get()}), so the thread count cannot be chosen per object as in the kernel
 * benchmarks: {@link #setUp} sets {@code jgan.threads} before anything touches the kernels (each JMH fork
 * runs one parameter combination in a fresh JVM) and fails if the pool did not take that size (e.g. with
 * {@code -f 0}). The scalar kernels are single-threaded: run the scalar fork with {@code -p threads=1}.
 * Each call checks that its losses are finite.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public abstract class TrainingStepBenchmark {
    @Param({"1", "2"})
    public int threads;

    // DCGAN
    static final int DC_B = 64, DC_Z = 100;
    Rng dcRng;
    Module dcG, dcD;
    Adam dcOptG, dcOptD;
    Tensor dcReal, dcOnes, dcZeros;

    // 8 Gaussians
    static final int GS_B = 512, GS_Z = 256, GS_H = 128;
    Rng gsRng;
    Module gsG, gsD;
    Adam gsOptG, gsOptD;
    Tensor gsOnes, gsZeros;
    float[] centers;

    @Setup
    public void setUp() {
        System.setProperty("jgan.threads", Integer.toString(threads));
        if (KernelProvider.isVectorized() && KernelThreads.get().threads() != threads)
            throw new IllegalStateException("the kernel pool has " + KernelThreads.get().threads() + " threads, not " + threads
                    + ": it was created before this setup ran (run each thread count in its own fork)");

        Rng init = new Rng(0);
        dcG = new Sequential(
                new Linear(DC_Z, 128 * 7 * 7, init), new Reshape(128, 7, 7),
                new BatchNorm2d(128), new ReLU(),
                new ConvTranspose2d(128, 64, 4, 2, 1, init), new BatchNorm2d(64), new ReLU(),
                new ConvTranspose2d(64, 1, 4, 2, 1, init), new Tanh());
        dcD = new Sequential(
                new Conv2d(1, 64, 4, 2, 1, init), new LeakyReLU(0.2f),
                new Conv2d(64, 128, 4, 2, 1, init), new BatchNorm2d(128), new LeakyReLU(0.2f),
                new Flatten(), new Linear(128 * 7 * 7, 1, init));
        dcOptG = new Adam(dcG.parameters(), 2e-4f, 0.5f, 0.999f);
        dcOptD = new Adam(dcD.parameters(), 2e-4f, 0.5f, 0.999f);
        dcReal = Tensor.uniform(init, -1f, 1f, DC_B, 1, 28, 28);   // synthetic stand-in for MNIST, as in the reference
        dcOnes = Tensor.ones(DC_B, 1);
        dcZeros = Tensor.zeros(DC_B, 1);
        dcRng = new Rng(1);

        gsG = new Sequential(
                new Linear(GS_Z, GS_H, init), new ReLU(),
                new Linear(GS_H, GS_H, init), new ReLU(),
                new Linear(GS_H, 2, init));
        gsD = new Sequential(new Linear(2, GS_H, init), new ReLU(), new Linear(GS_H, 1, init));
        gsOptG = new Adam(gsG.parameters(), 1e-4f, 0.5f, 0.999f);
        gsOptD = new Adam(gsD.parameters(), 1e-4f, 0.5f, 0.999f);
        gsOnes = Tensor.ones(GS_B, 1);
        gsZeros = Tensor.zeros(GS_B, 1);
        centers = new float[16];
        for (int i = 0; i < 8; i++) {
            centers[2 * i] = (float) (2 * Math.cos(2 * Math.PI * i / 8));
            centers[2 * i + 1] = (float) (2 * Math.sin(2 * Math.PI * i / 8));
        }
        gsRng = new Rng(2);
    }

    /** One DCGAN iteration: D step on real and (detached) fake, then G step on the same fake batch. */
    @Benchmark
    public float dcganIteration() {
        Tensor fake = dcG.forward(Tensor.randn(dcRng, DC_B, DC_Z));
        dcOptD.zeroGrad();
        Tensor lossD = Losses.binaryCrossEntropyWithLogits(dcD.forward(dcReal), dcOnes)
                .add(Losses.binaryCrossEntropyWithLogits(dcD.forward(fake.detach()), dcZeros));
        lossD.backward();
        dcOptD.step();

        dcOptG.zeroGrad();
        Tensor lossG = Losses.binaryCrossEntropyWithLogits(dcD.forward(fake), dcOnes);
        lossG.backward();
        dcOptG.step();
        return checkFinite("dcgan", lossD.item(), lossG.item());
    }

    /** One standard 8-Gaussians iteration: one D step (G under no-grad), one G step. */
    @Benchmark
    public float gaussIteration() {
        gsOptD.zeroGrad();
        Tensor fake;
        try (GradMode.Scope s = GradMode.noGrad()) {
            fake = gsG.forward(Tensor.randn(gsRng, GS_B, GS_Z));
        }
        Tensor lossD = Losses.binaryCrossEntropyWithLogits(gsD.forward(sampleReal()), gsOnes)
                .add(Losses.binaryCrossEntropyWithLogits(gsD.forward(fake), gsZeros));
        lossD.backward();
        gsOptD.step();

        gsOptG.zeroGrad();
        Tensor lossG = Losses.binaryCrossEntropyWithLogits(gsD.forward(gsG.forward(Tensor.randn(gsRng, GS_B, GS_Z))), gsOnes);
        lossG.backward();
        gsOptG.step();
        return checkFinite("gauss", lossD.item(), lossG.item());
    }

    /** A batch from the ring of 8 Gaussians (radius 2, std 0.02), as the reference's {@code sample_real}. */
    private Tensor sampleReal() {
        float[] x = new float[GS_B * 2];
        for (int i = 0; i < GS_B; i++) {
            int c = gsRng.nextInt(8);
            x[2 * i] = centers[2 * c] + 0.02f * gsRng.nextGaussian();
            x[2 * i + 1] = centers[2 * c + 1] + 0.02f * gsRng.nextGaussian();
        }
        return Tensor.of(x, GS_B, 2);
    }

    /** Fails the benchmark when a loss is NaN or infinite (or negative: BCE is >= 0). */
    private static float checkFinite(String what, float lossD, float lossG) {
        if (!(lossD >= 0f && lossD < Float.POSITIVE_INFINITY && lossG >= 0f && lossG < Float.POSITIVE_INFINITY))
            throw new AssertionError(what + ": losses D " + lossD + ", G " + lossG + " are not finite and >= 0");
        return lossD + lossG;
    }
}
