package dev.jgan.examples;

import static dev.jgan.examples.ImagesCommandTest.oneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.IdxReader;
import dev.jgan.gan.eval.FeatureClassifier;
import dev.jgan.gan.eval.FrechetDistance;
import dev.jgan.gan.eval.InceptionScore;
import dev.jgan.gan.eval.KernelInceptionDistance;
import dev.jgan.gan.eval.MeanStd;
import dev.jgan.gan.eval.Sampling;
import dev.jgan.gan.nets.Dcgan;
import dev.jgan.gan.nets.ImageShape;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.nn.Module;
import dev.jgan.nn.io.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jgan evaluate} on a generator of a 2-iteration {@code jgan images} run (width 8) and a classifier trained for
 * one epoch, both made here on tiny IDX files: its numbers must be those of the gan eval API called directly.
 */
class EvaluateCommandTest {
    static final int SAMPLES = 40, SEED = 5;

    @TempDir
    static Path dir;
    static Path data, classifier, generator;

    @BeforeAll
    static void makeRunAndClassifier() throws IOException {
        data = Files.createDirectory(dir.resolve("data"));
        Random r = new Random(3);
        TinyData.write(data, "train", TinyData.discs(64, r), TinyData.cyclicLabels(64, 10));
        TinyData.write(data, "t10k", TinyData.discs(40, r), TinyData.cyclicLabels(40, 10));
        classifier = dir.resolve("classifier.safetensors");
        ImagesCommandTest.Run c = ClassifierCommandTest.run("classifier", "--data", "mnist", "--data-dir", data.toString(), "--epochs", "1",
                "--batch", "16", "--out", classifier.toString());
        assertThat(c.status()).as(c.err()).isZero();
        Path run = dir.resolve("run");
        ImagesCommandTest.Run g = ClassifierCommandTest.run("images", "--data", "mnist", "--data-dir", data.toString(), "--batch", "16",
                "--steps", "2", "--g-width", "8", "--d-width", "8", "--eval-every", "2", "--out", run.toString());
        assertThat(g.status()).as(g.err()).isZero();
        generator = run.resolve("generator.safetensors");
    }

