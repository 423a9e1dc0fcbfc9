package dev.jgan.gan.eval;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;

/**
 * The Inception Score of Salimans et al. (2016), "Improved Techniques for Training GANs", on any classifier's class
 * probabilities p(y|x):
 * <pre>
 *   IS = exp( E_x KL( p(y|x) || p(y) ) ),   p(y) = E_x p(y|x),   KL(p || q) = sum_y p_y (log p_y - log q_y)
 * </pre>
 * computed in double precision, with {@code 0 log 0 = 0}. As in the paper's code, the N samples are cut into
 * {@code splits} consecutive parts (part i holds rows {@code i N / splits} to {@code (i + 1) N / splits}), p(y) is
 * taken within each part, and the score is the mean and (population) standard deviation of the parts' scores; the
 * default is {@value #DEFAULT_SPLITS} splits. IS lies in [1, C] for C classes: 1 when every sample gets the same
 * prediction, C when predictions are confident (one-hot) and the classes equally frequent.
 *
 * <p>On a classifier of jgan's own ({@link FeatureClassifier}) the numbers are comparable only with other numbers
 * from the same classifier checkpoint, never with the Inception-based scores of papers.
 */
public final class InceptionScore {
    /** The number of splits of the paper's code (and of most reports since). */
    public static final int DEFAULT_SPLITS = 10;

    private InceptionScore() {}

    /** IS of logits [N, C] (softmax taken in double precision) over {@value #DEFAULT_SPLITS} splits. */
    public static MeanStd ofLogits(Tensor logits) {
        return ofLogits(logits, DEFAULT_SPLITS);
    }

    /** IS of logits [N, C] over {@code splits} consecutive parts ({@code 1 <= splits <= N}). */
    public static MeanStd ofLogits(Tensor logits, int splits) {
        double[][] z = Rows.of("InceptionScore.ofLogits: logits", logits, 1);
        for (double[] row : z) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : row) max = Math.max(max, v);
            double sum = 0;
            for (int j = 0; j < row.length; j++) sum += row[j] = Math.exp(row[j] - max); // shifted: no overflow
            for (int j = 0; j < row.length; j++) row[j] /= sum;
        }
        return of("InceptionScore.ofLogits", z, splits);
    }

    /** IS of class probabilities [N, C] (each row >= 0, summing to 1 within 1e-3) over {@code splits} parts. */
    public static MeanStd ofProbabilities(Tensor probabilities, int splits) {
        String what = "InceptionScore.ofProbabilities";
        double[][] p = Rows.of(what + ": probabilities", probabilities, 1);
        for (int i = 0; i < p.length; i++) {
            double sum = 0;
            for (int j = 0; j < p[i].length; j++) {
                if (p[i][j] < 0)
                    throw new IllegalArgumentException(what + ": probabilities " + Shape.str(probabilities.shape()) + " hold " + p[i][j]
                            + " < 0 at [" + i + ", " + j + "]");
                sum += p[i][j];
            }
            if (Math.abs(sum - 1) > 1e-3)
                throw new IllegalArgumentException(what + ": row " + i + " of probabilities " + Shape.str(probabilities.shape())
                        + " sums to " + sum + ", not 1; pass logits to ofLogits instead");
        }
        return of(what, p, splits);
    }

    private static MeanStd of(String what, double[][] p, int splits) {
        int n = p.length, c = p[0].length;
        if (splits < 1 || splits > n)
            throw new IllegalArgumentException(what + ": splits must be in [1, N] = [1, " + n + "], got " + splits);
        double[] scores = new double[splits];
        for (int s = 0; s < splits; s++) {
            int from = (int) ((long) s * n / splits), to = (int) ((long) (s + 1) * n / splits);
            double[] py = new double[c]; // p(y) over this part
            for (int i = from; i < to; i++)
                for (int j = 0; j < c; j++) py[j] += p[i][j];
            for (int j = 0; j < c; j++) py[j] /= (to - from);
            double kl = 0; // sum over the part of KL(p(y|x) || p(y))
            for (int i = from; i < to; i++)
                for (int j = 0; j < c; j++)
                    if (p[i][j] > 0) kl += p[i][j] * (Math.log(p[i][j]) - Math.log(py[j])); // 0 log 0 = 0; p > 0 implies py > 0
            scores[s] = Math.exp(kl / (to - from));
        }
        return Rows.meanStd(scores);
    }
}
