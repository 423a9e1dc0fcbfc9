package dev.jgan.nn;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.layers.BatchNorm;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import dev.jgan.nn.layers.Linear;
import java.util.Map;

/**
 * Weight initialisers that overwrite a tensor in place, as {@code torch.nn.init}, each drawing from an explicit
 * seeded generator. Fans follow PyTorch: for a weight [a, b, k...], fanIn = b prod(k) and fanOut = a prod(k)
 * (which for ConvTranspose2d's [in, out, kh, kw] layout swaps them, exactly as PyTorch does).
 */
public final class Init {
    private Init() {}

    /** How Kaiming initialisation preserves variance: of the activations (fan in) or of the gradients (fan out). */
    public enum FanMode { FAN_IN, FAN_OUT }

    /** Fills with N(mean, std^2). */
    public static Tensor normal(Tensor t, float mean, float std, Rng rng) {
        return write(t, Tensor.normal(rng, mean, std, t.shape()));
    }

    /** Fills with U[low, high). */
    public static Tensor uniform(Tensor t, float low, float high, Rng rng) {
        return write(t, Tensor.uniform(rng, low, high, t.shape()));
    }

    public static Tensor constant(Tensor t, float value) {
        return write(t, Tensor.full(value, t.shape()));
    }

    public static Tensor zeros(Tensor t) {
        return constant(t, 0f);
    }

    public static Tensor ones(Tensor t) {
        return constant(t, 1f);
    }

    /** Xavier/Glorot uniform: U[-b, b] with b = gain sqrt(6 / (fanIn + fanOut)) (Glorot and Bengio, 2010). */
    public static Tensor xavierUniform(Tensor t, float gain, Rng rng) {
        int[] f = fans(t);
        double bound = gain * Math.sqrt(6.0 / (f[0] + f[1]));
        return uniform(t, (float) -bound, (float) bound, rng);
    }

    /** Xavier/Glorot normal: N(0, gain^2 2 / (fanIn + fanOut)). */
    public static Tensor xavierNormal(Tensor t, float gain, Rng rng) {
        int[] f = fans(t);
        return normal(t, 0f, (float) (gain * Math.sqrt(2.0 / (f[0] + f[1]))), rng);
    }

    /**
     * Kaiming/He uniform (He et al., 2015): U[-b, b] with b = sqrt(3) gain / sqrt(fan); gain from
     * {@link #gain(String, float)} with the leaky-relu slope {@code a}.
     */
    public static Tensor kaimingUniform(Tensor t, float a, FanMode mode, String nonlinearity, Rng rng) {
        double std = gain(nonlinearity, a) / Math.sqrt(fan(t, mode));
        double bound = Math.sqrt(3.0) * std;
        return uniform(t, (float) -bound, (float) bound, rng);
    }

    /** Kaiming/He normal: N(0, gain^2 / fan). */
    public static Tensor kaimingNormal(Tensor t, float a, FanMode mode, String nonlinearity, Rng rng) {
        return normal(t, 0f, (float) (gain(nonlinearity, a) / Math.sqrt(fan(t, mode))), rng);
    }

