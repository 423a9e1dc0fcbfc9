package dev.jgan.benchmarks;

import dev.jgan.autodiff.kernels.Kernels;
import dev.jgan.autodiff.kernels.UnaryOp;
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
 * The transcendental elementwise kernels ({@link Kernels#unary} with EXP, TANH, SIGMOID) over an activation-sized
 * array (64 x 128 x 8: a DCGAN hidden layer's worth; 65,536 floats stay in L2). Inputs in [-4, 4], where these
 * functions bend. The result is checked against {@code StrictMath} at one probed element after every call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public abstract class UnaryBenchmark {
    @Param({"EXP", "TANH", "SIGMOID"})
    public UnaryOp op;

    @Param({"65536"})
    public int n;

    float[] x, out;
    Kernels kernels;
    int probe;
    double expected;

    @Setup
    public void setUp() {
        x = Bench.random(8, n);
        for (int i = 0; i < n; i++) x[i] *= 4;
        out = new float[n];
        kernels = Bench.kernels(1);
        probe = n / 2 + 3;
        double v = x[probe];
        expected = switch (op) {
            case EXP -> StrictMath.exp(v);
            case TANH -> StrictMath.tanh(v);
            case SIGMOID -> 1 / (1 + StrictMath.exp(-v));
            default -> throw new IllegalArgumentException("UnaryBenchmark measures EXP, TANH and SIGMOID, not " + op);
        };
    }

    @Benchmark
    public float[] unary() {
        kernels.unary(op, 0f, 0f, x, 0, out, 0, n);
        Bench.check(op.name(), out[probe], expected, 2 * Math.ulp((float) expected));
        return out;
    }
}
