package dev.jgan.autodiff;

import static dev.jgan.autodiff.Graph.K;

import dev.jgan.autodiff.kernels.ReduceOp;

/** Reductions over any set of axes, and the softmax family built from them. */
final class Reductions {
    private Reductions() {}

    /**
     * Forward of a reduction over sorted axes, keeping them as size 1. Runs of adjacent axes are reduced
     * in one kernel call, since they are contiguous in memory: [outer, len, inner].
     */
    static Tensor reduceKeep(ReduceOp op, Tensor x, int[] axes) {
        int[] shape = x.shape();
        float[] data = x.storage.data;
        int i = axes.length - 1;
        while (i >= 0) {
            int last = axes[i], first = last;
            while (i > 0 && axes[i - 1] == first - 1) first = axes[--i];
            i--;
            int outer = 1, len = 1, inner = 1;
            for (int d = 0; d < first; d++) outer *= shape[d];
            for (int d = first; d <= last; d++) len *= shape[d];
            for (int d = last + 1; d < shape.length; d++) inner *= shape[d];
            float[] out = new float[outer * inner];
            K.reduce(op, data, outer, len, inner, out);
            data = out;
            shape = shape.clone();
            for (int d = first; d <= last; d++) shape[d] = 1;
        }
        return new Tensor(new Storage(data == x.storage.data ? data.clone() : data), shape);
    }

    static Tensor sum(Tensor x, int[] axes, boolean keepDim) {
        int[] ax = Shape.axes("sum", axes, x.dim());
        int[] inShape = x.shape();
        int[] keepShape = Shape.reduced(inShape, ax, true);
        Tensor y = reduceKeep(ReduceOp.SUM, x, ax);
        Tensor out = keepDim ? y : new Tensor(y.storage, Shape.reduced(inShape, ax, false));
        return Graph.attach("sum", out, g -> new Tensor[] {g.reshape(keepShape).expand(inShape)}, x); // dx = g broadcast back
    }

    static Tensor mean(Tensor x, int[] axes, boolean keepDim) {
        int[] ax = Shape.axes("mean", axes, x.dim());
        int count = 1;
        for (int a : ax) count *= x.shape()[a];
        return sum(x, ax, keepDim).mul(1f / count);
    }

    static Tensor max(Tensor x, int[] axes, boolean keepDim) {
        int[] ax = Shape.axes("max", axes, x.dim());
        int[] inShape = x.shape();
        for (int a : ax)
            if (inShape[a] == 0) throw new IllegalArgumentException("max: cannot reduce over empty axis " + a + " of shape " + Shape.str(inShape));
        Tensor y = reduceKeep(ReduceOp.MAX, x, ax);
        Tensor out = keepDim ? y : new Tensor(y.storage, Shape.reduced(inShape, ax, false));
        return Graph.attach("max", out, g -> {
            // NOTE: ties share the gradient evenly (as torch.amax), through a constant mask. A NaN maximum is
            // shared by the NaNs it came from, as torch.max() and torch.max(dim) do (torch.amax gives NaN to
            // every element of the slice: its count of elements equal to the maximum is 0).
            Tensor hit = x.eq(y);
            if (hasNaN(y)) hit = hit.add(nanMask(x).mul(nanMask(y)));
            Tensor share = hit.div(reduceKeep(ReduceOp.SUM, hit, ax));
            return new Tensor[] {g.reshape(y.shape()).mul(share)};
        }, x);
    }

    private static boolean hasNaN(Tensor t) {
        for (float v : t.storage.data) if (v != v) return true;
        return false;
    }

    /** 1 where t is NaN, else 0; a constant. */
    private static Tensor nanMask(Tensor t) {
        return t.eq(t).neg().add(1f);
    }

    static Tensor variance(Tensor x, int[] axes, boolean keepDim, int correction) {
        int[] ax = Shape.axes("variance", axes, x.dim());
        int count = 1;
        for (int a : ax) count *= x.shape()[a];
        if (count - correction <= 0)
            throw new IllegalArgumentException("variance: " + count + " elements over axes of shape " + Shape.str(x.shape()) + " with correction " + correction);
        Tensor centered = x.sub(x.mean(ax, true));
        return centered.square().sum(ax, keepDim).mul(1f / (count - correction));
    }

    static Tensor logSumExp(Tensor x, int[] axes, boolean keepDim) {
        int[] ax = Shape.axes("logSumExp", axes, x.dim());
        Tensor m = stabilisingShift(x, ax);
        Tensor lse = x.sub(m).exp().sum(ax, true).log().add(m);
        return keepDim ? lse : lse.reshape(Shape.reduced(x.shape(), ax, false));
    }

    static Tensor logSoftmax(Tensor x, int axis) {
        int[] ax = {Shape.axis("logSoftmax", axis, x.dim())};
        // (x - m) - log sum e^(x - m) rather than x - logSumExp(x): adding m back and subtracting it again
        // would cost the float32 precision of large logits.
        Tensor shifted = x.sub(stabilisingShift(x, ax));
        return shifted.sub(shifted.exp().sum(ax, true).log());
    }

    /** The max over axes (kept as size 1), a constant shift for exp; 0 where the max is infinite. */
    private static Tensor stabilisingShift(Tensor x, int[] ax) {
        Tensor m = reduceKeep(ReduceOp.MAX, x, ax);
        float[] md = m.storage.data;
        for (int i = 0; i < md.length; i++) if (!Float.isFinite(md[i])) md[i] = 0f;
        return m;
    }

    static Tensor softmax(Tensor x, int axis) {
        return logSoftmax(x, axis).exp();
    }

    static Tensor norm(Tensor x, int[] axes, boolean keepDim) {
        // NOTE: sqrt's gradient is infinite at 0. Where the sum of squares is 0 the norm is taken from a constant,
        // so the gradient there is the zero subgradient (as torch gives) instead of NaN.
        Tensor sq = x.square().sum(axes, keepDim);
        Tensor zero = sq.eq(Tensor.scalar(0f));
        return Tensor.where(zero, Tensor.scalar(0f), Tensor.where(zero, Tensor.scalar(1f), sq).sqrt());
    }

    static int[] argmaxRows(Tensor x) {
        if (x.dim() != 2) throw new IllegalArgumentException("argmaxRows: needs a 2-D tensor, got shape " + Shape.str(x.shape()));
        int rows = x.size(0), cols = x.size(1);
        int[] out = new int[rows];
        float[] d = x.storage.data;
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 1; c < cols; c++) {
                float v = d[r * cols + c], top = d[r * cols + best];
                if (v > top || (v != v && top == top)) best = c;   // the first NaN is the largest, as torch.argmax
            }
            out[r] = best;
        }
        return out;
    }
}
