package dev.jgan.nn.layers;

import dev.jgan.autodiff.Conv;
import dev.jgan.autodiff.ConvParams;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Init;
import dev.jgan.nn.Module;

/**
 * Transposed 2-D convolution (the adjoint of Conv2d in its input), as {@code torch.nn.ConvTranspose2d}:
 * weight [in, out/groups, k, k], bias [out]; output size (H - 1) stride - 2 padding + k + outputPadding.
 * Initialised as PyTorch does, whose fan-in for this layout is out/groups k^2.
 */
public final class ConvTranspose2d extends Module {
    private final int in;
    private final int out;
    private final int kernel;
    private final int outputPadding;
    private final ConvParams params;

    /** As the constructor with an Rng, drawing from {@link Rng#defaultGenerator()} (explicit generators are preferred for reproducible runs). */
    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding) {
        this(in, out, kernel, stride, padding, 0, 1, true, Rng.defaultGenerator());
    }

    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding, Rng rng) {
        this(in, out, kernel, stride, padding, 0, 1, true, rng);
    }

    /** Draws from {@link Rng#defaultGenerator()}. */
    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding, boolean bias) {
        this(in, out, kernel, stride, padding, 0, 1, bias, Rng.defaultGenerator());
    }

    /** Without output padding or groups (PyTorch's defaults); {@code bias = false} as in DCGAN's generator. */
    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding, boolean bias, Rng rng) {
        this(in, out, kernel, stride, padding, 0, 1, bias, rng);
    }

    /** Draws from {@link Rng#defaultGenerator()}. */
    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding, int outputPadding, int groups, boolean bias) {
        this(in, out, kernel, stride, padding, outputPadding, groups, bias, Rng.defaultGenerator());
    }

    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding, int outputPadding, int groups, boolean bias, Rng rng) {
        if (in <= 0 || out <= 0 || kernel <= 0 || groups <= 0 || in % groups != 0 || out % groups != 0)
            throw new IllegalArgumentException("ConvTranspose2d: invalid in=" + in + " out=" + out + " kernel=" + kernel + " groups=" + groups);
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.outputPadding = outputPadding;
        this.params = ConvParams.of(stride, padding, 1, groups);
        registerParameter("weight", Init.kaimingUniform(Tensor.zeros(in, out / groups, kernel, kernel), (float) Math.sqrt(5),
                Init.FanMode.FAN_IN, "leaky_relu", rng));
        float bound = (float) (1.0 / Math.sqrt((double) out / groups * kernel * kernel));
        if (bias) registerParameter("bias", Tensor.uniform(rng, -bound, bound, out));
    }

    @Override
    public Tensor forward(Tensor x) {
        return Conv.convTranspose2d(x, tensor("weight"), hasTensor("bias") ? tensor("bias") : null, params, outputPadding, outputPadding);
    }

    @Override
    protected String describe() {
        return "ConvTranspose2d(in=" + in + ", out=" + out + ", kernel=" + kernel + ", " + params + ", outputPadding=" + outputPadding + ")";
    }
}
