package dev.jgan.examples;

import dev.jgan.autodiff.kernels.KernelProvider;
import dev.jgan.gan.data.ToyDistribution;
import dev.jgan.gan.eval.ModeCoverage;
import dev.jgan.gan.scheme.StepResult;
import dev.jgan.nn.io.Checkpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The experiment this project was started for: mode collapse on the 8-Gaussians ring and its cure by Unrolled GAN
 * (Metz et al. 2017, "Unrolled Generative Adversarial Networks", section 3.1 and figure 1). No data is downloaded.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar examples/target/jgan.jar gaussians}. With no
 * {@code --scheme} it trains the standard GAN and the second-order Unrolled GAN (k = 5) side by side from the same
 * initial networks and data, in the setting of {@link ToyExperiment}, prints progress and, every
 * {@code --eval-every} steps, how many of the 8 modes each covers (a mode is covered when at least one of 2,500
 * samples lies within 3 standard deviations of it: a high-quality sample), then a table of coverage over the steps.
 * On a terminal the progress is a live bar instead of lines. Expect the standard GAN to stay at a few modes, hopping
 * between them, and Unrolled GAN to spread over all eight. It writes {@code samples.png} (a row per scheme, a column
 * per evaluation), {@code critic.png} (the same panels over a heat map of D's output, as the WGAN-GP paper's
 * figures), {@code curves.png} (losses, gradient norms, modes covered, high-quality share, reverse KL and the
 * Wasserstein estimates over the evaluations) and {@code metrics.csv} to {@code --out}.
 * With {@code --scheme} it trains that scheme alone and also writes its generator as {@code generator.safetensors}
 * (the keys of PyTorch's {@code Sequential(Linear(256,128), ReLU(), Linear(128,128), ReLU(), Linear(128,2))}).
 */
@Command(name = "gaussians", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Standard GAN against Unrolled GAN on the 8-Gaussians ring (or one scheme on a toy set): mode coverage over",
            "training, a figure of the samples and metrics.csv. No data needed."})
public final class GaussiansCommand implements Callable<Integer> {
    @Option(names = "--scheme", paramLabel = "NAME",
            description = "Train this scheme alone: standard, unrolled, unrolled-first-order, wgan or wgan-gp (default: standard and unrolled side by side).")
    String scheme;
    @Option(names = "--unroll-steps", paramLabel = "K", description = "Look-ahead steps of Unrolled GAN (default: ${DEFAULT-VALUE}).")
    int unrollSteps = 5;
    @Option(names = "--data", paramLabel = "SET", description = "Toy set: ring8, grid25 or swissroll (default: ${DEFAULT-VALUE}).")
    String data = "ring8";
    @Option(names = "--steps", description = "Training iterations (default: ${DEFAULT-VALUE}).")
    int steps = 4000;
    @Option(names = "--eval-every", paramLabel = "N", description = "Iterations between evaluations (default: ${DEFAULT-VALUE}).")
    int evalEvery = 500;
    @Option(names = "--batch", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch = 512;
    @Option(names = "--seed", description = "Seed of every random number (default: ${DEFAULT-VALUE}).")
    long seed = 1;
    @Option(names = "--log-every", paramLabel = "N", description = "Iterations between progress lines (default: ${DEFAULT-VALUE}).")
    int logEvery = 250;
    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("runs", "gaussians");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || batch < 1 || evalEvery < 1 || logEvery < 1)
            throw new ParameterException(spec.commandLine(), "--steps, --batch, --eval-every and --log-every must be >= 1, got "
                    + steps + ", " + batch + ", " + evalEvery + ", " + logEvery);
        if (unrollSteps < 0) throw new ParameterException(spec.commandLine(), "--unroll-steps must be >= 0, got " + unrollSteps);
        if (scheme != null && !ToyExperiment.SCHEMES.contains(scheme))
            throw new ParameterException(spec.commandLine(), "--scheme must be one of " + ToyExperiment.SCHEMES + ", got '" + scheme + "'");
        if (!ToyDistribution.names().contains(data))
            throw new ParameterException(spec.commandLine(), "--data must be one of " + ToyDistribution.names() + ", got '" + data + "'");
        ToyDistribution distribution = ToyDistribution.of(data);
        List<String> names = scheme == null ? List.of("standard", "unrolled") : List.of(scheme);
        List<ToyExperiment> runs = new ArrayList<>();
        for (String n : names) runs.add(ToyExperiment.create(n, unrollSteps, distribution, batch, seed));

