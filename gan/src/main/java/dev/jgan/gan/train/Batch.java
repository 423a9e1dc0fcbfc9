package dev.jgan.gan.train;

import dev.jgan.autodiff.Tensor;

/** A real batch [N, ...] with one class label per sample, or {@code labels == null} for unlabelled data. */
public record Batch(Tensor samples, int[] labels) {
    public Batch {
        if (samples == null) throw new IllegalArgumentException("Batch: samples must be given");
        if (labels != null && labels.length != samples.size(0))
            throw new IllegalArgumentException("Batch: " + samples.size(0) + " samples but " + labels.length + " labels");
    }
}
