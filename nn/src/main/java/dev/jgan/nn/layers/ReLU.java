package dev.jgan.nn.layers;

import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;

/** max(x, 0). */
public final class ReLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