        Files.createDirectories(out);
        System.out.printf(Locale.ROOT, "%s: %d iterations of batch %d, seed %d, kernels %s%n", data, steps, batch, seed, KernelProvider.get().name());
        for (ToyExperiment r : runs) System.out.println("  " + r.label + ": " + r.scheme.describe());
        long start = System.nanoTime();
        // The schemes train side by side, one per thread: each iteration's ops are small, so two runs use two cores
        // better than one run's kernels do. Each run's random streams are its own, so the results do not depend on it.
        ExecutorService pool = Executors.newFixedThreadPool(runs.size());
        try (LiveBar bar = LiveBar.wanted() ? new LiveBar(data, 0, steps) : null) {
            List<Future<?>> done = new ArrayList<>();
            for (ToyExperiment r : runs) done.add(pool.submit(() -> { train(r, runs, start, bar); return null; }));
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        printTable(runs, distribution);
        writeMetrics(runs, out.resolve("metrics.csv"));
        int[] columns = runs.get(0).evaluations.stream().mapToInt(e -> (int) e.step()).toArray();
        SampleGridFigure figure = new SampleGridFigure(String.format(Locale.ROOT, "%s, batch %d, seed %d", data, batch, seed),
                runs.stream().map(r -> r.label).toList(), columns, distribution);
        for (int row = 0; row < runs.size(); row++)
            for (int col = 0; col < columns.length; col++) {
                ToyExperiment.Evaluation e = runs.get(row).evaluations.get(col);
                figure.panel(row, col, e.samples(), e.coverage());
            }
        figure.write(out.resolve("samples.png"));
        SampleGridFigure critic = SampleGridFigure.critic(String.format(Locale.ROOT, "D(x) on %s, batch %d, seed %d", data, batch, seed),
                runs.stream().map(r -> r.label).toList(), columns, distribution);
        for (int row = 0; row < runs.size(); row++)
            for (int col = 0; col < columns.length; col++) {
                ToyExperiment.Evaluation e = runs.get(row).evaluations.get(col);
                critic.panel(row, col, e.samples(), e.coverage(), e.critic());
            }
        critic.write(out.resolve("critic.png"));
        Curves.write(out.resolve("metrics.csv"), null, Curves.GAUSSIANS, String.format(Locale.ROOT, "%s on %s, batch %d, seed %d: the evaluations",
                String.join(" and ", names), data, batch, seed), out.resolve("curves.png"));
        List<String> wrote = new ArrayList<>(List.of(out.resolve("samples.png").toString(), out.resolve("critic.png").toString(),
                out.resolve("curves.png").toString(), out.resolve("metrics.csv").toString()));
        if (scheme != null) {
            Path file = out.resolve("generator.safetensors");
            Checkpoint.save(runs.get(0).scheme.generator(), file, Map.of("example", "gaussians", "scheme", scheme, "data", data,
                    "steps", Integer.toString(steps), "seed", Long.toString(seed)));
            wrote.add(file.toString());
        }
        System.out.printf(Locale.ROOT, "%.0f s; wrote %s%n", seconds, String.join(", ", wrote));
        return 0;
    }

    /**
     * Trains one run, evaluating every --eval-every and printing a progress line every --log-every iterations, or,
     * on a terminal, moving the bar.
     */
    private void train(ToyExperiment r, List<ToyExperiment> runs, long start, LiveBar bar) {
        r.trainer.every(evalEvery, (iteration, result) -> r.evaluate(iteration, result));
        if (bar == null) r.trainer.every(logEvery, (iteration, result) -> progress(r, iteration, result, start));
        else r.trainer.every(1, (iteration, result) -> {
            r.last = result;
            barUpdate(bar, runs);
        });
        r.trainer.trainUntil(steps);
    }

