package dev.jgan.nn;

import dev.jgan.autodiff.GradCheck;
import dev.jgan.autodiff.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Gradchecks a module with respect to its input and the named parameters: the parameters enter as
 * gradcheck inputs and are substituted through {@link Functional#call}, so the check covers exactly the
 * tensors the layer uses.
 */
public final class ModuleGradCheck {
    private ModuleGradCheck() {}

    /** First order (and second order if {@code second}) in x and every parameter of m. */
    public static void check(Module m, Tensor x, boolean second) {
        check(m, x, second, m.namedParameters().keySet().toArray(new String[0]));
    }

    public static void check(Module m, Tensor x, boolean second, String... params) {
        check(GradCheck.standard(), m, x, second, params);
    }

    /** With explicit step and tolerances (smaller steps for networks with relu kinks inside). */
    public static void check(GradCheck gc, Module m, Tensor x, boolean second, String... params) {
        Tensor[] inputs = new Tensor[params.length + 1];
        inputs[0] = x;
        Map<String, Tensor> current = m.namedParameters();
        for (int i = 0; i < params.length; i++) inputs[i + 1] = current.get(params[i]).detach().copy();
        Function<List<Tensor>, Tensor> f = in -> {
            Map<String, Tensor> sub = new LinkedHashMap<>();
            for (int i = 0; i < params.length; i++) sub.put(params[i], in.get(i + 1));
            return Functional.call(m, sub, in.get(0));
        };
        gc.first(f, inputs);
        if (second) gc.second(f, inputs);
    }
}
