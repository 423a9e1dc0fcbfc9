package dev.jgan.nn;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs a module with some of its parameters or buffers replaced by other tensors, as
 * {@code torch.func.functional_call}. The replacements may be results of differentiable ops (parameters
 * after a differentiable optimizer step), so the output can be differentiated through them: this is how
 * the second-order Unrolled GAN differentiates the critic's unrolled steps with respect to the generator.
 *
 * <p>The module's own tensors are swapped back when the call returns or throws. The swap mutates the
 * module for the duration of the call, so a module must not be used by two threads during a call.
 */
public final class Functional {
    private Functional() {}

    /** {@code module.forward(x)} with the tensors named in {@code replacements} (dotted names) substituted. */
    public static Tensor call(Module module, Map<String, Tensor> replacements, Tensor x) {
        return call(module, replacements, () -> module.forward(x));
    }

    /** A substitution to undo: {@code owner}'s tensor {@code name} was {@code previous}. */
    private record Swapped(Module owner, String name, Tensor previous) {}

    /** Runs {@code body} (any use of the module) with the substitutions in place. */
    public static <R> R call(Module module, Map<String, Tensor> replacements, Supplier<R> body) {
        Deque<Swapped> undo = new ArrayDeque<>();
        try {
            for (Map.Entry<String, Tensor> e : replacements.entrySet()) {
                String key = e.getKey();
                int dot = key.lastIndexOf('.');
                Module owner = module.module(dot < 0 ? "" : key.substring(0, dot));
                String local = key.substring(dot + 1);
                Tensor value = e.getValue();
                Tensor old = owner.swap(local, value);
                undo.push(new Swapped(owner, local, old));
                if (!Arrays.equals(old.shape(), value.shape()))
                    throw new IllegalArgumentException("Functional.call: replacement for '" + key + "' has shape " + Shape.str(value.shape())
                            + " but the module's tensor has shape " + Shape.str(old.shape()));
            }
            return body.get();
        } finally {
            while (!undo.isEmpty()) {
                Swapped u = undo.pop();
                u.owner().swap(u.name(), u.previous());
            }
        }
    }
}
