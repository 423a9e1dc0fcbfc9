package dev.jgan.nn.layers;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.DType;
import dev.jgan.nn.Module;

/**
 * In training, {@code y = x + sigma eps} with eps ~ N(0, I) of x's shape, a fresh draw per forward; the identity in
 * evaluation (sampling draws nothing). Noise on the layers of a generator: ganhacks 13 ("How to train a GAN", NIPS
 * 2016 workshop: "adding gaussian noise to every layer of generator", after Zhao et al. 2017, "Energy-based Generative
 * Adversarial Network"), annealed by {@code Tricks.generatorLayerNoise} in the gan module through {@link #setSigma}.
 *
 * <p>The noise is a constant added to x, so the gradient passes through unchanged, {@code dx = g}, to every order.
 * Where sigma is 0 nothing is drawn and x itself is returned.
 *
 * <p>The randomness is checkpointable as {@link Dropout}'s ({@code ForwardRng}): a seed drawn once from the generator
 * given at construction and the number of forwards that drew noise are persistent buffers, and the noise of forward k
 * comes from a generator seeded by (seed, k) alone: {@code eps_i} is its i-th {@code nextGaussian()}, in x's row-major
 * order. sigma is a persistent buffer too, because a schedule changes it during training: a state dict carries the
 * sigma the network ran with. Buffers: {@code seed} [4] I64, {@code forwards} [2] I64 (see {@code ForwardRng}),
 * {@code sigma} [1].
 */
public final class GaussianNoise extends Module {

    /** As the constructor with an Rng, drawing the seed from {@link Rng#defaultGenerator()} (explicit generators are preferred for reproducible runs). */
    public GaussianNoise(float sigma) {
        this(sigma, Rng.defaultGenerator());
    }

    /** Noise of standard deviation {@code sigma} (>= 0 and finite; 0 for none until {@link #setSigma}); draws its seed from {@code rng}. */
    public GaussianNoise(float sigma, Rng rng) {
        checkSigma(sigma);
        registerBuffer("seed", ForwardRng.seedBuffer(rng), true, DType.I64);
        registerBuffer("forwards", ForwardRng.countBuffer(), true, DType.I64);
        registerBuffer("sigma", Tensor.of(new float[] {sigma}, 1), true);
    }

    @Override
    public Tensor forward(Tensor x) {
        float sigma = sigma();
        if (!isTraining() || sigma == 0f) return x;
        Rng rng = ForwardRng.next(tensor("seed"), tensor("forwards"));
        // NOTE: the noise does not require grad, so the add's backward hands g to x alone, and its own backward (the
        // identity) differentiates again: no rule of this layer's own is needed for any order.
        return x.add(Tensor.randn(rng, x.shape()).mul(sigma)); // x + sigma eps, shape of x
    }

    /** The current standard deviation. */
    public float sigma() {
        return tensor("sigma").item();
    }

    /** Sets the standard deviation for the forwards that follow: >= 0 and finite (0 draws nothing). Returns this. */
    public GaussianNoise setSigma(float sigma) {
        checkSigma(sigma);
        try (GradMode.Scope s = GradMode.noGrad()) {
            tensor("sigma").copyInPlace(Tensor.of(new float[] {sigma}, 1));
        }
        return this;
    }

    private static void checkSigma(float sigma) {
        if (!(sigma >= 0f) || !Float.isFinite(sigma))
            throw new IllegalArgumentException("GaussianNoise: sigma must be >= 0 and finite, got sigma=" + sigma);
    }

    @Override
    protected String describe() {
        // before the constructor registers sigma (an error naming this module) there is none to show
        return hasTensor("sigma") ? "GaussianNoise(sigma=" + sigma() + ")" : "GaussianNoise";
    }
}
