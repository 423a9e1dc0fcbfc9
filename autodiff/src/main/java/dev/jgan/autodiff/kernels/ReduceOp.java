package dev.jgan.autodiff.kernels;

/** Reductions of {@link Kernels#reduce}. */
public enum ReduceOp {
    SUM, MAX
}
