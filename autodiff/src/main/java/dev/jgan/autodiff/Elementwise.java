package dev.jgan.autodiff;

import static dev.jgan.autodiff.Graph.K;

import dev.jgan.autodiff.kernels.BinaryOp;

/** Broadcasting binary ops. Each gradient is summed back to its input's shape ({@link Tensor#sumTo}). */
final class Elementwise {
    private Elementwise() {}

    /** Forward of a broadcasting binary op; no recording. */
    static Tensor compute(String op, BinaryOp kind, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(op, a.shape(), b.shape());
        float[] out = new float[Shape.numel(shape)];
        if (out.length > 0) {
            int[][] c = Shape.coalesce(shape, Shape.broadcastStrides(a.shape(), shape), Shape.broadcastStrides(b.shape(), shape));
            K.binary(kind, a.storage.data, c[1], b.storage.data, c[2], out, c[0]);
        }
        return new Tensor(new Storage(out), shape);
    }

    private static Tensor record(String op, Tensor out, BackwardRule rule, Tensor a, Tensor b) {
        return Graph.attach(op, out, rule, a, b);
    }

    static Tensor add(Tensor a, Tensor b) {
        return record("add", compute("add", BinaryOp.ADD, a, b), g -> new Tensor[] {
                g.sumTo(a.shape()),   // dA = g
                g.sumTo(b.shape())},  // dB = g
                a, b);
    }

    static Tensor sub(Tensor a, Tensor b) {
        return record("sub", compute("sub", BinaryOp.SUB, a, b), g -> new Tensor[] {
                g.sumTo(a.shape()),         // dA = g
                g.neg().sumTo(b.shape())},  // dB = -g
                a, b);
    }

    static Tensor mul(Tensor a, Tensor b) {
        return record("mul", compute("mul", BinaryOp.MUL, a, b), g -> new Tensor[] {
                a.requiresGrad() ? g.mul(b).sumTo(a.shape()) : null,  // dA = g b
                b.requiresGrad() ? g.mul(a).sumTo(b.shape()) : null}, // dB = g a
                a, b);
    }

    static Tensor div(Tensor a, Tensor b) {
        return record("div", compute("div", BinaryOp.DIV, a, b), g -> new Tensor[] {
                a.requiresGrad() ? g.div(b).sumTo(a.shape()) : null,                          // dA = g / b
                b.requiresGrad() ? g.mul(a).div(b.square()).neg().sumTo(b.shape()) : null},  // dB = -g a / b^2
                a, b);
    }

    static Tensor pow(Tensor a, Tensor b) {
        Tensor out = compute("pow", BinaryOp.POW, a, b);
        return record("pow", out, g -> new Tensor[] {
                // dA = g b a^(b-1)
                a.requiresGrad() ? g.mul(b).mul(a.pow(b.sub(Tensor.scalar(1f)))).sumTo(a.shape()) : null,
                // dB = g a^b log a; NOTE: taken as 0 where a <= 0 (log undefined), as torch does for a == 0.
                b.requiresGrad() ? g.mul(a.pow(b)).mul(where(a.gt(0f), a, Tensor.scalar(1f)).log()).sumTo(b.shape()) : null},
                a, b);
    }

    static Tensor maximum(Tensor a, Tensor b) {
        return minMax("maximum", BinaryOp.MAX, a, b);
    }

    static Tensor minimum(Tensor a, Tensor b) {
        return minMax("minimum", BinaryOp.MIN, a, b);
    }

    /**
     * NOTE: torch's rule: where a == b the gradient is split evenly, so the result is symmetric, and an input gets
     * none only where it loses (a < b for maximum). Where either is NaN neither loses: both get the whole gradient.
     */
    private static Tensor minMax(String op, BinaryOp kind, Tensor a, Tensor b) {
        Tensor out = compute(op, kind, a, b);
        return record(op, out, g -> {
            Tensor half = a.eq(b).mul(0.5f);
            Tensor aLoses = kind == BinaryOp.MAX ? a.lt(b) : a.gt(b), bLoses = kind == BinaryOp.MAX ? a.gt(b) : a.lt(b);
            Tensor toA = aLoses.add(half).neg().add(1f);   // constant masks: 1, 0.5 or 0
            Tensor toB = bLoses.add(half).neg().add(1f);
            return new Tensor[] {g.mul(toA).sumTo(a.shape()), g.mul(toB).sumTo(b.shape())};
        }, a, b);
    }

    /** A 1/0 mask; never recorded. */
    static Tensor compare(String op, BinaryOp kind, Tensor a, Tensor b) {
        return compute(op, kind, a, b);
    }

    static Tensor where(Tensor mask, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast("where", Shape.broadcast("where", mask.shape(), a.shape()), b.shape());
        float[] out = new float[Shape.numel(shape)];
        if (out.length > 0) {
            int[][] c = Shape.coalesce(shape, Shape.broadcastStrides(mask.shape(), shape), Shape.broadcastStrides(a.shape(), shape),
                    Shape.broadcastStrides(b.shape(), shape));
            K.where(mask.storage.data, c[1], a.storage.data, c[2], b.storage.data, c[3], out, c[0]);
        }
        Tensor zero = Tensor.scalar(0f);
        return Graph.record("where", out, shape, g -> new Tensor[] {
                null,
                where(mask, g, zero).sumTo(a.shape()),   // dA = g where mask
                where(mask, zero, g).sumTo(b.shape())},  // dB = g elsewhere
                mask, a, b);
    }
}
