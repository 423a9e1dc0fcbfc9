package dev.jgan.nn.layers;

import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;

/** x for x > 0, slope x otherwise; PyTorch's default slope is 0.01, DCGAN's discriminator uses 0.2. */
public final class LeakyReLU extends Module {
    private final float slope;

    public LeakyReLU() {
        this(0.01f);
    }

    public LeakyReLU(float slope) {
        this.slope = slope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(slope);
    }

    @Override
    protected String describe() {
        return "LeakyReLU(" + slope + ")";
    }
}
