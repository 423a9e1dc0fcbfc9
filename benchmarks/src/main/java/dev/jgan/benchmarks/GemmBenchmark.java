package dev.jgan.benchmarks;

import dev.jgan.autodiff.kernels.Kernels;
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
 * SGEMM C = A B (row-major, beta 0) through {@link Kernels#gemm}. Shapes are written "MxK@KxN": 1024^3,
 * and the products of the DCGAN layers (a linear layer, and the im2col GEMMs of a conv layer).
 * GFLOP/s = 2 M N K / time. {@link GemmVector} and {@link GemmScalar} differ only in the module flag.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public abstract class GemmBenchmark {
    @Param({"1024x1024@1024x1024", "64x784@784x1024", "6272x576@576x64", "4096x128@128x128"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    int m, k, n;
    Bench.GemmProbe probe;
    float[] a, b, c;
    Kernels kernels;

    @Setup
    public void setUp() {
        int[] s = Bench.gemmShape(shape);
        m = s[0];
        k = s[1];
        n = s[2];
        a = Bench.random(1, m * k);
        b = Bench.random(2, k * n);
        c = new float[m * n];
        kernels = Bench.kernels(threads);
        probe = Bench.GemmProbe.of(a, b, m, k, n); // one element of C in double, checked after every product
    }

    @Benchmark
    public float gemm() {
        kernels.gemm(false, false, m, n, k, a, 0, k, b, 0, n, 0f, c, 0, n);
        probe.check("gemm " + shape, c);
        return c[probe.index()];
    }
}
