package dev.jgan.autodiff;

import dev.jgan.autodiff.kernels.KernelProvider;
import dev.jgan.autodiff.kernels.Kernels;

/** Where ops build their results and, when grad mode is on and an input requires grad, record them in the graph. */
final class Graph {
    /** The active kernels, fixed for the JVM's lifetime. */
    static final Kernels K = KernelProvider.get();

    private Graph() {}

    /**
     * Wraps {@code data} as the op's output and records {@code rule} for backward if any input requires
     * grad and recording is on. Anomaly mode checks the output here, so every op is covered.
     */
    static Tensor record(String op, float[] data, int[] shape, BackwardRule rule, Tensor... inputs) {
        return attach(op, new Tensor(new Storage(data), shape), rule, inputs);
    }

    /** As {@link #record} for an output that already exists (a reshape sharing its input's storage). */
    static Tensor attach(String op, Tensor out, BackwardRule rule, Tensor... inputs) {
        if (AnomalyMode.isEnabled()) AnomalyMode.checkForward(op, out, inputs);
        if (!GradMode.isEnabled()) return out;
        for (Tensor in : inputs) {
            if (in.requiresGrad()) {
                out.node = new Node(op, inputs.clone(), out.storage, rule);
                out.requiresGrad = true;
                return out;
            }
        }
        return out;
    }
}
