package dev.jgan.gan.data;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.train.Batch;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.nn.io.TrainingCheckpoint;

/**
 * Endless labelled batches of a Gaussian mixture for conditional GANs: each sample's label is the index of the mode
 * it was drawn from, so the class decides the mode ({@link GaussianMixture#modes()} gives mode k's centre). The
 * samples are those {@link ToyBatches} draws from the same generator; the generator is the source's state.
 */
public final class LabelledToyBatches implements BatchSource {
    private final GaussianMixture mixture;
    private final Rng rng;
    private final int batchSize;

    public LabelledToyBatches(GaussianMixture mixture, Rng rng, int batchSize) {
        if (mixture == null || rng == null) throw new IllegalArgumentException("LabelledToyBatches: mixture and rng must be given");
        if (batchSize < 1) throw new IllegalArgumentException("LabelledToyBatches: batchSize must be >= 1, got " + batchSize);
        this.mixture = mixture;
        this.rng = rng;
        this.batchSize = batchSize;
    }

    /** Samples [batchSize, 2] with their mode indices as labels. */
    @Override
    public Batch nextBatch() {
        int[] labels = new int[batchSize];
        Tensor samples = mixture.sample(rng, batchSize, labels);
        return new Batch(samples, labels);
    }

    /** The samples of {@link #nextBatch()} without their labels. */
    @Override
    public Tensor next() {
        return nextBatch().samples();
    }

    @Override
    public void registerState(TrainingCheckpoint.Parts parts) {
        parts.rng("rng", rng);
    }

    /** The number of classes: the mixture's modes. */
    public int numClasses() {
        return mixture.modes().length;
    }

    public GaussianMixture mixture() {
        return mixture;
    }

    public int batchSize() {
        return batchSize;
    }
}
