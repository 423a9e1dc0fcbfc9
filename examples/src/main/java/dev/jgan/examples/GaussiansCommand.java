package dev.jgan.examples;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Losses;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.autodiff.kernels.KernelProvider;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.eval.ModeCoverage;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.io.Checkpoint;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.optim.Adam;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A GAN learns the 8-Gaussians ring (Metz et al., 2017, "Unrolled Generative Adversarial Networks", section
 * 3.1), with the networks and optimizer of the PyTorch reference workload: G is an MLP 256-128-128-2, D an
 * MLP 2-128-1, both ReLU, trained with the non-saturating loss and Adam(lr, 0.5, 0.999), one D step per
 * G step. No data is downloaded.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar examples/target/jgan.jar gaussians}. Every
 * {@code --log-every} steps it prints the losses, how many of the 8 modes the generator covers and the share
 * of its samples within 3 standard deviations of a mode. Expect the standard GAN to drift between subsets of
 * the modes rather than cover all eight: the mode collapse that Unrolled GAN was made to cure. It writes
 * {@code samples.png} (generated points in blue over the modes and their 3-std discs), {@code metrics.csv} and
 * the generator's weights as {@code generator.safetensors} to {@code --out}.
 */
@Command(name = "gaussians", mixinStandardHelpOptions = true,
        description = "Train a GAN on the 8-Gaussians ring and report mode coverage (no data needed).")
public final class GaussiansCommand implements Callable<Integer> {
    @Option(names = "--steps", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps = 3000;
    @Option(names = "--batch", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch = 512;
    @Option(names = "--lr", description = "Adam learning rate for G and D (default: ${DEFAULT-VALUE}).")
    float lr = 1e-3f;
    @Option(names = "--seed", description = "Seed of every random number (default: ${DEFAULT-VALUE}).")
    long seed = 1;
    @Option(names = "--log-every", description = "Steps between progress lines (default: ${DEFAULT-VALUE}).")
    int logEvery = 250;
    @Option(names = "--out", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("runs", "gaussians");

    @Spec
    CommandSpec spec;

    static final int NOISE = 256, HIDDEN = 128, EVAL_SAMPLES = 2500;

    @Override
    public Integer call() throws IOException {
        if (steps <= 0 || batch <= 0 || !(lr > 0) || logEvery <= 0)
            throw new ParameterException(spec.commandLine(), "--steps, --batch, --lr and --log-every must be positive");
        GaussianMixture ring = GaussianMixture.ring8();
        Rng root = new Rng(seed);
        Rng init = root.split(), data = root.split(), noise = root.split(), eval = root.split();
        Module g = new Sequential(new Linear(NOISE, HIDDEN, init), new ReLU(), new Linear(HIDDEN, HIDDEN, init), new ReLU(), new Linear(HIDDEN, 2, init));
        Module d = new Sequential(new Linear(2, HIDDEN, init), new ReLU(), new Linear(HIDDEN, 1, init));
        Adam optG = new Adam(g.parameters(), lr, 0.5f, 0.999f), optD = new Adam(d.parameters(), lr, 0.5f, 0.999f);
        Tensor ones = Tensor.ones(batch, 1), zeros = Tensor.zeros(batch, 1);
        Tensor evalNoise = Tensor.randn(eval, EVAL_SAMPLES, NOISE);

        Files.createDirectories(out);
        System.out.printf(Locale.ROOT, "8-Gaussians GAN: %d steps, batch %d, lr %g, seed %d, kernels %s%n", steps, batch, lr, seed, KernelProvider.get().name());
        System.out.printf(Locale.ROOT, "%6s %8s %8s %6s %9s %8s%n", "step", "loss_D", "loss_G", "modes", "hq_share", "ms/step");
        long start = System.nanoTime();
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("metrics.csv"), StandardCharsets.UTF_8))) {
            csv.println("step,loss_d,loss_g,modes_covered,high_quality_share");
            for (int step = 1; step <= steps; step++) {
                // D step: real samples up, detached fakes down.
                Tensor fake = g.forward(Tensor.randn(noise, batch, NOISE));
                optD.zeroGrad();
                Tensor lossD = Losses.binaryCrossEntropyWithLogits(d.forward(ring.sample(data, batch)), ones)
                        .add(Losses.binaryCrossEntropyWithLogits(d.forward(fake.detach()), zeros));
                lossD.backward();
                optD.step();
                // G step (non-saturating): make D call the same fakes real.
                optG.zeroGrad();
                Tensor lossG = Losses.binaryCrossEntropyWithLogits(d.forward(fake), ones);
                lossG.backward();
                optG.step(); // D's weights received gradients too; optD.zeroGrad() clears them before D's next step

                if (step % logEvery == 0 || step == steps) {
                    ModeCoverage c = ModeCoverage.of(generate(g, evalNoise), ring);
                    double ms = (System.nanoTime() - start) / 1e6 / step;
                    System.out.printf(Locale.ROOT, "%6d %8.4f %8.4f %4d/8 %9.3f %8.2f%n", step, lossD.item(), lossG.item(), c.modesCovered(), c.highQualityShare(), ms);
                    csv.printf(Locale.ROOT, "%d,%.6f,%.6f,%d,%.6f%n", step, lossD.item(), lossG.item(), c.modesCovered(), c.highQualityShare());
                }
            }
        }
        Tensor samples = generate(g, evalNoise);
        new SampleGridFigure(String.format(Locale.ROOT, "8 Gaussians, seed %d", seed), List.of("standard GAN"), new int[] {steps}, ring)
                .panel(0, 0, samples.toArray(), ModeCoverage.of(samples, ring))
                .write(out.resolve("samples.png"));
        Checkpoint.save(g, out.resolve("generator.safetensors"), Map.of("example", "gaussians", "steps", Integer.toString(steps), "seed", Long.toString(seed)));
        System.out.println("wrote " + out.resolve("samples.png") + ", " + out.resolve("metrics.csv") + ", " + out.resolve("generator.safetensors"));
        return 0;
    }

    private static Tensor generate(Module g, Tensor z) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return g.forward(z);
        }
    }
}
