package dev.jgan.gan.train;

import dev.jgan.nn.io.TrainingCheckpoint;

/**
 * A part of a training run with state of its own (networks, optimizers, random generators, counters), declared to a
 * {@link TrainingCheckpoint.Parts} registry so that one run checkpoint holds it all and a resumed run continues
 * bitwise. The same declarations serve saving and loading.
 */
public interface Stateful {
    /** Declares every piece of state under names unique within this part (the owner puts them in a group). */
    void registerState(TrainingCheckpoint.Parts parts);
}
