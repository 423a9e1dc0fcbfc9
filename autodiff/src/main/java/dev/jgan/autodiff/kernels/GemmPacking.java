package dev.jgan.autodiff.kernels;

/**
 * Packing for the blocked GEMM (Goto and van de Geijn, "Anatomy of high-performance matrix multiplication",
 * ACM TOMS 2008). A block of op(A) is copied into panels of {@code mr} rows stored column by column, a block
 * of op(B) into panels of {@code nr} columns stored row by row, so the micro-kernel reads both with unit
 * stride. The transposes are absorbed here: op(A) and op(B) are never materialised. Rows or columns past
 * the matrix edge are filled with zeros, so every panel has full size and edge tiles use the same
 * arithmetic as interior ones.
 */
final class GemmPacking {
    private GemmPacking() {}

    /**
     * Packs rows [i0, i0 + mr) and columns [p0, p0 + kc) of op(A) (op(A) is [m, k]) into
     * {@code dst[dstOff + p * mr + r]}.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int m, int i0, int p0, int kc, int mr,
                      float[] dst, int dstOff) {
        int rows = Math.min(mr, m - i0);
        if (transA) {
            // op(A)[i, p] = A[p, i]: the mr values of one p are contiguous in A.
            for (int p = 0; p < kc; p++) {
                int src = aOff + (p0 + p) * lda + i0, d = dstOff + p * mr;
                System.arraycopy(a, src, dst, d, rows);
                for (int r = rows; r < mr; r++) dst[d + r] = 0f;
            }
        } else {
            for (int r = 0; r < rows; r++) {
                int src = aOff + (i0 + r) * lda + p0, d = dstOff + r;
                for (int p = 0; p < kc; p++) dst[d + p * mr] = a[src + p];
            }
            for (int r = rows; r < mr; r++) {
                for (int p = 0; p < kc; p++) dst[dstOff + r + p * mr] = 0f;
            }
        }
    }

    /**
     * Packs rows [p0, p0 + kc) and columns [j0, j0 + nr) of op(B) (op(B) is [k, n]) into
     * {@code dst[dstOff + p * nr + j]}.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int n, int j0, int p0, int kc, int nr,
                      float[] dst, int dstOff) {
        int cols = Math.min(nr, n - j0);
        if (transB) {
            // op(B)[p, j] = B[j, p]: walk each row of B contiguously, write with stride nr.
            for (int j = 0; j < cols; j++) {
                int src = bOff + (j0 + j) * ldb + p0, d = dstOff + j;
                for (int p = 0; p < kc; p++) dst[d + p * nr] = b[src + p];
            }
            for (int j = cols; j < nr; j++) {
                for (int p = 0; p < kc; p++) dst[dstOff + j + p * nr] = 0f;
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int src = bOff + (p0 + p) * ldb + j0, d = dstOff + p * nr;
                System.arraycopy(b, src, dst, d, cols);
                for (int j = cols; j < nr; j++) dst[d + j] = 0f;
            }
        }
    }
}
