package dev.jgan.gan.eval;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.ToyDistribution;
import java.util.Arrays;

/**
 * Mode coverage of generated 2-D samples, as in VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et al.
 * 2018): a sample is of high quality when it lies within {@code stds} (3) standard deviations of its nearest
 * mode (distance {@code <= stds * std}, ties to the lower mode index); a mode is covered when at least
 * {@code minSamples} (1) of the evaluated samples are high-quality samples of it. The papers evaluate
 * {@value #DEFAULT_SAMPLES} samples.
 *
 * <p>Also reported: the share of high-quality samples, the high-quality samples per mode, and PacGAN's
 * reverse KL divergence of their mode histogram from uniform, {@code sum_i p_i log(p_i M)} with p_i the share
 * of high-quality samples at mode i, M the number of modes and {@code 0 log 0 = 0}: 0 when the high-quality
 * samples spread evenly over all modes, {@code log M} when they all sit at one mode. With no high-quality
 * sample at all the histogram is undefined and so is the divergence: {@link #reverseKl()} is NaN.
 *
 * <p>A sample with a NaN or infinite coordinate (a diverged generator) counts as a sample, never as a
 * high-quality one.
 */
public final class ModeCoverage {
    /** The number of generated samples VEEGAN and PacGAN evaluate. */
    public static final int DEFAULT_SAMPLES = 2500;
    /** High quality: within this many standard deviations of the nearest mode. */
    public static final float DEFAULT_STDS = 3f;

    private final int samples;
    private final int highQuality;
    private final int[] perMode;
    private final int modesCovered;
    private final double reverseKl;

    private ModeCoverage(int samples, int highQuality, int[] perMode, int modesCovered, double reverseKl) {
        this.samples = samples;
        this.highQuality = highQuality;
        this.perMode = perMode;
        this.modesCovered = modesCovered;
        this.reverseKl = reverseKl;
    }

    /** Coverage of {@code points} [n, 2] of {@code distribution}'s modes, with its std, 3 stds and 1 sample per mode. */
    public static ModeCoverage of(Tensor points, ToyDistribution distribution) {
        float[][] modes = distribution.modes();
        if (modes.length == 0) throw new IllegalArgumentException("ModeCoverage: " + distribution.name() + " has no modes to cover");
        return of(points, modes, distribution.std(), DEFAULT_STDS, 1);
    }

    /**
     * Coverage of {@code points} [n, 2] (n >= 1) of the given modes ({x, y} each): high quality within
     * {@code stds * std} of the nearest mode, covered with at least {@code minSamples} high-quality samples.
     */
    public static ModeCoverage of(Tensor points, float[][] modes, float std, float stds, int minSamples) {
        if (points.dim() != 2 || points.size(1) != 2 || points.size(0) == 0)
            throw new IllegalArgumentException("ModeCoverage: points must be [n, 2] with n >= 1, got " + Shape.str(points.shape()));
        if (modes.length == 0) throw new IllegalArgumentException("ModeCoverage: no modes given");
        for (int m = 0; m < modes.length; m++)
            if (modes[m] == null || modes[m].length != 2 || !Float.isFinite(modes[m][0]) || !Float.isFinite(modes[m][1]))
                throw new IllegalArgumentException("ModeCoverage: mode " + m + " must be a finite {x, y} pair, got " + Arrays.toString(modes[m]));
        if (!(std > 0) || !Float.isFinite(std)) throw new IllegalArgumentException("ModeCoverage: std must be finite and > 0, got " + std);
        if (!(stds > 0) || !Float.isFinite(stds)) throw new IllegalArgumentException("ModeCoverage: stds must be finite and > 0, got " + stds);
        if (minSamples < 1) throw new IllegalArgumentException("ModeCoverage: minSamples must be >= 1, got " + minSamples);

        float[] p = points.toArray();
        int n = points.size(0);
        double limit = (double) stds * std;
        double limit2 = limit * limit;
        int[] perMode = new int[modes.length];
        int highQuality = 0;
        for (int i = 0; i < n; i++) {
            double x = p[2 * i], y = p[2 * i + 1];
            int nearest = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int m = 0; m < modes.length; m++) {
                double dx = x - modes[m][0], dy = y - modes[m][1];
                double d2 = dx * dx + dy * dy;
                if (d2 < best) { // strict: ties go to the lower index; NaN never compares, so a NaN sample finds no mode
                    best = d2;
                    nearest = m;
                }
            }
            if (nearest >= 0 && best <= limit2) {
                perMode[nearest]++;
                highQuality++;
            }
        }
        int covered = 0;
        for (int c : perMode) if (c >= minSamples) covered++;
        return new ModeCoverage(n, highQuality, perMode, covered, reverseKl(perMode, highQuality));
    }

    /** sum_i p_i log(p_i M) over the modes with p_i > 0; NaN when there is no high-quality sample. */
    private static double reverseKl(int[] perMode, int highQuality) {
        if (highQuality == 0) return Double.NaN;
        double kl = 0;
        for (int c : perMode) {
            if (c == 0) continue; // 0 log 0 = 0
            double pi = (double) c / highQuality;
            kl += pi * Math.log(pi * perMode.length);
        }
        return kl;
    }

    /** The number of modes. */
    public int modes() {
        return perMode.length;
    }

    /** Modes with at least {@code minSamples} high-quality samples. */
    public int modesCovered() {
        return modesCovered;
    }

    /** The number of samples evaluated. */
    public int samples() {
        return samples;
    }

    /** The number of high-quality samples. */
    public int highQuality() {
        return highQuality;
    }

    /** High-quality samples / samples. */
    public double highQualityShare() {
        return (double) highQuality / samples;
    }

    /** High-quality samples per mode (a copy). */
    public int[] perMode() {
        return perMode.clone();
    }

    /** PacGAN's reverse KL of the high-quality mode histogram from uniform; NaN without high-quality samples. */
    public double reverseKl() {
        return reverseKl;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d/%d modes, %d of %d samples high quality (%.1f%%), reverse KL %.4f",
                modesCovered, perMode.length, highQuality, samples, 100 * highQualityShare(), reverseKl);
    }
}
