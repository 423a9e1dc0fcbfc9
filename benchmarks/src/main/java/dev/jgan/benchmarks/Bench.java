package dev.jgan.benchmarks;

import dev.jgan.autodiff.kernels.KernelProvider;
import dev.jgan.autodiff.kernels.KernelThreads;
import dev.jgan.autodiff.kernels.Kernels;
import java.util.SplittableRandom;

/** Helpers shared by the benchmarks: data, the kernels under test, and the cheap result checks. */
final class Bench {
    private Bench() {}

    /** The module flag pairs: the vector fork adds the incubator module, the scalar fork turns SIMD off. */
    static final String[] VECTOR = {"--add-modules", "jdk.incubator.vector", "-Djgan.simd=on"};
    static final String[] SCALAR = {"-Djgan.simd=off"};

    /**
     * The kernels this fork selected, on a pool of the given size. The scalar kernels are single-threaded,
     * so their figures are the same for every thread count.
     */
    static Kernels kernels(int threads) {
        return KernelProvider.isVectorized() ? KernelProvider.vector(KernelThreads.create(threads)) : KernelProvider.get();
    }

    static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    /** Fails the benchmark when a probed result is off: cheap enough to run after every operation. */
    static void check(String what, float actual, double expected, double tolerance) {
        if (!(Math.abs(actual - expected) <= tolerance))
            throw new AssertionError(what + ": expected " + expected + " but computed " + actual);
    }

    /**
     * One element of C = A B (row-major [m, k] @ [k, n]) computed in double, and the float32 tolerance for it:
     * the check every GEMM benchmark runs after each product.
     */
    record GemmProbe(int index, double expected, double tolerance) {
        static GemmProbe of(float[] a, float[] b, int m, int k, int n) {
            int i = m / 2 + 1 < m ? m / 2 + 1 : 0, j = n - 1;
            double sum = 0, abs = 0;
            for (int p = 0; p < k; p++) {
                sum += (double) a[i * k + p] * b[p * n + j];
                abs += Math.abs((double) a[i * k + p] * b[p * n + j]);
            }
            return new GemmProbe(i * n + j, sum, 4 * (k + 2) * Math.ulp(1f) * abs);
        }

        void check(String what, float[] c) {
            Bench.check(what, c[index], expected, tolerance);
        }
    }

    /** Parses "MxK@KxN" into {m, k, n}. */
    static int[] gemmShape(String s) {
        String[] parts = s.split("@");
        String[] a = parts[0].split("x"), b = parts[1].split("x");
        if (!a[1].equals(b[0])) throw new IllegalArgumentException("inner sizes differ in " + s);
        return new int[] {Integer.parseInt(a[0]), Integer.parseInt(a[1]), Integer.parseInt(b[1])};
    }
}
