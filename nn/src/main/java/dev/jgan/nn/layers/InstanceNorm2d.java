package dev.jgan.nn.layers;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.LayerFunctions;
import dev.jgan.nn.Module;

/**
 * Instance normalisation (Ulyanov et al., 2016) of NCHW input: each sample's each channel is normalised over its own
 * H x W values, {@code y = (x - mean_hw) / sqrt(var_hw + eps)} with the biased variance, then, when affine,
 * {@code y weight_c + bias_c} per channel ({@code weight} [C] ones, {@code bias} [C] zeros at the start). As
 * {@code torch.nn.InstanceNorm2d} without running statistics: training and evaluation compute the same thing, and no
 * sample's output depends on another's, which is what "How to train a GAN" (NIPS 2016 workshop, trick 4) asks for
 * when batch norm is not an option. The normalisation is {@link LayerFunctions#layerNorm} over the trailing [H, W],
 * so its gradients exist to any order.
 */
public final class InstanceNorm2d extends Module {
    private final int features;
    private final float eps;

    /** Not affine, eps 1e-5: PyTorch's defaults. */
    public InstanceNorm2d(int features) {
        this(features, 1e-5f, false);
    }

    public InstanceNorm2d(int features, float eps, boolean affine) {
        if (features <= 0 || !(eps > 0) || !Float.isFinite(eps))
            throw new IllegalArgumentException("InstanceNorm2d: invalid features=" + features + " eps=" + eps);
        this.features = features;
        this.eps = eps;
        if (affine) {
            registerParameter("weight", Tensor.ones(features));
            registerParameter("bias", Tensor.zeros(features));
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 4 || x.size(1) != features)
            throw new IllegalArgumentException(describe() + ": input must be [N, " + features + ", H, W], got " + Shape.str(x.shape()));
        int h = x.size(2), w = x.size(3);
        // NOTE: over a single value the output would be 0 whatever the input, silently; PyTorch refuses it too.
        if (h * w < 2)
            throw new IllegalArgumentException(describe() + ": needs more than one spatial value per channel, got " + Shape.str(x.shape()));
        Tensor y = LayerFunctions.layerNorm(x, new int[] {h, w}, null, null, eps); // per (n, c) over [H, W]
        if (!hasTensor("weight")) return y;
        return y.mul(tensor("weight").reshape(1, features, 1, 1)).add(tensor("bias").reshape(1, features, 1, 1)); // [C] -> [1, C, 1, 1]
    }

    @Override
    protected String describe() {
        return "InstanceNorm2d(" + features + ", eps=" + eps + ", affine=" + hasTensor("weight") + ")";
    }
}
