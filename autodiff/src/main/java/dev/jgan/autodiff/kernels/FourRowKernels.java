package dev.jgan.autodiff.kernels;

import static dev.jgan.autodiff.kernels.VectorKernels.L;
import static dev.jgan.autodiff.kernels.VectorKernels.NR;
import static dev.jgan.autodiff.kernels.VectorKernels.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The blocked GEMM's micro-kernel for tiles of four rows (vectors of at most 256 bits, {@link VectorKernels#MR} = 4),
 * once per operand layout: C[0..4, 0..NR) (+)= sum over p of A[0..4, p] (x) B[p, 0..NR), eight FMA chains.
 * <p>NOTE: one method per layout because C2 removes an array's bounds checks from a loop only when the index is the
 * loop counter times a constant plus an invariant; with the strides as arguments (the generic kernels of
 * {@link VectorKernels}) every broadcast of A and every load of B kept its check and its index arithmetic. Even the
 * constant stride of {@link #packed} counts: routed to {@link #packedA} instead, 64x784@784x1024 took 3560-3570 us
 * against 3348-3393 (JDK 17, 1 thread, two alternated JMH runs on an AVX2 machine). Every element is the same FMA
 * chain as in the generic kernels, so the results are bitwise theirs (and the routing of {@link VectorKernels#gemm}
 * does not depend on the tile height). The tile is stored at the end of each method rather than by a helper taking
 * the accumulators: a vector passed to a method that is not inlined is boxed.
 */
final class FourRowKernels {
    private FourRowKernels() {}

    /** A packed (element (r, p) at aIdx + 4 p + r), B packed (row p at bIdx + NR p). */
    static void packed(int kc, float[] pa, int aIdx, float[] pb, int bIdx, float[] c, int cIdx, int ldc, boolean accumulate) {
        final VectorSpecies<Float> sp = SPECIES;
        final int l = L;
        FloatVector c00 = FloatVector.zero(sp), c01 = FloatVector.zero(sp);
        FloatVector c10 = FloatVector.zero(sp), c11 = FloatVector.zero(sp);
        FloatVector c20 = FloatVector.zero(sp), c21 = FloatVector.zero(sp);
        FloatVector c30 = FloatVector.zero(sp), c31 = FloatVector.zero(sp);
        for (int p = 0; p < kc; p++) {
            int ai = aIdx + 4 * p, bi = bIdx + NR * p;
            FloatVector b0 = FloatVector.fromArray(sp, pb, bi);
            FloatVector b1 = FloatVector.fromArray(sp, pb, bi + l);
            FloatVector av = FloatVector.broadcast(sp, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(sp, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(sp, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(sp, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        int r0 = cIdx, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(sp, c, r0));
            c01 = c01.add(FloatVector.fromArray(sp, c, r0 + l));
            c10 = c10.add(FloatVector.fromArray(sp, c, r1));
            c11 = c11.add(FloatVector.fromArray(sp, c, r1 + l));
            c20 = c20.add(FloatVector.fromArray(sp, c, r2));
            c21 = c21.add(FloatVector.fromArray(sp, c, r2 + l));
            c30 = c30.add(FloatVector.fromArray(sp, c, r3));
            c31 = c31.add(FloatVector.fromArray(sp, c, r3 + l));
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + l);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + l);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + l);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + l);
    }

    /** A packed, B's row p at bIdx + bs p (B read in place, or packed with another stride). */
    static void packedA(int kc, float[] pa, int aIdx, float[] pb, int bIdx, int bs, float[] c, int cIdx, int ldc, boolean accumulate) {
        final VectorSpecies<Float> sp = SPECIES;
        final int l = L;
        FloatVector c00 = FloatVector.zero(sp), c01 = FloatVector.zero(sp);
        FloatVector c10 = FloatVector.zero(sp), c11 = FloatVector.zero(sp);
        FloatVector c20 = FloatVector.zero(sp), c21 = FloatVector.zero(sp);
        FloatVector c30 = FloatVector.zero(sp), c31 = FloatVector.zero(sp);
        for (int p = 0; p < kc; p++) {
            int ai = aIdx + 4 * p, bi = bIdx + bs * p;
            FloatVector b0 = FloatVector.fromArray(sp, pb, bi);
            FloatVector b1 = FloatVector.fromArray(sp, pb, bi + l);
            FloatVector av = FloatVector.broadcast(sp, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(sp, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(sp, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(sp, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        int r0 = cIdx, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(sp, c, r0));
            c01 = c01.add(FloatVector.fromArray(sp, c, r0 + l));
            c10 = c10.add(FloatVector.fromArray(sp, c, r1));
            c11 = c11.add(FloatVector.fromArray(sp, c, r1 + l));
            c20 = c20.add(FloatVector.fromArray(sp, c, r2));
            c21 = c21.add(FloatVector.fromArray(sp, c, r2 + l));
            c30 = c30.add(FloatVector.fromArray(sp, c, r3));
            c31 = c31.add(FloatVector.fromArray(sp, c, r3 + l));
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + l);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + l);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + l);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + l);
    }

    /** A read in place by rows (element (r, p) at aIdx + r rs + p), B's row p at bIdx + bs p. */
    static void rows(int kc, float[] a, int aIdx, int rs, float[] pb, int bIdx, int bs, float[] c, int cIdx, int ldc, boolean accumulate) {
        final VectorSpecies<Float> sp = SPECIES;
        final int l = L;
        FloatVector c00 = FloatVector.zero(sp), c01 = FloatVector.zero(sp);
        FloatVector c10 = FloatVector.zero(sp), c11 = FloatVector.zero(sp);
        FloatVector c20 = FloatVector.zero(sp), c21 = FloatVector.zero(sp);
        FloatVector c30 = FloatVector.zero(sp), c31 = FloatVector.zero(sp);
        final int a0 = aIdx, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs;
        for (int p = 0; p < kc; p++) {
            int bi = bIdx + bs * p;
            FloatVector b0 = FloatVector.fromArray(sp, pb, bi);
            FloatVector b1 = FloatVector.fromArray(sp, pb, bi + l);
            FloatVector av = FloatVector.broadcast(sp, a[a0 + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(sp, a[a1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(sp, a[a2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(sp, a[a3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        int r0 = cIdx, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(sp, c, r0));
            c01 = c01.add(FloatVector.fromArray(sp, c, r0 + l));
            c10 = c10.add(FloatVector.fromArray(sp, c, r1));
            c11 = c11.add(FloatVector.fromArray(sp, c, r1 + l));
            c20 = c20.add(FloatVector.fromArray(sp, c, r2));
            c21 = c21.add(FloatVector.fromArray(sp, c, r2 + l));
            c30 = c30.add(FloatVector.fromArray(sp, c, r3));
            c31 = c31.add(FloatVector.fromArray(sp, c, r3 + l));
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + l);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + l);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + l);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + l);
    }

    /** A's four values of depth p contiguous at aIdx + ps p (A^T read in place), B's row p at bIdx + bs p. */
    static void columns(int kc, float[] a, int aIdx, int ps, float[] pb, int bIdx, int bs, float[] c, int cIdx, int ldc, boolean accumulate) {
        final VectorSpecies<Float> sp = SPECIES;
        final int l = L;
        FloatVector c00 = FloatVector.zero(sp), c01 = FloatVector.zero(sp);
        FloatVector c10 = FloatVector.zero(sp), c11 = FloatVector.zero(sp);
        FloatVector c20 = FloatVector.zero(sp), c21 = FloatVector.zero(sp);
        FloatVector c30 = FloatVector.zero(sp), c31 = FloatVector.zero(sp);
        for (int p = 0; p < kc; p++) {
            int ai = aIdx + ps * p, bi = bIdx + bs * p;
            FloatVector b0 = FloatVector.fromArray(sp, pb, bi);
            FloatVector b1 = FloatVector.fromArray(sp, pb, bi + l);
            FloatVector av = FloatVector.broadcast(sp, a[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(sp, a[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(sp, a[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(sp, a[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        int r0 = cIdx, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(sp, c, r0));
            c01 = c01.add(FloatVector.fromArray(sp, c, r0 + l));
            c10 = c10.add(FloatVector.fromArray(sp, c, r1));
            c11 = c11.add(FloatVector.fromArray(sp, c, r1 + l));
            c20 = c20.add(FloatVector.fromArray(sp, c, r2));
            c21 = c21.add(FloatVector.fromArray(sp, c, r2 + l));
            c30 = c30.add(FloatVector.fromArray(sp, c, r3));
            c31 = c31.add(FloatVector.fromArray(sp, c, r3 + l));
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + l);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + l);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + l);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + l);
    }
}
