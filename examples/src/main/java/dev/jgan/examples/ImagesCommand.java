package dev.jgan.examples;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.autodiff.kernels.KernelProvider;
import dev.jgan.gan.data.ImageDataset;
import dev.jgan.gan.data.ShuffledBatches;
import dev.jgan.gan.eval.MeanStd;
import dev.jgan.gan.eval.Sampling;
import dev.jgan.gan.nets.AutoencoderDiscriminator;
import dev.jgan.gan.nets.Dcgan;
import dev.jgan.gan.nets.ImageShape;
import dev.jgan.gan.nets.Sagan;
import dev.jgan.gan.nets.Sngan;
import dev.jgan.gan.regularize.PullAway;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.gan.scheme.Ebgan;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.Scheme;
import dev.jgan.gan.scheme.SchemeBase;
import dev.jgan.gan.scheme.SpectralNormGan;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.scheme.StepResult;
import dev.jgan.gan.scheme.Wgan;
import dev.jgan.gan.scheme.WganGp;
import dev.jgan.gan.train.Monitor;
import dev.jgan.gan.train.Trainer;
import dev.jgan.nn.Module;
import dev.jgan.nn.io.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains a GAN on real images: MNIST or Fashion-MNIST (IDX files) or CIFAR-10 (binary batches), with one of the
 * image schemes at its paper's settings. Nothing is downloaded: on Debian, {@code apt-get install dataset-fashion-mnist}
 * puts Fashion-MNIST in {@code /usr/share/datasets/fashion-mnist}, the default {@code --data-dir} for it.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar examples/target/jgan.jar images --scheme dcgan --steps 2000}.
 * Every {@code --eval-every} iterations it writes {@code samples-<iteration>.png} (G's images of one fixed noise
 * batch, so the frames show one set of images developing), {@code interpolation.png} (G along great circles between
 * fixed pairs of noise vectors, a pair per row) and {@code curves.png} (losses, gradient norms, the evaluations'
 * figures and the failure monitor's events over the whole run, read back from metrics.csv and monitor.csv), and
 * prints the losses and the monitor's diversity; on a terminal the progress is a live bar instead of lines;
 * {@code metrics.csv} gets one row per iteration; {@code checkpoint.safetensors} (the whole run: networks,
 * optimizers, random generators, data order, monitor) is replaced every {@code --checkpoint-every} iterations and at
 * the end, and {@code --resume} continues it bit for bit; {@code generator.safetensors} is G at the end. Expect
 * digit- or garment-like shapes in the DCGAN samples after a few hundred iterations of batch 64.
 *
 * <p>With {@code --classifier} (a file of {@code jgan classifier}) every evaluation also scores {@code --eval-samples}
 * samples of a fixed noise set, drawn once from its own stream: the classifier's Inception Score and the Fréchet
 * distance of its penultimate features to the test split's, in metrics.csv and the evaluation line. {@code --data
 * folder} trains on a folder of PNG/JPEG photos at 32 x 32 or 64 x 64 ({@code --image-size}).
 *
 * <p>Errors in the options, the data or the output directory are one line on stderr and exit status 2
 * ({@code --verbose} adds the stack trace).
 */
@Command(name = "images", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a GAN on real images (MNIST, Fashion-MNIST, CIFAR-10, a folder of photos): sample grids, metrics.csv",
            "(with --classifier the classifier IS and FID at evaluations), a resumable run checkpoint and the final generator in --out."})
