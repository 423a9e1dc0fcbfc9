package dev.jgan.autodiff;

/**
 * Flags of {@link Autograd#grad(java.util.List, java.util.List, java.util.List, GradOption...)}, named after
 * {@code torch.autograd.grad}'s keyword arguments; any left out is false.
 */
public enum GradOption {
    /** Record the backward, so the gradients can be differentiated again (implies {@link #RETAIN_GRAPH}). */
    CREATE_GRAPH,
    /** Keep the graph for another backward instead of freeing its saved tensors. */
    RETAIN_GRAPH,
    /** Return null for an input the outputs do not depend on, instead of throwing. */
    ALLOW_UNUSED
}
