package dev.jgan.autodiff.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Runs every kernel of {@link KernelProvider#get()} on fixed inputs and prints one digest of all the result
 * bits per kernel, for the first (cold, interpreted) call and again after {@code warm} further calls, by
 * when C2 has compiled the loops: {@code COLD <kernel> <digest>} and {@code WARM <kernel> <digest>} lines.
 * {@code KernelDeterminismTest} runs it in child JVMs on different JIT tiers and compares the digests.
 * Usage: {@code TierProbe <warm calls>} (0: cold only).
 */
public final class TierProbe {
    private TierProbe() {}

    /** Inputs spanning the float range and its special values, with a length that leaves a scalar tail. */
    static float[] inputs(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
            Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 88.72283935546875f, 88.7228394f, -87.33654f, -103.972084f, -104f,
            0.625f, Math.nextDown(0.625f), -0.625f, 9.010913f, 1f, -1f};
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            if (i < specials.length) x[i] = specials[i];
            else if (i % 3 == 0) x[i] = (float) (r.nextDouble() * 200 - 100);       // across exp's whole range
            else if (i % 3 == 1) x[i] = (float) (r.nextDouble() * 4 - 2);           // where tanh and sigmoid bend
            else x[i] = Float.intBitsToFloat(r.nextInt());                          // any float at all
        }
        return x;
    }

    /** One named computation and the digest of its output. */
    record Probe(String name, Supplier<float[]> run) {}

    static List<Probe> probes(Kernels k) {
        List<Probe> probes = new ArrayList<>();
        float[] x = inputs(1, 269), y = inputs(2, 269), small = moderate(3, 1024), small2 = moderate(4, 1024);
        for (UnaryOp op : UnaryOp.values()) {
            probes.add(new Probe("unary." + op, () -> {
                float[] out = new float[x.length];
                k.unary(op, 0.2f, 0.7f, x, 0, out, 0, x.length);
                return out;
            }));
        }
        for (BinaryOp op : BinaryOp.values()) {
            probes.add(new Probe("binary." + op, () -> {
                float[] out = new float[x.length];
                k.binary(op, x, new int[] {1}, y, new int[] {1}, out, new int[] {x.length});
                return out;
            }));
        }
        probes.add(new Probe("where", () -> {
            float[] out = new float[x.length];
            k.where(y, new int[] {1}, x, new int[] {1}, small, new int[] {0}, out, new int[] {x.length});
            return out;
        }));
        for (ReduceOp op : ReduceOp.values()) {
            probes.add(new Probe("reduce." + op, () -> {
                float[] out = new float[64];
                k.reduce(op, small, 1, 32, 32, out);          // along a strided axis
                float[] rows = new float[32];
                k.reduce(op, small, 32, 32, 1, rows);         // along contiguous rows
                System.arraycopy(rows, 0, out, 32, 32);
                return out;
            }));
        }
        probes.add(new Probe("dot+axpy", () -> {
            float[] acc = small2.clone();
            k.axpy(0.37f, small, 0, acc, 0, acc.length);
            return new float[] {k.dot(small, 0, small2, 0, small.length), acc[0], acc[1023]};
        }));
        // 4 x 4 x 64 = 1024 values: runs of whole vectors at every width; the coefficients are the inputs' first values.
        probes.add(new Probe("batchNorm", () -> batchNormPasses(k, small, small2, 4, 4, 64, small, small2, moderate(5, 4))));
        probes.add(new Probe("gemm", () -> {
            float[] c = new float[32 * 32];
            k.gemm(false, false, 32, 32, 32, small, 0, 32, small2, 0, 32, 0f, c, 0, 32);
            k.gemm(true, true, 32, 32, 32, small, 0, 32, small2, 0, 32, 1f, c, 0, 32);
            return c;
        }));
        // {n, c, h, k, kernel, stride}: a DCGAN-like 4x4 stride-2 layer with 16 -> 32 channels (the vector kernels'
        // Winograd path), a one-channel one (NCHW im2col) and a 3x3 layer over 16 images (pixel-major).
        for (int[] s : new int[][] {{2, 16, 8, 32, 4, 2}, {2, 1, 14, 16, 4, 2}, {16, 8, 6, 8, 3, 1}}) {
            int pad = 1, side = (s[2] + 2 * pad - s[4]) / s[5] + 1;
            ConvGeometry g = new ConvGeometry(s[0], s[1], s[2], s[2], s[3], s[4], s[4], s[5], s[5], pad, pad, 1, 1, 1, side, side);
            float[] in = moderate(5, g.n() * g.c() * g.h() * g.w()), w = moderate(6, g.k() * g.patch());
            float[] gy = moderate(7, g.n() * g.k() * g.oh() * g.ow());
            probes.add(new Probe("conv" + Arrays.toString(s).replace(" ", ""), () -> {
                float[] out = new float[gy.length], dx = new float[in.length], dw = new float[w.length];
                k.conv2d(g, in, w, out);
                k.conv2dInputGrad(g, gy, w, dx);
                k.conv2dWeightGrad(g, in, gy, dw);
                float[] all = Arrays.copyOf(out, out.length + dx.length + dw.length);
                System.arraycopy(dx, 0, all, out.length, dx.length);
                System.arraycopy(dw, 0, all, out.length + dx.length, dw.length);
                return all;
            }));
        }
        probes.add(new Probe("powerIteration", () -> {
            float[] u = Arrays.copyOf(small2, 32), v = new float[32];
            float sigma = k.powerIteration(small, 0, 32, 32, u, v, 2, 1e-12f);
            float[] all = Arrays.copyOf(u, 65);
            System.arraycopy(v, 0, all, 32, 32);
            all[64] = sigma;
            return all;
        }));
        return probes;
    }

    /**
     * Batch normalisation's four kernels in training order over x and gy [n, c, hw], with per-channel scale, shift
     * and xScale: mean, var, sumGy, sumGyXc, the forward output and the input gradient, concatenated.
     */
    static float[] batchNormPasses(Kernels k, float[] x, float[] gy, int n, int c, int hw, float[] scale, float[] shift, float[] xScale) {
        int size = n * c * hw;
        float[] all = new float[4 * c + 2 * size];
        float[] mean = new float[c], var = new float[c], sumGy = new float[c], sumGyXc = new float[c], out = new float[size], dx = new float[size];
        k.batchNormStatistics(x, n, c, hw, mean, var);
        k.batchNormForward(x, n, c, hw, mean, scale, shift, out);
        k.batchNormBackwardSums(gy, x, n, c, hw, mean, sumGy, sumGyXc);
        k.batchNormInputGrad(gy, x, n, c, hw, mean, sumGy, scale, xScale, dx);
        int at = 0;
        for (float[] part : new float[][] {mean, var, sumGy, sumGyXc, out, dx}) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    static float[] moderate(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    /** A digest of the exact bits (NaNs canonical: their payload is not part of any result's meaning). */
    static long digest(float[] values) {
        long h = 1125899906842597L;
        for (float v : values) h = 31 * h + Float.floatToIntBits(v);
        return h;
    }

    public static void main(String[] args) {
        int warm = Integer.parseInt(args[0]);
        Kernels k = KernelProvider.get();
        List<Probe> probes = probes(k);
        for (Probe p : probes) System.out.println("COLD " + p.name() + " " + digest(p.run().get()));
        if (warm == 0) return;
        for (Probe p : probes) {
            // Kernels with long inner loops are warmed with fewer calls: those loops get compiled on the way (OSR).
            boolean heavy = p.name().startsWith("conv") || p.name().equals("gemm") || p.name().equals("powerIteration");
            int calls = heavy ? warm / 20 : warm;
            for (int i = 0; i < calls; i++) p.run().get();
            System.out.println("WARM " + p.name() + " " + digest(p.run().get()));
        }
        System.out.println("KERNELS " + k.name());
    }
}
