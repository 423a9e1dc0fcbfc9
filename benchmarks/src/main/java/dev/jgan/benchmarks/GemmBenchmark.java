package dev.jgan.benchmarks;

import dev.jgan.autodiff.kernels.Kernels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * SGEMM C = A B (row-major, beta 0) through {@link Kernels#gemm}, on the shapes of {@link GemmOperands}.
 * GFLOP/s = 2 M N K / time. {@link GemmVector} and {@link GemmScalar} differ only in the module flag.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public abstract class GemmBenchmark extends GemmOperands {
    Kernels kernels;

    @Override
    void prepare() {
        kernels = Bench.kernels(threads);
    }

    @Benchmark
    public float gemm() {
        kernels.gemm(false, false, m, n, k, a, 0, k, b, 0, n, 0f, c, 0, n);
        probe.check("gemm " + shape, c);
        return c[probe.index()];
    }
}
