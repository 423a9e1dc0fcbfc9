package dev.jgan.examples;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.autodiff.kernels.KernelProvider;
import dev.jgan.gan.data.ImageDataset;
import dev.jgan.gan.eval.FeatureClassifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains the small CNN behind jgan's metrics ({@link FeatureClassifier}) on the training split of MNIST,
 * Fashion-MNIST or CIFAR-10, measures its accuracy on the test split and saves it as a safetensors file with the
 * accuracy in its metadata, for {@code jgan images --classifier} and {@code jgan evaluate}.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar examples/target/jgan.jar classifier --data fashion-mnist}.
 * It prints each epoch's mean loss and test accuracy; expect 0.90 on Fashion-MNIST after the default 6 epochs.
 * The same seed and thread count give the same file bit for bit.
 */
@Command(name = "classifier", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train the feature classifier behind jgan's IS/FID/KID/precision/recall on a data set's training split, report its",
            "test accuracy and save it (safetensors, the accuracy in its metadata) for jgan images --classifier and jgan evaluate."})
public final class ClassifierCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;
    @Option(names = "--epochs", paramLabel = "N", description = {
        "Passes over the training split (default: ${DEFAULT-VALUE}: 0.90 test accuracy on Fashion-MNIST in about a minute and a",
        "half on 2 cores; 3 give 0.89, 10 give 0.91, where the test accuracy stops rising)."})
    int epochs = 6;
    @Option(names = "--batch", paramLabel = "N", description = "Minibatch size of Adam(1e-3) (default: ${DEFAULT-VALUE}).")
    int batch = 64;
    @Option(names = "--seed", paramLabel = "N", description = "Seed of the initial weights and the minibatch order (default: ${DEFAULT-VALUE}).")
    long seed = 1;
    @Mixin
    ThreadsOption threads;
    @Option(names = "--out", paramLabel = "FILE", description = "The classifier file (default: runs/classifier-<--data>.safetensors; runs/ is git-ignored).")
    Path out;
    @Option(names = "--verbose", description = "Print the stack trace of an error.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Commands.call(spec, verbose, this::run);
    }

    private int run(PrintWriter stdout) throws Exception {
        data.validate();
        data.requireTestSplit("jgan classifier");
        Commands.positive("--epochs", epochs);
        Commands.positive("--batch", batch);
        threads.apply();
        if (out == null) out = Path.of("runs", "classifier-" + data.name + ".safetensors");
        ImageDataset train = data.train(true), test = data.test(true);
        if (!java.util.Arrays.equals(train.imageShape(), test.imageShape()))
            throw new UsageError("the training images in " + data.dir + " are " + shape(train) + ", the test images " + shape(test));
        int classes = Math.max(train.numClasses(), test.numClasses());
        if (classes < 2) throw new UsageError("the labels in " + data.dir + " name " + classes + " class; a classifier needs 2 or more");
        if (batch > train.size()) throw new UsageError("--batch " + batch + " is larger than the " + train.size() + " training images of " + data.dir);
        Commands.writableFile("--out", out);
        threads.noteIfLate(stdout);

        // Two streams from one seed, in a fixed order: the initial weights, then the minibatch order.
        Rng root = new Rng(seed);
        Rng init = root.split(), order = root.split();
        FeatureClassifier c = new FeatureClassifier(train.channels(), train.height(), train.width(), classes, init);
        Tensor trainImages = train.toTensor(), testImages = test.toTensor();
        int[] trainLabels = train.labels(), testLabels = test.labels();
        stdout.printf(Locale.ROOT, "classifier on %s: %d training and %d test images of %s, %d classes, %d epochs of batch %d, seed %d, kernels %s%n",
                data.name, train.size(), test.size(), shape(train), classes, epochs, batch, seed, KernelProvider.get().name());
        stdout.flush();
        long start = System.nanoTime();
        // The test accuracy after each epoch shows whether more epochs would pay; measuring it draws no random numbers.
        c.train(trainImages, trainLabels, epochs, batch, order, (epoch, loss) -> {
            double seconds = (System.nanoTime() - start) / 1e9;
            stdout.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  test accuracy %.4f  %s, eta %s%n", epoch, epochs, loss,
                    c.accuracy(testImages, testLabels), ImagesCommand.duration(seconds), ImagesCommand.duration(seconds / epoch * (epochs - epoch)));
            stdout.flush();
        });
        double accuracy = c.accuracy(testImages, testLabels);
        c.save(out, accuracy, Map.of(ClassifierMetrics.DATA_KEY, data.name));
        stdout.printf(Locale.ROOT, "test accuracy %.4f (%d test images) after %s; wrote %s%n", accuracy, test.size(),
                ImagesCommand.duration((System.nanoTime() - start) / 1e9), out);
        stdout.flush();
        return 0;
    }

    private static String shape(ImageDataset d) {
        return d.channels() + "x" + d.height() + "x" + d.width();
    }
}
