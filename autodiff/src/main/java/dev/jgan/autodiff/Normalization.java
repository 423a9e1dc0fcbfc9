package dev.jgan.autodiff;

import static dev.jgan.autodiff.Graph.K;

import java.util.Arrays;

/**
 * Batch normalisation as one op over x [N, C, ...] (every axis but the channel axis 1), with fused kernels for its
 * forward and its first-order backward, in the manner of {@code torch.nn.functional.batch_norm}. Composed of
 * elementwise ops and reductions it took about twenty passes over x and as many temporaries. Under
 * {@code createGraph} the backward is the same closed form written with differentiable ops, so it can be
 * differentiated again to any order; the two agree to rounding. nn's {@code LayerFunctions.batchNorm} adds running
 * statistics and its own errors on top.
 */
public final class Normalization {
    private Normalization() {}

    /** The output of batch normalisation with batch statistics, and those statistics (constants, shape [C]). */
    public record BatchNormResult(Tensor output, Tensor mean, Tensor variance) {}

    /**
     * Normalises x with its own batch statistics: per channel the mean and the biased variance over every axis but
     * axis 1, then {@code y = (x - mean) / sqrt(var + eps) weight + bias}; weight and bias [C] may be null. The
     * gradient flows through the statistics too.
     */
    public static BatchNormResult batchNormTraining(Tensor x, Tensor weight, Tensor bias, float eps) {
        requireShapes("batchNormTraining", x, "weight", weight, "bias", bias);
        if (x.numel() == 0)
            throw new IllegalArgumentException("batchNormTraining: no values to take statistics of in input " + Shape.str(x.shape()));
        int c = x.size(1);
        float[] mean = new float[c], var = new float[c];
        K.batchNormStatistics(x.storage.data, x.size(0), c, spatial(x), mean, var);
        Tensor m = Tensor.of(mean, c), v = Tensor.of(var, c);
        return new BatchNormResult(apply(x, weight, bias, m, v, eps, true), m, v);
    }

    /**
     * Normalises x with given statistics (running mean and variance [C]): {@code y = (x - mean) / sqrt(var + eps)
     * weight + bias}; weight and bias [C] may be null. Differentiable in every input that requires grad.
     */
    public static Tensor batchNormInference(Tensor x, Tensor mean, Tensor variance, Tensor weight, Tensor bias, float eps) {
        requireShapes("batchNormInference", x, "weight", weight, "bias", bias);
        if (mean == null || variance == null)
            throw new IllegalArgumentException("batchNormInference: mean and variance are required, input " + Shape.str(x.shape()));
        requireShapes("batchNormInference", x, "mean", mean, "variance", variance);
        return apply(x, weight, bias, mean, variance, eps, false);
    }

    /** x has a channel axis 1, and each of the two per-channel tensors, where given, has shape [C]. */
    private static void requireShapes(String op, Tensor x, String nameA, Tensor a, String nameB, Tensor b) {
        if (x.dim() < 2) throw new IllegalArgumentException(op + ": expected an input [N, C, ...], got " + Shape.str(x.shape()));
        for (Tensor t : new Tensor[] {a, b}) {
            if (t != null && (t.dim() != 1 || t.size(0) != x.size(1)))
                throw new IllegalArgumentException(op + ": " + (t == a ? nameA : nameB) + " must have shape [" + x.size(1) + "] for input "
                        + Shape.str(x.shape()) + ", got " + Shape.str(t.shape()));
        }
    }

    /** The product of the axes after the channel axis (1 for [N, C]). */
    private static int spatial(Tensor x) {
        int hw = 1;
        for (int d = 2; d < x.dim(); d++) hw *= x.size(d);
        return hw;
    }

