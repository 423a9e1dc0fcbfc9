package dev.jgan.nn;

import dev.jgan.autodiff.Tensor;

/**
 * A module that also takes one class label per sample: a class-conditional generator G(z, y) or discriminator
 * D(x, y) (projection discriminator, conditional batch norm, AC-GAN's classifier head). A training scheme calls
 * {@link #forward(Tensor, int[])} when its batches carry labels; labels are class indices in [0, numClasses).
 */
public interface Conditional {
    /** The module on {@code x} [N, ...] with {@code labels} [N], each in [0, {@link #numClasses()}). */
    Tensor forward(Tensor x, int[] labels);

    /** The number of classes the module was built for. */
    int numClasses();

    /**
     * Checks {@code labels} against a batch of {@code n} samples and {@code numClasses} classes, naming {@code who}
     * in the error: one label per sample, each in range.
     */
    static void checkLabels(String who, int[] labels, int n, int numClasses) {
        if (labels == null) throw new IllegalArgumentException(who + ": class labels are required (got null)");
        if (labels.length != n)
            throw new IllegalArgumentException(who + ": needs one label per sample: " + n + " samples, " + labels.length + " labels");
        for (int i = 0; i < labels.length; i++)
            if (labels[i] < 0 || labels[i] >= numClasses)
                throw new IllegalArgumentException(who + ": label " + labels[i] + " at index " + i + " is outside [0, " + numClasses + ")");
    }
}