public final class ImagesCommand implements Callable<Integer> {
    static final List<String> SCHEMES = List.of("dcgan", "wgan", "wgan-gp", "ebgan", "sngan", "sagan");
    static final String CHECKPOINT = "checkpoint.safetensors", METRICS = "metrics.csv", MONITOR = "monitor.csv",
            RUN = "run.properties", GENERATOR = "generator.safetensors", CURVES = "curves.png", INTERPOLATION = "interpolation.png";
    /** Samples in each PNG grid (8 x 8, as DCGAN's figures and PyTorch's example show them). */
    static final int GRID_SAMPLES = 64;
    /**
     * Samples scored at each evaluation with --classifier: on 2 cores (shared) DCGAN's 28 x 28 G makes 5,000 and the
     * classifier scores them in about 5 s once warm (14 s the first time), against 4 to 5 minutes for 500 iterations
     * at 1.8 it/s; half the test split, so the Fréchet estimate's small-sample bias stays moderate.
     */
    static final int DEFAULT_EVAL_SAMPLES = 5000;
    /** The most --eval-samples: the generated features are kept in memory, and the estimates gain little beyond. */
    static final int MAX_EVAL_SAMPLES = 100_000;
    /** interpolation.png: this many latent walks, one per row, of this many images each (both ends included). */
    static final int WALKS = 8, WALK_IMAGES = 10;

