package dev.jgan.gan.train;

import dev.jgan.gan.scheme.StepResult;

/** Called by a {@link Trainer} after an iteration: logging, sampling, evaluation, checkpoints. */
@FunctionalInterface
public interface Callback {
    /** After iteration {@code iteration} (1 for the first) with its result. */
    void after(long iteration, StepResult result) throws Exception;
}
