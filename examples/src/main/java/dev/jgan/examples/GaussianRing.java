package dev.jgan.examples;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;

/**
 * The 8-Gaussians toy distribution of the Unrolled GAN paper (Metz et al., 2017): a mixture of
 * {@code modes} Gaussians with standard deviation {@code std} centred on a circle of radius {@code radius},
 * and the two numbers it is judged by: how many modes the generator covers and what share of its samples
 * are of high quality (within 3 standard deviations of a centre).
 */
public record GaussianRing(int modes, float radius, float std) {

    public GaussianRing {
        if (modes <= 0 || !(radius > 0) || !(std > 0))
            throw new IllegalArgumentException("GaussianRing: need modes > 0, radius > 0, std > 0; got " + modes + ", " + radius + ", " + std);
    }

    /** The configuration of the paper and of the PyTorch reference workload: 8 modes, radius 2, std 0.02. */
    public static GaussianRing standard() {
        return new GaussianRing(8, 2f, 0.02f);
    }

    public float centreX(int mode) {
        return (float) (radius * Math.cos(2 * Math.PI * mode / modes));
    }

    public float centreY(int mode) {
        return (float) (radius * Math.sin(2 * Math.PI * mode / modes));
    }

    /** n samples [n, 2]: a uniformly chosen mode plus Gaussian noise. */
    public Tensor sample(Rng rng, int n) {
        float[] d = new float[2 * n];
        for (int i = 0; i < n; i++) {
            int m = rng.nextInt(modes);
            d[2 * i] = centreX(m) + std * rng.nextGaussian();
            d[2 * i + 1] = centreY(m) + std * rng.nextGaussian();
        }
        return Tensor.of(d, n, 2);
    }

    /**
     * Mode coverage of generated points [n, 2]: a point is high quality when it lies within 3 std of its nearest
     * centre; a mode is covered when it holds at least {@code minShare} of the expected n / modes high-quality points.
     */
    public Coverage coverage(Tensor points, double minShare) {
        if (points.dim() != 2 || points.size(1) != 2)
            throw new IllegalArgumentException("coverage: points must be [n, 2], got " + java.util.Arrays.toString(points.shape()));
        int n = points.size(0);
        float[] p = points.toArray();
        int[] perMode = new int[modes];
        int good = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestD = Double.MAX_VALUE;
            for (int m = 0; m < modes; m++) {
                double dx = p[2 * i] - centreX(m), dy = p[2 * i + 1] - centreY(m);
                double d2 = dx * dx + dy * dy;
                if (d2 < bestD) {
                    bestD = d2;
                    best = m;
                }
            }
            if (Math.sqrt(bestD) <= 3 * std) {
                good++;
                perMode[best]++;
            }
        }
        int covered = 0;
        for (int c : perMode) if (c >= minShare * n / modes) covered++;
        return new Coverage(covered, n == 0 ? 0 : (double) good / n, perMode);
    }

    /** Modes covered, the share of high-quality points, and high-quality points per mode. */
    public record Coverage(int modesCovered, double highQualityShare, int[] perMode) {}
}
