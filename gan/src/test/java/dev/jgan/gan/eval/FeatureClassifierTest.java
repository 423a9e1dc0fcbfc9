package dev.jgan.gan.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classifier behind the metrics, trained for a few seconds on {@link SyntheticShapes}, and the metrics' behaviour
 * on its features: the done-when of "metrics without Inception weights".
 */
class FeatureClassifierTest {
    static final int TRAIN = 2400, TEST = 1000, EPOCHS = 5;
    static SyntheticShapes train, test;
    static FeatureClassifier classifier;
    static double accuracy;

    @BeforeAll
    static void trainOnce() {
        Rng rng = new Rng(2024);
        train = SyntheticShapes.generate(TRAIN, rng.split());
        test = SyntheticShapes.generate(TEST, rng.split());
        classifier = new FeatureClassifier(1, 28, 28, SyntheticShapes.CLASSES, rng.split());
        long t0 = System.nanoTime();
        double[] losses = classifier.train(train.images, train.labels, EPOCHS, 64, rng.split());
        accuracy = classifier.accuracy(test.images, test.labels);
        System.out.printf("FeatureClassifier: %d epochs on %d images in %.1f s, losses %s, test accuracy %.4f%n",
                EPOCHS, TRAIN, (System.nanoTime() - t0) / 1e9, java.util.Arrays.toString(losses), accuracy);
    }

    @Test
    void learnsTheShapes() {
        assertThat(accuracy).isGreaterThan(0.9); // chance is 0.1
    }

    @Test
    void frechetDistanceIsSmallBetweenRealHalvesAndGrowsWithNoiseAndBlur() {
        Tensor a = test.images.narrow(0, 0, TEST / 2), b = test.images.narrow(0, TEST / 2, TEST / 2);
        Tensor fa = classifier.features(a);
        assertThat(FrechetDistance.of(fa, fa)).isLessThan(1e-6 * trace(fa));
        double real = FrechetDistance.of(fa, classifier.features(b));
        Rng rng = new Rng(77);
        double previous = real;
        StringBuilder log = new StringBuilder("FID real/real' " + real);
        for (float sigma : new float[] {0.1f, 0.2f, 0.4f, 0.8f}) {
            double fid = FrechetDistance.of(fa, classifier.features(SyntheticShapes.noisy(b, sigma, rng)));
            log.append(", noise ").append(sigma).append(": ").append(fid);
            assertThat(fid).as("noise sigma %s after %s", sigma, previous).isGreaterThan(previous);
            previous = fid;
        }
        previous = real;
        for (int k : new int[] {3, 5, 7}) {
            double fid = FrechetDistance.of(fa, classifier.features(SyntheticShapes.boxBlur(b, k)));
            log.append(", blur ").append(k).append(": ").append(fid);
            assertThat(fid).as("box blur %d after %s", k, previous).isGreaterThan(previous);
            previous = fid;
        }
        System.out.println(log);
        // the real halves are far closer to each other than to the mildest corruption that matters
        double noisy = FrechetDistance.of(fa, classifier.features(SyntheticShapes.noisy(b, 0.4f, new Rng(78))));
        assertThat(real).isLessThan(noisy / 5);
    }

