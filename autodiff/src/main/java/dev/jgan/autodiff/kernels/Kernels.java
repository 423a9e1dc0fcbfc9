package dev.jgan.autodiff.kernels;

/**
 * The heavy loops of the engine, on float arrays, offsets and sizes; kernels know nothing of tensors
 * and check nothing: the Tensor-level ops validate shapes before calling. {@link ScalarKernels} is the
 * readable reference; faster implementations override it and are tested against it.
 */
public interface Kernels {

    /** A short name for logs and benchmarks, e.g. {@code "scalar"} or {@code "vector-512"}. */
    String name();

    /**
     * Row-major {@code C = op(A) op(B) + beta C} with {@code op(A)} of shape [m, k] and {@code op(B)} [k, n].
     * {@code op(A) = A} reads A as [m, k] with row stride lda; {@code transA} reads A as [k, m] (A^T without
     * materialising it). The same holds for B. beta is 0 (overwrite; C need not be initialised) or 1 (accumulate).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    /** {@code out[i] = op(x[i])} for n elements; p and q are the op's parameters (slope, bounds, scalar...). */
    void unary(UnaryOp op, float p, float q, float[] x, int xOff, float[] out, int outOff, int n);

    /**
     * Broadcasting binary op: out (contiguous, shape outShape) = op(a, b), reading a and b with the given
     * strides (0 along broadcast dimensions).
     */
    void binary(BinaryOp op, float[] a, int[] aStrides, float[] b, int[] bStrides, float[] out, int[] outShape);

    /** Broadcasting select: {@code out = mask != 0 ? a : b}, strides as in {@link #binary}. */
    void where(float[] mask, int[] mStrides, float[] a, int[] aStrides, float[] b, int[] bStrides, float[] out, int[] outShape);

    /**
     * Reduces x viewed as [outer, len, inner] over its middle axis into out [outer, inner].
     * MAX of an empty axis is -infinity, SUM of one is 0.
     */
    void reduce(ReduceOp op, float[] x, int outer, int len, int inner, float[] out);

    /**
     * Strided copy of a block of the given shape: {@code dst[dstOff + sum(i*dstStrides)] = src[srcOff + sum(i*srcStrides)]}
     * (or {@code +=} with accumulate). Permute, expand, slicing, concatenation and their backwards all are this copy.
     */
    void copy(float[] src, int srcOff, int[] srcStrides, float[] dst, int dstOff, int[] dstStrides, int[] shape, boolean accumulate);

    /** Dot product of n elements. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** y[i] += alpha * x[i] for n elements. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** Convolution forward: out[N, K, OH, OW] = conv(x[N, C, H, W], w[K, C/groups, KH, KW]). */
    void conv2d(ConvGeometry g, float[] x, float[] w, float[] out);

    /**
     * Gradient of conv2d with respect to its input, which is also the transposed convolution's forward:
     * dx[N, C, H, W] = conv2d^T(gy[N, K, OH, OW], w).
     */
    void conv2dInputGrad(ConvGeometry g, float[] gy, float[] w, float[] dx);

    /** Gradient of conv2d with respect to its weight: dw[K, C/groups, KH, KW] = sum over N, OH, OW of gy x x. */
    void conv2dWeightGrad(ConvGeometry g, float[] x, float[] gy, float[] dw);

    /**
     * Power iteration for the largest singular value of W [rows, cols] (row-major from wOff), as spectral
     * normalisation uses it (Miyato et al., ICLR 2018). Each of {@code iterations} steps computes
     * {@code v = normalize(W^T u)}, then {@code u = normalize(W v)}, where {@code normalize(x) = x / max(|x|, eps)}
     * as in torch.nn.functional.normalize. Updates u [rows] and v [cols] in place and returns
     * {@code sigma = u^T W v} for the final u and v; iterations must be at least 1.
     */
    float powerIteration(float[] w, int wOff, int rows, int cols, float[] u, float[] v, int iterations, float eps);

    /**
     * One Adam update of n elements in place (nn's {@code Adam}), exactly the float32 operations of its tensor form in
     * their order, each product, sum, quotient and square root rounded on its own (no fused multiply-add), so the
     * result is bitwise that of the differentiable step:
     * <pre>
     *   gw = g + p weightDecay                          (gw = g when weightDecay is 0)
     *   m  = m beta1 + gw (1 - beta1)                   (first step: gw (1 - beta1))
     *   v  = v beta2 + (gw gw) (1 - beta2)              (first step: (gw gw) (1 - beta2))
     *   u  = max(vmax, v), stored into vmax             (AMSGrad, vmax not null; first step: u = v); else u = v
     *   p  = p - (m / ((u &gt; 0 ? sqrt u : 0) invBc2 + eps)) stepSize
     * </pre>
     * g is only read; p, m, v and vmax are written (m, v, vmax need no initial values on the first step).
     */
    void adamStep(float[] p, float[] g, float[] m, float[] v, float[] vmax, int n, boolean first,
                  float beta1, float beta2, float eps, float weightDecay, float invBc2, float stepSize);

    /**
     * Batch normalisation's statistics over x viewed as [n, c, hw]: for each channel ch, over its n hw values,
     * {@code mean[ch] = (sum x) / count}, then {@code var[ch] = (sum (x - mean[ch])^2) / count} (biased; two passes,
     * so a mean far from zero costs the variance no precision). n hw must be at least 1.
     */
    void batchNormStatistics(float[] x, int n, int c, int hw, float[] mean, float[] var);

    /**
     * Batch normalisation and its affine map in one pass over x [n, c, hw]:
     * {@code out = (x - mean[ch]) scale[ch] + shift[ch]}, each operation rounded on its own (no fused multiply-add),
     * so every implementation gives the same bits.
     */
    void batchNormForward(float[] x, int n, int c, int hw, float[] mean, float[] scale, float[] shift, float[] out);

    /**
     * The two per-channel sums batch normalisation's backward needs, over gy and x [n, c, hw]:
     * {@code sumGy[ch] = sum gy} (the bias gradient) and {@code sumGyXc[ch] = sum gy (x - mean[ch])}.
     */
    void batchNormBackwardSums(float[] gy, float[] x, int n, int c, int hw, float[] mean, float[] sumGy, float[] sumGyXc);

    /**
     * Batch normalisation's input gradient in one pass over [n, c, hw]:
     * {@code dx = (gy - gyShift[ch]) scale[ch] - (x - mean[ch]) xScale[ch]}, each operation rounded on its own.
     */
    void batchNormInputGrad(float[] gy, float[] x, int n, int c, int hw, float[] mean, float[] gyShift, float[] scale,
                            float[] xScale, float[] dx);
}
