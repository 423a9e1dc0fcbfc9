package dev.jgan.nn.layers;

import dev.jgan.autodiff.Conv;
import dev.jgan.autodiff.ConvParams;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Init;
import dev.jgan.nn.Module;

/**
 * 2-D convolution over NCHW input with a square kernel: weight [out, in/groups, k, k] and bias [out], as
 * {@code torch.nn.Conv2d}, initialised as PyTorch does (bounds 1/sqrt(in/groups k^2)).
 */
public final class Conv2d extends Module {
    private final int in;
    private final int out;
    private final int kernel;
    private final ConvParams params;

    /** As the constructor with an Rng, drawing from {@link Rng#defaultGenerator()} (explicit generators are preferred for reproducible runs). */
    public Conv2d(int in, int out, int kernel, int stride, int padding) {
        this(in, out, kernel, stride, padding, 1, 1, true, Rng.defaultGenerator());
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, Rng rng) {
        this(in, out, kernel, stride, padding, 1, 1, true, rng);
    }

    /** Draws from {@link Rng#defaultGenerator()}. */
    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias) {
        this(in, out, kernel, stride, padding, 1, 1, bias, Rng.defaultGenerator());
    }

    /** Without dilation or groups; {@code bias = false} as in DCGAN's layers. */
    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias, Rng rng) {
        this(in, out, kernel, stride, padding, 1, 1, bias, rng);
    }

    /** Draws from {@link Rng#defaultGenerator()}. */
    public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias) {
        this(in, out, kernel, stride, padding, dilation, groups, bias, Rng.defaultGenerator());
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias, Rng rng) {
        if (in <= 0 || out <= 0 || kernel <= 0 || groups <= 0 || in % groups != 0 || out % groups != 0)
            throw new IllegalArgumentException("Conv2d: invalid in=" + in + " out=" + out + " kernel=" + kernel + " groups=" + groups);
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.params = ConvParams.of(stride, padding, dilation, groups);
        registerParameter("weight", Init.kaimingUniform(Tensor.zeros(out, in / groups, kernel, kernel), (float) Math.sqrt(5),
                Init.FanMode.FAN_IN, "leaky_relu", rng));
        float bound = (float) (1.0 / Math.sqrt((double) in / groups * kernel * kernel));
        if (bias) registerParameter("bias", Tensor.uniform(rng, -bound, bound, out));
    }

    @Override
    public Tensor forward(Tensor x) {
        return Conv.conv2d(x, tensor("weight"), hasTensor("bias") ? tensor("bias") : null, params);
    }

    public ConvParams convParams() {
        return params;
    }

    @Override
    protected String describe() {
        return "Conv2d(in=" + in + ", out=" + out + ", kernel=" + kernel + ", " + params + ")";
    }
}
