package dev.jgan.benchmarks;

import dev.jgan.autodiff.kernels.KernelProvider;
import dev.jgan.autodiff.kernels.KernelThreads;
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
 * Whole training iterations through the whole stack (nn modules, autodiff graph, kernels, optimizers): the
 * {@code dcgan}, {@code wgangp} and {@code gauss} sections of {@code ../shared/reference/torch_reference.py}, written
 * in {@link ReferenceWorkloads} the way the script writes them. {@code benchmarks/scripts/iterations.sh} runs them
 * beside the script and prints the ratios.
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

    ReferenceWorkloads.Dcgan dcgan;
    ReferenceWorkloads.WganGp wganGp;
    ReferenceWorkloads.Gaussians gaussians;

    @Setup
    public void setUp() {
        System.setProperty("jgan.threads", Integer.toString(threads));
        if (KernelProvider.isVectorized() && KernelThreads.get().threads() != threads)
            throw new IllegalStateException("the kernel pool has " + KernelThreads.get().threads() + " threads, not " + threads
                    + ": it was created before this setup ran (run each thread count in its own fork)");
        dcgan = new ReferenceWorkloads.Dcgan();
        wganGp = new ReferenceWorkloads.WganGp();
        gaussians = new ReferenceWorkloads.Gaussians();
    }

    /** DCGAN, batch 64, 28x28: a D step on real and (detached) fake, then a G step on the same fake batch. */
    @Benchmark
    public float dcganIteration() {
        return ReferenceWorkloads.checkFinite("dcgan", dcgan.iteration());
    }

    /** WGAN-GP: a critic step with the gradient penalty by double backprop, then a G step. */
    @Benchmark
    public float wganGpIteration() {
        return ReferenceWorkloads.checkFinite("wgangp", wganGp.iteration());
    }

    /** 8 Gaussians, batch 512: one D step (G under no-grad), one G step. */
    @Benchmark
    public float gaussIteration() {
        return ReferenceWorkloads.checkFinite("gauss", gaussians.standard());
    }

    /** 8 Gaussians, Unrolled k = 5, second order through five functional SGD updates of D. */
    @Benchmark
    public float unrolledSgdIteration() {
        return ReferenceWorkloads.checkFinite("unrolled sgd", gaussians.unrolledSecondOrder(false));
    }

    /** 8 Gaussians, Unrolled k = 5, second order through five functional Adam updates of D. */
    @Benchmark
    public float unrolledAdamIteration() {
        return ReferenceWorkloads.checkFinite("unrolled adam", gaussians.unrolledSecondOrder(true));
    }

    /** 8 Gaussians, Unrolled k = 5, first order: snapshot, five D steps, a G step, restore. */
    @Benchmark
    public float firstOrderIteration() {
        return ReferenceWorkloads.checkFinite("first order", gaussians.unrolledFirstOrder());
    }
}
