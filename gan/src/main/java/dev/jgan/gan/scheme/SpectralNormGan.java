package dev.jgan.gan.scheme;

import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.nn.Module;
import dev.jgan.nn.layers.ConditionalBatchNorm2d;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import dev.jgan.nn.layers.Embedding;
import dev.jgan.nn.layers.Linear;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * SNGAN (Miyato et al. 2018, "Spectral Normalization for Generative Adversarial Networks") and SAGAN (Zhang et al.
 * 2019, "Self-Attention Generative Adversarial Networks"): the GAN of {@link StandardGan} on the hinge loss, with
 * spectral normalisation on every weight of D (SNGAN) or of D and G (SAGAN), checked when the scheme is built:
 * <pre>
 *   for each iteration:
 *     for n_dis steps:  x ~ data, z ~ p(z)
 *       D: descend  mean max(0, 1 - D(x)) + mean max(0, 1 + D(G(z)))
 *     G: descend  -mean D(G(z))
 * </pre>
 * Defaults, from the papers' CIFAR-10 settings: SNGAN ({@link #sngan}) n_dis = 5, Adam(lr 2e-4, betas (0, 0.9)) for
 * both, learning rates decayed linearly to 0 over the run (as the chainer-gan-lib and Mimicry SNGAN code do);
 * SAGAN ({@link #sagan}) 1:1 updates with the two time-scale rates (TTUR, Heusel et al. 2017) G 1e-4 and D 4e-4,
 * Adam betas (0, 0.9), no decay. With labels, G takes them through conditional batch norm and D is a projection
 * discriminator (both {@link dev.jgan.nn.Conditional}); the builders in {@code dev.jgan.gan.nets} make both.
 * Batch size 64 in both papers is the data source's.
 */
public final class SpectralNormGan extends SchemeBase {
    private static final AdversarialLoss LOSS = AdversarialLoss.hinge();
    private final String paper;
    private final long decayIterations;

    private SpectralNormGan(Builder b) {
        super(b);
        this.paper = b.paper;
        this.decayIterations = b.decayIterations;
    }

    /**
     * SNGAN with its defaults; spectral norm must be on every weight of D, and the learning rates fall linearly to 0
     * by iteration {@code iterations} (the run's length).
     */
    public static Builder sngan(Module generator, Module discriminator, Latent latent, long iterations) {
        if (iterations < 1) throw new IllegalArgumentException("SNGAN: the run's length in iterations (for the learning-rate decay) must be >= 1, got " + iterations);
        requireSpectralNorm("SNGAN", "discriminator", discriminator);
        Builder b = new Builder("SNGAN", generator, discriminator, latent);
        b.linearLearningRateDecay(iterations);
        b.schedule = Schedule.fixed(5, 1);
        b.rates = new float[] {2e-4f, 2e-4f};
        return b;
    }

    /** SAGAN with its defaults; spectral norm must be on every weight of G and of D. */
    public static Builder sagan(Module generator, Module discriminator, Latent latent) {
        requireSpectralNorm("SAGAN", "generator", generator);
        requireSpectralNorm("SAGAN", "discriminator", discriminator);
        Builder b = new Builder("SAGAN", generator, discriminator, latent);
        b.schedule = Schedule.alternating();
        b.rates = new float[] {1e-4f, 4e-4f};
        return b;
    }

    /**
     * Throws unless every Linear, Conv2d, ConvTranspose2d and Embedding in {@code net} has spectral norm on its
     * weight (a {@code weight_orig}, as {@link dev.jgan.nn.SpectralNorm#applyToAll} leaves), naming the first that has not.
     * The per-class gains and biases of conditional batch norm are exempt: they scale activations rather than map
     * them, and SAGAN and BigGAN leave them unnormalised.
     */
    static void requireSpectralNorm(String scheme, String role, Module net) {
        if (net == null) throw new IllegalArgumentException(scheme + ": the " + role + " must be given");
        Set<Module> gains = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Module m : net.namedModules().values())
            if (m instanceof ConditionalBatchNorm2d) gains.addAll(m.namedChildren().values());
        for (Map.Entry<String, Module> e : net.namedModules().entrySet()) {
            Module m = e.getValue();
            boolean weighted = m instanceof Linear || m instanceof Conv2d || m instanceof ConvTranspose2d || m instanceof Embedding;
            if (gains.contains(m)) continue;
            if (weighted && !m.hasTensor("weight_orig"))
                throw new IllegalArgumentException(scheme + ": layer '" + e.getKey() + "' (" + m + ") of the " + role
                        + " has no spectral norm on its weight; apply SpectralNorm.applyToAll to the " + role);
        }
    }

    @Override
    protected String name() {
        return "SNGAN/SAGAN";
    }

    @Override
    protected DStep discriminatorStep(Minibatch b) {
        // D: descend mean max(0, 1 - D(x)) + mean max(0, 1 + D(G(z)))
        return adversarialDiscriminatorStep(LOSS, b);
    }

    @Override
    protected GStep generatorStep(DStep last, Minibatch g) {
        // G: descend -mean D(G(z))
        return adversarialGeneratorStep(LOSS, g, Map.of());
    }

    @Override
    public String describe() {
        String tricks = this.tricks.describe();
        return paper + "(hinge loss, " + schedule.describe() + (decayIterations > 0 ? ", linear lr decay over " + decayIterations : "")
                + (tricks.isEmpty() ? "" : ", " + tricks) + ")";
    }

    /** Settings of {@link SpectralNormGan}: those of every scheme, with the paper's defaults filled in. */
    public static final class Builder extends SchemeBase.Builder<Builder> {
        final String paper;
        float[] rates;

        Builder(String paper, Module generator, Module discriminator, Latent latent) {
            super(generator, discriminator, latent);
            this.paper = paper;
        }

        public SpectralNormGan build() {
            defaults(schedule, g -> Optimizers.adam(g, rates[0], 0f, 0.9f), d -> Optimizers.adam(d, rates[1], 0f, 0.9f));
            return new SpectralNormGan(this);
        }
    }
}
