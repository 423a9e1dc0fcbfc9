package dev.jgan.gan.data;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.gan.train.StateRegistry;

/** Endless batches of a toy distribution, drawn from a generator of their own (declared as the source's state). */
public final class ToyBatches implements BatchSource {
    private final ToyDistribution distribution;
    private final Rng rng;
    private final int batchSize;

    public ToyBatches(ToyDistribution distribution, Rng rng, int batchSize) {
        if (distribution == null || rng == null) throw new IllegalArgumentException("ToyBatches: distribution and rng must be given");
        if (batchSize < 1) throw new IllegalArgumentException("ToyBatches: batchSize must be >= 1, got " + batchSize);
        this.distribution = distribution;
        this.rng = rng;
        this.batchSize = batchSize;
    }

    @Override
    public Tensor next() {
        return distribution.sample(rng, batchSize);
    }

    @Override
    public void registerState(StateRegistry registry) {
        registry.rng("rng", rng);
    }

    public ToyDistribution distribution() {
        return distribution;
    }

    public int batchSize() {
        return batchSize;
    }
}
