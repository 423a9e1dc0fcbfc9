package dev.jgan.examples;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.autodiff.kernels.KernelProvider;
import dev.jgan.autodiff.kernels.KernelThreads;
import dev.jgan.gan.data.Cifar10Reader;
import dev.jgan.gan.data.DatasetFormatException;
import dev.jgan.gan.data.IdxReader;
import dev.jgan.gan.data.ImageDataset;
import dev.jgan.gan.data.ShuffledBatches;
import dev.jgan.gan.eval.Sampling;
import dev.jgan.gan.nets.AutoencoderDiscriminator;
import dev.jgan.gan.nets.Dcgan;
import dev.jgan.gan.nets.ImageShape;
import dev.jgan.gan.nets.Sagan;
import dev.jgan.gan.nets.Sngan;
import dev.jgan.gan.scheme.Ebgan;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.Scheme;
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
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
 * <p>Errors in the options, the data or the output directory are one line on stderr and exit status 2
 * ({@code --verbose} adds the stack trace).
 */
@Command(name = "images", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a GAN on real images (MNIST, Fashion-MNIST, CIFAR-10): sample grids, metrics.csv, a resumable run",
            "checkpoint and the final generator in --out."})
public final class ImagesCommand implements Callable<Integer> {
    static final List<String> SCHEMES = List.of("dcgan", "wgan", "wgan-gp", "ebgan", "sngan", "sagan");
    static final List<String> DATASETS = List.of("mnist", "fashion-mnist", "cifar10");
    /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
    static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    static final String CHECKPOINT = "checkpoint.safetensors", METRICS = "metrics.csv", MONITOR = "monitor.csv",
            RUN = "run.properties", GENERATOR = "generator.safetensors", CURVES = "curves.png", INTERPOLATION = "interpolation.png";
    /** Samples in each PNG grid (8 x 8, as DCGAN's figures and PyTorch's example show them). */
    static final int GRID_SAMPLES = 64;
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
    @Option(names = "--data", paramLabel = "SET", description = {
        "mnist, fashion-mnist or cifar10 (default: ${DEFAULT-VALUE}). mnist and fashion-mnist read train-images-idx3-ubyte[.gz]",
        "(and train-labels-idx1-ubyte[.gz] if present) from --data-dir; cifar10 reads its data_batch_*.bin files."})
    String data = "fashion-mnist";
    @Option(names = "--data-dir", paramLabel = "PATH", description = {
        "Directory of the data files (default: " + "/usr/share/datasets/fashion-mnist" + " for fashion-mnist, where Debian's",
        "dataset-fashion-mnist package installs it; required for mnist and cifar10)."})
    Path dataDir;
    @Option(names = "--steps", paramLabel = "N", description = "Training iterations in all, counting those of a resumed run (default: ${DEFAULT-VALUE}).")
    int steps = 5000;
    @Option(names = "--batch", paramLabel = "N", description = "Batch size (default: ${DEFAULT-VALUE}, as DCGAN, WGAN-GP, SNGAN and SAGAN).")
    int batch = 64;
    @Option(names = "--seed", paramLabel = "N", description = "Seed of every random number: weights, data order, noise, sample grid (default: ${DEFAULT-VALUE}).")
    long seed = 1;
    @Option(names = "--threads", paramLabel = "N", description = {
        "Threads for GEMM and convolution (default: the jgan.threads system property, else all cores). Sets jgan.threads,",
        "so it takes effect only before the kernels first run in this JVM; the result does not depend on it."})
    int threads;
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

    /** An error in the options, the data or the output directory: one line, exit status 2. */
    static final class UsageError extends Exception {
        UsageError(String message) {
            super(message);
        }

