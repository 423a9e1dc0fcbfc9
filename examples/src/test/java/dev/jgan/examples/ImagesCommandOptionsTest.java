package dev.jgan.examples;

import static dev.jgan.examples.ImagesCommandTest.oneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.Rng;
import dev.jgan.examples.ImagesCommandTest.Run;
import dev.jgan.gan.eval.FeatureClassifier;
import dev.jgan.nn.io.SafeTensorsReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jgan images} with the options of the metrics and the reproductions: {@code --classifier} (with a classifier
 * this test trains for one epoch on its tiny IDX data), {@code --schedule}, {@code --pull-away}, {@code --data folder}.
 * Apart from {@link ImagesCommandTest} so that each class stays CI-sized.
 */
class ImagesCommandOptionsTest {
    @TempDir
    static Path data;
    /** A classifier of the test's data (one epoch: it need not be good, only of the right shape and classes). */
    static Path classifier;

    @BeforeAll
    static void writeDataAndClassifier() throws IOException {
        Random r = new Random(3);
        TinyData.write(data, "train", TinyData.discs(ImagesCommandTest.IMAGES, r), TinyData.cyclicLabels(ImagesCommandTest.IMAGES, 10));
        TinyData.write(data, "t10k", TinyData.discs(32, r), TinyData.cyclicLabels(32, 10));
        classifier = data.resolve("classifier.safetensors");
        Run c = ClassifierCommandTest.run("classifier", "--data", "mnist", "--data-dir", data.toString(), "--epochs", "1", "--batch", "16",
                "--out", classifier.toString());
        assertThat(c.status()).as(c.err()).isZero();
    }

    // ---------------------------------------------------------------- --classifier

    /** The classifier's IS and FID in the evaluation rows only; the run records the classifier and prints the scores. */
    @Test
    void classifierScoresAtEvaluationRowsOnly(@TempDir Path out) throws IOException {
        Run r = ImagesCommandTest.tinyOn(data, "dcgan", out, "--steps", "4", "--classifier", classifier.toString(), "--eval-samples", "20");
        assertThat(r.status()).as(r.err()).isZero();
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(csv.get(0)).isEqualTo(ImagesCommand.MetricsCsv.FIXED + ",diversity,inception_score,fid");
        assertThat(csv).hasSize(5);
        for (int row = 1; row <= 4; row++) {
            String[] cells = csv.get(row).split(",", -1);
            assertThat(cells).hasSize(10);
            if (row % 2 == 1) {
                assertThat(cells[7] + cells[8] + cells[9]).as("row %d", row).isEmpty();
            } else {
                // IS lies in [1, classes]; FID >= 0.
                assertThat(Double.parseDouble(cells[8])).isBetween(1.0, 10.0);
                assertThat(Double.parseDouble(cells[9])).isNotNegative().isFinite();
            }
        }
        assertThat(Files.readString(out.resolve("run.properties"))).containsPattern("--classifier=sha-256:[0-9a-f]{64}").contains("--eval-samples=20");
        assertThat(r.out()).contains("20 samples per evaluation", "the 32 test images score IS").containsPattern("     2 .* IS \\d+\\.\\d{4}  FID \\d+\\.\\d{4}");
    }

    /** Half a run with --classifier, then --resume: bitwise the metrics (scores included) and G of the run that never stopped. */
    @Test
    void resumeWithClassifierIsBitwise(@TempDir Path straight, @TempDir Path halves) throws IOException {
        String[] scored = {"--classifier", classifier.toString(), "--eval-samples", "16"};
        assertThat(ImagesCommandTest.tinyOn(data, "dcgan", straight, ImagesCommandTest.concat(scored, "--steps", "6")).status()).isZero();
        assertThat(ImagesCommandTest.tinyOn(data, "dcgan", halves, ImagesCommandTest.concat(scored, "--steps", "3")).status()).isZero();
        Run second = ImagesCommandTest.tinyOn(data, "dcgan", halves, ImagesCommandTest.concat(scored, "--steps", "6", "--resume"));
        assertThat(second.status()).as(second.err()).isZero();
        List<String> expected = Files.readAllLines(straight.resolve("metrics.csv"));
        assertThat(expected.get(6)).doesNotEndWith(",,"); // iteration 6 was scored
        assertThat(Files.readAllLines(halves.resolve("metrics.csv"))).isEqualTo(expected);
        assertThat(Files.readAllBytes(halves.resolve("generator.safetensors")))
                .isEqualTo(Files.readAllBytes(straight.resolve("generator.safetensors")));
        // Without the classifier the run is another one: its metrics.csv has other columns.
        assertThat(oneLineError(ImagesCommandTest.tinyOn(data, "dcgan", halves, "--steps", "8", "--resume")))
                .startsWith("jgan images: --resume: the run in " + halves + " was started with --classifier sha-256:").endsWith(", not without it");
    }

