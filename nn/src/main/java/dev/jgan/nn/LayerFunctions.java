package dev.jgan.nn;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Linalg;
import dev.jgan.autodiff.Normalization;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import java.util.Arrays;

/**
 * The math of the parameterised layers as functions of explicit tensors, as {@code torch.nn.functional.linear},
 * {@code batch_norm} and {@code layer_norm}; {@link dev.jgan.nn.layers.Linear}, {@link dev.jgan.nn.layers.BatchNorm}
 * and {@link dev.jgan.nn.layers.LayerNorm} call them, so each formula is written once. Everything is composed of
 * differentiable ops, so gradients of any order exist. (Convolutions and pooling are in autodiff's {@code Conv}
 * and {@code Pooling}; {@link Functional} is the other thing: a module run with substituted parameters.)
 */
public final class LayerFunctions {
    private LayerFunctions() {}

    /** {@code y = x W^T + b}: x [..., in] (or [in]), weight [out, in], bias [out] or null -> [..., out]. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.dim() != 2 || x.dim() == 0 || x.size(-1) != weight.size(1))
            throw new IllegalArgumentException("linear: input " + Shape.str(x.shape()) + " and weight " + Shape.str(weight.shape())
                    + " do not match (weight must be [out, in] and the input end in size in)");
        if (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0)))
            throw new IllegalArgumentException("linear: bias " + Shape.str(bias.shape()) + " must have shape [" + weight.size(0) + "] for weight "
                    + Shape.str(weight.shape()));
        if (x.dim() == 1) return linear(x.unsqueeze(0), weight, bias).squeeze(0); // [in] -> [1, in] -> [1, out] -> [out]
        Tensor y = Linalg.matmul(x, weight, false, true); // [..., in] @ [out, in]^T -> [..., out]
        return bias == null ? y : y.add(bias);
    }

    /**
     * Batch normalisation over every axis but the channel axis 1 of x [N, C, ...]. With {@code training} it
     * normalises with the batch mean and biased variance and, if running statistics are given, updates them in
     * place (without recording): {@code running = (1 - momentum) running + momentum batch}, the unbiased batch
     * variance for {@code runningVar}. Without it, it normalises with the running statistics, which must be given.
     * Then {@code y = weight (x - mean) / sqrt(var + eps) + bias} per channel (weight and bias may be null).
     *
     * @param runningMean [C] or null
     * @param runningVar  [C] or null (both or neither)
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, float momentum, float eps) {
        if (x.dim() < 2) throw new IllegalArgumentException("batchNorm: input must be [N, C, ...], got " + Shape.str(x.shape()));
        int c = x.size(1);
        if ((runningMean == null) != (runningVar == null))
            throw new IllegalArgumentException("batchNorm: give both running statistics or neither, got runningMean "
                    + (runningMean == null ? "null" : Shape.str(runningMean.shape())) + " and runningVar " + (runningVar == null ? "null" : Shape.str(runningVar.shape())));
        requireChannelVector("runningMean", runningMean, c, x);
        requireChannelVector("runningVar", runningVar, c, x);
        requireChannelVector("weight", weight, c, x);
        requireChannelVector("bias", bias, c, x);
        if (!training && runningMean == null)
            throw new IllegalArgumentException("batchNorm: running statistics are required when not training, input " + Shape.str(x.shape()));
        if (!training) return Normalization.batchNormInference(x, runningMean, runningVar, weight, bias, eps);
        int count = c == 0 ? 0 : x.numel() / c;
        if (count <= 1)
            throw new IllegalArgumentException("batchNorm: expected more than 1 value per channel when training, got input " + Shape.str(x.shape()));
        Normalization.BatchNormResult r = Normalization.batchNormTraining(x, weight, bias, eps);
        if (runningMean != null) updateRunningStats(runningMean, runningVar, r.mean(), r.variance(), count, momentum);
        return r.output();
    }

    private static void updateRunningStats(Tensor rm, Tensor rv, Tensor mean, Tensor var, int count, float momentum) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            int c = rm.numel();
            Tensor unbiased = var.detach().reshape(c).mul((float) count / (count - 1));
            rm.copyInPlace(rm.mul(1f - momentum).add(mean.detach().reshape(c).mul(momentum)));
            rv.copyInPlace(rv.mul(1f - momentum).add(unbiased.mul(momentum)));
        }
    }

    /**
     * Layer normalisation over the trailing dimensions of x that equal {@code normalizedShape}, with the biased
     * variance: {@code y = (x - mean) / sqrt(var + eps) weight + bias}; weight and bias have shape normalizedShape
     * (or are null).
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, float eps) {
        int k = normalizedShape.length, r = x.dim();
        if (k == 0 || r < k || !Arrays.equals(Arrays.copyOfRange(x.shape(), r - k, r), normalizedShape))
            throw new IllegalArgumentException("layerNorm: input " + Shape.str(x.shape()) + " must end in the normalized shape " + Shape.str(normalizedShape));
        requireNormalizedShape("weight", weight, normalizedShape);
        requireNormalizedShape("bias", bias, normalizedShape);
        int[] axes = new int[k];
        for (int i = 0; i < k; i++) axes[i] = r - k + i;
        Tensor centered = x.sub(x.mean(axes, true));
        Tensor y = centered.div(centered.square().mean(axes, true).add(eps).sqrt());
        if (weight != null) y = y.mul(weight);
        if (bias != null) y = y.add(bias);
        return y;
    }

    private static void requireNormalizedShape(String name, Tensor t, int[] normalizedShape) {
        if (t != null && !Arrays.equals(t.shape(), normalizedShape))
            throw new IllegalArgumentException("layerNorm: " + name + " " + Shape.str(t.shape()) + " must have the normalized shape " + Shape.str(normalizedShape));
    }

    private static void requireChannelVector(String name, Tensor t, int c, Tensor x) {
        if (t != null && (t.dim() != 1 || t.size(0) != c))
            throw new IllegalArgumentException("batchNorm: " + name + " " + Shape.str(t.shape()) + " must have shape [" + c + "] for input " + Shape.str(x.shape()));
    }
}
