package dev.jgan.nn.layers;

import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;

/** 1 / (1 + e^-x). */
public final class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
