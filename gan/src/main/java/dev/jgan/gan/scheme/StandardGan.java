package dev.jgan.gan.scheme;

import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.nn.Module;
import java.util.Map;

/**
 * The GAN of Goodfellow et al. 2014 ("Generative Adversarial Nets", algorithm 1) and DCGAN (Radford et al. 2015,
 * "Unsupervised Representation Learning with Deep Convolutional GANs"), on any adversarial loss:
 * <pre>
 *   for each iteration:
 *     for k steps (the schedule, 1 by default):
 *       x ~ data, z ~ p(z)
 *       D: descend  loss_D(D(x), D(G(z)))            (minimax: -log D(x) - log(1 - D(G(z))))
 *     G: descend  loss_G(D(G(z)))                    (non-saturating, the default: -log D(G(z)))
 * </pre>
 * Defaults: the non-saturating loss, one D step per G step, Adam(lr 2e-4, beta1 0.5, beta2 0.999) for both, as the
 * DCGAN paper (section 4). Other losses make the least-squares GAN (Mao et al. 2017) or the hinge GAN.
 */
public final class StandardGan extends SchemeBase {
    private final AdversarialLoss loss;

    private StandardGan(Builder b) {
        super(b);
        // D's targets under the label tricks (the loss itself when none is on)
        this.loss = tricks.targets(name(), b.loss);
    }

    /** A builder with the DCGAN paper's defaults; G maps noise of {@code latent}'s shape to D's input shape. */
    public static Builder builder(Module generator, Module discriminator, Latent latent) {
        return new Builder(generator, discriminator, latent);
    }

    @Override
    protected String name() {
        return "GAN";
    }

    public AdversarialLoss loss() {
        return loss;
    }

    @Override
    protected boolean targetsCanChange() {
        return true;
    }

    @Override
    protected DStep discriminatorStep(Minibatch b) {
        // D: descend loss_D(D(x), D(G(z)))
        return adversarialDiscriminatorStep(loss, b);
    }

    @Override
    protected GStep generatorStep(DStep last, Minibatch g) {
        // G: descend loss_G(D(G(z)))
        return adversarialGeneratorStep(loss, g, Map.of());
    }

    @Override
    public String describe() {
        String tricks = this.tricks.describe();
        return "GAN(" + loss.name() + " loss, " + schedule.describe() + (tricks.isEmpty() ? "" : ", " + tricks) + ")";
    }

    /** Settings of {@link StandardGan}. */
    public static final class Builder extends SchemeBase.Builder<Builder> {
        AdversarialLoss loss = AdversarialLoss.nonSaturating();

        Builder(Module generator, Module discriminator, Latent latent) {
            super(generator, discriminator, latent);
        }

        /** The adversarial loss (default non-saturating). */
        public Builder loss(AdversarialLoss loss) {
            if (loss == null) throw new IllegalArgumentException("GAN: loss must be given");
            this.loss = loss;
            return this;
        }

        public StandardGan build() {
            defaults(Schedule.alternating(), g -> Optimizers.adam(g, 2e-4f, 0.5f, 0.999f), d -> Optimizers.adam(d, 2e-4f, 0.5f, 0.999f));
            return new StandardGan(this);
        }
    }
}
