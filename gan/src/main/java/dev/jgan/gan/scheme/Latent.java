package dev.jgan.gan.scheme;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import java.util.Arrays;

/**
 * The generator's input distribution p(z) and the generator that draws from it: z ~ N(0, I) (the default of
 * DCGAN, WGAN-GP and the Unrolled GAN) or U[-1, 1) (the DCGAN paper's), of a fixed per-sample shape such as
 * {@code [100]} or {@code [100, 1, 1]}. Its {@link Rng} belongs to it alone, so the noise sequence does not
 * depend on anything else that draws random numbers, and is part of a run's checkpoint.
 */
public final class Latent {
    /** The shape of p(z). */
    public enum Distribution { NORMAL, UNIFORM }

    private final Distribution distribution;
    private final int[] shape;
    private final Rng rng;

    public Latent(Distribution distribution, Rng rng, int... shape) {
        if (distribution == null || rng == null) throw new IllegalArgumentException("Latent: distribution and rng must be given");
        if (shape.length == 0 || Arrays.stream(shape).anyMatch(s -> s < 1))
            throw new IllegalArgumentException("Latent: the per-sample shape needs at least one dimension, all >= 1, got " + Shape.str(shape));
        this.distribution = distribution;
        this.shape = shape.clone();
        this.rng = rng;
    }

    /** z ~ N(0, I) of the given per-sample shape. */
    public static Latent normal(Rng rng, int... shape) {
        return new Latent(Distribution.NORMAL, rng, shape);
    }

    /** z ~ U[-1, 1) of the given per-sample shape. */
    public static Latent uniform(Rng rng, int... shape) {
        return new Latent(Distribution.UNIFORM, rng, shape);
    }

    /** A batch [n, shape...]. */
    public Tensor sample(int n) {
        if (n < 1) throw new IllegalArgumentException("Latent.sample: batch size must be >= 1, got " + n);
        int[] full = new int[shape.length + 1];
        full[0] = n;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return distribution == Distribution.NORMAL ? Tensor.randn(rng, full) : Tensor.uniform(rng, -1f, 1f, full);
    }

    /**
     * Class labels for a conditional generator's batch of {@code n}: uniform on [0, numClasses), drawn from this
     * latent's generator (after the batch's noise), as StudioGAN samples its fake labels.
     */
    public int[] sampleLabels(int n, int numClasses) {
        if (n < 1 || numClasses < 1)
            throw new IllegalArgumentException("Latent.sampleLabels: batch size and numClasses must be >= 1, got " + n + " and " + numClasses);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = rng.nextInt(numClasses);
        return labels;
    }

    public Distribution distribution() {
        return distribution;
    }

    /** The per-sample shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The generator the noise is drawn from (its state is part of a run checkpoint). */
    public Rng rng() {
        return rng;
    }
}