    static ImagesCommandTest.Run evaluate(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("evaluate", "--generator", generator.toString(), "--classifier", classifier.toString(),
                "--data", "mnist", "--data-dir", data.toString(), "--samples", Integer.toString(SAMPLES), "--seed", Integer.toString(SEED)));
        for (int i = 0; i < extra.length; i += 2) {
            int at = args.indexOf(extra[i]); // an option given in extra replaces the default one
            if (at >= 0) args.subList(at, at + 2).clear();
        }
        args.addAll(List.of(extra));
        return ClassifierCommandTest.run(args.toArray(new String[0]));
    }

    @Test
    void theNumbersAreThoseOfTheEvalApi(@TempDir Path out) throws IOException {
        Path csv = out.resolve("scores.csv");
        ImagesCommandTest.Run r = evaluate("--out", csv.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("dcgan generator, g-width 8, noise 100, 1x28x28", "inception score", "the ceiling", "FID", "KID", "precision", "recall");
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo(EvaluateCommand.CSV_HEADER);
        String[] row = lines.get(1).split(",");

        // The same numbers, straight from the library: G rebuilt by hand, the streams as EvaluateCommand documents them.
        FeatureClassifier c = FeatureClassifier.load(classifier);
        Module g = Dcgan.generator(ImageShape.GRAY_28, Dcgan.NOISE, 8, Dcgan.Options.defaults(), new Rng(0));
        Checkpoint.load(g, generator, true);
        Rng root = new Rng(SEED);
        Rng noise = root.split(), kidSubsets = root.split();
        Tensor images = Sampling.fromNoise(g, Sampling.noise(Latent.normal(new Rng(0), Dcgan.NOISE), noise, SAMPLES));
        Tensor test = IdxReader.images(data.resolve("t10k-images-idx3-ubyte")).toTensor();
        Tensor testFeatures = c.features(test), features = c.features(images);
        MeanStd is = InceptionScore.ofLogits(c.logits(images)), testIs = InceptionScore.ofLogits(c.logits(test));
        MeanStd kid = KernelInceptionDistance.of(testFeatures, features, kidSubsets);
        assertThat(Double.parseDouble(row[4])).isEqualTo(is.mean());
        assertThat(Double.parseDouble(row[5])).isEqualTo(is.std());
        assertThat(Double.parseDouble(row[6])).isEqualTo(FrechetDistance.of(testFeatures, features));
        assertThat(Double.parseDouble(row[7])).isEqualTo(kid.mean());
        assertThat(Double.parseDouble(row[11])).isEqualTo(testIs.mean());
        assertThat(row[2]).isEqualTo(Integer.toString(SAMPLES));
        double precision = Double.parseDouble(row[9]), recall = Double.parseDouble(row[10]);
        assertThat(precision).isBetween(0.0, 1.0);
        assertThat(recall).isBetween(0.0, 1.0);

        // A second evaluation appends a row under the same header.
        assertThat(evaluate("--out", csv.toString(), "--seed", "6").status()).isZero();
        assertThat(Files.readAllLines(csv)).hasSize(3).first().isEqualTo(EvaluateCommand.CSV_HEADER);
    }

    @Test
    void errorsAreOneLine(@TempDir Path out) throws IOException {
        assertThat(oneLineError(evaluate("--samples", "5"))).isEqualTo("jgan evaluate: --samples must be in 10..100000, got 5");
        Path missing = out.resolve("none.safetensors");
        assertThat(oneLineError(evaluate("--generator", missing.toString()))).isEqualTo("jgan evaluate: --generator " + missing + " does not exist");
        assertThat(oneLineError(evaluate("--classifier", missing.toString()))).isEqualTo("jgan evaluate: --classifier " + missing + " does not exist");
        // A safetensors file that is not a generator of jgan images: no metadata to rebuild G from.
        assertThat(oneLineError(evaluate("--generator", classifier.toString()))).isEqualTo("jgan evaluate: --generator " + classifier
                + " has no 'scheme' metadata (it was not written by jgan images, or by a version that did not yet record how to rebuild G)");
        Path notSafetensors = Files.writeString(out.resolve("text.safetensors"), "hello");
        assertThat(oneLineError(evaluate("--generator", notSafetensors.toString()))).startsWith("jgan evaluate: --generator " + notSafetensors + ": not a safetensors file: ");
        Module g8 = Dcgan.generator(ImageShape.GRAY_28, Dcgan.NOISE, 8, Dcgan.Options.defaults(), new Rng(0));
        Path wrongNoise = out.resolve("noise.safetensors");
        Checkpoint.save(g8, wrongNoise, Map.of("scheme", "dcgan", "image-shape", "1x28x28", "g-width", "8", "noise", "64"));
        assertThat(oneLineError(evaluate("--generator", wrongNoise.toString())))
                .isEqualTo("jgan evaluate: --generator " + wrongNoise + ": its metadata says noise 64, but the dcgan generator takes 100");
        Path wrongWidth = out.resolve("width.safetensors");
        Checkpoint.save(g8, wrongWidth, Map.of("scheme", "dcgan", "image-shape", "1x28x28", "g-width", "16", "noise", "100"));
        assertThat(oneLineError(evaluate("--generator", wrongWidth.toString())))
                .startsWith("jgan evaluate: --generator " + wrongWidth + " does not hold the dcgan generator, g-width 16, noise 100, 1x28x28 its metadata describes: ");
        Path colour = out.resolve("colour.safetensors");
        Checkpoint.save(Dcgan.generator(ImageShape.RGB_32, Dcgan.NOISE, 8, Dcgan.Options.defaults(), new Rng(0)), colour,
                Map.of("scheme", "wgan", "image-shape", "3x32x32", "g-width", "8", "noise", "100", "data", "mnist"));
        assertThat(oneLineError(evaluate("--generator", colour.toString())))
                .isEqualTo("jgan evaluate: --generator " + colour + " makes 3x32x32 images, the mnist test images are 1x28x28");
        Path otherData = out.resolve("other.safetensors");
        Checkpoint.save(g8, otherData, Map.of("scheme", "dcgan", "image-shape", "1x28x28", "g-width", "8", "noise", "100", "data", "fashion-mnist"));
        assertThat(oneLineError(evaluate("--generator", otherData.toString())))
                .isEqualTo("jgan evaluate: --generator " + otherData + " was trained on fashion-mnist, not mnist");
        Path rgbClassifier = out.resolve("rgb.safetensors");
        new FeatureClassifier(3, 32, 32, 10, new Rng(1)).save(rgbClassifier, 0.5);
        assertThat(oneLineError(evaluate("--classifier", rgbClassifier.toString())))
                .isEqualTo("jgan evaluate: --classifier " + rgbClassifier + " takes 3x32x32 images, the mnist images are 1x28x28");
        Path csv = Files.writeString(out.resolve("other.csv"), "a,b\n1,2\n");
        assertThat(oneLineError(evaluate("--out", csv.toString())))
                .isEqualTo("jgan evaluate: --out " + csv + " is a CSV file of other columns ('a,b'); choose another file");
        assertThat(oneLineError(evaluate("--data", "folder")))
                .isEqualTo("jgan evaluate: --data folder has no test split with labels; jgan evaluate needs mnist, fashion-mnist or cifar10");
        assertThat(oneLineError(ClassifierCommandTest.run("evaluate", "--classifier", classifier.toString())))
                .startsWith("jgan evaluate: Missing required option: '--generator=FILE'");
    }

    @Test
    void helpGivesEveryOptionWithItsDefault() {
        ImagesCommandTest.Run r = ClassifierCommandTest.run("evaluate", "--help");
        assertThat(r.status()).isZero();
        // Whitespace folded: picocli wraps the descriptions at its own width.
        assertThat(r.out().replaceAll("\\s+", " ")).contains("--generator", "--classifier", "--data", "default: fashion-mnist", "--data-dir", "--samples", "default: 5000",
                "--seed", "default: 1", "--threads", "--out", "default: none", "--verbose");
    }
}
