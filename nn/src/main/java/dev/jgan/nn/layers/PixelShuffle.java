package dev.jgan.nn.layers;

import dev.jgan.autodiff.Pooling;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;

/** [N, C r^2, H, W] -> [N, C, H r, W r] (Shi et al., 2016), as {@code torch.nn.PixelShuffle}. */
public final class PixelShuffle extends Module {
    private final int factor;

    public PixelShuffle(int factor) {
        this.factor = factor;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.pixelShuffle(x, factor);
    }

    @Override
    protected String describe() {
        return "PixelShuffle(" + factor + ")";
    }
}
