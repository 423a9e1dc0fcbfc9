package dev.jgan.gan.train;

import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.io.TrainingCheckpoint;

/**
 * Real training batches, one per call, [N, ...]. A scheme draws one per discriminator step (WGAN's five critic
 * steps see five batches). A source that draws from a random generator declares it as its state, so a resumed run
 * sees the same batches. A labelled source (for conditional GANs) overrides {@link #nextBatch} too.
 */
public interface BatchSource extends Stateful {
    /** The next real batch. */
    Tensor next();

    /** The next real batch with its class labels; an unlabelled source gives {@code labels == null}. */
    default Batch nextBatch() {
        return new Batch(next(), null);
    }

    @Override
    default void registerState(TrainingCheckpoint.Parts parts) {}
}
