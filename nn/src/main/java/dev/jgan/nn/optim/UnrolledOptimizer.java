package dev.jgan.nn.optim;

import dev.jgan.autodiff.Autograd;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer's steps as differentiable functions, for the second-order Unrolled GAN (Metz et al., 2017):
 * each {@link #step} returns new parameter tensors built from recorded ops, so a loss computed with them
 * (through {@link dev.jgan.nn.Functional#call}) can be differentiated back through every unrolled step.
 * Starts from a copy of the optimizer's state and never touches the optimizer or the real parameters.
 */
public final class UnrolledOptimizer {
    private final Optimizer optimizer;
    private final List<ParamState> states;
    private final Map<Tensor, Integer> index = new IdentityHashMap<>();

    UnrolledOptimizer(Optimizer optimizer, List<ParamState> states) {
        this.optimizer = optimizer;
        this.states = states;
        List<Tensor> ps = optimizer.parameters();
        for (int i = 0; i < ps.size(); i++) index.put(ps.get(i), i);
    }

    /**
     * New values of all parameters (in {@link Optimizer#parameters()} order) from their current values and
     * gradients; a null gradient leaves that parameter as it is. Pass gradients computed with
     * {@code createGraph = true} to differentiate through the step.
     */
    public List<Tensor> step(List<Tensor> params, List<Tensor> grads) {
        int n = optimizer.parameters().size();
        if (params.size() != n || grads.size() != n)
            throw new IllegalArgumentException("UnrolledOptimizer.step: expected " + n + " parameters and gradients, got " + params.size() + " and " + grads.size());
        List<Tensor> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Tensor g = grads.get(i);
            out.add(g == null ? params.get(i) : optimizer.updateAt(i, params.get(i), g, states.get(i)));
        }
        return out;
    }

    /**
     * One unrolled step of {@code module}'s parameters on {@code loss}: {@code current} maps each parameter
     * name to its present value (start with {@code module.namedParameters()}), the loss must have been
     * computed from those values, and the result maps each name to its value after the step. Every
     * parameter of the module must belong to this optimizer.
     * A parameter the loss does not depend on has no gradient and is left as it is, as {@link Optimizer#step()}
     * leaves a parameter whose gradient is null.
     */
    public Map<String, Tensor> step(Module module, Map<String, Tensor> current, Tensor loss) {
        Map<String, Tensor> real = module.namedParameters();
        List<String> names = new ArrayList<>(current.keySet());
        List<Tensor> values = new ArrayList<>();
        for (String name : names) values.add(current.get(name));
        List<Tensor> grads = Autograd.grad(List.of(loss), values, null, true, true, true);
        int n = optimizer.parameters().size();
        List<Tensor> ps = new ArrayList<>(optimizer.parameters()), gs = new ArrayList<>();
        for (int i = 0; i < n; i++) gs.add(null);
        for (int k = 0; k < names.size(); k++) {
            Tensor realParam = real.get(names.get(k));
            Integer i = realParam == null ? null : index.get(realParam);
            if (i == null) throw new IllegalArgumentException("UnrolledOptimizer.step: '" + names.get(k) + "' is not a parameter of the module held by this optimizer");
            ps.set(i, values.get(k));
            gs.set(i, grads.get(k));
        }
        List<Tensor> next = step(ps, gs);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : names) out.put(name, next.get(index.get(real.get(name))));
        return out;
    }
}
