package dev.jgan.gan.scheme;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import java.util.Arrays;

/**
 * The generator's input distribution p(z) and the generator that draws from it: z ~ N(0, I) ({@link #normal}, the
 * default of DCGAN's PyTorch example, WGAN-GP and the Unrolled GAN) or U[-1, 1) ({@link #uniform}, the DCGAN
 * paper's), of a fixed per-sample shape such as {@code [100]} or {@code [100, 1, 1]}. "How to train a GAN" (NIPS
 * 2016 workshop, https://github.com/soumith/ganhacks, trick 3, "Use a spherical Z") advises the Gaussian: its mass
 * lies near a sphere, where a uniform cube has corners. Its {@link Rng} belongs to it alone, so the noise sequence
 * does not depend on anything else that draws random numbers, and is part of a run's checkpoint.
 *
 * <p>Tools for sampling from a trained G: {@link #slerp} and {@link #walk}, spherical interpolation between latents
 * for latent walks (White 2016, the workshop's trick 3), and {@link #sampleTruncated}, BigGAN's truncation trick
 * (Brock et al. 2019). None of them is used by the schemes, and only {@link #sampleTruncated} draws random numbers.
 */
public final class Latent {
    /** The shape of p(z). */
    public enum Distribution { NORMAL, UNIFORM }

    /**
     * Angles (radians) within this of 0 count as parallel, within this of pi as antiparallel. Near 0, slerp's
     * coefficients sin((1 - t) theta) / sin(theta) differ from lerp's 1 - t by a relative (1 - (1 - t)^2) theta^2 / 6,
     * below 2e-9 here, so lerp gives the same floats. Near pi the great circle is fixed by z1's part orthogonal to
     * z0, sin(pi - theta) |z1|; below 1e-4 |z1| that part is within a few thousand float roundings of noise.
     */
    private static final double DEGENERATE_ANGLE = 1e-4;
    /**
     * The smallest truncation threshold: a value is kept with probability {@code P(|z| <= t)}, about 0.8 t for small t, so
     * 0.001 already needs some 1,250 draws per value, and smaller thresholds would make sampling seem to hang.
     */
    public static final float MIN_TRUNCATION = 1e-3f;

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

    /** z ~ N(0, I) of the given per-sample shape: the workshop's "spherical Z". */
    public static Latent normal(Rng rng, int... shape) {
        return new Latent(Distribution.NORMAL, rng, shape);
    }

    /** z ~ U[-1, 1) of the given per-sample shape: each element uniform, as in the DCGAN paper (section 4). */
    public static Latent uniform(Rng rng, int... shape) {
        return new Latent(Distribution.UNIFORM, rng, shape);
    }