    /**
     * A (semi-)orthogonal matrix scaled by {@code gain} (Saxe et al., 2013), with the tensor viewed as
     * [size(0), rest]: QR of a Gaussian matrix, signs fixed so that R has a positive diagonal (as PyTorch),
     * which makes Q uniformly distributed.
     */
    public static Tensor orthogonal(Tensor t, float gain, Rng rng) {
        if (t.dim() < 2) throw new IllegalArgumentException("orthogonal: needs at least 2 dimensions, got " + Shape.str(t.shape()));
        int rows = t.size(0), cols = t.numel() / rows;
        float[] g = Tensor.randn(rng, rows, cols).toArray();
        boolean transposed = rows < cols;
        int m = transposed ? cols : rows, n = transposed ? rows : cols; // factor an m x n matrix with m >= n
        double[][] col = new double[n][m];                              // columns of the matrix to factor
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) {
                if (transposed) col[i][j] = g[i * cols + j];
                else col[j][i] = g[i * cols + j];
            }
        // Modified Gram-Schmidt, run twice per column: once is not orthogonal to float precision when columns
        // are nearly dependent. Dividing by the positive norm gives R a positive diagonal, PyTorch's sign convention.
        for (int j = 0; j < n; j++) {
            for (int pass = 0; pass < 2; pass++)
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < m; i++) dot += col[k][i] * col[j][i];
                    for (int i = 0; i < m; i++) col[j][i] -= dot * col[k][i];
                }
            double norm = 0;
            for (int i = 0; i < m; i++) norm += col[j][i] * col[j][i];
            norm = Math.sqrt(norm);
            for (int i = 0; i < m; i++) col[j][i] /= norm;
        }
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) out[i * cols + j] = (float) (gain * (transposed ? col[i][j] : col[j][i]));
        return write(t, Tensor.of(out, t.shape()));
    }

    /**
     * The DCGAN initialisation (Radford et al., 2015, and PyTorch's DCGAN example): conv and linear weights
     * N(0, 0.02), BatchNorm weights N(1, 0.02), every bias of those layers 0. Applied to every matching
     * descendant of {@code root}; returns root.
     */
    public static <M extends Module> M dcgan(M root, Rng rng) {
        for (Map.Entry<String, Module> e : root.namedModules().entrySet()) {
            Module m = e.getValue();
            if (m instanceof Conv2d || m instanceof ConvTranspose2d || m instanceof Linear) {
                normal(weightOf(m), 0f, 0.02f, rng);
                if (m.hasTensor("bias")) zeros(m.parameter("bias"));
            } else if (m instanceof BatchNorm && m.hasTensor("weight")) {
                normal(m.parameter("weight"), 1f, 0.02f, rng);
                zeros(m.parameter("bias"));
            }
        }
        return root;
    }

    /** The stored weight of a layer: {@code weight}, or {@code weight_orig} under spectral norm. */
    private static Tensor weightOf(Module m) {
        return m.parameter(m.hasTensor("weight_orig") ? "weight_orig" : "weight");
    }

    /** PyTorch's {@code calculate_gain}: linear, conv*, sigmoid 1; tanh 5/3; relu sqrt 2; leaky_relu sqrt(2/(1+a^2)); selu 3/4. */
    public static double gain(String nonlinearity, float a) {
        switch (nonlinearity) {
            case "linear": case "conv1d": case "conv2d": case "conv3d": case "conv_transpose2d": case "sigmoid": return 1.0;
            case "tanh": return 5.0 / 3.0;
            case "relu": return Math.sqrt(2.0);
            case "leaky_relu": return Math.sqrt(2.0 / (1.0 + (double) a * a));
            case "selu": return 0.75;
            default: throw new IllegalArgumentException("gain: unknown nonlinearity '" + nonlinearity + "'");
        }
    }

    /** {fanIn, fanOut} of a weight of rank 2 or more. */
    public static int[] fans(Tensor t) {
        int[] s = t.shape();
        if (s.length < 2) throw new IllegalArgumentException("fans: needs a tensor of rank 2 or more, got " + Shape.str(s));
        int receptive = 1;
        for (int i = 2; i < s.length; i++) receptive *= s[i];
        return new int[] {s[1] * receptive, s[0] * receptive};
    }

    private static int fan(Tensor t, FanMode mode) {
        int[] f = fans(t);
        int fan = mode == FanMode.FAN_IN ? f[0] : f[1];
        if (fan == 0) throw new IllegalArgumentException("kaiming: zero fan for tensor of shape " + Shape.str(t.shape()));
        return fan;
    }

    /** Copies {@code values} into t without recording (t may be a parameter). */
    private static Tensor write(Tensor t, Tensor values) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            t.copyInPlace(values);
        }
        return t;
    }
}
