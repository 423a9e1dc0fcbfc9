package dev.jgan.autodiff.kernels;

/**
 * Plain-loop kernels: the readable reference every faster implementation is tested against, and the
 * fallback when the Vector API is not available. Subclasses override the loops they speed up.
 */
public class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, ci, ci + n, 0f);
            if (!transB) {
                // i-p-j order: the inner loop walks rows of B and C contiguously.
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    if (aip == 0f) continue;
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    float s = 0f;
                    if (transA) for (int p = 0; p < k; p++) s += a[aOff + p * lda + i] * b[bj + p];
                    else for (int p = 0, ai = aOff + i * lda; p < k; p++) s += a[ai + p] * b[bj + p];
                    c[ci + j] += s;
                }
            }
        }
    }

    @Override
    public void unary(UnaryOp op, float p, float q, float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = apply(op, p, q, x[xOff + i]);
    }

    /** One element of {@link #unary}; also the tail loop of vectorised implementations. */
    protected static float apply(UnaryOp op, float p, float q, float v) {
        switch (op) {
            case NEG: return -v;
            case EXP: return FloatMath.exp(v);
            case LOG: return (float) Math.log(v);
            // NaN below -1 set here: the JDKs' log1p return NaNs of different signs there (17: negative, 25: positive).
            case LOG1P: return v < -1f ? Float.NaN : (float) Math.log1p(v);
            case SQRT: return (float) Math.sqrt(v);
            case ABS: return Math.abs(v);
            case SQUARE: return v * v;
            case TANH: return FloatMath.tanh(v);
            case SIGMOID: return FloatMath.sigmoid(v);
            case SIGN: return Math.signum(v);
            case RELU: return v < 0 ? 0f : v;   // NaN and -0 pass through, as in torch.relu
            case LEAKY_RELU: return v > 0 ? v : p * v;
            case LEAKY_RELU_DERIVATIVE: return v > 0 ? 1f : p;
            case ELU: return v > 0 ? v : (float) (p * Math.expm1(v));
            case SOFTPLUS: return (float) (Math.max(v, 0.0) + Math.log1p(Math.exp(-Math.abs(v))));
            case CLAMP: return Math.min(Math.max(v, p), q);
            case ADD_SCALAR: return v + p;
            case MUL_SCALAR: return v * p;
            case POW_SCALAR: return pow(v, p);
            case RDIV_SCALAR: return p / v;
            case GT_SCALAR: return v > p ? 1f : 0f;
            case IN_RANGE: return v >= p && v <= q ? 1f : 0f;
            // NOTE: StrictMath, not Math or a vector lanewise SIN/COS: those may differ by an ulp between JIT tiers.
            case SIN: return (float) StrictMath.sin((double) v);
            case COS: return (float) StrictMath.cos((double) v);
            default: throw new AssertionError(op);
        }
    }

    private static float pow(float v, float e) {
        if (e == 2f) return v * v;
        if (e == 1f) return v;
        if (e == 0.5f) return (float) Math.sqrt(v);
        return (float) Math.pow(v, e);
    }

    /** One element of {@link #binary}. */
    protected static float apply(BinaryOp op, float a, float b) {
        switch (op) {
            case ADD: return a + b;
            case SUB: return a - b;
            case MUL: return a * b;
            case DIV: return a / b;
            case POW: return pow(a, b);
            case MAX: return Math.max(a, b);
            case MIN: return Math.min(a, b);
            case GT: return a > b ? 1f : 0f;
            case GE: return a >= b ? 1f : 0f;
            case LT: return a < b ? 1f : 0f;
            case LE: return a <= b ? 1f : 0f;
            case EQ: return a == b ? 1f : 0f;
            default: throw new AssertionError(op);
        }
    }

    @Override
    public void binary(BinaryOp op, float[] a, int[] aStrides, float[] b, int[] bStrides, float[] out, int[] outShape) {
        int rank = outShape.length;
        if (rank == 0) {
            out[0] = apply(op, a[0], b[0]);
            return;
        }
        int inner = outShape[rank - 1];
        int sa = aStrides[rank - 1], sb = bStrides[rank - 1];
        int[] idx = new int[rank];
        int total = out.length == 0 ? 0 : numel(outShape);
        for (int o = 0; o < total; o += inner) {
            int ia = 0, ib = 0;
            for (int d = 0; d < rank - 1; d++) {
                ia += idx[d] * aStrides[d];
                ib += idx[d] * bStrides[d];
            }
            binaryRow(op, a, ia, sa, b, ib, sb, out, o, inner);
            advance(idx, outShape, rank - 1);
        }
    }

    /** One innermost row of a broadcasting binary op; strides are 0 or 1 in practice. */
    protected void binaryRow(BinaryOp op, float[] a, int ia, int sa, float[] b, int ib, int sb, float[] out, int o, int n) {
        for (int j = 0; j < n; j++) out[o + j] = apply(op, a[ia + j * sa], b[ib + j * sb]);
    }

    @Override
    public void where(float[] mask, int[] mStrides, float[] a, int[] aStrides, float[] b, int[] bStrides, float[] out, int[] outShape) {
        int rank = outShape.length;
        if (rank == 0) {
            out[0] = mask[0] != 0f ? a[0] : b[0];
            return;
        }
        int inner = outShape[rank - 1];
        int sm = mStrides[rank - 1], sa = aStrides[rank - 1], sb = bStrides[rank - 1];
        int[] idx = new int[rank];
        int total = out.length == 0 ? 0 : numel(outShape);
        for (int o = 0; o < total; o += inner) {
            int im = 0, ia = 0, ib = 0;
            for (int d = 0; d < rank - 1; d++) {
                im += idx[d] * mStrides[d];
                ia += idx[d] * aStrides[d];
                ib += idx[d] * bStrides[d];
            }
            whereRow(mask, im, sm, a, ia, sa, b, ib, sb, out, o, inner);
            advance(idx, outShape, rank - 1);
        }
    }

    /** One innermost row of a broadcasting where; strides are 0 or 1 in practice. A mask value selects a when it is not 0 (NaN included). */
    protected void whereRow(float[] mask, int im, int sm, float[] a, int ia, int sa, float[] b, int ib, int sb, float[] out, int o, int n) {
        for (int j = 0; j < n; j++) out[o + j] = mask[im + j * sm] != 0f ? a[ia + j * sa] : b[ib + j * sb];
    }

    @Override
    public void reduce(ReduceOp op, float[] x, int outer, int len, int inner, float[] out) {
        float init = op == ReduceOp.SUM ? 0f : Float.NEGATIVE_INFINITY;
        for (int o = 0; o < outer; o++) {
            int base = o * len * inner, ob = o * inner;
            java.util.Arrays.fill(out, ob, ob + inner, init);
            for (int r = 0; r < len; r++) {
                int row = base + r * inner;
                if (op == ReduceOp.SUM) for (int i = 0; i < inner; i++) out[ob + i] += x[row + i];
                else for (int i = 0; i < inner; i++) out[ob + i] = maxNaN(out[ob + i], x[row + i]);
            }
        }
    }

    /** max that propagates NaN, as torch.amax does (Math.max already does). */
    private static float maxNaN(float a, float b) {
        return Math.max(a, b);
    }

    @Override
    public void copy(float[] src, int srcOff, int[] srcStrides, float[] dst, int dstOff, int[] dstStrides, int[] shape, boolean accumulate) {
        int rank = shape.length;
        int total = numel(shape);
        if (total == 0) return;
        if (rank == 0) {
            dst[dstOff] = accumulate ? dst[dstOff] + src[srcOff] : src[srcOff];
            return;
        }
        int inner = shape[rank - 1];
        int ss = srcStrides[rank - 1], ds = dstStrides[rank - 1];
        int[] idx = new int[rank];
        for (int o = 0; o < total; o += inner) {
            int is = srcOff, id = dstOff;
            for (int d = 0; d < rank - 1; d++) {
                is += idx[d] * srcStrides[d];
                id += idx[d] * dstStrides[d];
            }
            if (accumulate) for (int j = 0; j < inner; j++) dst[id + j * ds] += src[is + j * ss];
            else if (ss == 1 && ds == 1) System.arraycopy(src, is, dst, id, inner);
            else if (ss == 0 && ds == 1) java.util.Arrays.fill(dst, id, id + inner, src[is]);
            else for (int j = 0; j < inner; j++) dst[id + j * ds] = src[is + j * ss];
            advance(idx, shape, rank - 1);
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public void adamStep(float[] p, float[] g, float[] m, float[] v, float[] vmax, int n, boolean first,
                         float beta1, float beta2, float eps, float weightDecay, float invBc2, float stepSize) {
        for (int i = 0; i < n; i++) adamElement(p, g, m, v, vmax, i, first, beta1, beta2, eps, weightDecay, invBc2, stepSize);
    }

    /** One element of {@link #adamStep}; also the tail loop of vectorised implementations. */
    protected static void adamElement(float[] p, float[] g, float[] m, float[] v, float[] vmax, int i, boolean first,
                                      float beta1, float beta2, float eps, float weightDecay, float invBc2, float stepSize) {
        float gw = weightDecay != 0f ? g[i] + p[i] * weightDecay : g[i];
        float gm = gw * (1f - beta1), gv = (gw * gw) * (1f - beta2);
        float mi = first ? gm : m[i] * beta1 + gm, vi = first ? gv : v[i] * beta2 + gv;
        float u = vmax == null || first ? vi : Math.max(vmax[i], vi);   // vmax read before v is written, in case they alias
        m[i] = mi;
        v[i] = vi;
        if (vmax != null) vmax[i] = u;
        float root = u > 0f ? (float) Math.sqrt(u) : 0f;
        p[i] = p[i] - (mi / (root * invBc2 + eps)) * stepSize;
    }

    // Batch normalisation: one channel's values are n runs of hw, one per image ([n, c, hw] row-major).

    @Override
    public void batchNormStatistics(float[] x, int n, int c, int hw, float[] mean, float[] var) {
        float count = (float) n * hw;
        for (int ch = 0; ch < c; ch++) {
            float s = 0f;
            for (int img = 0; img < n; img++)
                for (int i = 0, at = (img * c + ch) * hw; i < hw; i++) s += x[at + i];
            float m = s / count, ss = 0f;
            for (int img = 0; img < n; img++) {
                for (int i = 0, at = (img * c + ch) * hw; i < hw; i++) {
                    float d = x[at + i] - m;
                    ss += d * d;
                }
            }
            mean[ch] = m;
            var[ch] = ss / count;
        }
    }

    @Override
    public void batchNormForward(float[] x, int n, int c, int hw, float[] mean, float[] scale, float[] shift, float[] out) {
        for (int img = 0; img < n; img++) {
            for (int ch = 0; ch < c; ch++) {
                float m = mean[ch], s = scale[ch], t = shift[ch];
                for (int i = 0, at = (img * c + ch) * hw; i < hw; i++) out[at + i] = (x[at + i] - m) * s + t;
            }
        }
    }

    @Override
    public void batchNormBackwardSums(float[] gy, float[] x, int n, int c, int hw, float[] mean, float[] sumGy, float[] sumGyXc) {
        for (int ch = 0; ch < c; ch++) {
            float m = mean[ch], s = 0f, sx = 0f;
            for (int img = 0; img < n; img++) {
                for (int i = 0, at = (img * c + ch) * hw; i < hw; i++) {
                    s += gy[at + i];
                    sx += gy[at + i] * (x[at + i] - m);
                }
            }
            sumGy[ch] = s;
            sumGyXc[ch] = sx;
        }
    }

    @Override
    public void batchNormInputGrad(float[] gy, float[] x, int n, int c, int hw, float[] mean, float[] gyShift, float[] scale,
                                   float[] xScale, float[] dx) {
        for (int img = 0; img < n; img++) {
            for (int ch = 0; ch < c; ch++) {
                float m = mean[ch], g0 = gyShift[ch], s = scale[ch], xs = xScale[ch];
                for (int i = 0, at = (img * c + ch) * hw; i < hw; i++) dx[at + i] = (gy[at + i] - g0) * s - (x[at + i] - m) * xs;
            }
        }
    }

    @Override
    public float powerIteration(float[] w, int wOff, int rows, int cols, float[] u, float[] v, int iterations, float eps) {
        float[] wv = new float[rows];
        float sigma = 0f;
        for (int it = 0; it < iterations; it++) {
            // v = W^T u, one row of W at a time
            java.util.Arrays.fill(v, 0, cols, 0f);
            for (int i = 0; i < rows; i++) axpy(u[i], w, wOff + i * cols, v, 0, cols);
            scale(v, cols, 1f / Math.max((float) Math.sqrt(dot(v, 0, v, 0, cols)), eps));
            // wv = W v; u = wv / |wv|; sigma = u . (W v)
            for (int i = 0; i < rows; i++) wv[i] = dot(w, wOff + i * cols, v, 0, cols);
            float norm = Math.max((float) Math.sqrt(dot(wv, 0, wv, 0, rows)), eps);
            for (int i = 0; i < rows; i++) u[i] = wv[i] / norm;
            sigma = dot(u, 0, wv, 0, rows);
        }
        return sigma;
    }

    private static void scale(float[] x, int n, float f) {
        for (int i = 0; i < n; i++) x[i] *= f;
    }

    // ---- convolution: im2col + GEMM per image and group ----

    @Override
    public void conv2d(ConvGeometry g, float[] x, float[] w, float[] out) {
        int cols = g.oh() * g.ow(), patch = g.patch(), kg = g.kPerGroup();
        float[] col = new float[patch * cols];
        for (int n = 0; n < g.n(); n++) {
            for (int gr = 0; gr < g.groups(); gr++) {
                im2col(g, x, (n * g.c() + gr * g.cPerGroup()) * g.h() * g.w(), col);
                // out[n, group's k, :] = W_g [kg, patch] @ col [patch, cols]
                gemm(false, false, kg, cols, patch, w, gr * kg * patch, patch, col, 0, cols,
                        0f, out, (n * g.k() + gr * kg) * cols, cols);
            }
        }
    }

    @Override
    public void conv2dInputGrad(ConvGeometry g, float[] gy, float[] w, float[] dx) {
        int cols = g.oh() * g.ow(), patch = g.patch(), kg = g.kPerGroup();
        float[] col = new float[patch * cols];
        java.util.Arrays.fill(dx, 0, g.n() * g.c() * g.h() * g.w(), 0f);
        for (int n = 0; n < g.n(); n++) {
            for (int gr = 0; gr < g.groups(); gr++) {
                // col [patch, cols] = W_g^T [patch, kg] @ gy [kg, cols]
                gemm(true, false, patch, cols, kg, w, gr * kg * patch, patch, gy, (n * g.k() + gr * kg) * cols, cols,
                        0f, col, 0, cols);
                col2im(g, col, dx, (n * g.c() + gr * g.cPerGroup()) * g.h() * g.w());
            }
        }
    }

    @Override
    public void conv2dWeightGrad(ConvGeometry g, float[] x, float[] gy, float[] dw) {
        int cols = g.oh() * g.ow(), patch = g.patch(), kg = g.kPerGroup();
        float[] col = new float[patch * cols];
        java.util.Arrays.fill(dw, 0, g.k() * patch, 0f);
        for (int n = 0; n < g.n(); n++) {
            for (int gr = 0; gr < g.groups(); gr++) {
                im2col(g, x, (n * g.c() + gr * g.cPerGroup()) * g.h() * g.w(), col);
                // dW_g [kg, patch] += gy [kg, cols] @ col^T [cols, patch]
                gemm(false, true, kg, patch, cols, gy, (n * g.k() + gr * kg) * cols, cols, col, 0, cols,
                        1f, dw, gr * kg * patch, patch);
            }
        }
    }

    /** Unfolds one group of one image, x[xOff..] as [c/groups, h, w], into col [(c/groups)*kh*kw, oh*ow]; padding reads as 0. */
    protected static void im2col(ConvGeometry g, float[] x, int xOff, float[] col) {
        int oh = g.oh(), ow = g.ow(), h = g.h(), w = g.w();
        int row = 0;
        for (int c = 0; c < g.cPerGroup(); c++) {
            for (int ki = 0; ki < g.kh(); ki++) {
                for (int kj = 0; kj < g.kw(); kj++, row++) {
                    int dst = row * oh * ow;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * g.strideH() - g.padH() + ki * g.dilH();
                        if (iy < 0 || iy >= h) {
                            java.util.Arrays.fill(col, dst + oy * ow, dst + (oy + 1) * ow, 0f);
                            continue;
                        }
                        int src = xOff + (c * h + iy) * w;
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * g.strideW() - g.padW() + kj * g.dilW();
                            col[dst + oy * ow + ox] = ix >= 0 && ix < w ? x[src + ix] : 0f;
                        }
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: adds col [(c/groups)*kh*kw, oh*ow] back into dx[dxOff..] as [c/groups, h, w]. */
    protected static void col2im(ConvGeometry g, float[] col, float[] dx, int dxOff) {
        int oh = g.oh(), ow = g.ow(), h = g.h(), w = g.w();
        int row = 0;
        for (int c = 0; c < g.cPerGroup(); c++) {
            for (int ki = 0; ki < g.kh(); ki++) {
                for (int kj = 0; kj < g.kw(); kj++, row++) {
                    int src = row * oh * ow;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * g.strideH() - g.padH() + ki * g.dilH();
                        if (iy < 0 || iy >= h) continue;
                        int dst = dxOff + (c * h + iy) * w;
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * g.strideW() - g.padW() + kj * g.dilW();
                            if (ix >= 0 && ix < w) dx[dst + ix] += col[src + oy * ow + ox];
                        }
                    }
                }
            }
        }
    }

    protected static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** Odometer step over the first {@code dims} dimensions of shape. */
    protected static void advance(int[] idx, int[] shape, int dims) {
        for (int d = dims - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) return;
            idx[d] = 0;
        }
    }
}
