package dev.jgan.autodiff.kernels;

/** Elementwise unary operations of {@link Kernels#unary}; p and q are the parameters named in each comment. */
public enum UnaryOp {
    NEG, EXP, LOG, LOG1P, SQRT, ABS, SQUARE, TANH,
    /** Numerically stable logistic function. */
    SIGMOID,
    /** sign(x) in {-1, 0, 1}. */
    SIGN,
    /** {@code x < 0 ? 0 : x}, so NaN and -0 pass through */
    RELU,
    /** x > 0 ? x : p x */
    LEAKY_RELU,
    /** x > 0 ? 1 : p, the derivative of LEAKY_RELU (p at NaN, as torch's leaky_relu_backward) */
    LEAKY_RELU_DERIVATIVE,
    /** x > 0 ? x : p (e^x - 1) */
    ELU,
    /** log(1 + e^x), computed stably as max(x, 0) + log1p(e^-|x|). */
    SOFTPLUS,
    /** min(max(x, p), q) */
    CLAMP,
    /** x + p */
    ADD_SCALAR,
    /** x * p */
    MUL_SCALAR,
    /** x^p */
    POW_SCALAR,
    /** p / x */
    RDIV_SCALAR,
    /** 1 where x > p, else 0 */
    GT_SCALAR,
    /** 1 where {@code p <= x <= q}, else 0 */
    IN_RANGE,
    /** sin x, as {@code StrictMath.sin} in double rounded to float on every kernel path (bitwise the same everywhere). */
    SIN,
    /** cos x, as {@code StrictMath.cos} in double rounded to float on every kernel path. */
    COS
}