    @Test
    void inceptionScoreOfRealDataExceedsNoiseAndASingleRepeatedImage() {
        MeanStd real = InceptionScore.ofLogits(classifier.logits(test.images));
        Tensor noise = Tensor.uniform(new Rng(5), -1f, 1f, TEST, 1, 28, 28);
        MeanStd ofNoise = InceptionScore.ofLogits(classifier.logits(noise));
        Tensor one = test.images.narrow(0, 0, 1).expand(TEST, 1, 28, 28).copy();
        MeanStd single = InceptionScore.ofLogits(classifier.logits(one));
        System.out.println("IS real " + real + ", uniform noise " + ofNoise + ", one image repeated " + single);
        assertThat(real.mean()).isGreaterThan(5); // at most 10: 10 classes, equally frequent, recognised > 90 % of the time
        assertThat(real.mean()).isGreaterThan(ofNoise.mean() + 3 * (real.std() + ofNoise.std()));
        assertThat(single.mean()).isCloseTo(1, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(ofNoise.mean()).isGreaterThan(single.mean());
    }

    @Test
    void kidAndPrecisionRecallOnTheFeatures() {
        Tensor fa = classifier.features(test.images.narrow(0, 0, TEST / 2)), fb = classifier.features(test.images.narrow(0, TEST / 2, TEST / 2));
        Tensor blurred = classifier.features(SyntheticShapes.boxBlur(test.images.narrow(0, TEST / 2, TEST / 2), 7));
        MeanStd same = KernelInceptionDistance.of(fa, fb, 20, 250, new Rng(1));
        MeanStd worse = KernelInceptionDistance.of(fa, blurred, 20, 250, new Rng(1));
        PrecisionRecall prSame = PrecisionRecall.of(fa, fb), prBlur = PrecisionRecall.of(fa, blurred);
        System.out.println("KID real/real' " + same + ", blur 7: " + worse + "; P/R real/real' " + prSame + ", blur 7: " + prBlur);
        assertThat(worse.mean()).isGreaterThan(same.mean() + 3 * (same.std() + worse.std()));
        assertThat(prSame.precision()).isGreaterThan(0.5);
        assertThat(prSame.recall()).isGreaterThan(0.5);
        assertThat(prBlur.precision()).isLessThan(prSame.precision());
    }

    @Test
    void savesAndLoadsBitwiseWithTheRecordedAccuracy(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("classifier.safetensors");
        classifier.save(file, accuracy);
        FeatureClassifier loaded = FeatureClassifier.load(file);
        assertThat(loaded.testAccuracy()).isEqualTo(accuracy);
        assertThat(loaded.imageShape()).containsExactly(1, 28, 28);
        assertThat(loaded.numClasses()).isEqualTo(10);
        assertThat(loaded.numFeatures()).isEqualTo(FeatureClassifier.DEFAULT_FEATURES);
        Map<String, Tensor> a = classifier.stateDict(), b = loaded.stateDict();
        assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
        for (String k : a.keySet()) assertThat(b.get(k).toArray()).as(k).isEqualTo(a.get(k).toArray());
        Tensor x = test.images.narrow(0, 0, 50);
        assertThat(loaded.features(x).toArray()).isEqualTo(classifier.features(x).toArray());
        // a plain module checkpoint lacks the architecture
        Path plain = dir.resolve("plain.safetensors");
        dev.jgan.nn.io.Checkpoint.save(classifier, plain);
        assertThatThrownBy(() -> FeatureClassifier.load(plain)).hasMessageContaining("has no 'jgan.feature_classifier' metadata");
        assertThat(Files.exists(file)).isTrue();
    }

    @Test
    void isDeterministicFromItsSeeds() {
        SyntheticShapes small = SyntheticShapes.generate(200, new Rng(3));
        FeatureClassifier c1 = new FeatureClassifier(1, 28, 28, 10, 32, new Rng(8)), c2 = new FeatureClassifier(1, 28, 28, 10, 32, new Rng(8));
        double[] l1 = c1.train(small.images, small.labels, 1, 50, new Rng(9)), l2 = c2.train(small.images, small.labels, 1, 50, new Rng(9));
        assertThat(l2).isEqualTo(l1);
        for (String k : c1.stateDict().keySet()) assertThat(c2.stateDict().get(k).toArray()).as(k).isEqualTo(c1.stateDict().get(k).toArray());
        FeatureClassifier c3 = new FeatureClassifier(1, 28, 28, 10, 32, new Rng(8));
        c3.train(small.images, small.labels, 1, 50, new Rng(10)); // another minibatch order
        assertThat(c3.stateDict().get("head.weight").toArray()).isNotEqualTo(c1.stateDict().get("head.weight").toArray());
    }

    /** The epoch listener sees each epoch's loss; running the classifier inside it leaves the training bitwise as without. */
    @Test
    void anEpochListenerMayMeasureWithoutChangingTheTraining(@TempDir Path dir) throws IOException {
        SyntheticShapes small = SyntheticShapes.generate(200, new Rng(3));
        FeatureClassifier quiet = new FeatureClassifier(1, 28, 28, 10, 32, new Rng(8)), watched = new FeatureClassifier(1, 28, 28, 10, 32, new Rng(8));
        double[] expected = quiet.train(small.images, small.labels, 2, 50, new Rng(9));
        java.util.List<Double> seen = new java.util.ArrayList<>(), accuracies = new java.util.ArrayList<>();
        double[] losses = watched.train(small.images, small.labels, 2, 50, new Rng(9), (epoch, loss) -> {
            assertThat(epoch).isEqualTo(seen.size() + 1);
            seen.add(loss);
            accuracies.add(watched.accuracy(test.images, test.labels));
        });
        assertThat(losses).isEqualTo(expected);
        assertThat(seen).containsExactly(expected[0], expected[1]);
        assertThat(watched.stateDict().get("head.weight").toArray()).isEqualTo(quiet.stateDict().get("head.weight").toArray());
        assertThat(accuracies.get(1)).isEqualTo(watched.accuracy(test.images, test.labels));

        Path file = dir.resolve("c.safetensors");
        watched.save(file, 0.5, Map.of("jgan.data", "shapes"));
        assertThat(dev.jgan.nn.io.SafeTensorsReader.read(file).metadata()).containsEntry("jgan.data", "shapes")
                .containsEntry(FeatureClassifier.ACCURACY_KEY, "0.5");
        assertThatThrownBy(() -> watched.save(file, 0.5, Map.of(FeatureClassifier.ACCURACY_KEY, "1")))
                .hasMessage("FeatureClassifier.save: the metadata may not set jgan.feature_classifier or jgan.test_accuracy");
    }

    @Test
    void takesColourImagesOfThirtyTwoPixels() {
        FeatureClassifier c = new FeatureClassifier(3, 32, 32, 10, new Rng(1));
        Tensor x = Tensor.uniform(new Rng(2), -1f, 1f, 6, 3, 32, 32);
        assertThat(c.features(x).shape()).containsExactly(6, 128);
        assertThat(c.logits(x).shape()).containsExactly(6, 10);
        assertThat(c.stateDict().get("body.5.weight").shape()).containsExactly(128, 32 * 8 * 8);
        double[] losses = c.train(x, new int[] {0, 1, 2, 3, 4, 5}, 5, 6, new Rng(3));
        assertThat(losses[4]).isLessThan(losses[0]);
    }

    @Test
    void refusesBadInputs() {
        FeatureClassifier c = new FeatureClassifier(1, 28, 28, 10, new Rng(1));
        assertThatThrownBy(() -> c.features(Tensor.zeros(2, 3, 28, 28)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("FeatureClassifier.features: images must be [N, 1, 28, 28] with N >= 1, got [2, 3, 28, 28]");
        assertThatThrownBy(() -> c.accuracy(Tensor.zeros(2, 1, 28, 28), new int[] {1}))
                .hasMessage("FeatureClassifier.accuracy: 1 labels for 2 images");
        assertThatThrownBy(() -> c.train(Tensor.zeros(2, 1, 28, 28), new int[] {1, 10}, 1, 2, new Rng(1)))
                .hasMessage("FeatureClassifier.train: label 1 is 10, not in [0, 10)");
        assertThatThrownBy(() -> c.train(Tensor.zeros(2, 1, 28, 28), new int[] {1, 1}, 0, 2, new Rng(1)))
                .hasMessage("FeatureClassifier.train: epochs and batch must be >= 1, got epochs=0, batch=2");
        assertThatThrownBy(() -> new FeatureClassifier(1, 28, 28, 1, new Rng(1))).hasMessageContaining("classes=1");
        assertThatThrownBy(() -> c.save(Path.of("unused.safetensors"), Double.NaN)).hasMessage("FeatureClassifier.save: testAccuracy must be in [0, 1], got NaN");
    }

    private static double trace(Tensor features) {
        double[][] c = FrechetDistance.Statistics.of(features).covariance();
        double t = 0;
        for (int i = 0; i < c.length; i++) t += c[i][i];
        return t;
    }
}
