package dev.jgan.benchmarks;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The GEMM shapes and operands shared by {@link GemmBenchmark} and {@link GemmBaselines}, so that every
 * implementation multiplies the same matrices and is checked against the same probe. Shapes are written
 * "MxK@KxN": 1024^3, and the products of the DCGAN layers (a linear layer, and the im2col GEMMs of a conv layer).
 */
@State(Scope.Benchmark)
public abstract class GemmOperands {
    @Param({"1024x1024@1024x1024", "64x784@784x1024", "6272x576@576x64", "4096x128@128x128"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    int m, k, n;
    Bench.GemmProbe probe;
    float[] a, b, c;

    @Setup
    public void setUp() {
        int[] s = Bench.gemmShape(shape);
        m = s[0];
        k = s[1];
        n = s[2];
        a = Bench.random(1, m * k);
        b = Bench.random(2, k * n);
        c = new float[m * n];
        probe = Bench.GemmProbe.of(a, b, m, k, n); // one element of C in double, checked after every product
        prepare();
    }

    /** The implementation's own set-up, after the operands exist. */
    abstract void prepare();
}
