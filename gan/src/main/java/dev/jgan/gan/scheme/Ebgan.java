package dev.jgan.gan.scheme;

import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.EnergyMarginLoss;
import dev.jgan.gan.nets.AutoencoderDiscriminator;
import dev.jgan.gan.regularize.PullAway;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.nn.Module;
import java.util.Map;

/**
 * EBGAN (Zhao, Mathieu and LeCun 2016, "Energy-based Generative Adversarial Network", sections 2.2 and 2.4): the
 * discriminator is an autoencoder whose reconstruction error is an energy, low on real data; G lowers the energy of
 * its samples, and the pull-away term PT on the encoder's codes of a generated batch keeps them apart (against
 * mode collapse):
 * <pre>
 *   for each iteration:
 *     x ~ data, z ~ p(z);  E(v) = mean_j (Dec(Enc(v))_j - v_j)^2 per sample
 *     D: descend  mean E(x) + mean max(0, m - E(G(z)))
 *     G: descend  mean E(G(z)) + w_PT PT(Enc(G(z))),   PT(S) = 1/(N(N-1)) sum_{i != j} (S_i.S_j / (|S_i| |S_j|))^2
 * </pre>
 * The margin m has no default: it is on the scale of the energy, which depends on the data (the paper grid-searched
 * it per data set, with the energy a norm rather than this per-sample mean). Defaults: w_PT 0.1, one D step per G
 * step, Adam(lr 2e-4, beta1 0.5, beta2 0.999) for both (DCGAN's, whose architecture the paper's image experiments
 * follow). Reported: {@code energy_real}, {@code energy_fake} (at D's step) and {@code pull_away} (at G's).
 */
public final class Ebgan extends SchemeBase {
    private final AutoencoderDiscriminator autoencoder;
    private final EnergyMarginLoss loss;
    private final PullAway pullAway;

    private Ebgan(Builder b) {
        super(b);
        this.autoencoder = b.autoencoder;
        this.loss = b.loss;
        this.pullAway = b.pullAway;
    }

    /** A builder; the margin m must be given (see the class comment). */
    public static Builder builder(Module generator, AutoencoderDiscriminator discriminator, Latent latent, float margin) {
        return new Builder(generator, discriminator, latent, margin);
    }

    @Override
    protected String name() {
        return "EBGAN";
    }

    public float margin() {
        return loss.margin();
    }

    public float pullAwayWeight() {
        return pullAway.weight();
    }

    @Override
    protected DStep discriminatorStep(Minibatch b) {
        Tensor fixedFake = b.fake().detach();
        Tensor[] reconstructed = discriminateBoth(b, fixedFake);
        Tensor energyReal = EnergyMarginLoss.energy(b.real(), reconstructed[0]);
        Tensor energyFake = EnergyMarginLoss.energy(fixedFake, reconstructed[1]);
        // D: descend mean E(x) + mean max(0, m - E(G(z)))
        Tensor lossD = loss.discriminator(energyReal, energyFake);
        float norm = update(discriminatorOptimizer, discriminator, lossD);
        return new DStep(b, lossD.item(), norm,
                Map.of("energy_real", energyReal.mean().item(), "energy_fake", energyFake.mean().item()));
    }

    @Override
    protected GStep generatorStep(DStep last, Minibatch g) {
        Tensor fake = g.fake();
        return frozen(discriminator, () -> {
            Tensor codes = autoencoder.encode(fake);
            // G: descend mean E(G(z)) + w_PT PT(S), S = Enc(G(z))
            Tensor pt = pullAway.penalty(codes);
            Tensor lossG = loss.generator(EnergyMarginLoss.energy(fake, autoencoder.decode(codes))).add(pt);
            float norm = update(generatorOptimizer, generator, lossG);
            return new GStep(lossG.item(), norm, Map.of("pull_away", pt.item()));
        });
    }

    @Override
    public String describe() {
        String tricks = this.tricks.describe();
        return "EBGAN(margin=" + loss.margin() + ", w_PT=" + pullAway.weight() + ", " + schedule.describe()
                + (tricks.isEmpty() ? "" : ", " + tricks) + ")";
    }

    /** Settings of {@link Ebgan}. */
    public static final class Builder extends SchemeBase.Builder<Builder> {
        final AutoencoderDiscriminator autoencoder;
        final EnergyMarginLoss loss;
        PullAway pullAway = new PullAway();

        Builder(Module generator, AutoencoderDiscriminator discriminator, Latent latent, float margin) {
            super(generator, discriminator, latent);
            this.autoencoder = discriminator;
            this.loss = new EnergyMarginLoss(margin);
        }

        /** w_PT, the pull-away term's weight (default 0.1; 0 turns the term off). */
        public Builder pullAwayWeight(float w) {
            this.pullAway = new PullAway(w);
            return this;
        }

        public Ebgan build() {
            defaults(Schedule.alternating(), g -> Optimizers.adam(g, 2e-4f, 0.5f, 0.999f), d -> Optimizers.adam(d, 2e-4f, 0.5f, 0.999f));
            return new Ebgan(this);
        }
    }
}
