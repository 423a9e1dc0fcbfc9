package dev.jgan.examples;

import static dev.jgan.examples.ImagesCommandTest.oneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.gan.data.IdxReader;
import dev.jgan.gan.data.ImageDataset;
import dev.jgan.gan.eval.FeatureClassifier;
import dev.jgan.nn.io.SafeTensorsReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jgan classifier} on a tiny separable set (4 classes: a square in one quadrant), 96 training and 48 test images. */
class ClassifierCommandTest {
    static final int TRAIN = 96, TEST = 48, CLASSES = 4;

    @TempDir
    static Path data;

    @BeforeAll
    static void writeData() throws IOException {
        Random r = new Random(11);
        int[] train = TinyData.cyclicLabels(TRAIN, CLASSES), test = TinyData.cyclicLabels(TEST, CLASSES);
        TinyData.write(data, "train", TinyData.quadrants(train, r), train);
        TinyData.write(data, "t10k", TinyData.quadrants(test, r), test);
    }

    static ImagesCommandTest.Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        picocli.CommandLine cl = Jgan.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new ImagesCommandTest.Run(cl.execute(args), out.toString(), err.toString());
    }

    /** Trains a classifier on {@code dir}'s MNIST-shaped files into {@code file}: 4 epochs of batch 16, seed 3. */
    static ImagesCommandTest.Run train(Path dir, Path file, String... extra) {
        List<String> args = new ArrayList<>(List.of("classifier", "--data", "mnist", "--data-dir", dir.toString(), "--epochs", "4", "--batch", "16",
                "--seed", "3", "--out", file.toString()));
        for (int i = 0; i < extra.length; i += 2) {
            int at = args.indexOf(extra[i]); // an option given in extra replaces the default one
            if (at >= 0) args.subList(at, at + 2).clear();
        }
        args.addAll(List.of(extra));
        return run(args.toArray(new String[0]));
    }

    @Test
    void trainsReportsAndSavesTheAccuracyTheFileReproduces(@TempDir Path out) throws IOException {
        Path file = out.resolve("c.safetensors");
        ImagesCommandTest.Run r = train(data, file);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("96 training and 48 test images of 1x28x28, 4 classes", "epoch 1/4", "epoch 4/4", "wrote " + file);
        Matcher m = Pattern.compile("test accuracy (\\d\\.\\d{4}) \\(48 test images\\)").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        double printed = Double.parseDouble(m.group(1));
        assertThat(printed).isGreaterThan(0.5); // chance is 0.25

        FeatureClassifier c = FeatureClassifier.load(file);
        ImageDataset test = IdxReader.read(data.resolve("t10k-images-idx3-ubyte"), data.resolve("t10k-labels-idx1-ubyte"));
        double recomputed = c.accuracy(test.toTensor(), test.labels());
        assertThat(c.testAccuracy()).isEqualTo(recomputed);
        assertThat(printed).isCloseTo(recomputed, org.assertj.core.data.Offset.offset(5e-5));
        assertThat(SafeTensorsReader.read(file).metadata()).containsEntry(ClassifierMetrics.DATA_KEY, "mnist");

        // The same seed gives the same file, byte for byte.
        Path again = out.resolve("again.safetensors");
        assertThat(train(data, again).status()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void errorsAreOneLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("c.safetensors");
        assertThat(oneLineError(train(data, file, "--epochs", "0"))).isEqualTo("jgan classifier: --epochs must be >= 1, got 0");
        assertThat(oneLineError(train(data, file, "--batch", "97"))).isEqualTo("jgan classifier: --batch 97 is larger than the 96 training images of " + data);
        assertThat(oneLineError(train(data, file, "--data", "folder")))
                .isEqualTo("jgan classifier: --data folder has no test split with labels; jgan classifier needs mnist, fashion-mnist or cifar10");
        assertThat(oneLineError(train(data, dir))).isEqualTo("jgan classifier: --out " + dir + " is a directory, not a file");
        assertThat(oneLineError(train(data, file, "--threads", "-1"))).isEqualTo("jgan classifier: --threads must be >= 1 (or 0 for the default), got -1");
        // The training split without its labels, and a directory without a test split.
        Path unlabelled = Files.createDirectory(dir.resolve("unlabelled")), noTest = Files.createDirectory(dir.resolve("no-test"));
        Files.copy(data.resolve("train-images-idx3-ubyte"), unlabelled.resolve("train-images-idx3-ubyte"));
        Files.copy(data.resolve("train-images-idx3-ubyte"), noTest.resolve("train-images-idx3-ubyte"));
        Files.copy(data.resolve("train-labels-idx1-ubyte"), noTest.resolve("train-labels-idx1-ubyte"));
        assertThat(oneLineError(train(unlabelled, file)))
                .isEqualTo("jgan classifier: no train-labels-idx1-ubyte or train-labels-idx1-ubyte.gz in --data-dir " + unlabelled);
        assertThat(oneLineError(train(noTest, file)))
                .isEqualTo("jgan classifier: no t10k-images-idx3-ubyte or t10k-images-idx3-ubyte.gz in --data-dir " + noTest);
        assertThat(file).doesNotExist();
        assertThat(oneLineError(run("classifier", "--epochs", "x"))).startsWith("jgan classifier: Invalid value for option '--epochs'");
    }

    @Test
    void helpGivesEveryOptionWithItsDefault() {
        ImagesCommandTest.Run r = run("classifier", "--help");
        assertThat(r.status()).isZero();
        // Whitespace folded: picocli wraps the descriptions at its own width.
        assertThat(r.out().replaceAll("\\s+", " ")).contains("--data", "default: fashion-mnist", "--data-dir", "/usr/share/datasets/fashion-mnist", "--epochs", "default: 6",
                "--batch", "default: 64", "--seed", "default: 1", "--threads", "--out", "runs/classifier-<--data>", "--verbose");
    }
}
