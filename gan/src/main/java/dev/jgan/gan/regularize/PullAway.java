package dev.jgan.gan.regularize;

import dev.jgan.autodiff.Linalg;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;

/**
 * EBGAN's pull-away term (Zhao, Mathieu &amp; LeCun 2016, "Energy-based Generative Adversarial Network",
 * section 2.4), a "repelling regularizer" added to the generator's loss: over the discriminator's encoder
 * codes S of a generated batch of N samples,
 * <pre>
 *   PT(S) = 1 / (N (N - 1)) * sum_{i != j} ( S_i . S_j / (|S_i| |S_j|) )^2
 * </pre>
 * the mean squared cosine similarity between distinct samples' codes: it is small when the codes point in
 * different directions, so G is pushed away from producing one mode. Each sample's code is flattened, so S
 * may be [N, D] or [N, C, H, W]. An instance carries the weight w_PT the scheme applies to the term.
 */
public final class PullAway {
    /** The default weight w_PT of the term in G's loss. */
    public static final float DEFAULT_WEIGHT = 0.1f;

    private final float weight;

    /** Weight w_PT = 0.1. */
    public PullAway() {
        this(DEFAULT_WEIGHT);
    }

    /** @param weight w_PT, finite and &gt;= 0 */
    public PullAway(float weight) {
        if (!Float.isFinite(weight) || weight < 0f)
            throw new IllegalArgumentException("PullAway: weight must be finite and >= 0, got weight=" + weight);
        this.weight = weight;
    }

    public float weight() {
        return weight;
    }

    /** {@code w_PT * PT(codes)}, the amount added to the generator's loss. */
    public Tensor penalty(Tensor codes) {
        return term(codes).mul(weight);
    }

    /**
     * PT(S) for codes [N, ...] with N &gt;= 2 (the term compares distinct samples) and at least one element per
     * sample; a scalar, differentiable in the codes.
     * NOTE: a code of all zeros has no direction. Its cosines are taken as 0 (its norm as 1), so it adds
     * nothing and gets a zero gradient instead of NaN.
     */
    public static Tensor term(Tensor codes) {
        int[] s = codes.shape();
        if (s.length < 2 || s[0] < 2 || codes.numel() == 0)
            throw new IllegalArgumentException("PullAway: codes must be [N, ...] with N >= 2 samples and at least one element each, got "
                    + Shape.str(s));
        int n = s[0];
        Tensor flat = codes.flatten(1);                                          // [N, D]
        Tensor norms = flat.norm(new int[] {1}, true);                           // [N, 1]
        Tensor zero = norms.eq(Tensor.scalar(0f));
        Tensor unit = flat.div(Tensor.where(zero, Tensor.scalar(1f), norms));    // S_i / |S_i|, [N, D]
        // C_ij = S_i . S_j / (|S_i| |S_j|)
        Tensor cos = Linalg.matmul(unit, unit, false, true);                     // [N, D] @ [N, D]^T -> [N, N]
        float[] off = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) off[i * n + j] = i == j ? 0f : 1f;
        // 1 / (N (N - 1)) * sum_{i != j} C_ij^2
        return cos.square().mul(Tensor.of(off, n, n)).sum().div((float) n * (n - 1));
    }

    @Override
    public String toString() {
        return "PullAway(weight=" + weight + ")";
    }
}
