package dev.jgan.benchmarks;

import java.util.concurrent.TimeUnit;
import org.ejml.concurrency.EjmlConcurrency;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The same products as {@link GemmBenchmark} by the baselines: a plain Java loop (i-k-j order, which C2
 * auto-vectorizes; the i-j-k textbook order is several times slower still) and EJML 0.46.1
 * ({@code CommonOps_FDRM.mult}, and {@code CommonOps_MT_FDRM.mult} on EJML's own pool for 2 threads).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class GemmBaselines {
    @Param({"1024x1024@1024x1024", "64x784@784x1024", "6272x576@576x64", "4096x128@128x128"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    int m, k, n;
    Bench.GemmProbe probe;
    float[] a, b, c;
    FMatrixRMaj ma, mb, mc;

    @Setup
    public void setUp() {
        int[] s = Bench.gemmShape(shape);
        m = s[0];
        k = s[1];
        n = s[2];
        a = Bench.random(1, m * k);
        b = Bench.random(2, k * n);
        c = new float[m * n];
        ma = FMatrixRMaj.wrap(m, k, a);
        mb = FMatrixRMaj.wrap(k, n, b);
        mc = new FMatrixRMaj(m, n);
        EjmlConcurrency.setMaxThreads(threads);
        probe = Bench.GemmProbe.of(a, b, m, k, n); // one element of C in double, checked after every product
    }

    /** Single-threaded whatever the thread parameter. */
    @Benchmark
    public float naive() {
        java.util.Arrays.fill(c, 0f);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float aip = a[i * k + p];
                for (int j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
            }
        }
        probe.check("naive " + shape, c);
        return c[probe.index()];
    }

    @Benchmark
    public float ejml() {
        if (threads == 1) CommonOps_FDRM.mult(ma, mb, mc);
        else CommonOps_MT_FDRM.mult(ma, mb, mc);
        probe.check("ejml " + shape, mc.data);
        return mc.data[probe.index()];
    }
}