    /** A batch [n, shape...]. */
    public Tensor sample(int n) {
        if (n < 1) throw new IllegalArgumentException("Latent.sample: batch size must be >= 1, got " + n);
        int[] full = batchShape(n);
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

    /**
     * BigGAN's truncation trick (Brock et al. 2019, "Large Scale GAN Training for High Fidelity Natural Image
     * Synthesis", section 3.1; first used by Marchesi 2017): a batch [n, shape...] of z ~ N(0, I) in which every
     * value with |z| > threshold is drawn again until it lies within, so each value follows the standard normal
     * truncated to [-threshold, threshold]. Lower thresholds trade variety for fidelity; the trick is for sampling from a trained G, not for
     * training. The values come from this latent's generator, in order: the result is the sequence {@link #sample}
     * would draw with the values beyond the threshold left out, and an infinite threshold gives exactly
     * {@code sample(n)}. Sampling during a run moves the training noise too: use a latent of its own for that.
     *
     * @param threshold at least {@link #MIN_TRUNCATION}, or infinite
     * @throws IllegalArgumentException for a uniform latent (already bounded by 1), or a threshold below the minimum or NaN
     */
    public Tensor sampleTruncated(int n, float threshold) {
        if (distribution != Distribution.NORMAL)
            throw new IllegalArgumentException("Latent.sampleTruncated: the truncation trick resamples a normal latent; this latent is uniform on"
                    + " [-1, 1), already bounded (use a threshold on a Latent.normal)");
        if (!(threshold >= MIN_TRUNCATION))
            throw new IllegalArgumentException("Latent.sampleTruncated: threshold must be >= " + MIN_TRUNCATION + " (a value is kept with probability"
                    + " about 0.8 threshold, so smaller ones need over a thousand draws per value), got threshold=" + threshold);
        if (n < 1) throw new IllegalArgumentException("Latent.sampleTruncated: batch size must be >= 1, got " + n);
        float[] z = new float[Shape.numel("Latent.sampleTruncated", batchShape(n))];
        for (int i = 0; i < z.length; i++) {
            float v;
            do v = rng.nextGaussian(); while (Math.abs(v) > threshold); // |z| > threshold: resampled, as BigGAN
            z[i] = v;
        }
        return Tensor.of(z, batchShape(n));
    }

    /**
     * Spherical linear interpolation (White 2016, "Sampling Generative Networks", arXiv:1609.04468; the workshop's
     * trick 3: interpolate "via a great circle, rather than a straight line"):
     * <pre>
     *   slerp(z0, z1; t) = sin((1 - t) theta) / sin(theta) z0 + sin(t theta) / sin(theta) z1,   cos(theta) = z0 . z1 / (|z0| |z1|)
     * </pre>
     * A straight line between two Gaussian latents passes nearer the origin than G ever saw in training (the midpoint
     * of two independent N(0, I_d) draws has about 0.71 times their norm); the great circle keeps the norm of two
     * equal-norm endpoints all along. {@code z0} and {@code z1} are one latent of this latent's per-sample shape, or
     * batches [N, shape...] interpolated sample by sample. Computed in double (with {@code StrictMath}, so every JDK
     * gives the same floats) and not recorded for gradients.
     *
     * <p>Degenerate cases: t = 0 and t = 1 return exact copies of z0 and z1. Parallel endpoints (angle within 1e-4 of
     * 0) take the limit of the formula, the straight line (1 - t) z0 + t z1, as White's code does. Antiparallel
     * endpoints (within 1e-4 of pi) and a zero endpoint have no unique great circle and are refused (White's code
     * takes the straight line through 0 there, a latent G never sees).
     *
     * @param t in [0, 1]
     */
    public Tensor slerp(Tensor z0, Tensor z1, float t) {
        if (z0 == null || z1 == null) throw new IllegalArgumentException("Latent.slerp: z0 and z1 must be given");
        if (!(t >= 0f && t <= 1f)) throw new IllegalArgumentException("Latent.slerp: t must be in [0, 1], got t=" + t);
        int[] s0 = z0.shape();
        boolean single = Arrays.equals(s0, shape);
        boolean batch = s0.length == shape.length + 1 && Arrays.equals(Arrays.copyOfRange(s0, 1, s0.length), shape);
        if (!Arrays.equals(s0, z1.shape()) || !(single || batch))
            throw new IllegalArgumentException("Latent.slerp: z0 " + Shape.str(s0) + " and z1 " + Shape.str(z1.shape()) + " must both be one latent "
                    + Shape.str(shape) + " or the same batch [N, " + Shape.str(shape).substring(1));
        if (t == 0f) return Tensor.of(z0.toArray(), s0);
        if (t == 1f) return Tensor.of(z1.toArray(), s0);
        float[] a = z0.toArray(), b = z1.toArray(), out = new float[a.length];
        int per = Shape.numel(shape);
        for (int s = 0, o = 0; o < a.length; s++, o += per) {
            double dot = 0, na = 0, nb = 0;
            for (int i = o; i < o + per; i++) {
                dot += (double) a[i] * b[i];
                na += (double) a[i] * a[i];
                nb += (double) b[i] * b[i];
            }
            String which = single ? "" : " of sample " + s;
            if (na == 0 || nb == 0)
                throw new IllegalArgumentException("Latent.slerp: z" + (na == 0 ? 0 : 1) + which + " is zero, so it has no direction to turn from");
            double theta = StrictMath.acos(Math.max(-1.0, Math.min(1.0, dot / StrictMath.sqrt(na * nb)))); // clamped: rounding may step past +-1
            double ca, cb;
            if (theta < DEGENERATE_ANGLE) {             // parallel: the formula's limit, the straight line
                ca = 1.0 - t;
                cb = t;
            } else if (Math.PI - theta < DEGENERATE_ANGLE) {
                throw new IllegalArgumentException("Latent.slerp: z0 and z1" + which + " are antiparallel (angle " + theta
                        + " rad, within " + DEGENERATE_ANGLE + " of pi), so no unique great circle joins them");
            } else {
                double sin = StrictMath.sin(theta);
                ca = StrictMath.sin((1.0 - t) * theta) / sin;
                cb = StrictMath.sin(t * theta) / sin;
            }
            for (int i = o; i < o + per; i++) out[i] = (float) (ca * a[i] + cb * b[i]);
        }
        return Tensor.of(out, s0);
    }

    /**
     * A latent walk of {@code steps} steps along the great circle from {@code from} to {@code to} (each one latent,
     * of the per-sample shape or [1, shape...]): the batch [steps + 1, shape...] of {@link #slerp}(from, to, k / steps)
     * for k = 0..steps, whose first and last rows are exactly {@code from} and {@code to}; G maps it to a row of
     * images that morph from one sample into the other.
     */
    public Tensor walk(Tensor from, Tensor to, int steps) {
        if (steps < 1) throw new IllegalArgumentException("Latent.walk: steps must be >= 1, got steps=" + steps);
        Tensor a = one("from", from), b = one("to", to);
        int per = Shape.numel(shape);
        float[] out = new float[(steps + 1) * per];
        for (int k = 0; k <= steps; k++) System.arraycopy(slerp(a, b, (float) k / steps).toArray(), 0, out, k * per, per);
        return Tensor.of(out, batchShape(steps + 1));
    }

    /** {@code z} as one latent of the per-sample shape, accepting [1, shape...] too. */
    private Tensor one(String name, Tensor z) {
        if (z == null) throw new IllegalArgumentException("Latent.walk: " + name + " must be given");
        if (Arrays.equals(z.shape(), shape)) return z;
        if (Arrays.equals(z.shape(), batchShape(1))) return z.reshape(shape); // [1, shape...] -> [shape...]
        throw new IllegalArgumentException("Latent.walk: " + name + " must be one latent " + Shape.str(shape) + " or " + Shape.str(batchShape(1))
                + ", got " + Shape.str(z.shape()));
    }

    /** [n, shape...]. */
    private int[] batchShape(int n) {
        int[] full = new int[shape.length + 1];
        full[0] = n;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return full;
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
