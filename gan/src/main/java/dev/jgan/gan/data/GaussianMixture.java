package dev.jgan.gan.data;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;

/**
 * An equal-weight mixture of isotropic 2-D Gaussians with one standard deviation: the 8 Gaussians on a ring
 * (Metz et al. 2017, "Unrolled Generative Adversarial Networks", section 3.1) and the 25 Gaussians on a grid
 * (Srivastava et al. 2017, VEEGAN; Lin et al. 2018, PacGAN).
 *
 * <p>Each sample draws its mode with {@code rng.nextInt(modes)}, then its x and y noise with two
 * {@code rng.nextGaussian()}, in that order.
 */
public final class GaussianMixture implements ToyDistribution {
    private final String name;
    private final float[][] centres;
    private final float std;

    private GaussianMixture(String name, float[][] centres, float std) {
        this.name = name;
        this.centres = centres;
        this.std = std;
    }

    /** The ring of the Unrolled GAN paper: 8 modes on a circle of radius 2, std 0.02. */
    public static GaussianMixture ring8() {
        return ring(8, 2f, 0.02f);
    }

    /**
     * {@code modes} Gaussians centred at angles {@code 2 pi k / modes}, k = 0..modes-1, on a circle of radius
     * {@code radius} around the origin. Named {@code "ring" + modes}.
     */
    public static GaussianMixture ring(int modes, float radius, float std) {
        if (modes < 1) throw new IllegalArgumentException("GaussianMixture.ring: modes must be >= 1, got " + modes);
        if (!(radius > 0) || !Float.isFinite(radius))
            throw new IllegalArgumentException("GaussianMixture.ring: radius must be finite and > 0, got " + radius);
        checkStd("ring", std);
        float[][] c = new float[modes][];
        for (int k = 0; k < modes; k++) {
            double angle = 2 * Math.PI * k / modes; // StrictMath: the same centres on every JVM
            c[k] = new float[] {(float) (radius * StrictMath.cos(angle)), (float) (radius * StrictMath.sin(angle))};
        }
        return new GaussianMixture("ring" + modes, c, std);
    }

    /** The grid of VEEGAN and PacGAN: 25 modes at {-4, -2, 0, 2, 4}^2, std 0.05. */
    public static GaussianMixture grid25() {
        return grid(5, 2f, 0.05f);
    }

    /**
     * {@code side * side} Gaussians on a square grid centred on the origin, neighbours {@code spacing} apart:
     * coordinates {@code (i - (side - 1) / 2) * spacing}. Modes in the order x-major, then y (mode
     * {@code i * side + j} sits at x_i, y_j). Named {@code "grid" + side * side}.
     */
    public static GaussianMixture grid(int side, float spacing, float std) {
        if (side < 1 || side > 1000) throw new IllegalArgumentException("GaussianMixture.grid: side must be in 1..1000, got " + side);
        if (!(spacing > 0) || !Float.isFinite(spacing))
            throw new IllegalArgumentException("GaussianMixture.grid: spacing must be finite and > 0, got " + spacing);
        checkStd("grid", std);
        float[][] c = new float[side * side][];
        for (int i = 0; i < side; i++)
            for (int j = 0; j < side; j++)
                c[i * side + j] = new float[] {(i - (side - 1) / 2f) * spacing, (j - (side - 1) / 2f) * spacing};
        return new GaussianMixture("grid" + side * side, c, std);
    }

    private static void checkStd(String who, float std) {
        if (!(std > 0) || !Float.isFinite(std))
            throw new IllegalArgumentException("GaussianMixture." + who + ": std must be finite and > 0, got " + std);
    }

    @Override
    public Tensor sample(Rng rng, int n) {
        return sample(rng, n, null);
    }

    /**
     * As {@link #sample(Rng, int)} (the same draws, so the same samples), also writing each sample's mode index into
     * {@code modes} (length n) when it is not null: the class labels of a conditional GAN on this mixture.
     */
    public Tensor sample(Rng rng, int n, int[] modes) {
        if (n < 0) throw new IllegalArgumentException(name + ".sample: n must be >= 0, got " + n);
        if (modes != null && modes.length != n)
            throw new IllegalArgumentException(name + ".sample: modes must have one entry per sample, n = " + n + ", got " + modes.length);
        float[] xy = new float[2 * n];
        for (int i = 0; i < n; i++) {
            int k = rng.nextInt(centres.length);
            if (modes != null) modes[i] = k;
            float[] c = centres[k];
            xy[2 * i] = c[0] + std * rng.nextGaussian();
            xy[2 * i + 1] = c[1] + std * rng.nextGaussian();
        }
        return Tensor.of(xy, n, 2);
    }

    @Override
    public float[][] modes() {
        float[][] copy = new float[centres.length][];
        for (int k = 0; k < centres.length; k++) copy[k] = centres[k].clone();
        return copy;
    }

    @Override
    public float std() {
        return std;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name + " (" + centres.length + " Gaussians, std " + std + ")";
    }
}
