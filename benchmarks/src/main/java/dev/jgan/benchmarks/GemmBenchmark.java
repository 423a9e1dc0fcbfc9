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

    int m, k, n, probe;
    float[] a, b, c;
    double expected, tolerance;
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
        // One element of C, computed in double, checked after every product.
        int i = m / 2 + 1 < m ? m / 2 + 1 : 0, j = n - 1;
        probe = i * n + j;
        double sum = 0, abs = 0;
        for (int p = 0; p < k; p++) {
            sum += (double) a[i * k + p] * b[p * n + j];
            abs += Math.abs((double) a[i * k + p] * b[p * n + j]);
        }
        expected = sum;
        tolerance = 4 * (k + 2) * Math.ulp(1f) * abs;
    }

    @Benchmark
    public float gemm() {
        kernels.gemm(false, false, m, n, k, a, 0, k, b, 0, n, 0f, c, 0, n);
        Bench.check("gemm " + shape, c[probe], expected, tolerance);
        return c[probe];
    }
}
