package dev.jgan.nn.layers;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Init;
import dev.jgan.nn.LayerFunctions;
import dev.jgan.nn.Module;

/**
 * {@code y = x W^T + b}: x [..., in] -> y [..., out], with PyTorch's layout and default initialisation:
 * weight [out, in] and bias [out], both U(-1/sqrt(in), 1/sqrt(in)).
 */
public final class Linear extends Module {
    private final int in;
    private final int out;

    /** As the constructor with an Rng, drawing from {@link Rng#defaultGenerator()} (explicit generators are preferred for reproducible runs). */
    public Linear(int in, int out) {
        this(in, out, true, Rng.defaultGenerator());
    }

    /** Draws from {@link Rng#defaultGenerator()}. */
    public Linear(int in, int out, boolean bias) {
        this(in, out, bias, Rng.defaultGenerator());
    }

    public Linear(int in, int out, Rng rng) {
        this(in, out, true, rng);
    }

    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: sizes must be positive, got in=" + in + " out=" + out);
        this.in = in;
        this.out = out;
        // kaiming_uniform(a = sqrt 5), PyTorch's default: the bound comes out as 1/sqrt(fanIn).
        registerParameter("weight", Init.kaimingUniform(Tensor.zeros(out, in), (float) Math.sqrt(5), Init.FanMode.FAN_IN, "leaky_relu", rng));
        float bound = (float) (1.0 / Math.sqrt(in));
        if (bias) registerParameter("bias", Tensor.uniform(rng, -bound, bound, out));
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() == 0 || x.size(-1) != in)
            throw new IllegalArgumentException(describe() + ": input " + Shape.str(x.shape()) + " must end in size " + in);
        return LayerFunctions.linear(x, tensor("weight"), hasTensor("bias") ? tensor("bias") : null);
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    @Override
    protected String describe() {
        return "Linear(in=" + in + ", out=" + out + ", bias=" + hasTensor("bias") + ")";
    }
}
