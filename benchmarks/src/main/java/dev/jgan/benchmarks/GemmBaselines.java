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

/**
 * The same products as {@link GemmBenchmark} by the baselines: a plain Java loop (i-k-j order, which C2
 * auto-vectorizes; the i-j-k textbook order is several times slower still) and EJML 0.46.1
 * ({@code CommonOps_FDRM.mult}, and {@code CommonOps_MT_FDRM.mult} on EJML's own pool for 2 threads).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class GemmBaselines extends GemmOperands {
    FMatrixRMaj ma, mb, mc;

    @Override
    void prepare() {
        ma = FMatrixRMaj.wrap(m, k, a);
        mb = FMatrixRMaj.wrap(k, n, b);
        mc = new FMatrixRMaj(m, n);
        EjmlConcurrency.setMaxThreads(threads);
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
