package dev.jgan.gan.tricks;

import dev.jgan.autodiff.Rng;
import java.util.Arrays;

/**
 * D's per-sample targets in a cross-entropy loss under the three label tricks, drawn once per D step:
 * <ul>
 *   <li>one-sided label smoothing (Salimans et al. 2016, "Improved Techniques for Training GANs", section 3.4): the
 *       target of a sample labelled real is alpha instead of 1; a sample labelled fake keeps 0;
 *   <li>random soft labels (ganhacks 6): the target of a sample labelled real is uniform on [realLow, realHigh], of one
 *       labelled fake uniform on [fakeLow, fakeHigh] (0.7-1.2 and 0-0.3 by default);
 *   <li>label flipping (ganhacks 6): each sample is labelled as the other class with probability p.
 * </ul>
 * Draw order at each D step, so that a seed gives one sequence: the flipping generator draws one uniform per sample,
 * the real batch's samples first, then the generated batch's (flipped when below p); then the soft-label generator
 * draws one uniform per sample in the same order, mapped into the range of the sample's label after flipping. A
 * sample's target follows the label it ends up with: a flipped generated sample gets the real target (alpha, or a
 * draw from the real range), a flipped real sample the fake one.
 */
final class LabelTargets {
    /** One-sided smoothing's real target, or NaN when off. */
    float smoothing = Float.NaN;
    /** Soft labels' generator (null when off) and ranges. */
    Rng softRng;
    float realLow, realHigh, fakeLow, fakeHigh;
    /** Label flipping's generator (null when off) and probability. */
    Rng flipRng;
    float flipProbability;
    /** The targets of the last D step: one per real sample, one per generated sample (null before the first). */
    private float[] real, fake;

    boolean on() {
        return !Float.isNaN(smoothing) || softRng != null || flipRng != null;
    }

    /** Draws the targets of one D step on {@code nReal} real and {@code nFake} generated samples. */
    void draw(int nReal, int nFake) {
        boolean[] labelledReal = new boolean[nReal + nFake];
        for (int i = 0; i < labelledReal.length; i++) {
            boolean isReal = i < nReal;
            // flipped with probability p: u < p for u uniform on [0, 1)
            labelledReal[i] = flipRng != null && flipRng.nextFloat() < flipProbability ? !isReal : isReal;
        }
        float realTarget = Float.isNaN(smoothing) ? 1f : smoothing;
        float[] t = new float[labelledReal.length];
        for (int i = 0; i < t.length; i++) {
            if (softRng != null) {
                float u = softRng.nextFloat();
                t[i] = labelledReal[i] ? realLow + (realHigh - realLow) * u : fakeLow + (fakeHigh - fakeLow) * u;
            } else {
                t[i] = labelledReal[i] ? realTarget : 0f;
            }
        }
        real = Arrays.copyOfRange(t, 0, nReal);
        fake = Arrays.copyOfRange(t, nReal, t.length);
    }

    /** The real batch's targets of the last D step (the live array: callers copy before exposing it). */
    float[] real() {
        return real;
    }

    /** The generated batch's targets of the last D step. */
    float[] fake() {
        return fake;
    }

    String describe() {
        StringBuilder s = new StringBuilder();
        if (!Float.isNaN(smoothing)) s.append("one-sided label smoothing ").append(smoothing);
        if (softRng != null)
            s.append(s.isEmpty() ? "" : ", ").append("soft labels real [").append(realLow).append(", ").append(realHigh).append("] fake [")
                    .append(fakeLow).append(", ").append(fakeHigh).append("]");
        if (flipRng != null) s.append(s.isEmpty() ? "" : ", ").append("label flipping p=").append(flipProbability);
        return s.toString();
    }
}
