package dev.jgan.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.nn.io.SafeTensorsReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code jgan images} on a small MNIST-shaped IDX file the test writes (64 images of 28 x 28 with labels), with tiny
 * networks (--g-width/--d-width) so that every run takes a few seconds at most.
 */
class ImagesCommandTest {
    static final int IMAGES = 64;

    @TempDir
    static Path data;

    /** What a run printed and returned. */
    record Run(int status, String out, String err) {}

    @BeforeAll
    static void writeData() throws IOException {
        Random r = new Random(3);
        // Bright discs of varying centre and radius on black: a data set with some structure; a test split of 32.
        TinyData.write(data, "train", TinyData.discs(IMAGES, r), TinyData.cyclicLabels(IMAGES, 10));
        TinyData.write(data, "t10k", TinyData.discs(32, r), TinyData.cyclicLabels(32, 10));
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        picocli.CommandLine cl = Jgan.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "images";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Run(cl.execute(all), out.toString(), err.toString());
    }

    /** A tiny run of {@code scheme} on the test's data: batch 16, networks of width 8, evaluations every 2 iterations. */
    static Run tiny(String scheme, Path out, String... extra) {
        return tinyOn(data, scheme, out, extra);
    }

    /** {@link #tiny} on the data in {@code dataDir}. */
    static Run tinyOn(Path dataDir, String scheme, Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--scheme", scheme, "--data", "mnist", "--data-dir", dataDir.toString(),
                "--batch", "16", "--seed", "7", "--g-width", "8", "--d-width", "8", "--eval-every", "2", "--checkpoint-every", "2",
                "--out", out.toString()));
        for (int i = 0; i < extra.length; i++) {
            int at = args.indexOf(extra[i]); // an option given in extra replaces the default one
            if (at >= 0 && extra[i].startsWith("--") && !extra[i].equals("--resume")) args.subList(at, at + 2).clear();
        }
        args.addAll(Arrays.asList(extra));
        return run(args.toArray(new String[0]));
    }

    @Test
    void aRunWritesEveryOutput(@TempDir Path out) throws IOException {
        Run r = tiny("dcgan", out, "--steps", "4", "--log-every", "2");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(csv.get(0)).isEqualTo(ImagesCommand.MetricsCsv.FIXED + ",diversity");
        assertThat(csv).hasSize(5);
        assertThat(csv.subList(1, 5)).extracting(l -> l.substring(0, l.indexOf(','))).containsExactly("1", "2", "3", "4");
        // The monitor's diversity at the evaluation iterations only; a positive number there.
        assertThat(csv.get(1)).endsWith(",");
        assertThat(Float.parseFloat(csv.get(2).substring(csv.get(2).lastIndexOf(',') + 1))).isPositive().isFinite();
        for (String step : List.of("000002", "000004")) {
            BufferedImage grid = ImageIO.read(out.resolve("samples-" + step + ".png").toFile());
            assertThat(grid.getWidth()).isEqualTo(2 + 8 * 30); // 64 samples, 8 x 8 of 28 x 28 with 2-pixel gaps
            assertThat(grid.getHeight()).isEqualTo(2 + 8 * 30);
        }
        // 8 latent walks of 10 images, 28 x 28 with 2-pixel gaps
        BufferedImage walks = ImageIO.read(out.resolve("interpolation.png").toFile());
        assertThat(walks.getWidth()).isEqualTo(2 + 10 * 30);
        assertThat(walks.getHeight()).isEqualTo(2 + 8 * 30);
        // losses, gradient norms, diversity and the monitor's events
        BufferedImage curves = ImageIO.read(out.resolve("curves.png").toFile());
        assertThat(curves.getWidth()).isEqualTo(Curves.WIDTH);
        assertThat(curves.getHeight()).isBetween(3 * 240 + 100, 3 * 240 + 300);
        assertThat(SafeTensorsReader.read(out.resolve("generator.safetensors")).tensors()).containsKey("0.weight");
        // What jgan evaluate needs to rebuild G.
        assertThat(SafeTensorsReader.read(out.resolve("generator.safetensors")).metadata()).containsEntry("scheme", "dcgan")
                .containsEntry("g-width", "8").containsEntry("image-shape", "1x28x28").containsEntry("noise", "100");
        assertThat(out.resolve("checkpoint.safetensors")).isRegularFile();
        assertThat(Files.readString(out.resolve("run.properties"))).contains("--scheme=dcgan", "--batch=16", "images=64 of 1x28x28", "--schedule=1:1")
                .doesNotContain("--classifier");
        assertThat(r.out()).contains("2/4", "it/s", "eta", "wrote samples-000004.png");
    }

    /** Every scheme trains on the images and writes its own figures into metrics.csv. */
    @ParameterizedTest
    @ValueSource(strings = {"wgan", "wgan-gp", "ebgan", "sngan", "sagan"})
    void everySchemeRuns(String scheme, @TempDir Path out) throws IOException {
        Run r = tiny(scheme, out, "--steps", "1");
        assertThat(r.status()).as(r.err()).isZero();
        String header = Files.readAllLines(out.resolve("metrics.csv")).get(0);
        switch (scheme) {
            case "wgan" -> assertThat(header).contains("wasserstein_estimate");
            case "wgan-gp" -> assertThat(header).contains("gradient_penalty", "critic_grad_norm", "wasserstein_estimate");
            case "ebgan" -> assertThat(header).contains("energy_real", "energy_fake", "pull_away");
            default -> assertThat(header).isEqualTo(ImagesCommand.MetricsCsv.FIXED + ",diversity");
        }
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(csv).hasSize(2);
        String[] last = csv.get(1).split(",", -1);
        int dSteps = Integer.parseInt(last[5]);
        assertThat(dSteps).isEqualTo(scheme.equals("sagan") || scheme.equals("ebgan") ? 1 : 5);
        assertThat(out.resolve("samples-000001.png")).isRegularFile(); // the evaluation after the last iteration
        assertThat(out.resolve("generator.safetensors")).isRegularFile();
    }

    /** Half a run, then --resume to the end: bitwise the generator and the metrics of the run that never stopped. */
    @ParameterizedTest
    @ValueSource(strings = {"dcgan", "wgan-gp", "sngan"})
    void resumeContinuesBitwise(String scheme, @TempDir Path straight, @TempDir Path halves) throws IOException {
        String[] decay = {"--lr-decay-steps", "6"}; // sngan's decay horizon must not change with --steps
        assertThat(tiny(scheme, straight, concat(decay, "--steps", "6")).status()).isZero();
        // The first half stops at iteration 3, between two checkpoints (every 2): it saves one at its end.
        assertThat(tiny(scheme, halves, concat(decay, "--steps", "3")).status()).isZero();
        Run second = tiny(scheme, halves, concat(decay, "--steps", "6", "--resume"));
        assertThat(second.status()).as(second.err()).isZero();
        assertThat(second.out()).contains("iterations 3 to 6");
        assertThat(Files.readAllLines(halves.resolve("metrics.csv"))).isEqualTo(Files.readAllLines(straight.resolve("metrics.csv")));
        assertThat(Files.readAllBytes(halves.resolve("generator.safetensors")))
                .isEqualTo(Files.readAllBytes(straight.resolve("generator.safetensors")));
        assertThat(Files.readAllBytes(halves.resolve("samples-000006.png"))).isEqualTo(Files.readAllBytes(straight.resolve("samples-000006.png")));
        // The walks' noise is a stream of its own: the same figure, and the resumed run's curves cover the whole run.
        assertThat(Files.readAllBytes(halves.resolve("interpolation.png"))).isEqualTo(Files.readAllBytes(straight.resolve("interpolation.png")));
        assertThat(Files.readAllBytes(halves.resolve("curves.png"))).isEqualTo(Files.readAllBytes(straight.resolve("curves.png")));
    }

    static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Asserts one line on stderr, exit status 2, no stack trace, and returns the line. */
    static String oneLineError(Run r) {
        assertThat(r.status()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).doesNotContain("\tat ", "Exception in");
        return r.err().strip();
    }

    @Test
    void unknownScheme(@TempDir Path out) {
        assertThat(oneLineError(tiny("dcgn", out, "--steps", "2")))
                .isEqualTo("jgan images: --scheme must be one of dcgan, wgan, wgan-gp, ebgan, sngan, sagan, got 'dcgn'");
    }

    @Test
    void missingDataDir(@TempDir Path out) {
        Path missing = out.resolve("nowhere");
        assertThat(oneLineError(run("--data", "mnist", "--data-dir", missing.toString(), "--out", out.resolve("o").toString())))
                .isEqualTo("jgan images: --data-dir " + missing + " does not exist");
        assertThat(oneLineError(run("--data", "cifar10", "--out", out.toString()))).isEqualTo("jgan images: --data-dir is required for --data cifar10");
    }

    @Test
    void missingImageFile(@TempDir Path empty) {
        assertThat(oneLineError(run("--data", "fashion-mnist", "--data-dir", empty.toString(), "--out", empty.resolve("o").toString())))
                .isEqualTo("jgan images: no train-images-idx3-ubyte or train-images-idx3-ubyte.gz in --data-dir " + empty);
    }

    @Test
    void truncatedIdxFile(@TempDir Path dir) throws IOException {
        // The header announces 64 images; only 10 and a half are there.
        byte[] whole = Files.readAllBytes(data.resolve("train-images-idx3-ubyte"));
        Files.write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(whole, 16 + 784 * 10 + 392));
        String line = oneLineError(run("--data", "mnist", "--data-dir", dir.toString(), "--out", dir.resolve("o").toString()));
        assertThat(line).startsWith("jgan images: ").contains("train-images-idx3-ubyte", "at byte " + (16 + 784 * 10 + 392), "truncated");
        assertThat(dir.resolve("o")).doesNotExist(); // nothing written before the data is read
    }

    @Test
    void nonWritableOut(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        String line = oneLineError(tiny("dcgan", file.resolve("run"), "--steps", "2"));
        assertThat(line).startsWith("jgan images: --out " + file.resolve("run") + " is not a writable directory: ");
    }

    @Test
    void badNumbers(@TempDir Path out) {
        assertThat(oneLineError(tiny("dcgan", out, "--steps", "0"))).isEqualTo("jgan images: --steps must be >= 1, got 0");
        assertThat(oneLineError(tiny("dcgan", out, "--batch", "65", "--steps", "2")))
                .isEqualTo("jgan images: --batch 65 is larger than the 64 images of " + data);
        // A parse error of picocli's own: also one line and status 2.
        assertThat(oneLineError(tiny("dcgan", out, "--steps", "many"))).startsWith("jgan images: Invalid value for option '--steps'");
        assertThat(oneLineError(tiny("dcgan", out, "--stpes", "2"))).startsWith("jgan images: Unknown options: '--stpes'");
    }

    @Test
    void resumeNeedsTheSameRun(@TempDir Path out) {
        assertThat(oneLineError(tiny("dcgan", out, "--steps", "2", "--resume"))).isEqualTo("jgan images: --resume: no checkpoint.safetensors in " + out);
        assertThat(tiny("dcgan", out, "--steps", "2").status()).isZero();
        assertThat(oneLineError(tiny("dcgan", out, "--steps", "2")))
                .isEqualTo("jgan images: " + out + " holds a run already (checkpoint.safetensors): pass --resume to continue it, or choose another --out");
        assertThat(oneLineError(tiny("dcgan", out, "--steps", "4", "--resume", "--seed", "8")))
                .isEqualTo("jgan images: --resume: the run in " + out + " was started with --seed 7, not 8");
        assertThat(oneLineError(tiny("dcgan", out, "--steps", "1", "--resume")))
                .isEqualTo("jgan images: --steps 1 but the run in " + out + " is at iteration 2 already");
    }

    @Test
    void helpGivesEveryOptionWithItsDefault() {
        Run r = run("--help");
        assertThat(r.status()).isZero();
        // Whitespace folded: picocli wraps the descriptions at its own width.
        assertThat(r.out().replaceAll("\\s+", " ")).contains("--scheme", "default: dcgan", "--data-dir", "/usr/share/datasets/fashion-mnist", "--steps",
                "default: 5000", "--batch", "default: 64", "--seed", "--threads", "--out", "default: runs/images", "--resume", "--eval-every",
                "default: 500", "--checkpoint-every", "--margin", "--lr-decay-steps", "--g-width", "--d-width", "--verbose",
                "--pull-away", "default: 0.1", "--schedule", "fixed:D:G", "adaptive:5:0.5", "--classifier", "--eval-samples", "default: 5000",
                "--image-size", "default: 64",
                "Radford et al. 2015", "Gulrajani et al. 2017", "Miyato et al. 2018");
    }
}