    @Test
    void classifierErrors(@TempDir Path out) throws IOException {
        Path missing = out.resolve("none.safetensors");
        assertThat(oneLineError(ImagesCommandTest.tinyOn(data, "dcgan", out, "--steps", "2", "--classifier", missing.toString())))
                .isEqualTo("jgan images: --classifier " + missing + " does not exist");
        assertThat(oneLineError(ImagesCommandTest.tinyOn(data, "dcgan", out, "--steps", "2", "--eval-samples", "100")))
                .isEqualTo("jgan images: --eval-samples applies with --classifier only");
        assertThat(oneLineError(ImagesCommandTest.tinyOn(data, "dcgan", out, "--steps", "2", "--classifier", classifier.toString(), "--eval-samples", "9")))
                .isEqualTo("jgan images: --eval-samples must be in 10..100000, got 9");
        Path rgb = out.resolve("rgb.safetensors"), fourClasses = out.resolve("four.safetensors");
        new FeatureClassifier(3, 32, 32, 10, new Rng(1)).save(rgb, 0.5);
        new FeatureClassifier(1, 28, 28, 4, new Rng(1)).save(fourClasses, 0.5);
        assertThat(oneLineError(ImagesCommandTest.tinyOn(data, "dcgan", out, "--steps", "2", "--classifier", rgb.toString())))
                .isEqualTo("jgan images: --classifier " + rgb + " takes 3x32x32 images, the mnist images are 1x28x28");
        assertThat(oneLineError(ImagesCommandTest.tinyOn(data, "dcgan", out, "--steps", "2", "--classifier", fourClasses.toString())))
                .isEqualTo("jgan images: --classifier " + fourClasses + " has 4 classes, the mnist test split 10");
        Path notAClassifier = Files.writeString(out.resolve("x.safetensors"), "not safetensors");
        assertThat(oneLineError(ImagesCommandTest.tinyOn(data, "dcgan", out, "--steps", "2", "--classifier", notAClassifier.toString())))
                .startsWith("jgan images: --classifier " + notAClassifier + ": not a classifier of jgan classifier: ");
        assertThat(oneLineError(ImagesCommandTest.run("--data", "folder", "--data-dir", out.toString(), "--classifier", classifier.toString())))
                .isEqualTo("jgan images: --data folder has no test split with labels; --classifier needs mnist, fashion-mnist or cifar10");
        assertThat(out.resolve("metrics.csv")).doesNotExist(); // every check comes before the run writes anything
    }

    // ---------------------------------------------------------------- --schedule, --pull-away

    /** The schedule reaches the scheme: its description and the d_steps column show it; run.properties records it. */
    @Test
    void scheduleAndPullAwayReachTheScheme(@TempDir Path fixed, @TempDir Path adaptive, @TempDir Path ebgan) throws IOException {
        Run r = ImagesCommandTest.tinyOn(data, "sagan", fixed, "--steps", "2", "--schedule", "fixed:2:1");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("SAGAN(hinge loss, 2:1");
        assertThat(Files.readAllLines(fixed.resolve("metrics.csv")).get(1).split(",")[5]).isEqualTo("2");
        assertThat(Files.readString(fixed.resolve("run.properties"))).contains("--schedule=2:1");

        // A loss limit below any hinge loss: D steps until the maximum, every iteration.
        r = ImagesCommandTest.tinyOn(data, "sngan", adaptive, "--steps", "2", "--schedule", "adaptive:3:-1", "--lr-decay-steps", "2");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("adaptive(up to 3 D steps while D loss >= -1.0)");
        List<String> rows = Files.readAllLines(adaptive.resolve("metrics.csv"));
        assertThat(rows.subList(1, rows.size())).hasSize(2).extracting(l -> l.split(",")[5]).containsOnly("3");

        r = ImagesCommandTest.tinyOn(data, "ebgan", ebgan, "--steps", "1", "--pull-away", "0");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("w_PT=0.0");
        assertThat(Files.readString(ebgan.resolve("run.properties"))).contains("--pull-away=0.0", "--schedule=1:1");
        assertThat(oneLineError(ImagesCommandTest.tinyOn(data, "ebgan", ebgan, "--steps", "2", "--resume", "--pull-away", "0.1")))
                .isEqualTo("jgan images: --resume: the run in " + ebgan + " was started with --pull-away 0.0, not 0.1");
    }

