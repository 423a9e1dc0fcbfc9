package dev.jgan.gan.scheme;

import dev.jgan.gan.schedule.Schedule;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.gan.train.Stateful;
import dev.jgan.nn.Module;
import dev.jgan.nn.optim.Optimizer;

/**
 * A GAN training scheme: its losses, regularizers and update schedule applied to a generator and a discriminator,
 * each with its own optimizer. {@link #step} is one training iteration. Everything the scheme changes from step to
 * step (networks, optimizers, its random generators and counters) is declared through {@link #registerState}, so a
 * run checkpoint holds it and a resumed run continues bitwise.
 */
public interface Scheme extends Stateful {
    /** One iteration: the schedule's discriminator steps, each on a fresh real batch from {@code data}, then its generator steps. */
    StepResult step(BatchSource data);

    /** The scheme's name and settings, e.g. {@code "WGAN-GP(lambda=10.0, 5:1)"}. */
    String describe();

    Module generator();

    Module discriminator();

    Optimizer generatorOptimizer();

    Optimizer discriminatorOptimizer();

    Latent latent();

    Schedule schedule();

    /** Iterations completed. */
    long iterations();

    /** Generator optimizer steps taken. */
    long generatorSteps();

    /** Discriminator optimizer steps taken (the unrolled look-ahead steps of Unrolled GAN are not counted). */
    long discriminatorSteps();
}
