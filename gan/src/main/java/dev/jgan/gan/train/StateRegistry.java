package dev.jgan.gan.train;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import dev.jgan.nn.optim.Optimizer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where the parts of a training run declare, by name, everything they change from step to step, so that one run
 * checkpoint holds it all and a resumed run continues bitwise. The same declarations serve saving and loading.
 */
public interface StateRegistry {
    /** A network: its state dict (parameters and persistent buffers). */
    StateRegistry module(String name, Module module);

    /** An optimizer: its moments, step counts and learning rates. */
    StateRegistry optimizer(String name, Optimizer optimizer);

    /** A random generator: its complete state. */
    StateRegistry rng(String name, Rng rng);

    /** A counter. */
    StateRegistry counter(String name, LongSupplier get, LongConsumer set);

    /** A tensor held outside any module (a replay buffer, a schedule's state). */
    StateRegistry tensor(String name, Supplier<Tensor> get, Consumer<Tensor> set);
}
