package dev.jgan.gan.tricks;

import dev.jgan.gan.scheme.Minibatch;
import dev.jgan.gan.scheme.Scheme;
import dev.jgan.gan.train.Stateful;
import dev.jgan.nn.io.TrainingCheckpoint;

/**
 * The training tricks of the NIPS 2016 workshop "How to train a GAN" (https://github.com/soumith/ganhacks) that
 * change a step's inputs or targets, as options of any scheme, each off unless set. A scheme calls the hooks
 * below at fixed points of its iteration; with every option off each hook returns its input unchanged, so the step
 * is bitwise the plain one. Everything a trick changes from step to step (its random generator, buffers, stored
 * copies) is declared in {@link #registerState}, so a resumed run continues bitwise.
 * <pre>{@code
 * Tricks tricks = Tricks.none().jointBatches(true);
 * StandardGan gan = StandardGan.builder(g, d, latent).tricks(tricks).build();
 * }</pre>
 */
public final class Tricks implements Stateful {
    private boolean jointBatches;

    private Tricks() {}

    /** Every trick off. */
    public static Tricks none() {
        return new Tricks();
    }

    /**
     * Real and fake samples through D as one joint batch (one forward over both, concatenated) instead of two
     * separate ones. This matters with batch norm in D: separate batches normalise each with its own statistics,
     * which the workshop recommends (trick 4, "construct different mini-batches for real and fake"); a joint batch
     * mixes them. Off: separate batches.
     */
    public Tricks jointBatches(boolean on) {
        this.jointBatches = on;
        return this;
    }

    // ---------------------------------------------------------------- hooks, called by the schemes

    /** Whether D sees real and generated samples as one batch. */
    public boolean jointBatches() {
        return jointBatches;
    }

    /**
     * Checks the options against the scheme being built, named {@code scheme}; {@code targetsCanChange} tells
     * whether its D loss has targets (label smoothing, soft labels and flipping need them).
     */
    public void check(String scheme, boolean targetsCanChange) {}

    /** Before each iteration (before its first D step). */
    public void beforeIteration(Scheme scheme) {}

    /** The batch D's step sees, from the real batch and G's samples of {@code b}, at iteration {@code iteration} (0-based). */
    public Minibatch discriminatorBatch(Minibatch b, long iteration) {
        return b;
    }

    /** The batch G's step sees ({@code g.fake()} with G's graph). */
    public Minibatch generatorBatch(Minibatch g, long iteration) {
        return g;
    }

    /** After each generator optimizer step. */
    public void afterGeneratorStep(Scheme scheme) {}

    @Override
    public void registerState(TrainingCheckpoint.Parts parts) {}

    /** The options that are on, e.g. {@code "joint batches"}; empty when none is. */
    public String describe() {
        return jointBatches ? "joint batches" : "";
    }
}
