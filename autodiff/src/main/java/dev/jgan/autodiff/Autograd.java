package dev.jgan.autodiff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reverse-mode differentiation over the recorded graph, in the manner of {@code torch.autograd}.
 *
 * <p>Gradients flow from the outputs to the inputs in reverse topological order; each op's backward rule
 * is itself made of recorded ops, so with {@code createGraph} the gradients returned are part of a new
 * graph and can be differentiated again, to any order. Without {@code retainGraph} every node walked is
 * released afterwards, and a second backward through it throws.
 */
public final class Autograd {
    private Autograd() {}

    /**
     * Gradients of {@code sum_i <outputs[i], gradOutputs[i]>} with respect to each input, without touching
     * any {@code grad} field. A null gradOutputs (or null entry) means ones, allowed for one-element outputs.
     *
     * @param createGraph record the backward so the results can be differentiated again (implies retaining)
     * @param retainGraph keep the graph for another backward
     * @param allowUnused return null for an input the outputs do not depend on (as torch does), instead of throwing
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs,
                                    boolean createGraph, boolean retainGraph, boolean allowUnused) {
        for (int i = 0; i < inputs.size(); i++)
            if (!inputs.get(i).requiresGrad())
                throw new IllegalArgumentException("grad: input " + i + " of shape " + Shape.str(inputs.get(i).shape())
                        + " does not require grad; call requiresGrad(true) on it before the forward pass");
        Set<Tensor> wanted = Collections.newSetFromMap(new IdentityHashMap<>());
        wanted.addAll(inputs);
        Map<Tensor, Tensor> grads = run(outputs, gradOutputs, wanted, createGraph, retainGraph || createGraph, false);
        List<Tensor> result = new ArrayList<>(inputs.size()); // may hold nulls: not List.of
        for (int i = 0; i < inputs.size(); i++) {
            Tensor g = grads.get(inputs.get(i));
            if (g == null && !allowUnused)
                throw new IllegalArgumentException("grad: input " + i + " of shape " + Shape.str(inputs.get(i).shape())
                        + " was not used to compute the outputs; pass allowUnused=true to get null for it");
            result.add(g);
        }
        return result;
    }

    /** {@link #grad(List, List, List, boolean, boolean, boolean)} for one scalar output. */
    public static List<Tensor> grad(Tensor output, List<Tensor> inputs, boolean createGraph) {
        return grad(List.of(output), inputs, null, createGraph, createGraph, false);
    }

    /**
     * {@link #grad(List, List, List, boolean, boolean, boolean)} with flags instead of positional booleans, e.g.
     * {@code grad(outputs, inputs, gradOutputs, GradOption.CREATE_GRAPH, GradOption.ALLOW_UNUSED)}; a flag left
     * out is false, and gradOutputs may be null (ones, for one-element outputs).
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs, GradOption... options) {
        EnumSet<GradOption> set = EnumSet.noneOf(GradOption.class);
        for (GradOption o : options) set.add(Objects.requireNonNull(o, "grad: null option"));
        return grad(outputs, inputs, gradOutputs, set.contains(GradOption.CREATE_GRAPH), set.contains(GradOption.RETAIN_GRAPH),
                set.contains(GradOption.ALLOW_UNUSED));
    }

    /** The gradients of one one-element output, with flags: {@code grad(loss, params, GradOption.CREATE_GRAPH)}. */
    public static List<Tensor> grad(Tensor output, List<Tensor> inputs, GradOption... options) {
        return grad(List.of(output), inputs, null, options);
    }

    /** Accumulates the gradient of {@code output} into the {@code grad} of every leaf that requires grad. */
    static void backward(Tensor output, Tensor gradOutput, boolean retainGraph) {
        run(List.of(output), gradOutput == null ? null : Collections.singletonList(gradOutput), null, false, retainGraph, true);
    }