    @Option(names = "--scheme", paramLabel = "NAME", description = {
        "dcgan, wgan, wgan-gp, ebgan, sngan or sagan (default: ${DEFAULT-VALUE}). Each with its paper's settings:",
        "dcgan: DCGAN G and D, non-saturating loss, Adam(2e-4, 0.5, 0.999) (Radford et al. 2015);",
        "wgan: DCGAN G and critic, 5 critic steps, clip 0.01, RMSProp(5e-5) (Arjovsky et al. 2017);",
        "wgan-gp: DCGAN G, DCGAN critic without batch norm (as the authors' gan_mnist.py/gan_cifar.py), lambda 10, 5 critic steps,",
        "  Adam(1e-4, 0, 0.9) (Gulrajani et al. 2017); ebgan: DCGAN G, EBGAN's convolutional autoencoder D, pull-away 0.1,",
        "  Adam(2e-4, 0.5) (Zhao et al. 2016); sngan: SNGAN's ResNet G and D, hinge loss, 5 D steps, Adam(2e-4, 0, 0.9) decaying",
        "  linearly to 0 (Miyato et al. 2018); sagan: SAGAN's G and D with self-attention, spectral norm in both, hinge loss,",
        "  TTUR Adam G 1e-4 / D 4e-4, betas (0, 0.9) (Zhang et al. 2019)."})
    String scheme = "dcgan";
    @Mixin
    DataOptions data;
    @Option(names = "--steps", paramLabel = "N", description = "Training iterations in all, counting those of a resumed run (default: ${DEFAULT-VALUE}).")
    int steps = 5000;
    @Option(names = "--batch", paramLabel = "N", description = "Batch size (default: ${DEFAULT-VALUE}, as DCGAN, WGAN-GP, SNGAN and SAGAN).")
    int batch = 64;
    @Option(names = "--seed", paramLabel = "N", description = "Seed of every random number: weights, data order, noise, sample grid (default: ${DEFAULT-VALUE}).")
    long seed = 1;
    @Mixin
    ThreadsOption threads;
    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}; runs/ is git-ignored).")
    Path out = Path.of("runs", "images");
    @Option(names = "--resume", description = "Continue the run whose checkpoint.safetensors is in --out, bit for bit; the run-defining options must be as it was started.")
    boolean resume;
    @Option(names = "--eval-every", paramLabel = "N", description = "Iterations between sample grids and diversity measurements (default: ${DEFAULT-VALUE}).")
    int evalEvery = 500;
    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Iterations between run checkpoints; one is also written at the end (default: ${DEFAULT-VALUE}).")
    int checkpointEvery = 500;
    @Option(names = "--log-every", paramLabel = "N", description = "Iterations between progress lines (default: ${DEFAULT-VALUE}).")
    int logEvery = 100;
    @Option(names = "--margin", paramLabel = "M", description = {
        "ebgan's energy margin m (default: ${DEFAULT-VALUE}; the paper has none to give: it grid-searched m per data set, and",
        "its energy was a norm, here the per-pixel mean squared reconstruction error of [-1, 1] images)."})
    float margin = 1f;
    @Option(names = "--pull-away", paramLabel = "W", description = {
        "ebgan's pull-away term weight w_PT (default: " + PullAway.DEFAULT_WEIGHT + ", the paper's; 0 turns the term off)."})
    Float pullAway;
    @Option(names = "--schedule", paramLabel = "SPEC", description = {
        "D and G steps per iteration in place of the scheme's (default: the paper's: 5:1 for wgan, wgan-gp and sngan, 1:1 for",
        "dcgan, ebgan and sagan): fixed:D:G, or adaptive:MAX:LIMIT for extra D steps while D's loss is at or above LIMIT, up to",
        "MAX in an iteration, then one G step (e.g. adaptive:5:0.5)."})
    String schedule;
    @Option(names = "--classifier", paramLabel = "FILE", description = {
        "A classifier of jgan classifier for the same data: at every evaluation, the classifier Inception Score of",
        "--eval-samples samples and their Fréchet distance (FID on the classifier's features) to the test split's features, in",
        "metrics.csv (inception_score, fid) and the evaluation line (default: none). Needs the test split in --data-dir."})
    Path classifier;
    @Option(names = "--eval-samples", paramLabel = "N", description = {
        "With --classifier: samples scored at each evaluation, from one fixed noise set of their own (default: "
                + DEFAULT_EVAL_SAMPLES + ", a few seconds",
        "for DCGAN on 2 cores, against minutes for --eval-every 500)."})
    Integer evalSamples;
    @Option(names = "--lr-decay-steps", paramLabel = "N", description = {
        "sngan: the iteration at which the linear learning-rate decay reaches 0 (default: --steps, as chainer-gan-lib and",
        "Mimicry; give it explicitly to resume a run with a larger --steps)."})
    int lrDecaySteps;
    @Option(names = "--g-width", paramLabel = "N", description = {
        "Advanced: G's base width (default: the paper's: 64 (ngf) for the DCGAN G, 256 for SNGAN's and SAGAN's). Small",
        "values give fast, weak networks for smoke tests."})
    int gWidth;
    @Option(names = "--d-width", paramLabel = "N", description = "Advanced: D's base width (default: the paper's: 64 (ndf) for DCGAN's and EBGAN's D, 128 for SNGAN's and SAGAN's).")
    int dWidth;
    @Option(names = "--verbose", description = "Print the stack trace of an error.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** The classifier's scores of the last evaluation, for its metrics.csv row (null without --classifier). */
    private EvalScores lastScores;

    @Override
    public Integer call() {
        return Commands.call(spec, verbose, this::run);
    }

    private int run(PrintWriter stdout) throws Exception {
        validate();
        threads.apply();
        ImageDataset dataset = data.train(false);
        ImageShape shape = data.shapeOf(dataset);
        GeneratorSpec generator = GeneratorSpec.of(scheme, shape, gWidth);
        if (!generator.supported())
            throw new UsageError("--scheme " + scheme + " has networks for 1x28x28 and 3x32x32 images, not " + shape
                    + " (dcgan, wgan, wgan-gp and ebgan take 3x64x64)");
        if (batch > dataset.size())
            throw new UsageError("--batch " + batch + " is larger than the " + dataset.size() + " images of " + data.dir);
        ClassifierMetrics scorer = classifier == null ? null : ClassifierMetrics.load("--classifier", classifier, data.test(false), data.name);
        Commands.writableDirectory("--out", out);

        // Every random stream comes from one seed in a fixed order: weights, data order, noise, the scheme's own
        // draws (WGAN-GP's interpolation factors), the fixed noise of the sample grids, the fixed noise of the
        // classifier's evaluations, the ends of the latent walks. Each new stream comes last, so the earlier ones stay
        // those of older runs.
        Rng root = new Rng(seed);
        Rng init = root.split(), dataRng = root.split(), noiseRng = root.split(), extra = root.split(), gridRng = root.split(),
                evalRng = root.split(), walkRng = root.split();
        Scheme s = buildScheme(generator, init, noiseRng, extra);
        Map<String, String> config = runConfig(dataset, s);
        Path checkpoint = out.resolve(CHECKPOINT);
        if (resume) checkResumable(config, checkpoint);
        else if (Files.exists(checkpoint))
            throw new UsageError(out + " holds a run already (" + CHECKPOINT + "): pass --resume to continue it, or choose another --out");
        Tensor gridNoise = Sampling.noise(s.latent(), gridRng, GRID_SAMPLES);
        // The same samples' noise at every evaluation: the scores then move with G only, and a resumed run
        // computes them bit for bit as the run that never stopped.
        Tensor evalNoise = scorer == null ? null : Sampling.noise(s.latent(), evalRng, evalSamples);
        Tensor walkNoise = walks(s.latent(), walkRng);
        String title = String.format(Locale.ROOT, "%s on %s, batch %d, seed %d", scheme, data.name, batch, seed);

        long first; // the iteration this session starts from
        try (ShuffledBatches batches = new ShuffledBatches(dataset, dataRng, batch)) {
            // The diversity is measured at the evaluation iterations, so metrics.csv shows it beside each sample grid.
            Monitor monitor = Monitor.builder().metricsFile(out.resolve(MONITOR)).diversityCollapse(evalEvery, GRID_SAMPLES, 0.3f, 3).build();
            Trainer trainer = new Trainer(s, batches).monitor(monitor);
            if (resume) {
                loadCheckpoint(trainer, checkpoint);
                long at = s.iterations();
                if (at > steps) throw new UsageError("--steps " + steps + " but the run in " + out + " is at iteration " + at + " already");
                // Rows the interrupted run wrote after its last checkpoint would otherwise appear twice.
                keepRowsUpTo(out.resolve(METRICS), at);
                keepRowsUpTo(out.resolve(MONITOR), at);
            } else {
                Files.deleteIfExists(out.resolve(METRICS));
                Files.deleteIfExists(out.resolve(MONITOR));
                writeConfig(config, out.resolve(RUN));
            }
            threads.noteIfLate(stdout);

            first = s.iterations();
            long start = System.nanoTime();
            stdout.printf(Locale.ROOT, "%s on %s (%d images of %s from %s): iterations %d to %d of batch %d, seed %d, kernels %s%n", scheme,
                    data.describe(), dataset.size(), shape, data.dir, first, steps, batch, seed, KernelProvider.get().name());
            stdout.println("  " + s.describe());
            if (scorer != null)
                stdout.printf(Locale.ROOT, "  classifier %s: %d samples per evaluation; the %d test images score IS %.4f +- %.4f%n",
                        scorer.describe(), evalSamples, scorer.testFeatures.size(0), scorer.testInceptionScore.mean(), scorer.testInceptionScore.std());
            stdout.flush();
            // The bar is closed before anything else is printed, also when the run fails.
            try (MetricsCsv metrics = new MetricsCsv(out.resolve(METRICS), scorer != null);
                 LiveBar bar = LiveBar.wanted() ? new LiveBar(scheme, first, steps) : null) {
                // Order matters: an evaluation's scores are computed before its metrics.csv row is written, the row
                // before the figure that reads it back, and the rows (flushed at a checkpoint) before the checkpoint.
                trainer.every(evalEvery, (i, r) -> {
                    Path png = out.resolve(String.format(Locale.ROOT, "samples-%06d.png", i));
                    ImageGrid.write(Sampling.fromNoise(s.generator(), gridNoise), png);
                    ImageGrid.write(Sampling.fromNoise(s.generator(), walkNoise), WALK_IMAGES, out.resolve(INTERPOLATION));
                    String scores = "";
                    if (scorer != null) {
                        long t0 = System.nanoTime();
                        ClassifierMetrics.Scored g = scorer.score(s.generator(), evalNoise);
                        lastScores = new EvalScores(g.inceptionScore(), scorer.fid(g));
                        scores = String.format(Locale.ROOT, "  IS %.4f  FID %.4f (scored in %s)", lastScores.inceptionScore().mean(), lastScores.fid(),
                                duration((System.nanoTime() - t0) / 1e9));
                    }
                    String line = String.format(Locale.ROOT, "%6d  loss D %8.4f  G %8.4f  diversity %.4f%s  wrote %s", i, r.dLoss(), r.gLoss(),
                            monitor.lastDiversity(), scores, png.getFileName());
                    if (bar != null) bar.println(stdout, line);
                    else {
                        stdout.println(line);
                        stdout.flush();
                    }
                });
                trainer.every(1, (i, r) -> {
                    boolean evaluation = i % evalEvery == 0;
                    metrics.row(i, r, evaluation ? monitor.lastDiversity() : Float.NaN, evaluation ? lastScores : null);
                    if (evaluation) {
                        metrics.flush(); // the figure reads the rows up to this iteration back
                        Curves.write(out.resolve(METRICS), out.resolve(MONITOR), Curves.IMAGES, title, out.resolve(CURVES));
                    }
                });
                if (bar != null) trainer.every(1, (i, r) -> bar.update(i, String.format(Locale.ROOT, "loss D %.4f G %.4f", r.dLoss(), r.gLoss())));
                else trainer.every(logEvery, (i, r) -> progress(stdout, i, r, first, start));
                trainer.every(checkpointEvery, (i, r) -> {
                    metrics.flush();
                    trainer.save(checkpoint);
                });
                trainer.trainUntil(steps);
            }
        }
        // The figures of the end, from the whole run's files (a resumed run's included), unless the last evaluation,
        // at the last iteration, has just drawn them.
        if (steps % evalEvery != 0 || first == steps) {
            ImageGrid.write(Sampling.fromNoise(s.generator(), walkNoise), WALK_IMAGES, out.resolve(INTERPOLATION));
            Curves.write(out.resolve(METRICS), out.resolve(MONITOR), Curves.IMAGES, title, out.resolve(CURVES));
        }
        Map<String, String> meta = new LinkedHashMap<>(Map.of("example", "images", "data", data.name, "steps", Integer.toString(steps),
                "seed", Long.toString(seed)));
        meta.putAll(generator.metadata()); // what jgan evaluate needs to rebuild G
        Checkpoint.save(s.generator(), out.resolve(GENERATOR), meta);
        stdout.printf(Locale.ROOT, "%d iterations; wrote %s, %s, %s, %s, %s, %s and the sample grids in %s%n", s.iterations(), GENERATOR,
                CHECKPOINT, METRICS, MONITOR, CURVES, INTERPOLATION, out);
        stdout.flush();
        return 0;
    }

    /** The classifier's scores of one evaluation's samples. */
    record EvalScores(MeanStd inceptionScore, double fid) {}

    private void validate() throws UsageError {
        if (!SCHEMES.contains(scheme)) throw new UsageError("--scheme must be one of " + String.join(", ", SCHEMES) + ", got '" + scheme + "'");
        data.validate();
        Commands.positive("--steps", steps);
        Commands.positive("--batch", batch);
        Commands.positive("--eval-every", evalEvery);
        Commands.positive("--checkpoint-every", checkpointEvery);
        Commands.positive("--log-every", logEvery);
        if (gWidth < 0 || gWidth > 4096 || dWidth < 0 || dWidth > 4096)
            throw new UsageError("--g-width and --d-width must be in 1..4096 (or 0 for the paper's), got " + gWidth + " and " + dWidth);
        if (lrDecaySteps < 0) throw new UsageError("--lr-decay-steps must be >= 1 (or 0 for --steps), got " + lrDecaySteps);
        if (!(margin > 0) || Float.isInfinite(margin)) throw new UsageError("--margin must be > 0 and finite, got " + margin);
        if (pullAway != null) {
            if (!scheme.equals("ebgan")) throw new UsageError("--pull-away applies to --scheme ebgan only, not " + scheme);
            if (!(pullAway >= 0) || Float.isInfinite(pullAway)) throw new UsageError("--pull-away must be >= 0 and finite, got " + pullAway);
        }
        if (schedule != null) parseSchedule(schedule);
        if (classifier != null) {
            data.requireTestSplit("--classifier");
            Commands.readableFile("--classifier", classifier);
            if (evalSamples == null) evalSamples = DEFAULT_EVAL_SAMPLES;
            // 10 splits of the Inception Score need 10 samples at least.
            if (evalSamples < 10 || evalSamples > MAX_EVAL_SAMPLES)
                throw new UsageError("--eval-samples must be in 10.." + MAX_EVAL_SAMPLES + ", got " + evalSamples);
        } else if (evalSamples != null) {
            throw new UsageError("--eval-samples applies with --classifier only");
        }
    }

    /** {@code fixed:D:G} or {@code adaptive:MAX:LIMIT} as a {@link Schedule}. */
    static Schedule parseSchedule(String spec) throws UsageError {
        String[] p = spec.split(":", -1);
        try {
            if (p.length == 3 && p[0].equals("fixed")) {
                int d = Integer.parseInt(p[1]), g = Integer.parseInt(p[2]);
                if (d >= 1 && g >= 1) return Schedule.fixed(d, g);
            } else if (p.length == 3 && p[0].equals("adaptive")) {
                int max = Integer.parseInt(p[1]);
                float limit = Float.parseFloat(p[2]);
                if (max >= 1 && Float.isFinite(limit)) return Schedule.adaptive(max, limit);
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new UsageError("--schedule must be fixed:D:G (D, G >= 1 steps) or adaptive:MAX:LIMIT (MAX >= 1, LIMIT a finite D loss), got '"
                + spec + "'");
    }

    /** The options that define a run: a resumed run must have the same. */
    private Map<String, String> runConfig(ImageDataset d, Scheme s) throws IOException {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("--scheme", scheme);
        c.put("--data", data.name);
        if (data.isFolder()) c.put("--image-size", Integer.toString(data.folderImageSize()));
        c.put("images", d.size() + " of " + d.channels() + "x" + d.height() + "x" + d.width());
        c.put("--batch", Integer.toString(batch));
        c.put("--seed", Long.toString(seed));
        c.put("--eval-every", Integer.toString(evalEvery));
        c.put("--g-width", Integer.toString(gWidth));
        c.put("--d-width", Integer.toString(dWidth));
        c.put("--schedule", s.schedule().describe()); // the one in effect, given or the scheme's
        if (scheme.equals("ebgan")) {
            c.put("--margin", Float.toString(margin));
            c.put("--pull-away", Float.toString(((Ebgan) s).pullAwayWeight()));
        }
        if (scheme.equals("sngan")) c.put("--lr-decay-steps", Integer.toString(lrDecaySteps > 0 ? lrDecaySteps : steps));
        if (classifier != null) {
            // The file's content, not its path, decides the scores: a moved copy resumes, a retrained one does not.
            c.put("--classifier", "sha-256:" + sha256(classifier));
            c.put("--eval-samples", Integer.toString(evalSamples));
        }
        return c;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void writeConfig(Map<String, String> c, Path file) throws IOException {
        StringBuilder b = new StringBuilder("# the options that define this run; jgan images --resume checks them\n");
        c.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, b, StandardCharsets.UTF_8);
    }

    private void checkResumable(Map<String, String> config, Path checkpoint) throws UsageError {
        if (!Files.isRegularFile(checkpoint)) throw new UsageError("--resume: no " + CHECKPOINT + " in " + out);
        Map<String, String> saved = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(out.resolve(RUN), StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0) saved.put(line.substring(0, eq), line.substring(eq + 1));
            }
        } catch (IOException e) {
            throw new UsageError("--resume: cannot read " + out.resolve(RUN) + ": " + e, e);
        }
        // Both ways: an option the run was started with and this command lacks (e.g. --classifier) differs too.
        Set<String> keys = new LinkedHashSet<>(config.keySet());
        keys.addAll(saved.keySet());
        for (String k : keys) {
            String was = saved.get(k), now = config.get(k);
            if (Objects.equals(was, now)) continue;
            throw new UsageError("--resume: the run in " + out + " was started "
                    + (was == null ? "without " + k : now == null ? "with " + k + " " + was + ", not without it" : "with " + k + " " + was + ", not " + now));
        }
    }

    private void loadCheckpoint(Trainer trainer, Path checkpoint) throws UsageError {
        try {
            trainer.load(checkpoint);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageError("--resume: cannot load " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    /** The scheme at its paper's settings, with --schedule and --pull-away where given; G first from {@code init}, then D. */
    private Scheme buildScheme(GeneratorSpec generator, Rng init, Rng noise, Rng extra) {
        ImageShape shape = generator.shape();
        Module g = generator.build(init);
        Latent latent = generator.latent(noise);
        int ndf = dWidth > 0 ? dWidth : Dcgan.WIDTH;
        return switch (scheme) {
            case "dcgan" -> scheduled(StandardGan.builder(g, Dcgan.discriminator(shape, ndf, Dcgan.Options.defaults(), init), latent)).build();
            case "wgan" -> scheduled(Wgan.builder(g, Dcgan.discriminator(shape, ndf, Dcgan.Options.defaults(), init), latent)).build();
            // NOTE: WGAN-GP's penalty is per sample and batch norm mixes samples, so its critic has none (the
            // authors' gan_mnist.py and gan_cifar.py use no normalisation in D; the paper suggests layer norm).
            case "wgan-gp" -> scheduled(WganGp.builder(g, Dcgan.discriminator(shape, ndf,
                    Dcgan.Options.defaults().withDiscriminatorNorm(Dcgan.Norm.NONE), init), latent, extra)).build();
            case "ebgan" -> scheduled(Ebgan.builder(g, AutoencoderDiscriminator.conv(shape, ndf, init), latent, margin)
                    .pullAwayWeight(pullAway != null ? pullAway : PullAway.DEFAULT_WEIGHT)).build();
            case "sngan" -> {
                Sngan.Options o = Sngan.Options.defaults().withWidths(generator.width(), dWidth > 0 ? dWidth : Sngan.DISCRIMINATOR_WIDTH);
                yield scheduled(SpectralNormGan.sngan(g, Sngan.discriminator(shape, o, init), latent, lrDecaySteps > 0 ? lrDecaySteps : steps)).build();
            }
            case "sagan" -> {
                Sagan.Options o = Sagan.Options.defaults(shape);
                o = o.withWidths(generator.width(), dWidth > 0 ? dWidth : o.discriminatorWidth());
                yield scheduled(SpectralNormGan.sagan(g, Sagan.discriminator(shape, o, init), latent)).build();
            }
            default -> throw new IllegalStateException("unreachable: scheme " + scheme);
        };
    }

    /** The builder with --schedule in place of its paper's schedule, if given (validated before). */
    private <B extends SchemeBase.Builder<B>> B scheduled(B builder) {
        if (schedule == null) return builder;
        try {
            return builder.schedule(parseSchedule(schedule));
        } catch (UsageError e) {
            throw new IllegalStateException("unreachable: --schedule was validated", e);
        }
    }

    /**
     * The noise of interpolation.png: {@value #WALKS} walks of {@value #WALK_IMAGES} latents along the great circle
     * ({@link Latent#walk}, spherical interpolation) between pairs of noise vectors drawn from {@code rng}, row after
     * row: [WALKS * WALK_IMAGES, latent shape...].
     */
    static Tensor walks(Latent latent, Rng rng) {
        Tensor ends = Sampling.noise(latent, rng, 2 * WALKS);
        int per = ends.numel() / (2 * WALKS);
        float[] e = ends.toArray(), all = new float[WALKS * WALK_IMAGES * per];
        for (int w = 0; w < WALKS; w++) {
            Tensor from = Tensor.of(Arrays.copyOfRange(e, 2 * w * per, (2 * w + 1) * per), latent.shape());
            Tensor to = Tensor.of(Arrays.copyOfRange(e, (2 * w + 1) * per, (2 * w + 2) * per), latent.shape());
            System.arraycopy(latent.walk(from, to, WALK_IMAGES - 1).toArray(), 0, all, w * WALK_IMAGES * per, WALK_IMAGES * per);
        }
        int[] shape = new int[latent.shape().length + 1];
        shape[0] = WALKS * WALK_IMAGES;
        System.arraycopy(latent.shape(), 0, shape, 1, latent.shape().length);
        return Tensor.of(all, shape);
    }

    private void progress(PrintWriter stdout, long i, StepResult r, long first, long start) {
        double elapsed = (System.nanoTime() - start) / 1e9, perIt = elapsed / Math.max(1, i - first);
        stdout.printf(Locale.ROOT, "%6d/%d  loss D %8.4f  G %8.4f  |grad| D %.3g G %.3g  %.2f it/s  eta %s%n", i, steps, r.dLoss(), r.gLoss(),
                r.dGradNorm(), r.gGradNorm(), 1 / perIt, duration(perIt * (steps - i)));
        stdout.flush();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** Keeps the header and the rows whose first column, the iteration, is at most {@code iteration}. */
    static void keepRowsUpTo(Path csv, long iteration) throws IOException {
        if (!Files.exists(csv)) return;
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8), kept = new ArrayList<>();
        for (int k = 0; k < lines.size(); k++) {
            String l = lines.get(k);
            int comma = l.indexOf(',');
            if (k == 0 || comma > 0 && Long.parseLong(l.substring(0, comma)) <= iteration) kept.add(l);
        }
        Files.write(csv, kept, StandardCharsets.UTF_8);
    }

    /**
     * metrics.csv: one row per iteration, {@code iteration,loss_d,loss_g,grad_norm_d,grad_norm_g,d_steps,g_steps},
     * then the scheme's own figures by name (sorted; {@code gradient_penalty}, {@code wasserstein_estimate}, ...), then
     * {@code diversity} (the monitor's mean pairwise distance of the fixed batch's samples) and, in a run with
     * --classifier, {@code inception_score} (the mean over 10 splits) and {@code fid}, all three at evaluation
     * iterations and empty elsewhere. Floats are written exactly ({@link Float#toString}, {@link Double#toString}),
     * so two runs can be compared as text. The header comes with the first row (the extras' names are known then) or
     * is the existing file's on a resume.
     */
    static final class MetricsCsv implements AutoCloseable {
        static final String FIXED = "iteration,loss_d,loss_g,grad_norm_d,grad_norm_g,d_steps,g_steps";
        static final String EVALUATION = "diversity", WITH_CLASSIFIER = "diversity,inception_score,fid";
        private final Writer w;
        private final String tail;
        private List<String> extras;

        /** The file, new or to append to; {@code classifierScores}: the run has a --classifier (its header says so). */
        MetricsCsv(Path file, boolean classifierScores) throws IOException {
            tail = classifierScores ? WITH_CLASSIFIER : EVALUATION;
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            if (!fresh) {
                String header = Files.readAllLines(file, StandardCharsets.UTF_8).get(0);
                if (!header.startsWith(FIXED + ",") || !header.endsWith("," + tail))
                    throw new IOException(file + " begins with '" + header + "', not '" + FIXED + ",...," + tail + "'");
                String middle = header.substring(FIXED.length() + 1, header.length() - tail.length());
                extras = middle.isEmpty() ? List.of() : List.of(middle.substring(0, middle.length() - 1).split(","));
            }
            w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }

        /** A row; {@code diversity} NaN and {@code scores} null leave their cells empty. */
        void row(long iteration, StepResult r, float diversity, EvalScores scores) throws IOException {
            if (extras == null) {
                extras = new ArrayList<>(new TreeMap<>(r.extras()).keySet());
                w.write(FIXED + "," + (extras.isEmpty() ? "" : String.join(",", extras) + ",") + tail + "\n");
            }
            StringBuilder b = new StringBuilder().append(iteration).append(',').append(r.dLoss()).append(',').append(r.gLoss()).append(',')
                    .append(r.dGradNorm()).append(',').append(r.gGradNorm()).append(',').append(r.dSteps()).append(',').append(r.gSteps());
            for (String e : extras) b.append(',').append(r.extras().getOrDefault(e, Float.NaN));
            b.append(',');
            if (!Float.isNaN(diversity)) b.append(diversity);
            if (tail.equals(WITH_CLASSIFIER)) {
                b.append(',');
                if (scores != null) b.append(scores.inceptionScore().mean());
                b.append(',');
                if (scores != null) b.append(scores.fid());
            }
            w.write(b.append('\n').toString());
        }

        void flush() throws IOException {
            w.flush();
        }

        @Override
        public void close() throws IOException {
            w.close();
        }
    }
}
