package dev.jgan.examples;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.ToyBatches;
import dev.jgan.gan.data.ToyDistribution;
import dev.jgan.gan.eval.ModeCoverage;
import dev.jgan.gan.nets.Mlp;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.Optimizers;
import dev.jgan.gan.scheme.Scheme;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.scheme.StepResult;
import dev.jgan.gan.scheme.UnrolledGan;
import dev.jgan.gan.scheme.WassersteinCritic;
import dev.jgan.gan.scheme.Wgan;
import dev.jgan.gan.scheme.WganGp;
import dev.jgan.gan.train.Trainer;
import dev.jgan.nn.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * One scheme trained on a 2-D toy distribution in the setting of the Unrolled GAN paper's mixture experiment as the
 * PyTorch reference measured it: batch 512, z ~ N(0, I_256), G an MLP 256-128-128-2 and D 2-128-128-1 with ReLU.
 * The GAN and Unrolled GAN forms use the non-saturating loss and Adam(lr 1e-4, beta1 0.5) for both networks; WGAN and
 * WGAN-GP their papers' settings. Every random stream derives from one seed in a fixed order (initial weights, data,
 * noise, evaluation noise, scheme), so two schemes with the same seed start from the same networks and see the same
 * data. Every {@code evalEvery} steps G's samples for a fixed noise batch of 2,500 are scored by {@link ModeCoverage},
 * and D's output over the figures' window is kept for the critic figure ({@link CriticField}).
 */
final class ToyExperiment {
    /** The schemes by their command-line names. */
    static final List<String> SCHEMES = List.of("standard", "unrolled", "unrolled-first-order", "wgan", "wgan-gp");

    /**
     * An evaluation: the step, the coverage of the fixed evaluation noise's samples (null for a toy set without modes),
     * those samples, the last step's result, for WGAN and WGAN-GP the critic's Wasserstein estimate on a held-out batch
     * (NaN for the others), and D's output over the window of the figures.
     */
    record Evaluation(long step, ModeCoverage coverage, float[] samples, StepResult result, float heldOutWasserstein, CriticField critic) {}

    final String name;
    final String label;
    final ToyDistribution distribution;
    final Scheme scheme;
    final Trainer trainer;
    private final Tensor evalNoise;
    /** 2,500 real samples the critic never trains on, for the held-out Wasserstein estimate. */
    private final Tensor heldOutReal;
    /** The half-width of the figures' window, over which D is evaluated. */
    private final float window;
    final List<Evaluation> evaluations = new ArrayList<>();
    /** The last iteration's result, for the live bar; written by the run's thread, read by the other's. */
    volatile StepResult last;

    private ToyExperiment(String name, String label, ToyDistribution distribution, Scheme scheme, ToyBatches data, Tensor evalNoise,
                          Tensor heldOutReal) {
        this.name = name;
        this.label = label;
        this.distribution = distribution;
        this.scheme = scheme;
        this.trainer = new Trainer(scheme, data);
        this.evalNoise = evalNoise;
        this.heldOutReal = heldOutReal;
        this.window = SampleGridFigure.window(distribution);
    }

    static ToyExperiment create(String name, int unrollSteps, ToyDistribution distribution, int batch, long seed) {
        Rng root = new Rng(seed);
        Rng init = root.split(), data = root.split(), noise = root.split(), eval = root.split(), extra = root.split(), heldOut = root.split();
        Module g = Mlp.toyGenerator(init), d = Mlp.toyDiscriminator(init);
        Latent latent = Latent.normal(noise, Mlp.TOY_NOISE);
        Scheme scheme;
        String label;
        switch (name) {
            case "standard" -> {
                scheme = StandardGan.builder(g, d, latent)
                        .optimizers(Optimizers.adam(g, 1e-4f, 0.5f, 0.999f), Optimizers.adam(d, 1e-4f, 0.5f, 0.999f)).build();
                label = "standard GAN";
            }
            case "unrolled", "unrolled-first-order" -> {
                boolean second = name.equals("unrolled");
                scheme = UnrolledGan.builder(g, d, latent).unrollSteps(unrollSteps).secondOrder(second).build();
                label = "unrolled k=" + unrollSteps + (second ? "" : " (1st order)");
            }
            case "wgan" -> {
                scheme = Wgan.builder(g, d, latent).build();
                label = "WGAN";
            }
            case "wgan-gp" -> {
                scheme = WganGp.builder(g, d, latent, extra).build();
                label = "WGAN-GP";
            }
            default -> throw new IllegalArgumentException("scheme '" + name + "' is unknown; known: " + SCHEMES);
        }
        return new ToyExperiment(name, label, distribution, scheme, new ToyBatches(distribution, data, batch),
                Tensor.randn(eval, ModeCoverage.DEFAULT_SAMPLES, Mlp.TOY_NOISE), distribution.sample(heldOut, ModeCoverage.DEFAULT_SAMPLES));
    }

    /** G's samples for the fixed evaluation noise, [2500, 2]. */
    Tensor samples() {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return scheme.generator().forward(evalNoise);
        }
    }

    /** Scores G now and records it as the evaluation after {@code step}. */
    Evaluation evaluate(long step, StepResult result) {
        Tensor s = samples();
        float w = scheme instanceof WassersteinCritic c ? c.wassersteinEstimate(heldOutReal, evalNoise) : Float.NaN;
        CriticField field = CriticField.evaluate(scheme.discriminator(), window, CriticField.DEFAULT_RESOLUTION);
        // The swiss roll has no modes: nothing to cover, and no coverage to record.
        ModeCoverage coverage = distribution.modes().length > 0 ? ModeCoverage.of(s, distribution) : null;
        Evaluation e = new Evaluation(step, coverage, s.toArray(), result, w, field);
        evaluations.add(e);
        return e;
    }
}
