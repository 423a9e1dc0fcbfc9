package dev.jgan.autodiff;

import static dev.jgan.autodiff.Graph.K;

import java.util.Arrays;

/**
 * Matrix products. The primitive is {@code op(A) op(B)} with optional transposes read in place by the
 * GEMM kernel; its backward is the same primitive with other transposes, so the family is closed and
 * no transpose is ever materialised.
 */
public final class Linalg {
    private Linalg() {}

    /** torch.matmul: 1-D operands are promoted to a row (left) or a column (right) and the promoted size dropped. */
    static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0)
            throw new IllegalArgumentException("matmul: operands must have at least 1 dimension, got " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
        if (a.dim() == 1 && b.dim() == 1) return matmul(a.unsqueeze(0), b.unsqueeze(1), false, false).reshape();
        if (a.dim() == 1) return matmul(a.unsqueeze(0), b, false, false).squeeze(-2);
        if (b.dim() == 1) return matmul(a, b.unsqueeze(1), false, false).squeeze(-1);
        return matmul(a, b, false, false);
    }

    /**
     * {@code op(a) @ op(b)} over the last two dimensions, where {@code op} transposes them when its flag is set;
     * leading (batch) dimensions broadcast. Shapes: op(a) [..., m, k], op(b) [..., k, n] -> [..., m, n].
     */
    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        int[] as = a.shape(), bs = b.shape();
        if (as.length < 2 || bs.length < 2)
            throw new IllegalArgumentException("matmul: operands need 2 or more dimensions, got " + Shape.str(as) + " and " + Shape.str(bs));
        int ar = as.length, br = bs.length;
        int m = transA ? as[ar - 1] : as[ar - 2], k = transA ? as[ar - 2] : as[ar - 1];
        int kb = transB ? bs[br - 1] : bs[br - 2], n = transB ? bs[br - 2] : bs[br - 1];
        if (k != kb)
            throw new IllegalArgumentException("matmul: inner sizes differ: " + Shape.str(as) + (transA ? "^T" : "") + " @ " + Shape.str(bs)
                    + (transB ? "^T" : "") + " (" + k + " vs " + kb + ")");
        int[] aBatch = Arrays.copyOf(as, ar - 2), bBatch = Arrays.copyOf(bs, br - 2);
        int[] batch = Shape.broadcast("matmul", aBatch, bBatch);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        float[] out = new float[Shape.numel(outShape)];
        int lda = as[ar - 1], ldb = bs[br - 1];
        int nb = Shape.numel(batch);
        if (bBatch.length == 0 && !transA && m > 0) {
            // A batch of row blocks times one matrix is a single tall GEMM: [batch*m, k] @ op(B).
            K.gemm(false, transB, nb * m, n, k, a.storage.data, 0, lda, b.storage.data, 0, ldb, 0f, out, 0, n);
        } else if (nb > 0) {
            int[] aStr = Shape.broadcastStrides(aBatch, batch), bStr = Shape.broadcastStrides(bBatch, batch);
            int aMat = as[ar - 2] * as[ar - 1], bMat = bs[br - 2] * bs[br - 1];
            int[] idx = new int[batch.length];
            for (int i = 0; i < nb; i++) {
                int ao = 0, bo = 0;
                for (int d = 0; d < batch.length; d++) {
                    ao += idx[d] * aStr[d];
                    bo += idx[d] * bStr[d];
                }
                K.gemm(transA, transB, m, n, k, a.storage.data, ao * aMat, lda, b.storage.data, bo * bMat, ldb, 0f, out, i * m * n, n);
                for (int d = batch.length - 1; d >= 0 && ++idx[d] == batch[d]; d--) idx[d] = 0;
            }
        }
        return Graph.record("matmul", out, outShape, g -> backward(g, a, b, transA, transB), a, b);
    }

    private static Tensor[] backward(Tensor g, Tensor a, Tensor b, boolean transA, boolean transB) {
        Tensor da = null, db = null;
        boolean wa = a.requiresGrad(), wb = b.requiresGrad();
        if (!transA && !transB) {
            if (wa) da = matmul(g, b, false, true);          // dA = g B^T
            if (wb) db = matmul(a, g, true, false);          // dB = A^T g
        } else if (!transA) {
            if (wa) da = matmul(g, b, false, false);         // C = A B^T: dA = g B
            if (wb) db = matmul(g, a, true, false);          //            dB = g^T A
        } else if (!transB) {
            if (wa) da = matmul(b, g, false, true);          // C = A^T B: dA = B g^T
            if (wb) db = matmul(a, g, false, false);         //            dB = A g
        } else {
            if (wa) da = matmul(b, g, true, true);           // C = A^T B^T: dA = B^T g^T
            if (wb) db = matmul(g, a, true, true);           //              dB = g^T A^T
        }
        return new Tensor[] {da == null ? null : da.sumTo(a.shape()), db == null ? null : db.sumTo(b.shape())};
    }
}
