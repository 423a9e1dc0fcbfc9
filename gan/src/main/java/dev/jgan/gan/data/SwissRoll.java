package dev.jgan.gan.data;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;

/**
 * The swiss roll of the WGAN-GP toy experiments (Gulrajani et al. 2017, {@code gan_toy.py}): scikit-learn's
 * {@code make_swiss_roll(noise=0.25)} restricted to its x and z coordinates and divided by 7.5. A sample is
 * {@code t = 1.5 pi (1 + 2u)} with u ~ U[0, 1), then
 * {@code (t cos t + noise * e1, t sin t + noise * e2) / scale} with e1, e2 ~ N(0, 1): a spiral of 1.5 turns
 * reaching radius ~2.1. scikit-learn also draws the roll's height (y), which is dropped; here it is not drawn.
 *
 * <p>Each sample draws u with {@code rng.nextFloat()}, then e1 and e2 with two {@code rng.nextGaussian()}.
 * It has no modes; {@link #std()} is the noise in output units, {@code noise / scale}.
 */
public final class SwissRoll implements ToyDistribution {
    private final float noise;
    private final float scale;

    /** The WGAN-GP setting: noise 0.25, divided by 7.5. */
    public SwissRoll() {
        this(0.25f, 7.5f);
    }

    public SwissRoll(float noise, float scale) {
        if (!(noise >= 0) || !Float.isFinite(noise)) throw new IllegalArgumentException("SwissRoll: noise must be finite and >= 0, got " + noise);
        if (!(scale > 0) || !Float.isFinite(scale)) throw new IllegalArgumentException("SwissRoll: scale must be finite and > 0, got " + scale);
        this.noise = noise;
        this.scale = scale;
    }

    @Override
    public Tensor sample(Rng rng, int n) {
        if (n < 0) throw new IllegalArgumentException("swissroll.sample: n must be >= 0, got " + n);
        float[] xy = new float[2 * n];
        for (int i = 0; i < n; i++) {
            // StrictMath: bitwise the same samples on every JVM and CPU (Math.sin may be an intrinsic).
            double t = 1.5 * Math.PI * (1 + 2 * rng.nextFloat());
            double x = t * StrictMath.cos(t) + noise * rng.nextGaussian();
            double z = t * StrictMath.sin(t) + noise * rng.nextGaussian();
            xy[2 * i] = (float) (x / scale);
            xy[2 * i + 1] = (float) (z / scale);
        }
        return Tensor.of(xy, n, 2);
    }

    /** None: the swiss roll is a curve, not a set of modes. */
    @Override
    public float[][] modes() {
        return new float[0][];
    }

    @Override
    public float std() {
        return noise / scale;
    }

    @Override
    public String name() {
        return "swissroll";
    }

    public float noise() {
        return noise;
    }

    public float scale() {
        return scale;
    }

    @Override
    public String toString() {
        return "swissroll (noise " + noise + ", divided by " + scale + ")";
    }
}
