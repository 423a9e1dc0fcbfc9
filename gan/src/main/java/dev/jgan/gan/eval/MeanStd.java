package dev.jgan.gan.eval;

import java.util.Locale;

/**
 * A score over splits or subsets: their mean and population standard deviation (numpy's {@code np.std}, ddof 0, as
 * the reference implementations of the Inception Score and KID report it).
 *
 * @param mean the mean over the splits or subsets
 * @param std  their standard deviation (0 for a single split)
 */
public record MeanStd(double mean, double std) {
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.6g +- %.3g", mean, std);
    }
}
