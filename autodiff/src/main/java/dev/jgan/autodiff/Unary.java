package dev.jgan.autodiff;

import static dev.jgan.autodiff.Graph.K;

import dev.jgan.autodiff.kernels.UnaryOp;

/**
 * Elementwise unary ops and activations. Non-smooth ops multiply by (or select with) a mask that never requires grad;
 * gradients that depend on the output reuse it (which is differentiable, so higher orders stay right).
 */
final class Unary {
    private Unary() {}

    /** Forward of a unary kernel op; no recording. */
    static Tensor compute(UnaryOp op, float p, float q, Tensor x) {
        float[] out = new float[x.numel()];
        K.unary(op, p, q, x.storage.data, 0, out, 0, out.length);
        return new Tensor(new Storage(out), x.shape());
    }

    private static Tensor op(String name, UnaryOp op, float p, float q, Tensor x, java.util.function.BiFunction<Tensor, Tensor, Tensor> rule) {
        Tensor y = compute(op, p, q, x);
        return Graph.attach(name, y, g -> new Tensor[] {rule.apply(g, y)}, x);
    }

    /** A mask or other piecewise-constant function of x: never recorded. */
    static Tensor mask(Tensor x, UnaryOp op, float p, float q) {
        return compute(op, p, q, x);
    }

    static Tensor neg(Tensor x) {
        return op("neg", UnaryOp.NEG, 0, 0, x, (g, y) -> g.neg());
    }

    static Tensor exp(Tensor x) {
        return op("exp", UnaryOp.EXP, 0, 0, x, (g, y) -> g.mul(y)); // dx = g e^x
    }

    static Tensor log(Tensor x) {
        return op("log", UnaryOp.LOG, 0, 0, x, (g, y) -> g.div(x)); // dx = g / x
    }

    static Tensor log1p(Tensor x) {
        return op("log1p", UnaryOp.LOG1P, 0, 0, x, (g, y) -> g.div(x.add(1f))); // dx = g / (1 + x)
    }

    static Tensor sqrt(Tensor x) {
        return op("sqrt", UnaryOp.SQRT, 0, 0, x, (g, y) -> g.div(y).mul(0.5f)); // dx = g / (2 sqrt x)
    }

    static Tensor abs(Tensor x) {
        // NOTE: sign(0) = 0, so the gradient at 0 is 0 (as torch).
        return op("abs", UnaryOp.ABS, 0, 0, x, (g, y) -> g.mul(x.sign()));
    }

    static Tensor square(Tensor x) {
        return op("square", UnaryOp.SQUARE, 0, 0, x, (g, y) -> g.mul(x).mul(2f)); // dx = 2 g x
    }

    static Tensor tanh(Tensor x) {
        return op("tanh", UnaryOp.TANH, 0, 0, x, (g, y) -> g.mul(y.square().neg().add(1f))); // dx = g (1 - y^2)
    }

    static Tensor sigmoid(Tensor x) {
        return op("sigmoid", UnaryOp.SIGMOID, 0, 0, x, (g, y) -> g.mul(y).mul(y.neg().add(1f))); // dx = g y (1 - y)
    }

    static Tensor sin(Tensor x) {
        return op("sin", UnaryOp.SIN, 0, 0, x, (g, y) -> g.mul(x.cos())); // dx = g cos x
    }

    static Tensor cos(Tensor x) {
        return op("cos", UnaryOp.COS, 0, 0, x, (g, y) -> g.mul(x.sin()).neg()); // dx = -g sin x
    }

    static Tensor relu(Tensor x) {
        // NOTE: as torch's threshold_backward: dx = g except where x <= 0, so the gradient at exactly 0 (either sign)
        // is 0 and at NaN it is g; a select rather than a product, so a NaN in g does not reach dx where x < 0.
        return op("relu", UnaryOp.RELU, 0, 0, x,
                (g, y) -> Tensor.where(mask(x, UnaryOp.IN_RANGE, Float.NEGATIVE_INFINITY, 0f), Tensor.scalar(0f), g));
    }

    static Tensor leakyRelu(Tensor x, float slope) {
        // dx = g (x > 0 ? 1 : slope), as torch's leaky_relu_backward; the factor is a constant mask, made in one pass
        return op("leakyRelu", UnaryOp.LEAKY_RELU, slope, 0, x, (g, y) -> g.mul(mask(x, UnaryOp.LEAKY_RELU_DERIVATIVE, slope, 0)));
    }

    static Tensor elu(Tensor x, float alpha) {
        // dx = g (x > 0 ? 1 : y + alpha); y + alpha = alpha e^x depends on x, so it stays in the graph
        return op("elu", UnaryOp.ELU, alpha, 0, x, (g, y) -> g.mul(Tensor.where(x.gt(0f), Tensor.scalar(1f), y.add(alpha))));
    }

    static Tensor softplus(Tensor x) {
        // NOTE: a primitive, not relu(x) + log1p(e^-|x|): that composite has the wrong gradient (0, not 1/2) at x = 0.
        return op("softplus", UnaryOp.SOFTPLUS, 0, 0, x, (g, y) -> g.mul(x.sigmoid())); // dx = g sigmoid(x)
    }

    static Tensor clamp(Tensor x, float low, float high) {
        if (!(low <= high)) throw new IllegalArgumentException("clamp: low " + low + " > high " + high);
        return op("clamp", UnaryOp.CLAMP, low, high, x, (g, y) -> g.mul(mask(x, UnaryOp.IN_RANGE, low, high)));
    }

    static Tensor addScalar(Tensor x, float s) {
        return op("addScalar", UnaryOp.ADD_SCALAR, s, 0, x, (g, y) -> g);
    }

    /** s - x, as {@code torch.rsub(x, s)}: -x + s rounds exactly as s - x does, so two recorded ops suffice. */
    static Tensor rsubScalar(Tensor x, float s) {
        return addScalar(neg(x), s);
    }

    static Tensor mulScalar(Tensor x, float s) {
        return op("mulScalar", UnaryOp.MUL_SCALAR, s, 0, x, (g, y) -> g.mul(s));
    }

    static Tensor powScalar(Tensor x, float p) {
        if (p == 0f) return op("powScalar", UnaryOp.POW_SCALAR, 0f, 0, x, (g, y) -> g.mul(0f)); // x^0 = 1: no gradient, even at 0
        return op("powScalar", UnaryOp.POW_SCALAR, p, 0, x, (g, y) -> g.mul(x.pow(p - 1f)).mul(p)); // dx = g p x^(p-1)
    }

    static Tensor rdivScalar(Tensor x, float s) {
        return op("rdivScalar", UnaryOp.RDIV_SCALAR, s, 0, x, (g, y) -> g.mul(y).div(x).neg()); // d(s/x) = -g s / x^2 = -g y / x
    }
}
