package dev.jgan.examples;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.ImageDataset;
import dev.jgan.gan.eval.KernelInceptionDistance;
import dev.jgan.gan.eval.MeanStd;
import dev.jgan.gan.eval.PrecisionRecall;
import dev.jgan.gan.eval.Sampling;
import dev.jgan.nn.Module;
import dev.jgan.nn.io.Checkpoint;
import dev.jgan.nn.io.SafeTensorsReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Scores the generator of a finished {@code jgan images} run ({@code generator.safetensors}, whose metadata says how
 * to rebuild it) with a classifier of {@code jgan classifier} against the data set's test split: the classifier
 * Inception Score (mean and standard deviation over 10 splits), the Fréchet distance of the classifier's features
 * (FID), the kernel distance (KID, over 100 subsets of up to 1,000) and improved precision and recall (k = 3), with
 * the test split's own Inception Score as the ceiling. The numbers are comparable between generators scored with the
 * same classifier file and sample count only, never with the Inception-based numbers of papers.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar examples/target/jgan.jar evaluate --generator
 * runs/images/generator.safetensors --classifier runs/classifier-fashion-mnist.safetensors}.
 *
 * <p>Random streams, from {@code new Rng(seed)} in this order of {@link Rng#split}: the samples' noise
 * ({@link Sampling#noise}), KID's subsets ({@code KernelInceptionDistance.of(real, generated, rng)}), the real
 * features that precision and recall compare with (a permutation's first {@code min(samples, test size)}).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score a jgan images generator with a jgan classifier file against the test split: classifier IS, FID, KID,",
            "precision and recall, and the test split's own IS as the ceiling; printed and optionally appended to a CSV file."})
public final class EvaluateCommand implements Callable<Integer> {
    /**
     * Samples unless given: those of jgan images' evaluations, so the two FIDs share their small-sample bias and can
     * be compared. Precision and recall cost O(N^2): 10,000 samples took 3 minutes on 2 shared cores, 5,000 about one.
     */
    static final int DEFAULT_SAMPLES = ImagesCommand.DEFAULT_EVAL_SAMPLES;
    static final String CSV_HEADER = "generator,data,samples,seed,inception_score,inception_score_std,fid,kid,kid_std,precision,recall,"
            + "test_inception_score,test_inception_score_std";

    @Option(names = "--generator", required = true, paramLabel = "FILE", description = "generator.safetensors of a jgan images run (required).")
    Path generator;
    @Option(names = "--classifier", required = true, paramLabel = "FILE", description = "A classifier file of jgan classifier for the same data (required).")
    Path classifier;
    @Mixin
    DataOptions data;
    @Option(names = "--samples", paramLabel = "N", description = {
        "Generated samples to score (default: ${DEFAULT-VALUE}, as jgan images --eval-samples; the Fréchet distance is biased",
        "upwards for small N, so compare numbers of one N only)."})
    int samples = DEFAULT_SAMPLES;
    @Option(names = "--seed", paramLabel = "N", description = "Seed of the samples' noise, KID's subsets and precision/recall's real subset (default: ${DEFAULT-VALUE}).")
    long seed = 1;
    @Mixin
    ThreadsOption threads;
    @Option(names = "--out", paramLabel = "FILE.csv", description = {
        "Also append the numbers as a CSV row to this file, with a header if new (default: none), to compare generators in one table."})
    Path out;
    @Option(names = "--verbose", description = "Print the stack trace of an error.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** The numbers of one evaluation. */
    record Result(MeanStd inceptionScore, double fid, MeanStd kid, PrecisionRecall precisionRecall, MeanStd testInceptionScore) {}

    @Override
    public Integer call() {
        return Commands.call(spec, verbose, this::run);
    }

    private int run(PrintWriter stdout) throws Exception {
        data.validate();
        data.requireTestSplit("jgan evaluate");
        // 10 splits of the Inception Score; precision and recall need more than k = 3 points.
        if (samples < 10 || samples > ImagesCommand.MAX_EVAL_SAMPLES)
            throw new UsageError("--samples must be in 10.." + ImagesCommand.MAX_EVAL_SAMPLES + ", got " + samples);
        threads.apply();
        Commands.readableFile("--generator", generator);
        if (out != null) {
            Commands.writableFile("--out", out);
            checkCsvHeader();
        }
        ImageDataset test = data.test(false);
        ClassifierMetrics scorer = ClassifierMetrics.load("--classifier", classifier, test, data.name);
        GeneratorSpec g = readSpec(test);
        Module net = loadGenerator(g);
        threads.noteIfLate(stdout);

        stdout.printf(Locale.ROOT, "evaluate %s (%s) on %s: %d samples, seed %d, against the %d test images of %s%n", generator, g, data.name,
                samples, seed, test.size(), data.dir);
        stdout.printf(Locale.ROOT, "  classifier %s%n", scorer.describe());
        stdout.flush();
        long start = System.nanoTime();
        Result r = evaluate(scorer, net, g, samples, seed);
        stdout.printf(Locale.ROOT, "  inception score  %.4f +- %.4f   (the test split's own: %.4f +- %.4f, the ceiling)%n", r.inceptionScore().mean(),
                r.inceptionScore().std(), r.testInceptionScore().mean(), r.testInceptionScore().std());
        stdout.printf(Locale.ROOT, "  FID              %.4f%n", r.fid());
        stdout.printf(Locale.ROOT, "  KID              %.6f +- %.6f%n", r.kid().mean(), r.kid().std());
        stdout.printf(Locale.ROOT, "  precision        %.4f%n  recall           %.4f%n", r.precisionRecall().precision(), r.precisionRecall().recall());
        if (out != null) appendCsv(r);
        stdout.printf(Locale.ROOT, "in %s%s%n", ImagesCommand.duration((System.nanoTime() - start) / 1e9), out == null ? "" : "; appended a row to " + out);
        stdout.flush();
        return 0;
    }

    /** Every number of the evaluation, the random streams as the class comment lists them. */
    static Result evaluate(ClassifierMetrics scorer, Module generator, GeneratorSpec spec, int samples, long seed) {
        Rng root = new Rng(seed);
        Rng noise = root.split(), kidSubsets = root.split(), realSubset = root.split();
        Tensor z = Sampling.noise(spec.latent(noise), noise, samples);
        ClassifierMetrics.Scored generated = scorer.score(generator, z);
        Tensor real = scorer.testFeatures;
        MeanStd kid = KernelInceptionDistance.of(real, generated.features(), kidSubsets);
        // Precision and recall compare sets of equal size, as the paper does: the radii of the k-NN balls shrink as a set grows.
        int m = Math.min(samples, real.size(0));
        Tensor realForPr = real.indexSelect(0, java.util.Arrays.copyOf(realSubset.permutation(real.size(0)), m));
        PrecisionRecall pr = PrecisionRecall.of(realForPr, generated.features());
        return new Result(generated.inceptionScore(), scorer.fid(generated), kid, pr, scorer.testInceptionScore);
    }

    private GeneratorSpec readSpec(ImageDataset test) throws UsageError {
        Map<String, String> meta;
        try {
            meta = SafeTensorsReader.read(generator).metadata();
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageError("--generator " + generator + ": not a safetensors file: " + UsageError.firstLine(e.getMessage()), e);
        }
        GeneratorSpec g = GeneratorSpec.fromMetadata(meta, generator);
        String trainedOn = meta.get("data");
        // A generator of a photo folder may be scored against any test split of its shape; one of a named set only against that set.
        if (trainedOn != null && !trainedOn.equals("folder") && !trainedOn.equals(data.name))
            throw new UsageError("--generator " + generator + " was trained on " + trainedOn + ", not " + data.name);
        String testShape = test.channels() + "x" + test.height() + "x" + test.width();
        if (!g.shape().toString().equals(testShape))
            throw new UsageError("--generator " + generator + " makes " + g.shape() + " images, the " + data.name + " test images are " + testShape);
        return g;
    }

    private Module loadGenerator(GeneratorSpec g) throws UsageError {
        Module net = g.build(new Rng(0)); // initial weights replaced by the file's
        try {
            Checkpoint.load(net, generator, true);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageError("--generator " + generator + " does not hold the " + g + " its metadata describes: "
                    + UsageError.firstLine(e.getMessage()), e);
        }
        return net;
    }

    private void checkCsvHeader() throws UsageError {
        if (!Files.isRegularFile(out)) return;
        try {
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            if (!lines.isEmpty() && !lines.get(0).equals(CSV_HEADER))
                throw new UsageError("--out " + out + " is a CSV file of other columns ('" + lines.get(0) + "'); choose another file");
        } catch (IOException e) {
            throw new UsageError("--out " + out + ": cannot read it: " + e, e);
        }
    }

    private void appendCsv(Result r) throws IOException {
        boolean fresh = !Files.exists(out) || Files.size(out) == 0;
        String row = String.join(",", csvField(generator.toString()), data.name, Integer.toString(samples), Long.toString(seed),
                Double.toString(r.inceptionScore().mean()), Double.toString(r.inceptionScore().std()), Double.toString(r.fid()),
                Double.toString(r.kid().mean()), Double.toString(r.kid().std()), Double.toString(r.precisionRecall().precision()),
                Double.toString(r.precisionRecall().recall()), Double.toString(r.testInceptionScore().mean()),
                Double.toString(r.testInceptionScore().std()));
        Files.writeString(out, (fresh ? CSV_HEADER + "\n" : "") + row + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
    static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
