package dev.jgan.gan.train;

/** A part of a training run with state of its own, declared to a {@link StateRegistry}. */
public interface Stateful {
    /** Declares every piece of state under names unique within this part (the caller prefixes them). */
    void registerState(StateRegistry registry);
}
