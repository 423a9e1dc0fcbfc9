package dev.jgan.nn.layers;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.DType;
import dev.jgan.nn.Module;

/**
 * In training, zeroes each element with probability p and scales the rest by 1/(1-p) (inverted dropout,
 * as PyTorch); the identity in evaluation. {@link #alwaysOn} makes one that drops in evaluation too: the noise of
 * pix2pix's generator (Isola et al. 2017, "Image-to-Image Translation with Conditional Adversarial Networks",
 * section "Objective": "we provide noise only in the form of dropout, applied on several layers of our generator at both
 * training and test time"; "How to train a GAN", NIPS 2016 workshop, trick 17).
 *
 * <p>The randomness is checkpointable ({@code ForwardRng}, shared with {@link GaussianNoise}): a seed drawn once from
 * the generator given at construction and the number of forwards that drew a mask so far are persistent buffers, and
 * the mask of forward k comes from a generator seeded by (seed, k) alone. Saving and loading the state dict (or an
 * optimizer snapshot that includes this module) therefore resumes the very same mask sequence. Buffers (I64 in
 * checkpoints): {@code seed} [4], the 64-bit seed as four 16-bit parts, and {@code forwards} [2], the count as high
 * and low 24-bit parts, each part exact in float32. An always-on dropout counts its evaluation forwards too (each
 * draws a mask), so sampling from a generator that holds one moves the mask sequence of the training forwards that
 * follow, as it must to give new noise per call; the count is in the state dict, so a resumed run stays bitwise.
 */
public final class Dropout extends Module {
    private final float p;
    private final boolean alwaysOn;

    /** As the constructor with an Rng, drawing from {@link Rng#defaultGenerator()} (explicit generators are preferred for reproducible runs). */
    public Dropout(float p) {
        this(p, Rng.defaultGenerator());
    }

    public Dropout(float p, Rng rng) {
        this(p, rng, false);
    }

    /**
     * A dropout that also drops in evaluation mode (pix2pix's generator noise): every forward, in training or
     * evaluation, draws the next mask of the sequence.
     */
    public static Dropout alwaysOn(float p, Rng rng) {
        return new Dropout(p, rng, true);
    }

    private Dropout(float p, Rng rng, boolean alwaysOn) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1], got " + p);
        this.p = p;
        this.alwaysOn = alwaysOn;
        registerBuffer("seed", ForwardRng.seedBuffer(rng), true, DType.I64);
        registerBuffer("forwards", ForwardRng.countBuffer(), true, DType.I64);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!(isTraining() || alwaysOn) || p == 0f) return x;
        Rng rng = ForwardRng.next(tensor("seed"), tensor("forwards"));
        if (p == 1f) return x.mul(0f);
        float[] mask = new float[x.numel()];
        float scale = 1f / (1f - p);
        for (int i = 0; i < mask.length; i++) mask[i] = rng.nextFloat() < p ? 0f : scale;
        return x.mul(Tensor.of(mask, x.shape()));
    }

    /** Whether this dropout drops in evaluation mode too ({@link #alwaysOn}). */
    public boolean isAlwaysOn() {
        return alwaysOn;
    }

    @Override
    protected String describe() {
        return "Dropout(p=" + p + (alwaysOn ? ", always on" : "") + ")";
    }
}
