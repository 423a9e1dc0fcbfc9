package dev.jgan.gan.eval;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.Scheme;
import dev.jgan.nn.Conditional;
import dev.jgan.nn.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Samples from a trained generator without touching the training run: G runs in evaluation mode (batch norm on its
 * running statistics, dropout off) under no-grad, and every module's mode is put back afterwards; the noise comes
 * from a generator the caller passes, never from the scheme's {@link Latent} (whose state belongs to the run), only
 * with the latent's distribution and shape. So sampling in the middle of a run leaves it bitwise as it was.
 * <pre>{@code
 * Tensor ofThree = Sampling.ofClass(scheme, new Rng(5), 100, 3);       // 100 samples of class 3
 * Tensor z = Sampling.noise(scheme.latent(), new Rng(6), 64);          // a fixed noise batch, kept for the run
 * Tensor grid = Sampling.fromNoise(scheme.generator(), z);            // the same z at every call
 * }</pre>
 */
public final class Sampling {
    private Sampling() {}

    /** {@code n} noise vectors [n, shape...] of {@code latent}'s distribution and per-sample shape, drawn from {@code rng}. */
    public static Tensor noise(Latent latent, Rng rng, int n) {
        if (latent == null || rng == null) throw new IllegalArgumentException("Sampling.noise: latent and rng must be given");
        return new Latent(latent.distribution(), rng, latent.shape()).sample(n);
    }

    /** {@code n} samples of class {@code c} from the scheme's conditional generator, the noise drawn from {@code rng}. */
    public static Tensor ofClass(Scheme scheme, Rng rng, int n, int c) {
        return ofClass(scheme.generator(), scheme.latent(), rng, n, c);
    }

    /** {@code n} samples of class {@code c} from a conditional generator, the noise of {@code latent}'s distribution drawn from {@code rng}. */
    public static Tensor ofClass(Module generator, Latent latent, Rng rng, int n, int c) {
        if (n < 1) throw new IllegalArgumentException("Sampling.ofClass: n must be >= 1, got " + n);
        int[] labels = new int[n];
        Arrays.fill(labels, c);
        return ofLabels(generator, latent, rng, labels);
    }

    /** One sample per label, from a conditional generator, the noise drawn from {@code rng}. */
    public static Tensor ofLabels(Module generator, Latent latent, Rng rng, int[] labels) {
        Conditional g = conditional(generator);
        if (labels == null || labels.length == 0) throw new IllegalArgumentException("Sampling.ofLabels: labels must hold at least one label");
        Conditional.checkLabels("Sampling, " + generator.getClass().getSimpleName(), labels, labels.length, g.numClasses());
        return fromNoise(generator, noise(latent, rng, labels.length), labels);
    }

    /** G(z) for an unconditional generator on a given noise batch (e.g. a fixed one, for frames of a run). */
    public static Tensor fromNoise(Module generator, Tensor z) {
        if (generator == null || z == null) throw new IllegalArgumentException("Sampling.fromNoise: generator and z must be given");
        if (generator instanceof Conditional c && c.numClasses() > 0)
            throw new IllegalArgumentException("Sampling.fromNoise: the generator is conditional on " + c.numClasses()
                    + " classes; pass the labels: fromNoise(generator, z, labels)");
        return inEvaluation(generator, () -> generator.forward(z));
    }

    /** G(z, y) for a conditional generator on a given noise batch and one label per noise vector. */
    public static Tensor fromNoise(Module generator, Tensor z, int[] labels) {
        Conditional g = conditional(generator);
        if (z == null || z.dim() == 0) throw new IllegalArgumentException("Sampling.fromNoise: z must be a batch [N, ...], got " + (z == null ? "null" : Shape.str(z.shape())));
        Conditional.checkLabels("Sampling, " + generator.getClass().getSimpleName(), labels, z.size(0), g.numClasses());
        return inEvaluation(generator, () -> g.forward(z, labels));
    }

    private static Conditional conditional(Module generator) {
        if (generator == null) throw new IllegalArgumentException("Sampling: generator must be given");
        if (!(generator instanceof Conditional c) || c.numClasses() < 1)
            throw new IllegalArgumentException("Sampling: the generator " + generator.getClass().getSimpleName()
                    + " does not take class labels (it is not a dev.jgan.nn.Conditional with classes); use fromNoise(generator, z)");
        return c;
    }

    /**
     * Runs {@code body} with {@code net} in evaluation mode and no graph recorded, then puts every module's mode back
     * (a caller may have set some modules apart, e.g. dropout kept on). For other forwards that must not touch a run:
     * e.g. D's value over a grid of points for a figure.
     */
    public static Tensor inEvaluation(Module net, Supplier<Tensor> body) {
        List<Module> modules = new ArrayList<>(net.namedModules().values());
        boolean[] training = new boolean[modules.size()];
        for (int i = 0; i < training.length; i++) training[i] = modules.get(i).isTraining();
        net.eval();
        try (GradMode.Scope s = GradMode.noGrad()) {
            return body.get();
        } finally {
            // depth first, parents before children: each train(...) call sets the subtree, the children's calls then refine it
            for (int i = 0; i < training.length; i++) modules.get(i).train(training[i]);
        }
    }
}
