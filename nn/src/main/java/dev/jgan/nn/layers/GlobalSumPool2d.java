package dev.jgan.nn.layers;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;

/**
 * Global sum pooling: x [N, C, H, W] -> [N, C], each channel summed over its positions. The SNGAN, SAGAN and BigGAN
 * discriminators end in it (chainer's {@code F.sum(h, axis=(2, 3))} in the SNGAN authors' code, {@code torch.sum(h, [2, 3])}
 * in BigGAN-PyTorch): a sum, not a mean, so the feature scale grows with the image area as it does there.
 */
public final class GlobalSumPool2d extends Module {
    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 4) throw new IllegalArgumentException(describe() + ": input must be 4-D (NCHW), got " + Shape.str(x.shape()));
        return x.sum(2, 3);
    }
}