    @Test
    void scheduleAndPullAwayErrors(@TempDir Path out) {
        String expected = "jgan images: --schedule must be fixed:D:G (D, G >= 1 steps) or adaptive:MAX:LIMIT (MAX >= 1, LIMIT a finite D loss), got '";
        for (String bad : List.of("5:1", "fixed:0:1", "fixed:5", "adaptive:5:NaN", "adaptive:0:0.5", "adaptive:x:0.5", "fixed:1:1:1"))
            assertThat(oneLineError(ImagesCommandTest.tinyOn(data, "sngan", out, "--steps", "2", "--schedule", bad))).isEqualTo(expected + bad + "'");
        assertThat(oneLineError(ImagesCommandTest.tinyOn(data, "dcgan", out, "--steps", "2", "--pull-away", "0.1")))
                .isEqualTo("jgan images: --pull-away applies to --scheme ebgan only, not dcgan");
        assertThat(oneLineError(ImagesCommandTest.tinyOn(data, "ebgan", out, "--steps", "2", "--pull-away", "-1")))
                .isEqualTo("jgan images: --pull-away must be >= 0 and finite, got -1.0");
    }

    // ---------------------------------------------------------------- --data folder

    /** 12 random colour photos of 40 x 30 pixels, resized and cropped to 32 x 32: a run of the photo experiments' shape. */
    @Test
    void trainsOnAFolderOfPhotos(@TempDir Path photos, @TempDir Path out) throws IOException {
        Random r = new Random(5);
        for (int i = 0; i < 12; i++) {
            BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 30; y++)
                for (int x = 0; x < 40; x++) img.setRGB(x, y, r.nextInt(1 << 24));
            ImageIO.write(img, "png", photos.resolve("photo-" + i + ".png").toFile());
        }
        Run run = ImagesCommandTest.run("--data", "folder", "--data-dir", photos.toString(), "--image-size", "32", "--batch", "4", "--steps", "2", "--g-width", "8",
                "--d-width", "8", "--eval-every", "2", "--out", out.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("dcgan on folder of 32x32 (12 images of 3x32x32 from " + photos + ")");
        assertThat(Files.readString(out.resolve("run.properties"))).contains("--data=folder", "--image-size=32", "images=12 of 3x32x32");
        assertThat(SafeTensorsReader.read(out.resolve("generator.safetensors")).metadata()).containsEntry("image-shape", "3x32x32");
        assertThat(ImageIO.read(out.resolve("samples-000002.png").toFile()).getWidth()).isEqualTo(2 + 8 * 34);

        assertThat(oneLineError(ImagesCommandTest.run("--scheme", "sngan", "--data", "folder", "--data-dir", photos.toString(), "--out", out.resolve("o").toString())))
                .isEqualTo("jgan images: --scheme sngan has networks for 1x28x28 and 3x32x32 images, not 3x64x64 (dcgan, wgan, wgan-gp and ebgan take 3x64x64)");
        assertThat(oneLineError(ImagesCommandTest.run("--data", "folder", "--data-dir", photos.toString(), "--image-size", "48")))
                .isEqualTo("jgan images: --image-size must be 32 or 64, got 48");
        assertThat(oneLineError(ImagesCommandTest.run("--data", "mnist", "--data-dir", data.toString(), "--image-size", "32")))
                .isEqualTo("jgan images: --image-size applies to --data folder only (mnist has a fixed size)");
        Path empty = photos.resolve("empty");
        Files.createDirectory(empty);
        assertThat(oneLineError(ImagesCommandTest.run("--data", "folder", "--data-dir", empty.toString())))
                .isEqualTo("jgan images: no such file: " + empty + " (no PNG or JPEG image (*.png, *.jpg, *.jpeg) in the folder or its subfolders)");
    }
}
