package dev.jgan.gan.regularize;

import dev.jgan.autodiff.Autograd;
import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * WGAN-GP's gradient penalty (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs", algorithm 1),
 * which keeps a critic D close to 1-Lipschitz on the segments between real and generated samples:
 * <pre>
 *   x_hat_n = a_n real_n + (1 - a_n) fake_n,   a_n ~ U[0, 1), one a per sample
 *   GP = lambda * mean_n (||grad_x D(x_hat_n)||_2 - 1)^2                  (two-sided, the paper's)
 *   GP = lambda * mean_n max(0, ||grad_x D(x_hat_n)||_2 - 1)^2            (one-sided)
 * </pre>
 * The paper (section 4, "two-sided penalty") prefers the two-sided form; the one-sided one only bounds the
 * gradient norm from above, as a Lipschitz constraint asks (Petzka et al. 2018 argue for it).
 * The norm runs over all non-batch dimensions of the sample. The input gradient is taken with
 * {@code createGraph}, so the penalty can be backpropagated into D's parameters (a double backward) and is
 * meant to be added to the critic's loss before one optimizer step. x_hat is a fresh leaf: no gradient
 * reaches the generator through the penalty.
 *
 * <p>The critic is any function from a batch to one value per sample ([N] or [N, 1]), e.g.
 * {@code d::forward}. The gradient of the sum of its outputs is taken, which is each sample's own gradient
 * only if D treats samples independently: a critic with batch norm mixes them (the paper uses layer norm).
 */
public final class GradientPenalty {
    /** The paper's lambda. */
    public static final float DEFAULT_LAMBDA = 10f;

    private final float lambda;
    private final boolean oneSided;

    /** The paper's two-sided penalty with lambda = 10. */
    public GradientPenalty() {
        this(DEFAULT_LAMBDA, false);
    }

    /**
     * @param lambda   the penalty's weight, finite and &gt;= 0
     * @param oneSided penalise only gradient norms above 1
     */
    public GradientPenalty(float lambda, boolean oneSided) {
        if (!Float.isFinite(lambda) || lambda < 0f)
            throw new IllegalArgumentException("GradientPenalty: lambda must be finite and >= 0, got lambda=" + lambda);
        this.lambda = lambda;
        this.oneSided = oneSided;
    }

    public float lambda() {
        return lambda;
    }

    public boolean oneSided() {
        return oneSided;
    }

    /**
     * The penalty and, for logging, each sample's input-gradient norm ||grad_x D(x_hat_n)||_2 ([N], detached).
     */
    public record Result(Tensor penalty, Tensor gradNorms) {}

    /** The penalty at interpolates with factors drawn from {@code rng} by {@link #drawAlpha} (N draws). */
    public Result compute(Function<Tensor, Tensor> critic, Tensor real, Tensor fake, Rng rng) {
        requireBatches(real, fake); // before drawing: a refused call leaves rng untouched
        return compute(critic, real, fake, drawAlpha(rng, real.size(0), real.dim()));
    }

    /**
     * The penalty at x_hat = {@link #interpolate}(real, fake, alpha), alpha [N, 1, ..., 1]. Records the critic's
     * forward and its input gradient even inside a no-grad scope: the value is defined by that gradient.
     */
    public Result compute(Function<Tensor, Tensor> critic, Tensor real, Tensor fake, Tensor alpha) {
        requireBatches(real, fake);
        int n = real.size(0);
        try (GradMode.Scope s = GradMode.enableGrad()) {
            Tensor xHat = interpolate(real, fake, alpha).detach().requiresGrad(true);
            Tensor out = critic.apply(xHat);
            int[] os = out.shape();
            if (!(os.length == 1 || (os.length == 2 && os[1] == 1)) || os[0] != n)
                throw new IllegalArgumentException("GradientPenalty: the critic must return one value per sample, [" + n + "] or [" + n
                        + ", 1], got " + Shape.str(os) + " for input " + Shape.str(xHat.shape()));
            List<Tensor> g = out.requiresGrad() ? Autograd.grad(List.of(out.sum()), List.of(xHat), null, true, true, true) : null;
            if (g == null || g.get(0) == null)
                throw new IllegalArgumentException("GradientPenalty: the critic's output does not depend on its input " + Shape.str(xHat.shape()));
            // ||grad_x D(x_hat_n)||_2 over all non-batch dimensions
            Tensor norms = g.get(0).flatten(1).norm(new int[] {1}, false); // [N, prod(rest)] -> [N]
            // (||g|| - 1), or max(0, ||g|| - 1) when one-sided
            Tensor excess = oneSided ? norms.sub(1f).relu() : norms.sub(1f);
            // lambda * mean_n excess_n^2
            Tensor penalty = excess.square().mean().mul(lambda);
            return new Result(penalty, norms.detach());
        }
    }

    /**
     * One interpolation factor per sample, a_n ~ U[0, 1), shaped [batch, 1, ..., 1] ({@code rank} dimensions)
     * so it broadcasts over a whole sample. Draws exactly {@code batch} floats from {@code rng}, in order.
     */
    public static Tensor drawAlpha(Rng rng, int batch, int rank) {
        if (batch < 1 || rank < 1)
            throw new IllegalArgumentException("GradientPenalty.drawAlpha: batch must be >= 1 and rank >= 1, got batch=" + batch + " rank=" + rank);
        int[] shape = new int[rank];
        Arrays.fill(shape, 1);
        shape[0] = batch;
        return Tensor.rand(rng, shape);
    }

    /**
     * {@code a real + (1 - a) fake}: real and fake of one shape [N, ...], alpha [N, 1, ..., 1] of the same rank
     * (one factor per sample; a per-element alpha is refused).
     */
    public static Tensor interpolate(Tensor real, Tensor fake, Tensor alpha) {
        requireBatches(real, fake);
        int[] as = alpha.shape();
        boolean perSample = as.length == real.dim() && as[0] == real.size(0);
        for (int i = 1; i < as.length && perSample; i++) perSample = as[i] == 1;
        if (!perSample)
            throw new IllegalArgumentException("GradientPenalty.interpolate: alpha must hold one factor per sample, shape ["
                    + real.size(0) + ", 1, ...] of rank " + real.dim() + ", got " + Shape.str(as) + " for samples " + Shape.str(real.shape()));
        // x_hat = a real + (1 - a) fake
        return real.mul(alpha).add(fake.mul(alpha.neg().add(1f)));
    }

    private static void requireBatches(Tensor real, Tensor fake) {
        if (!Arrays.equals(real.shape(), fake.shape()))
            throw new IllegalArgumentException("GradientPenalty: real " + Shape.str(real.shape()) + " and fake " + Shape.str(fake.shape())
                    + " differ in shape");
        if (real.dim() < 2 || real.size(0) < 1 || real.numel() == 0)
            throw new IllegalArgumentException("GradientPenalty: samples must be [N, ...] with N >= 1 and at least one element each, got "
                    + Shape.str(real.shape()));
    }

    @Override
    public String toString() {
        return "GradientPenalty(lambda=" + lambda + (oneSided ? ", one-sided)" : ")");
    }
}
