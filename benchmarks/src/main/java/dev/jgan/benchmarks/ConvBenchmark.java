package dev.jgan.benchmarks;

import dev.jgan.autodiff.kernels.ConvGeometry;
import dev.jgan.autodiff.kernels.Kernels;
import dev.jgan.autodiff.kernels.ScalarKernels;
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
 * The four conv layers of the DCGAN (MNIST 28x28, batch 64, kernel 4, stride 2, padding 1), forward and
 * backward (input gradient and weight gradient), as in the PyTorch reference's {@code fwd+bwd(dX,dW)}:
 * D1 conv 1->64 28->14, D2 conv 64->128 14->7, G1 transposed conv 128->64 7->14, G2 transposed conv 64->1
 * 14->28. A transposed conv's forward is {@link Kernels#conv2dInputGrad}; its input gradient is conv2d.
 * Bias terms are left out (a per-channel sum, negligible here).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public abstract class ConvBenchmark {
    @Param({"D1", "D2", "G1", "G2"})
    public String layer;

    @Param({"1", "2"})
    public int threads;

    ConvGeometry g;
    boolean transposed;
    /** x: the conv2d-side input [N, C, H, W]; y: the conv2d-side output [N, K, OH, OW]; w [K, C, 4, 4]. */
    float[] x, y, w, dw;
    float[] outX, outY;
    float[] refA, refB, refC;
    int probeX, probeY, probeW;
    Kernels kernels;

    @Setup
    public void setUp() {
        int c, h, k;
        switch (layer) {
            case "D1": c = 1; h = 28; k = 64; transposed = false; break;
            case "D2": c = 64; h = 14; k = 128; transposed = false; break;
            case "G1": c = 64; h = 14; k = 128; transposed = true; break;
            case "G2": c = 1; h = 28; k = 64; transposed = true; break;
            default: throw new IllegalArgumentException(layer);
        }
        int oh = h / 2;
        g = new ConvGeometry(64, c, h, h, k, 4, 4, 2, 2, 1, 1, 1, 1, 1, oh, oh);
        x = Bench.random(3, 64 * c * h * h);
        y = Bench.random(4, 64 * k * oh * oh);
        w = Bench.random(5, k * c * 16);
        dw = new float[w.length];
        outX = new float[x.length];
        outY = new float[y.length];
        kernels = Bench.kernels(threads);
        // The reference results, once, from the scalar kernels.
        ScalarKernels ref = new ScalarKernels();
        refA = new float[y.length];
        refB = new float[x.length];
        refC = new float[w.length];
        ref.conv2d(g, x, w, refA);
        ref.conv2dInputGrad(g, y, w, refB);
        ref.conv2dWeightGrad(g, x, y, refC);
        probeY = y.length / 3 + 1;
        probeX = x.length / 2 + 5;
        probeW = w.length - 1;
    }

    @Benchmark
    public float forwardBackward() {
        if (!transposed) {
            kernels.conv2d(g, x, w, outY);                 // forward
            kernels.conv2dInputGrad(g, y, w, outX);        // dX (y plays the incoming gradient)
            kernels.conv2dWeightGrad(g, x, y, dw);         // dW
        } else {
            kernels.conv2dInputGrad(g, y, w, outX);        // forward of the transposed conv: y is its input
            kernels.conv2d(g, x, w, outY);                 // dX (x plays the incoming gradient)
            kernels.conv2dWeightGrad(g, x, y, dw);         // dW
        }
        double tol = 1e-4 * g.n() * g.oh() * g.ow() + 1e-3;
        Bench.check(layer + " conv2d", outY[probeY], refA[probeY], tol);
        Bench.check(layer + " inputGrad", outX[probeX], refB[probeX], tol);
        Bench.check(layer + " weightGrad", dw[probeW], refC[probeW], tol);
        return dw[probeW];
    }
}