    /** The bar at the slowest run's iteration (the job ends with it), with every run's last losses. */
    private static void barUpdate(LiveBar bar, List<ToyExperiment> runs) {
        synchronized (bar) {
            long slowest = Long.MAX_VALUE;
            StringBuilder losses = new StringBuilder();
            for (ToyExperiment r : runs) {
                slowest = Math.min(slowest, r.scheme.iterations());
                StepResult last = r.last;
                if (last != null)
                    losses.append(losses.length() > 0 ? "  " : "").append(String.format(Locale.ROOT, "%s D %.4f G %.4f", r.name, last.dLoss(), last.gLoss()));
            }
            bar.update(slowest, losses.toString());
        }
    }

    private void progress(ToyExperiment r, long iteration, StepResult result, long start) {
        double elapsed = (System.nanoTime() - start) / 1e9, eta = elapsed / iteration * (steps - iteration);
        ToyExperiment.Evaluation last = r.evaluations.isEmpty() ? null : r.evaluations.get(r.evaluations.size() - 1);
        String coverage = last == null || r.distribution.modes().length == 0 ? "" : String.format(Locale.ROOT, "  modes %d/%d at %d",
                last.coverage().modesCovered(), last.coverage().modes(), last.step());
        synchronized (System.out) {
            System.out.printf(Locale.ROOT, "[%-22s] %6d/%d  loss D %7.4f  G %7.4f  %5.1f ms/it  eta %4.0f s%s%n", r.label, iteration, steps,
                    result.dLoss(), result.gLoss(), 1e3 * elapsed / iteration, eta, coverage);
        }
    }

    private static void printTable(List<ToyExperiment> runs, ToyDistribution distribution) {
        if (distribution.modes().length == 0) return;
        int modes = distribution.modes().length;
        System.out.println();
        System.out.printf(Locale.ROOT, "Modes covered (of %d; a mode is covered when one of 2,500 samples lies within 3 std of it) and share of"
                + " high-quality samples:%n", modes);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%8s", "step"));
        for (ToyExperiment r : runs) header.append(String.format(Locale.ROOT, "  %22s", r.label));
        System.out.println(header);
        for (int i = 0; i < runs.get(0).evaluations.size(); i++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%8d", runs.get(0).evaluations.get(i).step()));
            for (ToyExperiment r : runs) {
                ModeCoverage c = r.evaluations.get(i).coverage();
                line.append(String.format(Locale.ROOT, "  %12s %8.1f%%", c.modesCovered() + "/" + modes, 100 * c.highQualityShare()));
            }
            System.out.println(line);
        }
    }

    static final String CSV_HEADER = "scheme,step,loss_d,loss_g,grad_norm_d,grad_norm_g,modes_covered,modes,high_quality_share,reverse_kl,"
            + "wasserstein_train,wasserstein_heldout";

    private static void writeMetrics(List<ToyExperiment> runs, Path file) throws IOException {
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            csv.println(CSV_HEADER);
            for (ToyExperiment r : runs)
                for (ToyExperiment.Evaluation e : r.evaluations) {
                    StepResult s = e.result();
                    ModeCoverage c = e.coverage();
                    // Empty coverage cells for a toy set without modes (the swiss roll).
                    String coverage = c == null ? ",,," : String.format(Locale.ROOT, "%d,%d,%.6f,%.6f", c.modesCovered(), c.modes(),
                            c.highQualityShare(), c.reverseKl());
                    csv.printf(Locale.ROOT, "%s,%d,%.6f,%.6f,%.6f,%.6f,%s,%.6f,%.6f%n", r.name, e.step(), s.dLoss(), s.gLoss(),
                            s.dGradNorm(), s.gGradNorm(), coverage, s.extra("wasserstein_estimate"), e.heldOutWasserstein());
                }
        }
    }
}
