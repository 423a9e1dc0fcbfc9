package dev.jgan.gan.scheme;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.regularize.GradientPenalty;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.nn.io.TrainingCheckpoint;
import dev.jgan.nn.Module;
import dev.jgan.nn.layers.BatchNorm;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * WGAN-GP (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs", algorithm 1): WGAN's critic kept
 * 1-Lipschitz by a penalty on its input gradient instead of weight clipping:
 * <pre>
 *   for each iteration:
 *     for n_critic steps:
 *       x ~ data, z ~ p(z), a ~ U[0, 1] per sample;  x_hat = a x + (1 - a) G(z)
 *       D: descend  mean D(G(z)) - mean D(x) + lambda mean (||grad_x_hat D(x_hat)||_2 - 1)^2     (one Adam step)
 *     z ~ p(z);  G: descend  -mean D(G(z))
 * </pre>
 * Defaults, the paper's: lambda 10, n_critic 5, Adam(lr 1e-4, beta1 0, beta2 0.9) for both; the one-sided penalty
 * max(0, ||g|| - 1)^2 as an option. The penalty mixes samples under batch norm, so a critic holding a
 * {@link BatchNorm} draws a warning (the paper uses layer norm). Reported: {@code gradient_penalty},
 * {@code critic_grad_norm} (the mean input-gradient norm at the interpolates) and {@code wasserstein_estimate}
 * (mean D(x) - mean D(G(z)) on the training batch; {@link #wassersteinEstimate} on a held-out one).
 */
public final class WganGp extends SchemeBase implements WassersteinCritic {
    private static final System.Logger LOG = System.getLogger(WganGp.class.getName());
    private static final AdversarialLoss LOSS = AdversarialLoss.wasserstein();
    private final GradientPenalty penalty;
    /** Draws the interpolation factors; part of the run's state. */
    private final Rng interpolation;

    private WganGp(Builder b) {
        super(b);
        this.penalty = b.penalty;
        this.interpolation = b.interpolation;
        if (discriminator.namedModules().values().stream().anyMatch(m -> m instanceof BatchNorm))
            LOG.log(System.Logger.Level.WARNING, "WGAN-GP: the critic contains batch norm, which makes each sample's output depend on the"
                    + " others, so the gradient penalty no longer constrains per-sample gradients; the paper uses layer norm instead");
    }

    /** A builder with the paper's defaults; {@code interpolation} draws the per-sample factors a. */
    public static Builder builder(Module generator, Module critic, Latent latent, Rng interpolation) {
        return new Builder(generator, critic, latent, interpolation);
    }

    @Override
    protected String name() {
        return "WGAN-GP";
    }

    public GradientPenalty penalty() {
        return penalty;
    }

    @Override
    protected DStep discriminatorStep(Minibatch b) {
        Tensor fixedFake = b.fake().detach();
        // mean D(G(z)) - mean D(x)
        Tensor[] out = discriminateBoth(b, fixedFake);
        Tensor wasserstein = LOSS.discriminator(out[0], out[1]);
        // + lambda mean (||grad D(x_hat)|| - 1)^2, x_hat = a x + (1 - a) G(z), conditioned on x's labels (on the
        // adversarial output alone with an AC-GAN critic, as the WGAN-GP ResNet code)
        GradientPenalty.Result gp = penalty.compute(x -> discriminate(x, b.realLabels()), b.real(), fixedFake, interpolation);
        // + w_D (CE(C(x), y) + CE(C(G(z, c)), c)) with an AC-GAN critic
        Map<String, Float> extras = new LinkedHashMap<>();
        Tensor lossD = plusClassLoss(wasserstein.add(gp.penalty()), b, out, extras);
        float norm = update(discriminatorOptimizer, discriminator, lossD);
        extras.put("gradient_penalty", gp.penalty().item());
        extras.put("critic_grad_norm", gp.gradNorms().mean().item());
        extras.put("wasserstein_estimate", -wasserstein.item());
        return new DStep(b, lossD.item(), norm, extras);
    }

    @Override
    protected GStep generatorStep(DStep last, Minibatch g) {
        // G: descend -mean D(G(z))
        return adversarialGeneratorStep(LOSS, g, Map.of());
    }

    @Override
    public float wassersteinEstimate(Tensor heldOutReal, Tensor noise) {
        return criticGap(heldOutReal, noise);
    }

    @Override
    public void registerState(TrainingCheckpoint.Parts r) {
        super.registerState(r);
        r.rng("interpolation", interpolation);
    }

    @Override
    public String describe() {
        String tricks = this.tricks.describe();
        return "WGAN-GP(lambda=" + penalty.lambda() + (penalty.oneSided() ? ", one-sided" : "") + ", " + schedule.describe()
                + (tricks.isEmpty() ? "" : ", " + tricks) + ")";
    }

    /** Settings of {@link WganGp}. */
    public static final class Builder extends SchemeBase.Builder<Builder> {
        GradientPenalty penalty = new GradientPenalty();
        final Rng interpolation;

        Builder(Module generator, Module critic, Latent latent, Rng interpolation) {
            super(generator, critic, latent);
            if (interpolation == null) throw new IllegalArgumentException("WGAN-GP: the interpolation generator must be given");
            this.interpolation = interpolation;
        }

        /** The penalty's weight lambda (default 10) and form (two-sided, the paper's, or one-sided). */
        public Builder penalty(float lambda, boolean oneSided) {
            this.penalty = new GradientPenalty(lambda, oneSided);
            return this;
        }

        public WganGp build() {
            defaults(Schedule.fixed(5, 1), g -> Optimizers.adam(g, 1e-4f, 0f, 0.9f), d -> Optimizers.adam(d, 1e-4f, 0f, 0.9f));
            return new WganGp(this);
        }
    }
}
