package dev.jgan.nn;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.autodiff.kernels.KernelProvider;
import dev.jgan.autodiff.kernels.Kernels;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import dev.jgan.nn.layers.Embedding;
import dev.jgan.nn.layers.Linear;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spectral normalisation of a layer's weight (Miyato et al., 2018), laid out as PyTorch's
 * {@code torch.nn.utils.spectral_norm}: the trained tensor becomes {@code weight_orig}, the persistent buffers
 * {@code weight_u} [rows] and {@code weight_v} [cols] hold the power-iteration vectors, and the layer's
 * {@code weight} is computed as {@code weight_orig / sigma} on every forward.
 *
 * <p>The weight is viewed as a matrix [rows, cols] with rows along dimension 0 (dimension 1 for
 * ConvTranspose2d, whose layout is [in, out, kh, kw]). In training each forward first runs n power
 * iterations without grad, updating u and v in place; evaluation leaves them untouched. Then
 * {@code sigma = u^T W v} is computed with differentiable ops in W, on copies of u and v, so that a loss
 * built from two forwards (D(real) - D(fake)) can still be differentiated after the second updated them.
 * Invariant after an update: {@code u = normalize(W v)}, {@code v = normalize(W^T u_previous)}.
 */
public final class SpectralNorm {
    private static final Kernels K = KernelProvider.get();

    private final String name;
    private final int dim;
    private final int iterations;
    private final float eps;

    private SpectralNorm(String name, int dim, int iterations, float eps) {
        this.name = name;
        this.dim = dim;
        this.iterations = iterations;
        this.eps = eps;
    }

    /** Applies spectral norm to {@code layer.weight} with one power iteration per forward and eps 1e-12, as PyTorch's defaults. */
    public static <M extends Module> M apply(M layer, Rng rng) {
        return apply(layer, "weight", 1, 1e-12f, rng);
    }

    /**
     * Power iterations run once when spectral norm is applied, as PyTorch's
     * {@code torch.nn.utils.parametrizations.spectral_norm} does ("start with u, v initialized to some reasonable
     * values"): from random vectors a single iteration per forward takes hundreds of forwards to bring sigma's
     * estimate near the largest singular value of a freshly initialised weight, whose top singular values lie close
     * together, and until then the normalised weight is larger than 1 in spectral norm.
     */
    static final int WARM_UP_ITERATIONS = 15;

    /**
     * Replaces parameter {@code name} of {@code layer} by its spectrally normalised version. u and v start as
     * normalised Gaussian vectors from {@code rng}, then take {@link #WARM_UP_ITERATIONS} power iterations on the
     * weight. Returns the layer.
     */
    public static <M extends Module> M apply(M layer, String name, int iterations, float eps, Rng rng) {
        if (iterations < 1) throw new IllegalArgumentException("SpectralNorm: iterations must be >= 1 (as PyTorch's n_power_iterations), got " + iterations);
        if (layer.hasTensor(name + "_orig"))
            throw new IllegalArgumentException("SpectralNorm: " + layer.describe() + " already has spectral norm on '" + name + "'");
        int dim = rowDim(layer);
        Tensor w = layer.removeParameter(name);
        if (w.dim() == 0) throw new IllegalArgumentException("SpectralNorm: weight '" + name + "' of " + layer.describe() + " is a scalar");
        SpectralNorm sn = new SpectralNorm(name, dim, iterations, eps);
        int rows = w.size(dim), cols = w.numel() / rows;
        layer.registerParameter(name + "_orig", w);
        Tensor u = normalize(Tensor.randn(rng, rows), eps), v = normalize(Tensor.randn(rng, cols), eps);
        try (GradMode.Scope s = GradMode.noGrad()) {
            K.powerIteration(asMatrix(w, dim).toArray(), 0, rows, cols, u.buffer(), v.buffer(), WARM_UP_ITERATIONS, eps);
        }
        u.markModified();
        v.markModified();
        layer.registerBuffer(name + "_u", u, true);
        layer.registerBuffer(name + "_v", v, true);
        layer.registerComputed(name, sn::weight);
        return layer;
    }

    /**
     * Applies spectral norm (one iteration per forward) to the weight of every Linear, Conv2d, ConvTranspose2d
     * and Embedding under {@code root}, as SNGAN's discriminator does; returns root.
     */
    public static <M extends Module> M applyToAll(M root, Rng rng) {
        List<Module> targets = new ArrayList<>();
        for (Module m : root.namedModules().values())
            if ((m instanceof Linear || m instanceof Conv2d || m instanceof ConvTranspose2d || m instanceof Embedding) && !m.hasTensor("weight_orig"))
                targets.add(m);
        for (Module m : targets) apply(m, rng);
        return root;
    }

