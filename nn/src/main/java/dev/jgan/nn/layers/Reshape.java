package dev.jgan.nn.layers;

import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import java.util.Arrays;

/**
 * Reshapes each sample, keeping the batch axis: [N, ...] -> [N, shape...] (one size may be -1). The
 * step of a generator that turns a projected latent vector into a [N, C, 4, 4] image, as
 * {@code x.view(-1, C, 4, 4)} in PyTorch.
 */
public final class Reshape extends Module {
    private final int[] shape;

    public Reshape(int... shape) {
        this.shape = shape.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] full = new int[shape.length + 1];
        full[0] = x.size(0);
        System.arraycopy(shape, 0, full, 1, shape.length);
        return x.reshape(full);
    }

    @Override
    protected String describe() {
        return "Reshape(" + Arrays.toString(shape) + ")";
    }
}