        UsageError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(spec.commandLine().getOut());
        } catch (UsageError e) {
            err.println("jgan images: " + e.getMessage());
            if (verbose) e.printStackTrace(err);
            err.flush();
            return 2;
        } catch (Exception | OutOfMemoryError e) {
            err.println("jgan images: failed: " + e);
            if (verbose) e.printStackTrace(err);
            err.flush();
            return 1;
        }
    }

    private int run(PrintWriter stdout) throws Exception {
        validate();
        if (threads > 0) System.setProperty("jgan.threads", Integer.toString(threads));
        ImageDataset dataset = readData();
        ImageShape shape = shapeOf(dataset);
        if (batch > dataset.size())
            throw new UsageError("--batch " + batch + " is larger than the " + dataset.size() + " images of " + dataDir);
        prepareOut();
        Map<String, String> config = runConfig(dataset);
        Path checkpoint = out.resolve(CHECKPOINT);
        if (resume) checkResumable(config, checkpoint);
        else if (Files.exists(checkpoint))
            throw new UsageError(out + " holds a run already (" + CHECKPOINT + "): pass --resume to continue it, or choose another --out");

        // Every random stream comes from one seed in a fixed order: weights, data order, noise, the scheme's own
        // draws (WGAN-GP's interpolation factors), the fixed noise of the sample grids, the ends of the latent walks.
        // NOTE: a new stream goes last: splitting one earlier would change those after it, and with them every run.
        Rng root = new Rng(seed);
        Rng init = root.split(), dataRng = root.split(), noiseRng = root.split(), extra = root.split(), gridRng = root.split(),
                walkRng = root.split();
        Scheme s = buildScheme(shape, init, noiseRng, extra);
        Tensor gridNoise = Sampling.noise(s.latent(), gridRng, GRID_SAMPLES);
        Tensor walkNoise = walks(s.latent(), walkRng);
        String title = String.format(Locale.ROOT, "%s on %s, batch %d, seed %d", scheme, data, batch, seed);

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
            if (threads > 0 && KernelThreads.get().threads() != threads)
                stdout.printf(Locale.ROOT, "note: --threads %d has no effect: the kernels of this JVM already run with %d%n", threads,
                        KernelThreads.get().threads());

            first = s.iterations();
            long start = System.nanoTime();
            stdout.printf(Locale.ROOT, "%s on %s (%d images of %s from %s): iterations %d to %d of batch %d, seed %d, kernels %s%n", scheme,
                    data, dataset.size(), shape, dataDir, first, steps, batch, seed, KernelProvider.get().name());
            stdout.println("  " + s.describe());
            stdout.flush();
            // The bar is closed before anything else is printed, also when the run fails.
            try (MetricsCsv metrics = new MetricsCsv(out.resolve(METRICS)); LiveBar bar = LiveBar.wanted() ? new LiveBar(scheme, first, steps) : null) {
                // Order matters: the row of an iteration is written (and flushed at a checkpoint) before the checkpoint.
                trainer.every(1, (i, r) -> metrics.row(i, r, i % evalEvery == 0 ? monitor.lastDiversity() : Float.NaN));
                trainer.every(evalEvery, (i, r) -> {
                    Path png = out.resolve(String.format(Locale.ROOT, "samples-%06d.png", i));
                    ImageGrid.write(Sampling.fromNoise(s.generator(), gridNoise), png);
                    ImageGrid.write(Sampling.fromNoise(s.generator(), walkNoise), WALK_IMAGES, out.resolve(INTERPOLATION));
                    metrics.flush(); // the figure reads the rows up to this iteration back
                    Curves.write(out.resolve(METRICS), out.resolve(MONITOR), Curves.IMAGES, title, out.resolve(CURVES));
                    String line = String.format(Locale.ROOT, "%6d  loss D %8.4f  G %8.4f  diversity %.4f  wrote %s", i, r.dLoss(), r.gLoss(),
                            monitor.lastDiversity(), png.getFileName());
                    if (bar != null) bar.println(stdout, line);
                    else {
                        stdout.println(line);
                        stdout.flush();
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
        Checkpoint.save(s.generator(), out.resolve(GENERATOR), Map.of("example", "images", "scheme", scheme, "data", data,
                "steps", Integer.toString(steps), "seed", Long.toString(seed)));
        stdout.printf(Locale.ROOT, "%d iterations; wrote %s, %s, %s, %s, %s, %s and the sample grids in %s%n", s.iterations(), GENERATOR,
                CHECKPOINT, METRICS, MONITOR, CURVES, INTERPOLATION, out);
        stdout.flush();
        return 0;
    }

    private void validate() throws UsageError {
        if (!SCHEMES.contains(scheme)) throw new UsageError("--scheme must be one of " + String.join(", ", SCHEMES) + ", got '" + scheme + "'");
        if (!DATASETS.contains(data)) throw new UsageError("--data must be one of " + String.join(", ", DATASETS) + ", got '" + data + "'");
        positive("--steps", steps);
        positive("--batch", batch);
        positive("--eval-every", evalEvery);
        positive("--checkpoint-every", checkpointEvery);
        positive("--log-every", logEvery);
        if (threads < 0) throw new UsageError("--threads must be >= 1 (or 0 for the default), got " + threads);
        if (gWidth < 0 || gWidth > 4096 || dWidth < 0 || dWidth > 4096)
            throw new UsageError("--g-width and --d-width must be in 1..4096 (or 0 for the paper's), got " + gWidth + " and " + dWidth);
        if (lrDecaySteps < 0) throw new UsageError("--lr-decay-steps must be >= 1 (or 0 for --steps), got " + lrDecaySteps);
        if (!(margin > 0) || Float.isInfinite(margin)) throw new UsageError("--margin must be > 0 and finite, got " + margin);
        if (dataDir == null) {
            if (!data.equals("fashion-mnist")) throw new UsageError("--data-dir is required for --data " + data);
            dataDir = DEBIAN_FASHION_MNIST;
        }
    }

    private static void positive(String name, int v) throws UsageError {
        if (v < 1) throw new UsageError(name + " must be >= 1, got " + v);
    }

    private ImageDataset readData() throws UsageError {
        if (!Files.isDirectory(dataDir))
            throw new UsageError("--data-dir " + dataDir + (Files.exists(dataDir) ? " is not a directory" : " does not exist")
                    + (data.equals("fashion-mnist") && dataDir.equals(DEBIAN_FASHION_MNIST) ? " (apt-get install dataset-fashion-mnist)" : ""));
        try {
            if (data.equals("cifar10")) return Cifar10Reader.train(dataDir);
            Path images = idxFile("train-images-idx3-ubyte", true), labels = idxFile("train-labels-idx1-ubyte", false);
            return labels == null ? IdxReader.images(images) : IdxReader.read(images, labels);
        } catch (DatasetFormatException e) {
            throw new UsageError(e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new UsageError("no such file: " + e.getFile() + (e.getReason() == null ? "" : " (" + e.getReason() + ")"), e);
        } catch (AccessDeniedException e) {
            throw new UsageError("cannot read " + e.getFile() + ": permission denied", e);
        } catch (IOException e) {
            throw new UsageError("cannot read the " + data + " files in " + dataDir + ": " + e, e);
        }
    }

    /** {@code dataDir/name} or {@code dataDir/name.gz}; null when neither exists and the file is optional. */
    private Path idxFile(String name, boolean required) throws UsageError {
        for (String n : new String[] {name, name + ".gz"}) {
            Path p = dataDir.resolve(n);
            if (Files.exists(p)) {
                if (!Files.isReadable(p) || Files.isDirectory(p)) throw new UsageError("cannot read " + p);
                return p;
            }
        }
        if (required) throw new UsageError("no " + name + " or " + name + ".gz in --data-dir " + dataDir);
        return null;
    }

    private ImageShape shapeOf(ImageDataset d) throws UsageError {
        for (ImageShape s : ImageShape.values())
            if (d.channels() == s.channels() && d.height() == s.size() && d.width() == s.size()) return s;
        throw new UsageError("the images in " + dataDir + " are " + d.channels() + "x" + d.height() + "x" + d.width()
                + "; the networks take 1x28x28, 3x32x32 or 3x64x64");
    }

    private void prepareOut() throws UsageError {
        try {
            Files.createDirectories(out);
            Path probe = Files.createTempFile(out, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new UsageError("--out " + out + " is not a writable directory: " + e, e);
        }
    }

    /** The options that define a run: a resumed run must have the same. */
    private Map<String, String> runConfig(ImageDataset d) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("--scheme", scheme);
        c.put("--data", data);
        c.put("images", d.size() + " of " + d.channels() + "x" + d.height() + "x" + d.width());
        c.put("--batch", Integer.toString(batch));
        c.put("--seed", Long.toString(seed));
        c.put("--eval-every", Integer.toString(evalEvery));
        c.put("--g-width", Integer.toString(gWidth));
        c.put("--d-width", Integer.toString(dWidth));
        if (scheme.equals("ebgan")) c.put("--margin", Float.toString(margin));
        if (scheme.equals("sngan")) c.put("--lr-decay-steps", Integer.toString(lrDecaySteps > 0 ? lrDecaySteps : steps));
        return c;
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
        for (Map.Entry<String, String> e : config.entrySet()) {
            String was = saved.get(e.getKey());
            if (!e.getValue().equals(was))
                throw new UsageError("--resume: the run in " + out + " was started with " + e.getKey() + " " + was + ", not " + e.getValue());
        }
    }

    private void loadCheckpoint(Trainer trainer, Path checkpoint) throws UsageError {
        try {
            trainer.load(checkpoint);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageError("--resume: cannot load " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    private Scheme buildScheme(ImageShape shape, Rng init, Rng noise, Rng extra) {
        int ngf = gWidth > 0 ? gWidth : Dcgan.WIDTH, ndf = dWidth > 0 ? dWidth : Dcgan.WIDTH;
        switch (scheme) {
            case "dcgan", "wgan", "wgan-gp", "ebgan" -> {
                // NOTE: WGAN-GP's penalty is per sample and batch norm mixes samples, so its critic has none (the
                // authors' gan_mnist.py and gan_cifar.py use no normalisation in D; the paper suggests layer norm).
                Dcgan.Options o = scheme.equals("wgan-gp") ? Dcgan.Options.defaults().withDiscriminatorNorm(Dcgan.Norm.NONE) : Dcgan.Options.defaults();
                Module g = Dcgan.generator(shape, Dcgan.NOISE, ngf, o, init);
                Latent latent = Latent.normal(noise, Dcgan.NOISE);
                return switch (scheme) {
                    case "dcgan" -> StandardGan.builder(g, Dcgan.discriminator(shape, ndf, o, init), latent).build();
                    case "wgan" -> Wgan.builder(g, Dcgan.discriminator(shape, ndf, o, init), latent).build();
                    case "wgan-gp" -> WganGp.builder(g, Dcgan.discriminator(shape, ndf, o, init), latent, extra).build();
                    default -> Ebgan.builder(g, AutoencoderDiscriminator.conv(shape, ndf, init), latent, margin).build();
                };
            }
            case "sngan" -> {
                Sngan.Options o = Sngan.Options.defaults().withWidths(gWidth > 0 ? gWidth : Sngan.GENERATOR_WIDTH,
                        dWidth > 0 ? dWidth : Sngan.DISCRIMINATOR_WIDTH);
                Module g = Sngan.generator(shape, o, init), d = Sngan.discriminator(shape, o, init);
                return SpectralNormGan.sngan(g, d, Latent.normal(noise, o.noise()), lrDecaySteps > 0 ? lrDecaySteps : steps).build();
            }
            case "sagan" -> {
                Sagan.Options o = Sagan.Options.defaults(shape);
                o = o.withWidths(gWidth > 0 ? gWidth : o.generatorWidth(), dWidth > 0 ? dWidth : o.discriminatorWidth());
                Module g = Sagan.generator(shape, o, init), d = Sagan.discriminator(shape, o, init);
                return SpectralNormGan.sagan(g, d, Latent.normal(noise, o.noise())).build();
            }
            default -> throw new IllegalStateException("unreachable: scheme " + scheme);
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
     * {@code diversity} (the monitor's mean pairwise distance of the fixed batch's samples) at evaluation iterations,
     * empty elsewhere. Floats are written exactly ({@link Float#toString}), so two runs can be compared as text. The
     * header comes with the first row (the extras' names are known then) or is the existing file's on a resume.
     */
    static final class MetricsCsv implements AutoCloseable {
        static final String FIXED = "iteration,loss_d,loss_g,grad_norm_d,grad_norm_g,d_steps,g_steps";
        private final Writer w;
        private List<String> extras;

        MetricsCsv(Path file) throws IOException {
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            if (!fresh) {
                String header = Files.readAllLines(file, StandardCharsets.UTF_8).get(0);
                if (!header.startsWith(FIXED + ",") || !header.endsWith(",diversity"))
                    throw new IOException(file + " begins with '" + header + "', not '" + FIXED + ",...,diversity'");
                String middle = header.substring(FIXED.length() + 1, header.length() - "diversity".length());
                extras = middle.isEmpty() ? List.of() : List.of(middle.substring(0, middle.length() - 1).split(","));
            }
            w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }

        void row(long iteration, StepResult r, float diversity) throws IOException {
            if (extras == null) {
                extras = new ArrayList<>(new TreeMap<>(r.extras()).keySet());
                w.write(FIXED + "," + (extras.isEmpty() ? "" : String.join(",", extras) + ",") + "diversity\n");
            }
            StringBuilder b = new StringBuilder().append(iteration).append(',').append(r.dLoss()).append(',').append(r.gLoss()).append(',')
                    .append(r.dGradNorm()).append(',').append(r.gGradNorm()).append(',').append(r.dSteps()).append(',').append(r.gSteps());
            for (String e : extras) b.append(',').append(r.extras().getOrDefault(e, Float.NaN));
            b.append(',');
            if (!Float.isNaN(diversity)) b.append(diversity);
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
