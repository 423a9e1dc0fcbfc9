package dev.jgan.benchmarks;

import dev.jgan.autodiff.kernels.Kernels;
import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F32;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One spectral-norm power-iteration step ({@link Kernels#powerIteration} with one iteration) on the weight
 * matrices of the PyTorch reference: a conv 64->128 k4 (W 128x1024) and a conv 512->512 k3 (W 512x4608).
 * u and v carry over between calls, as in training. The result is checked against the largest singular
 * value from EJML's SVD: sigma never exceeds it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public abstract class PowerIterationBenchmark {
    @Param({"128x1024", "512x4608"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    int rows, cols;
    float[] w, u, v;
    double sigmaMax;
    Kernels kernels;

    @Setup
    public void setUp() {
        String[] s = shape.split("x");
        rows = Integer.parseInt(s[0]);
        cols = Integer.parseInt(s[1]);
        w = Bench.random(6, rows * cols);
        u = Bench.random(7, rows);
        v = new float[cols];
        kernels = Bench.kernels(threads);
        sigmaMax = largestSingularValue(rows, cols, w);
    }

    static double largestSingularValue(int rows, int cols, float[] w) {
        SingularValueDecomposition_F32<FMatrixRMaj> svd = DecompositionFactory_FDRM.svd(rows, cols, false, false, true);
        if (!svd.decompose(FMatrixRMaj.wrap(rows, cols, w.clone()))) throw new IllegalStateException("SVD failed");
        double max = 0;
        for (float sv : svd.getSingularValues()) max = Math.max(max, sv);
        return max;
    }

    @Benchmark
    public float step() {
        float sigma = kernels.powerIteration(w, 0, rows, cols, u, v, 1, 1e-12f);
        if (!(sigma > 0 && sigma <= sigmaMax * 1.001)) throw new AssertionError("sigma " + sigma + " outside (0, " + sigmaMax + "]");
        return sigma;
    }
}