    private static Tensor apply(Tensor x, Tensor weight, Tensor bias, Tensor mean, Tensor var, float eps, boolean batchStatistics) {
        int c = x.size(1);
        float[] invStd = new float[c], scale = new float[c], shift = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double inv = 1.0 / Math.sqrt((double) var.storage.data[ch] + eps);
            invStd[ch] = (float) inv;
            scale[ch] = weight == null ? (float) inv : (float) (inv * weight.storage.data[ch]);
            shift[ch] = bias == null ? 0f : bias.storage.data[ch];
        }
        float[] out = new float[x.numel()];
        K.batchNormForward(x.storage.data, x.size(0), c, spatial(x), mean.storage.data, scale, shift, out);
        // A missing weight or bias is a constant placeholder, so the rule always returns {dx, dweight, dbias, dmean, dvar}.
        Tensor[] inputs = {x, weight == null ? Tensor.scalar(0f) : weight, bias == null ? Tensor.scalar(0f) : bias, mean, var};
        return Graph.record("batchNorm", out, x.shape(), gy -> GradMode.isEnabled()
                ? differentiableBackward(gy, x, weight, bias, mean, var, eps, batchStatistics)
                : fusedBackward(gy, x, weight, bias, mean, var, invStd, scale, batchStatistics),
                inputs);
    }

    /**
     * With xhat = (x - mean) invStd and wgy = weight gy: dbias = sum gy, dweight = sum gy xhat, and
     * dx = invStd (wgy - mean(wgy) - xhat mean(wgy xhat)) with batch statistics (they depend on x), or dx = invStd wgy
     * with given ones, which then get dmean = -invStd sum wgy and dvar = -invStd^3 / 2 sum wgy (x - mean).
     */
    private static Tensor[] fusedBackward(Tensor gy, Tensor x, Tensor weight, Tensor bias, Tensor mean, Tensor var, float[] invStd,
                                          float[] scale, boolean batchStatistics) {
        int n = x.size(0), c = x.size(1), hw = spatial(x);
        float[] sumGy = new float[c], sumGyXc = new float[c];
        K.batchNormBackwardSums(gy.storage.data, x.storage.data, n, c, hw, mean.storage.data, sumGy, sumGyXc);
        Tensor dx = null;
        if (x.requiresGrad()) {
            float[] gyShift = new float[c], xScale = new float[c];
            if (batchStatistics) {
                double count = (double) n * hw;
                for (int ch = 0; ch < c; ch++) {
                    double inv = invStd[ch], w = weight == null ? 1.0 : weight.storage.data[ch];
                    gyShift[ch] = (float) (sumGy[ch] / count);
                    xScale[ch] = (float) (w * inv * inv * inv * sumGyXc[ch] / count);
                }
            }
            float[] d = new float[x.numel()];
            K.batchNormInputGrad(gy.storage.data, x.storage.data, n, c, hw, mean.storage.data, gyShift, scale, xScale, d);
            dx = new Tensor(new Storage(d), x.shape());
        }
        float[] dw = new float[c], dMean = new float[c], dVar = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double inv = invStd[ch], w = weight == null ? 1.0 : weight.storage.data[ch];
            dw[ch] = (float) (sumGyXc[ch] * inv);
            dMean[ch] = (float) (-w * inv * sumGy[ch]);
            dVar[ch] = (float) (-0.5 * w * inv * inv * inv * sumGyXc[ch]);
        }
        return new Tensor[] {
                dx,
                weight != null && weight.requiresGrad() ? Tensor.of(dw, c) : null,
                bias != null && bias.requiresGrad() ? Tensor.of(sumGy, c) : null,
                !batchStatistics && mean.requiresGrad() ? Tensor.of(dMean, c) : null,
                !batchStatistics && var.requiresGrad() ? Tensor.of(dVar, c) : null};
    }

    /** {@link #fusedBackward}'s formulas in recorded ops, with batch statistics recomputed from x, for createGraph. */
    private static Tensor[] differentiableBackward(Tensor gy, Tensor x, Tensor weight, Tensor bias, Tensor mean, Tensor var, float eps,
                                                   boolean batchStatistics) {
        int c = x.size(1);
        int[] axes = new int[x.dim() - 1];                    // every axis but 1
        for (int i = 0, j = 0; i < x.dim(); i++) if (i != 1) axes[j++] = i;
        int[] bshape = new int[x.dim()];                      // [1, C, 1, ...] broadcasts a per-channel vector
        Arrays.fill(bshape, 1);
        bshape[1] = c;
        Tensor wgy = weight == null ? gy : gy.mul(weight.reshape(bshape));
        Tensor centered = batchStatistics ? x.sub(x.mean(axes, true)) : x.sub(mean.reshape(bshape));
        Tensor std = (batchStatistics ? centered.square().mean(axes, true) : var.reshape(bshape)).add(eps).sqrt();
        Tensor xhat = centered.div(std);
        Tensor dx = null;
        if (x.requiresGrad())
            dx = batchStatistics ? wgy.sub(wgy.mean(axes, true)).sub(xhat.mul(wgy.mul(xhat).mean(axes, true))).div(std) : wgy.div(std);
        boolean statsGrad = !batchStatistics && (mean.requiresGrad() || var.requiresGrad());
        Tensor sumWgy = statsGrad ? wgy.sum(axes, true) : null;
        return new Tensor[] {
                dx,
                weight != null && weight.requiresGrad() ? gy.mul(xhat).sum(axes, false) : null,
                bias != null && bias.requiresGrad() ? gy.sum(axes, false) : null,
                statsGrad && mean.requiresGrad() ? sumWgy.div(std).neg().reshape(c) : null,
                statsGrad && var.requiresGrad() ? wgy.mul(xhat).sum(axes, true).div(std.square()).mul(-0.5f).reshape(c) : null};
    }
}