    /**
     * The state-dict keys PyTorch's current {@code torch.nn.utils.parametrizations.spectral_norm} gives each
     * spectrally normalised tensor under {@code root}, mapped to the keys of this class (those of the legacy
     * {@code torch.nn.utils.spectral_norm}): {@code <layer>.parametrizations.weight.original} to
     * {@code <layer>.weight_orig}, {@code <layer>.parametrizations.weight.0._u} to {@code <layer>.weight_u} and
     * {@code ...0._v} to {@code weight_v}. Both forms hold the same tensors (the unnormalised weight, u [rows],
     * v [cols]) and compute {@code sigma = u^T W v} alike, so a file of either form loads.
     *
     * <p>NOTE: the parametrization's power iteration updates u before v, the legacy one (and this class) v before
     * u; a loaded state gives the same outputs in evaluation, and in training it continues from the same vectors
     * converging to the same singular pair, not bitwise PyTorch's next iterates.
     */
    public static Map<String, String> parametrizationKeys(Module root) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Map.Entry<String, Module> e : root.namedModules().entrySet()) {
            String prefix = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            Module m = e.getValue();
            for (String own : m.stateDict().keySet()) {
                if (own.contains(".") || !own.endsWith("_orig")) continue;
                String name = own.substring(0, own.length() - "_orig".length());
                if (!m.hasTensor(name) || !m.hasTensor(name + "_u") || !m.hasTensor(name + "_v")) continue;
                String p = prefix + "parametrizations." + name;
                keys.put(p + ".original", prefix + name + "_orig");
                keys.put(p + ".0._u", prefix + name + "_u");
                keys.put(p + ".0._v", prefix + name + "_v");
            }
        }
        return keys;
    }

    /**
     * The layer's current estimate of the largest singular value of its {@code weight_orig}: the sigma its
     * {@code weight} was last divided by, as long as the weight has not changed since that forward.
     */
    public static float sigma(Module layer) {
        return sigma(layer, "weight");
    }

    /** sigma = u^T W v from the layer's current u and v, without iterating (for monitoring and tests). */
    public static float sigma(Module layer, String name) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            Tensor w = layer.tensor(name + "_orig");
            return sigmaOf(asMatrix(w, rowDim(layer)), layer.tensor(name + "_u"), layer.tensor(name + "_v")).item();
        }
    }

    /** The normalised weight for this forward; the computed tensor behind the layer's {@code weight}. */
    private Tensor weight(Module layer) {
        Tensor w = layer.tensor(name + "_orig");
        Tensor u = layer.tensor(name + "_u"), v = layer.tensor(name + "_v");
        Tensor mat = asMatrix(w, dim);                                  // [rows, cols]
        if (layer.isTraining()) powerIterate(mat.detach().toArray(), mat.size(0), mat.size(1), u, v);
        Tensor sigma = sigmaOf(mat, u.copy(), v.copy());
        return w.div(sigma);
    }

    /** u^T (W v), differentiable in W. */
    private static Tensor sigmaOf(Tensor mat, Tensor u, Tensor v) {
        return u.mul(mat.matmul(v)).sum();
    }

    /** The weight dimension that becomes the matrix rows: the output channels, dimension 1 for ConvTranspose2d. */
    private static int rowDim(Module layer) {
        return layer instanceof ConvTranspose2d ? 1 : 0;
    }

    /** The weight as [size(dim), rest]; dim 1 is moved to the front first. */
    private static Tensor asMatrix(Tensor w, int dim) {
        if (dim == 0) return w.reshape(w.size(0), -1);
        int[] perm = new int[w.dim()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        perm[0] = dim;
        perm[dim] = 0;
        return w.permute(perm).reshape(w.size(dim), -1);             // [in, out, kh, kw] -> [out, in kh kw]
    }

    /** {@code iterations} rounds of v = normalize(W^T u), u = normalize(W v) on the kernel layer, writing u and v in place. */
    private void powerIterate(float[] w, int rows, int cols, Tensor uT, Tensor vT) {
        K.powerIteration(w, 0, rows, cols, uT.buffer(), vT.buffer(), iterations, eps);
        uT.markModified();
        vT.markModified();
    }

    private static Tensor normalize(Tensor x, float eps) {
        float norm = (float) Math.sqrt(x.square().sum().item());
        return x.div(Math.max(norm, eps));
    }
}
