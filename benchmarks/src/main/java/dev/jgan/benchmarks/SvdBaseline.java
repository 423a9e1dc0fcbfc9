package dev.jgan.benchmarks;

import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F32;
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
 * The exact alternative to power iteration: EJML 0.46.1's float SVD, singular values only, on the matrices
 * of {@link PowerIterationBenchmark}. The input is copied each time because the decomposition may modify it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class SvdBaseline {
    @Param({"128x1024", "512x4608"})
    public String shape;

    int rows, cols;
    float[] w;
    FMatrixRMaj work;
    double sigmaMax;
    SingularValueDecomposition_F32<FMatrixRMaj> svd;

    @Setup
    public void setUp() {
        String[] s = shape.split("x");
        rows = Integer.parseInt(s[0]);
        cols = Integer.parseInt(s[1]);
        w = Bench.random(6, rows * cols);
        work = new FMatrixRMaj(rows, cols);
        svd = DecompositionFactory_FDRM.svd(rows, cols, false, false, true);
        sigmaMax = PowerIterationBenchmark.largestSingularValue(rows, cols, w);
    }

    @Benchmark
    public double ejmlSvd() {
        System.arraycopy(w, 0, work.data, 0, w.length);
        if (!svd.decompose(work)) throw new IllegalStateException("SVD failed");
        double max = 0;
        for (float sv : svd.getSingularValues()) max = Math.max(max, sv);
        Bench.check("svd " + shape, (float) max, sigmaMax, 1e-4 * sigmaMax);
        return max;
    }
}