    /**
     * The engine. {@code wanted} limits the walk to ops that lead to those tensors (null: to every leaf that
     * requires grad); with {@code accumulateLeaves} leaf gradients go into their grad fields.
     */
    private static Map<Tensor, Tensor> run(List<Tensor> outputs, List<Tensor> gradOutputs, Set<Tensor> wanted,
                                           boolean createGraph, boolean retainGraph, boolean accumulateLeaves) {
        if (gradOutputs != null && gradOutputs.size() != outputs.size())
            throw new IllegalArgumentException("grad: " + gradOutputs.size() + " gradOutputs for " + outputs.size() + " outputs");
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        for (int i = 0; i < outputs.size(); i++) {
            Tensor out = outputs.get(i);
            if (!out.requiresGrad())
                throw new IllegalArgumentException("grad: output " + i + " of shape " + Shape.str(out.shape())
                        + " does not require grad: no input it was computed from requires grad (or it was computed under noGrad)");
            Tensor g = gradOutputs == null ? null : gradOutputs.get(i);
            if (g == null) {
                if (out.numel() != 1)
                    throw new IllegalArgumentException("grad: output " + i + " has shape " + Shape.str(out.shape())
                            + "; a gradient can be implied only for one-element outputs, so pass gradOutputs");
                g = Tensor.onesLike(out);
            } else if (!Arrays.equals(g.shape(), out.shape())) {
                throw new IllegalArgumentException("grad: gradOutput " + i + " has shape " + Shape.str(g.shape())
                        + " but output has shape " + Shape.str(out.shape()));
            }
            accumulate(grads, out, g);
        }
        List<Tensor> order = topologicalOrder(outputs, wanted);
        try (GradMode.Scope scope = GradMode.set(createGraph)) {
            for (Tensor t : order) {
                Tensor g = grads.get(t);
                Node node = t.node;
                if (g == null || node == null) continue;
                if (wanted == null || !wanted.contains(t)) grads.remove(t); // interior gradient: no longer needed
                Tensor[] inGrads;
                try (GradMode.Scope quiet = AnomalyMode.set(false)) {
                    inGrads = node.backward(g);
                }
                for (int i = 0; i < inGrads.length; i++) {
                    Tensor in = node.inputs[i];
                    Tensor gi = inGrads[i];
                    if (gi == null || !in.requiresGrad()) continue;
                    if (!Arrays.equals(gi.shape(), in.shape()))
                        throw new IllegalStateException("backward of op '" + node.op + "' returned a gradient of shape " + Shape.str(gi.shape())
                                + " for input " + i + " of shape " + Shape.str(in.shape()));
                    if (AnomalyMode.isEnabled()) AnomalyMode.checkBackward(node.op, i, gi);
                    accumulate(grads, in, gi);
                }
            }
        }
        if (!retainGraph) for (Tensor t : order) if (t.node != null) t.node.release();
        if (accumulateLeaves) {
            for (Map.Entry<Tensor, Tensor> e : grads.entrySet()) {
                Tensor leaf = e.getKey();
                if (leaf.node != null || !leaf.requiresGrad()) continue;
                Tensor g = e.getValue().detach();
                leaf.setGrad(leaf.grad() == null ? g.copy() : leaf.grad().add(g));
            }
        }
        return grads;
    }

    private static void accumulate(Map<Tensor, Tensor> grads, Tensor t, Tensor g) {
        Tensor prev = grads.get(t);
        grads.put(t, prev == null ? g : prev.add(g));
    }

    /**
     * Tensors with a recorded op that the outputs depend on and that lead to a wanted tensor, each after
     * every tensor computed from it (so its gradient is complete when it is reached). Iterative DFS:
     * graphs of unrolled optimizers are deep enough to overflow the stack.
     */
    private static List<Tensor> topologicalOrder(List<Tensor> outputs, Set<Tensor> wanted) {
        Map<Tensor, Boolean> leads = new IdentityHashMap<>(); // tensor -> leads to a wanted tensor
        List<Tensor> post = new ArrayList<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (Tensor out : outputs) {
            if (leads.containsKey(out)) continue;
            stack.push(new Object[] {out, 0});
            leads.put(out, Boolean.FALSE);
            while (!stack.isEmpty()) {
                Object[] frame = stack.peek();
                Tensor t = (Tensor) frame[0];
                int next = (Integer) frame[1];
                Tensor[] ins = t.node == null ? new Tensor[0] : t.node.inputs;
                if (next < ins.length) {
                    frame[1] = next + 1;
                    Tensor in = ins[next];
                    if (in.requiresGrad() && !leads.containsKey(in)) {
                        leads.put(in, Boolean.FALSE);
                        stack.push(new Object[] {in, 0});
                    }
                    continue;
                }
                stack.pop();
                boolean l = wanted == null ? t.node == null : wanted.contains(t);
                for (Tensor in : ins) if (in.requiresGrad() && leads.get(in)) l = true;
                leads.put(t, l);
                if (l) post.add(t);
            }
        }
        Collections.reverse(post);
        return post;
    }
}
