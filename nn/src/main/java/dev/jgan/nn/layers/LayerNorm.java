package dev.jgan.nn.layers;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.LayerFunctions;
import dev.jgan.nn.Module;
import java.util.Arrays;

/**
 * Layer normalisation (Ba et al., 2016) over the trailing {@code normalizedShape} dimensions, with the biased
 * variance and elementwise {@code weight} (ones) and {@code bias} (zeros) of that shape, as
 * {@code torch.nn.LayerNorm}. Works per sample, so it is the usual choice in a WGAN-GP critic.
 */
public final class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final float eps;

    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5f, true);
    }

    public LayerNorm(int[] normalizedShape, float eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0 || !(eps > 0)) throw new IllegalArgumentException("LayerNorm: need a non-empty shape and eps > 0");
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        if (elementwiseAffine) {
            registerParameter("weight", Tensor.ones(normalizedShape));
            registerParameter("bias", Tensor.zeros(normalizedShape));
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        int k = normalizedShape.length, r = x.dim();
        if (r < k || !Arrays.equals(Arrays.copyOfRange(x.shape(), r - k, r), normalizedShape))
            throw new IllegalArgumentException(describe() + ": input " + Shape.str(x.shape()) + " must end in " + Shape.str(normalizedShape));
        boolean affine = hasTensor("weight");
        return LayerFunctions.layerNorm(x, normalizedShape, affine ? tensor("weight") : null, affine ? tensor("bias") : null, eps);
    }

    @Override
    protected String describe() {
        return "LayerNorm(" + Shape.str(normalizedShape) + ", eps=" + eps + ")";
    }
}
