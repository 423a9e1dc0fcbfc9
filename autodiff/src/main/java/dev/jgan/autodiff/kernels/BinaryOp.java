package dev.jgan.autodiff.kernels;

/** Elementwise binary operations of {@link Kernels#binary}; comparisons yield 1 or 0. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN, GT, GE, LT, LE, EQ
}
