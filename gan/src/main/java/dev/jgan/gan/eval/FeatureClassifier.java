package dev.jgan.gan.eval;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Losses;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.io.Checkpoint;
import dev.jgan.nn.io.SafeTensorsReader;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.Flatten;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.optim.Adam;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small CNN classifier, trained with jgan on the data a GAN learns, whose class probabilities give a classifier-based
 * {@link InceptionScore} and whose penultimate features give a {@link FrechetDistance}, {@link KernelInceptionDistance}
 * and {@link PrecisionRecall}: metrics without Inception weights. Its numbers are comparable only between runs
 * evaluated with the same checkpoint, never with Inception-based scores from papers.
 * <pre>
 *   [N, C, H, W] -> conv 3x3 stride 2 (16) -> ReLU -> conv 3x3 stride 2 (32) -> ReLU -> flatten
 *                -> linear (features, default 128) -> ReLU         = features(x), the penultimate layer
 *                -> linear (classes)                               = logits(x)
 * </pre>
 * State-dict keys: {@code body.0.weight}, {@code body.0.bias}, {@code body.2.*}, {@code body.5.*}, {@code head.*}.
 * Images are [N, C, H, W] in [-1, 1] (as G's tanh output), labels ints in [0, classes). Training draws its
 * initial weights and its minibatch order from explicit generators, so the same seeds and thread count give the same
 * classifier bit for bit. {@link #save} records the architecture and the test accuracy in the checkpoint's metadata;
 * {@link #load} rebuilds the classifier from them.
 */
public final class FeatureClassifier extends Module {
    /** The width of the penultimate layer unless given. */
    public static final int DEFAULT_FEATURES = 128;
    /** Adam's learning rate in {@link #train}. */
    public static final float LEARNING_RATE = 1e-3f;
    /** Metadata key of the architecture in a checkpoint. */
    public static final String ARCHITECTURE_KEY = "jgan.feature_classifier";
    /** Metadata key of the recorded test accuracy in a checkpoint. */
    public static final String ACCURACY_KEY = "jgan.test_accuracy";

    private static final int EVAL_BATCH = 256;

    private final int channels, height, width, classes, features;
    private final Sequential body;
    private final Linear head;
    private double testAccuracy = Double.NaN;

    /** A classifier of {@code classes} classes for [N, channels, height, width] images, 128 features. */
    public FeatureClassifier(int channels, int height, int width, int classes, Rng rng) {
        this(channels, height, width, classes, DEFAULT_FEATURES, rng);
    }

    /** A classifier with a penultimate layer of {@code features} units; initial weights drawn from {@code rng}. */
    public FeatureClassifier(int channels, int height, int width, int classes, int features, Rng rng) {
        if (channels < 1 || height < 1 || width < 1 || classes < 2 || features < 1)
            throw new IllegalArgumentException("FeatureClassifier: need channels, height, width, features >= 1 and classes >= 2, got channels="
                    + channels + ", height=" + height + ", width=" + width + ", classes=" + classes + ", features=" + features);
        if (rng == null) throw new IllegalArgumentException("FeatureClassifier: rng must be given");
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.features = features;
        int h = half(half(height)), w = half(half(width)); // 3x3, stride 2, padding 1: ceil(size / 2), twice
        body = registerModule("body", new Sequential(
                new Conv2d(channels, 16, 3, 2, 1, rng), new ReLU(),   // -> [N, 16, ceil(H/2), ceil(W/2)]
                new Conv2d(16, 32, 3, 2, 1, rng), new ReLU(),         // -> [N, 32, h, w]
                new Flatten(),                                         // -> [N, 32 h w]
                new Linear(32 * h * w, features, rng), new ReLU()));   // -> [N, features]
        head = registerModule("head", new Linear(features, classes, rng));
    }

    private static int half(int size) {
        return (size - 1) / 2 + 1;
    }

    /** Logits [N, classes] of a batch, recorded for backprop when grad mode is on (the training forward). */
    @Override
    public Tensor forward(Tensor images) {
        checkImages("forward", images);
        return head.forward(body.forward(images));
    }

    /** The penultimate features [N, features] of images, in evaluation mode, without grad, in batches of 256. */
    public Tensor features(Tensor images) {
        checkImages("features", images);
        return batched(images, body::forward);
    }

    /** The logits [N, classes] of images, in evaluation mode, without grad, in batches of 256. */
    public Tensor logits(Tensor images) {
        checkImages("logits", images);
        return batched(images, x -> head.forward(body.forward(x)));
    }

    /** The most probable class of each image (ties to the lower class). */
    public int[] predict(Tensor images) {
        return logits(images).argmaxRows();
    }

    /** The share of images whose predicted class is their label. */
    public double accuracy(Tensor images, int[] labels) {
        checkLabels("accuracy", images, labels);
        int[] predicted = predict(images);
        int right = 0;
        for (int i = 0; i < labels.length; i++) if (predicted[i] == labels[i]) right++;
        return (double) right / labels.length;
    }

    /**
     * Trains with Adam ({@value #LEARNING_RATE}, betas 0.9, 0.999) on the cross-entropy for {@code epochs} passes over
     * the images, each in a fresh order drawn from {@code rng}, in minibatches of {@code batch} (the last one smaller).
     * Returns the mean loss of each epoch.
     */
    public double[] train(Tensor images, int[] labels, int epochs, int batch, Rng rng) {
        return train(images, labels, epochs, batch, rng, (epoch, meanLoss) -> {});
    }

    /** Told the mean training loss of each epoch as it ends (e.g. to print progress or measure a test accuracy). */
    @FunctionalInterface
    public interface EpochListener {
        /** Epoch {@code epoch} (1-based) has ended with mean cross-entropy {@code meanLoss}; the classifier is in training mode. */
        void epochEnded(int epoch, double meanLoss);
    }

    /**
     * {@link #train(Tensor, int[], int, int, Rng)}, calling {@code listener} after each epoch. The listener may run
     * the classifier ({@link #accuracy}, {@link #logits}: they put the training mode back), but must not draw from
     * {@code rng}; then the result is bitwise that of the call without a listener.
     */
    public double[] train(Tensor images, int[] labels, int epochs, int batch, Rng rng, EpochListener listener) {
        checkLabels("train", images, labels);
        if (listener == null) throw new IllegalArgumentException("FeatureClassifier.train: listener must be given");
        if (epochs < 1 || batch < 1)
            throw new IllegalArgumentException("FeatureClassifier.train: epochs and batch must be >= 1, got epochs=" + epochs + ", batch=" + batch);
        if (rng == null) throw new IllegalArgumentException("FeatureClassifier.train: rng must be given");
        int n = labels.length;
        Adam adam = new Adam(parameters(), LEARNING_RATE);
        double[] losses = new double[epochs];
        train(true);
        for (int e = 0; e < epochs; e++) {
            int[] order = rng.permutation(n);
            double sum = 0;
            for (int from = 0; from < n; from += batch) {
                int size = Math.min(batch, n - from);
                int[] index = new int[size], y = new int[size];
                for (int i = 0; i < size; i++) {
                    index[i] = order[from + i];
                    y[i] = labels[index[i]];
                }
                Tensor loss = Losses.crossEntropy(forward(images.indexSelect(0, index)), y);
                adam.zeroGrad();
                loss.backward();
                adam.step();
                sum += (double) loss.item() * size;
            }
            losses[e] = sum / n;
            listener.epochEnded(e + 1, losses[e]);
        }
        return losses;
    }

    /**
     * Saves the weights as a safetensors file ({@link Checkpoint#save(Module, Path, Map)}), with the architecture and
     * {@code testAccuracy} (which this classifier then reports) in its metadata.
     */
    public void save(Path path, double testAccuracy) throws IOException {
        save(path, testAccuracy, Map.of());
    }

    /**
     * {@link #save(Path, double)} with further metadata entries beside the architecture and the accuracy (e.g. the name
     * of the data set it was trained on, for a user of the file to check); they cannot replace those two.
     */
    public void save(Path path, double testAccuracy, Map<String, String> metadata) throws IOException {
        if (!(testAccuracy >= 0 && testAccuracy <= 1))
            throw new IllegalArgumentException("FeatureClassifier.save: testAccuracy must be in [0, 1], got " + testAccuracy);
        if (metadata.containsKey(ARCHITECTURE_KEY) || metadata.containsKey(ACCURACY_KEY))
            throw new IllegalArgumentException("FeatureClassifier.save: the metadata may not set " + ARCHITECTURE_KEY + " or " + ACCURACY_KEY);
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(ARCHITECTURE_KEY, channels + "," + height + "," + width + "," + classes + "," + features);
        meta.put(ACCURACY_KEY, Double.toString(testAccuracy));
        Checkpoint.save(this, path, meta);
        this.testAccuracy = testAccuracy;
    }

    /** Rebuilds a classifier saved by {@link #save}: its architecture from the metadata, its weights loaded strictly. */
    public static FeatureClassifier load(Path path) throws IOException {
        Map<String, String> meta = SafeTensorsReader.read(path).metadata();
        String arch = meta.get(ARCHITECTURE_KEY);
        if (arch == null)
            throw new IllegalArgumentException("FeatureClassifier.load: " + path + " has no '" + ARCHITECTURE_KEY
                    + "' metadata; it was not written by FeatureClassifier.save (metadata keys " + meta.keySet() + ")");
        String[] p = arch.split(",");
        int[] v = new int[5];
        try {
            if (p.length != 5) throw new NumberFormatException("5 sizes expected");
            for (int i = 0; i < 5; i++) v[i] = Integer.parseInt(p[i].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("FeatureClassifier.load: " + path + ": '" + ARCHITECTURE_KEY + "' must be channels,height,width,classes,features, got '" + arch + "'", e);
        }
        FeatureClassifier c = new FeatureClassifier(v[0], v[1], v[2], v[3], v[4], new Rng(0)); // weights replaced below
        Checkpoint.load(c, path, true);
        String acc = meta.get(ACCURACY_KEY);
        c.testAccuracy = acc == null ? Double.NaN : Double.parseDouble(acc);
        return c;
    }

    /** The test accuracy recorded by {@link #save} or read by {@link #load}; NaN before either. */
    public double testAccuracy() {
        return testAccuracy;
    }

    /** The number of classes. */
    public int numClasses() {
        return classes;
    }

    /** The width of the penultimate layer. */
    public int numFeatures() {
        return features;
    }

    /** The image shape {C, H, W} this classifier takes. */
    public int[] imageShape() {
        return new int[] {channels, height, width};
    }

    private Tensor batched(Tensor images, java.util.function.UnaryOperator<Tensor> f) {
        boolean wasTraining = isTraining();
        eval();
        try (GradMode.Scope s = GradMode.noGrad()) {
            int n = images.size(0);
            List<Tensor> parts = new ArrayList<>();
            for (int from = 0; from < n; from += EVAL_BATCH) parts.add(f.apply(images.narrow(0, from, Math.min(EVAL_BATCH, n - from))));
            return parts.size() == 1 ? parts.get(0) : Tensor.concat(parts, 0);
        } finally {
            train(wasTraining);
        }
    }

    private void checkImages(String what, Tensor images) {
        if (images == null || images.dim() != 4 || images.size(0) < 1 || images.size(1) != channels || images.size(2) != height || images.size(3) != width)
            throw new IllegalArgumentException("FeatureClassifier." + what + ": images must be [N, " + channels + ", " + height + ", " + width
                    + "] with N >= 1, got " + (images == null ? "null" : Shape.str(images.shape())));
    }

    private void checkLabels(String what, Tensor images, int[] labels) {
        checkImages(what, images);
        if (labels == null || labels.length != images.size(0))
            throw new IllegalArgumentException("FeatureClassifier." + what + ": " + (labels == null ? "no" : String.valueOf(labels.length))
                    + " labels for " + images.size(0) + " images");
        for (int i = 0; i < labels.length; i++)
            if (labels[i] < 0 || labels[i] >= classes)
                throw new IllegalArgumentException("FeatureClassifier." + what + ": label " + i + " is " + labels[i] + ", not in [0, " + classes + ")");
    }
}
