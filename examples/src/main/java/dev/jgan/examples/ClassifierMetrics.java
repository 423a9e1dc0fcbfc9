package dev.jgan.examples;

import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.ImageDataset;
import dev.jgan.gan.eval.FeatureClassifier;
import dev.jgan.gan.eval.FrechetDistance;
import dev.jgan.gan.eval.InceptionScore;
import dev.jgan.gan.eval.MeanStd;
import dev.jgan.gan.eval.Sampling;
import dev.jgan.nn.Module;
import dev.jgan.nn.io.SafeTensorsReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A {@link FeatureClassifier} checkpoint (from {@code jgan classifier}) with what it measures of the test split,
 * computed once: its features' Gaussian for the Fréchet distance and its Inception Score (the ceiling a generator
 * can hope for). Then the classifier IS and the FID of generated images, in the same units; comparable only between
 * runs scored with the same checkpoint, never with papers' Inception-based numbers.
 */
final class ClassifierMetrics {
    /** Metadata key of the data set's name that {@code jgan classifier} writes beside the architecture and accuracy. */
    static final String DATA_KEY = "jgan.data";
    /**
     * Samples generated per forward pass: bounds G's activations (DCGAN's 28 x 28 G at width 64 holds about 25 MB
     * per 250 samples) without making the batches so small that the kernels idle.
     */
    static final int CHUNK = 250;

    final Path file;
    final FeatureClassifier classifier;
    final Tensor testFeatures;
    final FrechetDistance.Statistics testStatistics;
    final MeanStd testInceptionScore;

    private ClassifierMetrics(Path file, FeatureClassifier classifier, Tensor testImages) {
        this.file = file;
        this.classifier = classifier;
        this.testFeatures = classifier.features(testImages);
        this.testStatistics = FrechetDistance.Statistics.of(testFeatures);
        this.testInceptionScore = InceptionScore.ofLogits(classifier.logits(testImages));
    }

    /**
     * Loads the classifier in {@code file} (given with {@code option}) and checks it against the test split of
     * {@code data}: the same image shape, the same number of classes (when the split has labels), the same data set
     * (when the file records one).
     */
    static ClassifierMetrics load(String option, Path file, ImageDataset test, String data) throws UsageError {
        Commands.readableFile(option, file);
        FeatureClassifier c;
        String trainedOn;
        try {
            c = FeatureClassifier.load(file);
            trainedOn = SafeTensorsReader.read(file).metadata().get(DATA_KEY);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageError(option + " " + file + ": not a classifier of jgan classifier: " + UsageError.firstLine(e.getMessage()), e);
        }
        if (!Arrays.equals(c.imageShape(), test.imageShape()))
            throw new UsageError(option + " " + file + " takes " + shape(c.imageShape()) + " images, the " + data + " images are " + shape(test.imageShape()));
        if (test.hasLabels() && c.numClasses() != test.numClasses())
            throw new UsageError(option + " " + file + " has " + c.numClasses() + " classes, the " + data + " test split " + test.numClasses());
        if (trainedOn != null && !trainedOn.equals(data))
            throw new UsageError(option + " " + file + " was trained on " + trainedOn + ", not " + data);
        if (test.size() < 2) throw new UsageError("the " + data + " test split holds " + test.size() + " image(s); the Fréchet distance needs 2 or more");
        return new ClassifierMetrics(file, c, test.toTensor());
    }

    /** The logits and penultimate features of generated images. */
    record Scored(Tensor logits, Tensor features) {
        MeanStd inceptionScore() {
            return InceptionScore.ofLogits(logits);
        }
    }

    /** G(z) in chunks of {@value #CHUNK} (in evaluation mode, without grad: {@link Sampling#fromNoise}), scored by the classifier. */
    Scored score(Module generator, Tensor z) {
        List<Tensor> logits = new ArrayList<>(), features = new ArrayList<>();
        int n = z.size(0);
        for (int from = 0; from < n; from += CHUNK) {
            Tensor images = Sampling.fromNoise(generator, z.narrow(0, from, Math.min(CHUNK, n - from)));
            logits.add(classifier.logits(images));
            features.add(classifier.features(images));
        }
        return new Scored(cat(logits), cat(features));
    }

    /** The Fréchet distance of generated features to the test split's. */
    double fid(Scored generated) {
        return FrechetDistance.of(testStatistics, FrechetDistance.Statistics.of(generated.features()));
    }

    /** "c.safetensors (test accuracy 0.9012)". */
    String describe() {
        double a = classifier.testAccuracy();
        return file + (Double.isNaN(a) ? "" : String.format(Locale.ROOT, " (test accuracy %.4f)", a));
    }

    private static Tensor cat(List<Tensor> parts) {
        return parts.size() == 1 ? parts.get(0) : Tensor.concat(parts, 0);
    }

    private static String shape(int[] chw) {
        return chw[0] + "x" + chw[1] + "x" + chw[2];
    }
}
