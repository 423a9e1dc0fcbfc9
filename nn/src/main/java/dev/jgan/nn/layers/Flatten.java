package dev.jgan.nn.layers;

import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;

/** Flattens dimensions from {@code startDim} (default 1, keeping the batch) into one. */
public final class Flatten extends Module {
    private final int startDim;

    public Flatten() {
        this(1);
    }

    public Flatten(int startDim) {
        this.startDim = startDim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(startDim);
    }
}
