package dev.jgan.autodiff;

import static dev.jgan.autodiff.Graph.K;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that move values without arithmetic. Each backward is another op of this family: reshape with
 * reshape, permute with the inverse permute, expand with sumTo (and back), slice with its scatter.
 */
final class ShapeOps {
    private ShapeOps() {}

    static Tensor reshape(Tensor x, int[] newShape) {
        int[] target = inferShape(x, newShape);
        int[] inShape = x.shape();
        if (Arrays.equals(target, inShape)) return x;
        return Graph.attach("reshape", new Tensor(x.storage, target), g -> new Tensor[] {g.reshape(inShape)}, x);
    }

    private static int[] inferShape(Tensor x, int[] newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Shape.str(newShape));
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape: negative size in " + Shape.str(newShape));
            } else {
                known *= s[i];
            }
        }
        int n = x.numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0)
                throw new IllegalArgumentException("reshape: cannot reshape " + Shape.str(x.shape()) + " into " + Shape.str(newShape));
            s[infer] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException("reshape: cannot reshape " + Shape.str(x.shape()) + " (" + n + " elements) into " + Shape.str(newShape));
        }
        return s;
    }

    static Tensor flatten(Tensor x, int startDim) {
        int s = Shape.axis("flatten", startDim, Math.max(1, x.dim()));
        int[] shape = x.shape();
        int[] out = Arrays.copyOf(shape, s + 1);
        int n = 1;
        for (int d = s; d < shape.length; d++) n *= shape[d];
        out[s] = n;
        return reshape(x, out);
    }

    static Tensor squeeze(Tensor x, int dim) {
        int d = Shape.axis("squeeze", dim, x.dim());
        if (x.shape()[d] != 1) throw new IllegalArgumentException("squeeze: dimension " + dim + " of " + Shape.str(x.shape()) + " is not 1");
        int[] out = new int[x.dim() - 1];
        for (int i = 0, j = 0; i < x.dim(); i++) if (i != d) out[j++] = x.shape()[i];
        return reshape(x, out);
    }

    static Tensor unsqueeze(Tensor x, int dim) {
        int d = Shape.axis("unsqueeze", dim, x.dim() + 1);
        int[] out = new int[x.dim() + 1];
        for (int i = 0, j = 0; i < out.length; i++) out[i] = i == d ? 1 : x.shape()[j++];
        return reshape(x, out);
    }

    static Tensor permute(Tensor x, int[] dims) {
        int rank = x.dim();
        if (dims.length != rank) throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " for shape " + Shape.str(x.shape()));
        int[] inShape = x.shape(), inStrides = Shape.strides(inShape);
        int[] outShape = new int[rank], srcStrides = new int[rank], inverse = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int d = Shape.axis("permute", dims[i], rank);
            if (seen[d]) throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " repeats a dimension");
            seen[d] = true;
            outShape[i] = inShape[d];
            srcStrides[i] = inStrides[d];
            inverse[d] = i;
        }
        float[] out = new float[x.numel()];
        copy(x.storage.data, 0, srcStrides, out, 0, Shape.strides(outShape), outShape);
        return Graph.record("permute", out, outShape, g -> new Tensor[] {g.permute(inverse)}, x);
    }

    static Tensor transpose(Tensor x, int dim0, int dim1) {
        int[] p = new int[x.dim()];
        for (int i = 0; i < p.length; i++) p[i] = i;
        int a = Shape.axis("transpose", dim0, x.dim()), b = Shape.axis("transpose", dim1, x.dim());
        p[a] = b;
        p[b] = a;
        return permute(x, p);
    }

    static Tensor expand(Tensor x, int[] newShape) {
        int[] inShape = x.shape();
        if (newShape.length < inShape.length)
            throw new IllegalArgumentException("expand: cannot expand " + Shape.str(inShape) + " to fewer dimensions " + Shape.str(newShape));
        int[] target = newShape.clone();
        int lead = target.length - inShape.length;
        for (int i = 0; i < target.length; i++) {
            int have = i < lead ? 1 : inShape[i - lead];
            if (target[i] == -1 && i >= lead) target[i] = have;
            if (target[i] < 0 || (have != 1 && have != target[i]))
                throw new IllegalArgumentException("expand: cannot expand " + Shape.str(inShape) + " to " + Shape.str(newShape));
        }
        if (Arrays.equals(target, inShape)) return x;
        float[] out = new float[Shape.numel(target)];
        copy(x.storage.data, 0, Shape.broadcastStrides(inShape, target), out, 0, Shape.strides(target), target);
        return Graph.record("expand", out, target, g -> new Tensor[] {g.sumTo(inShape)}, x);
    }

    /** A strided block copy through the kernel, with dimensions coalesced so that rows are as long as possible. */
    private static void copy(float[] src, int srcOff, int[] srcStrides, float[] dst, int dstOff, int[] dstStrides, int[] shape) {
        if (Shape.numel(shape) == 0) return;
        int[][] c = Shape.coalesce(shape, srcStrides, dstStrides);
        K.copy(src, srcOff, c[1], dst, dstOff, c[2], c[0], false);
    }

    /** Sums over the dimensions along which {@code target} was broadcast to x's shape. */
    static Tensor sumTo(Tensor x, int[] target) {
        int[] shape = x.shape();
        if (Arrays.equals(shape, target)) return x;
        int lead = shape.length - target.length;
        if (lead < 0) throw new IllegalArgumentException("sumTo: cannot sum " + Shape.str(shape) + " to " + Shape.str(target));
        int[] axes = new int[shape.length];
        int n = 0;
        for (int i = 0; i < shape.length; i++) {
            if (i < lead) axes[n++] = i;
            else if (target[i - lead] == 1 && shape[i] != 1) axes[n++] = i;
            else if (target[i - lead] != shape[i])
                throw new IllegalArgumentException("sumTo: cannot sum " + Shape.str(shape) + " to " + Shape.str(target));
        }
        return x.sum(Arrays.copyOf(axes, n), true).reshape(target);
    }

    /** Elements start, start+step, ... below end along dim. */
    static Tensor slice(Tensor x, int dim, int start, int end, int step) {
        int d = Shape.axis("slice", dim, x.dim());
        int[] inShape = x.shape();
        int size = inShape[d];
        int s = start < 0 ? start + size : start, e = end < 0 ? end + size : Math.min(end, size);
        if (step <= 0 || s < 0 || s > size || e < s)
            throw new IllegalArgumentException("slice: start " + start + ", end " + end + ", step " + step + " invalid for dimension " + dim
                    + " of shape " + Shape.str(inShape));
        int[] outShape = inShape.clone();
        outShape[d] = (e - s + step - 1) / step;
        int[] strides = Shape.strides(inShape);
        int[] srcStrides = strides.clone();
        srcStrides[d] *= step;
        float[] out = new float[Shape.numel(outShape)];
        copy(x.storage.data, s * strides[d], srcStrides, out, 0, Shape.strides(outShape), outShape);
        int from = s;
        return Graph.record("slice", out, outShape, g -> new Tensor[] {sliceBackward(g, inShape, d, from, step)}, x);
    }

    /** torch.narrow: the range [start, start + length) of dim, start in [-size, size] (negative: from the end). */
    static Tensor narrow(Tensor x, int dim, int start, int length) {
        int d = Shape.axis("narrow", dim, x.dim());
        int size = x.shape()[d];
        String where = " for dimension " + dim + " of shape " + Shape.str(x.shape());
        if (start < -size || start > size)
            throw new IllegalArgumentException("narrow: start " + start + " out of range [" + -size + ", " + size + "]" + where);
        if (length < 0) throw new IllegalArgumentException("narrow: length " + length + " is negative" + where);
        int s = start < 0 ? start + size : start;
        if (s + (long) length > size)
            throw new IllegalArgumentException("narrow: start " + start + " + length " + length + " exceeds size " + size + where);
        return slice(x, d, s, s + length, 1);
    }

    /** The adjoint of slice: g placed at positions start, start+step, ... of dim in zeros of inShape. */
    static Tensor sliceBackward(Tensor g, int[] inShape, int d, int start, int step) {
        int[] strides = Shape.strides(inShape);
        int[] dstStrides = strides.clone();
        dstStrides[d] *= step;
        float[] out = new float[Shape.numel(inShape)];
        int[] gShape = g.shape();
        copy(g.storage.data, 0, Shape.strides(gShape), out, start * strides[d], dstStrides, gShape);
        int end = start + gShape[d] * step;
        return Graph.record("sliceBackward", out, inShape, gg -> new Tensor[] {gg.slice(d, start, end, step)}, g);
    }

    static Tensor concat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("concat: no tensors");
        int[] first = tensors.get(0).shape();
        int d = Shape.axis("concat", dim, first.length);
        int total = 0;
        for (Tensor t : tensors) {
            int[] s = t.shape();
            boolean ok = s.length == first.length;
            for (int i = 0; ok && i < s.length; i++) ok = i == d || s[i] == first[i];
            if (!ok) throw new IllegalArgumentException("concat: shapes " + shapes(tensors) + " differ outside dimension " + dim);
            total += s[d];
        }
        int[] outShape = first.clone();
        outShape[d] = total;
        int[] outStrides = Shape.strides(outShape);
        float[] out = new float[Shape.numel(outShape)];
        int[] offsets = new int[tensors.size()];
        int off = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            offsets[i] = off;
            copy(t.storage.data, 0, Shape.strides(t.shape()), out, off * outStrides[d], outStrides, t.shape());
            off += t.shape()[d];
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        return Graph.record("concat", out, outShape, g -> {
            Tensor[] grads = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++)
                if (inputs[i].requiresGrad()) grads[i] = g.narrow(d, offsets[i], inputs[i].shape()[d]);
            return grads;
        }, inputs);
    }

    static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("stack: no tensors");
        int d = Shape.axis("stack", dim, tensors.get(0).dim() + 1);
        List<Tensor> parts = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) {
            if (!Arrays.equals(t.shape(), tensors.get(0).shape()))
                throw new IllegalArgumentException("stack: shapes " + shapes(tensors) + " differ");
            parts.add(t.unsqueeze(d));
        }
        return concat(parts, d);
    }

    static List<Tensor> split(Tensor x, int splitSize, int dim) {
        int d = Shape.axis("split", dim, x.dim());
        if (splitSize <= 0) throw new IllegalArgumentException("split: size " + splitSize + " must be positive");
        List<Tensor> out = new ArrayList<>();
        for (int s = 0; s < x.shape()[d]; s += splitSize) out.add(x.narrow(d, s, Math.min(splitSize, x.shape()[d] - s)));
        return out;
    }

    static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        if (chunks <= 0) throw new IllegalArgumentException("chunk: " + chunks + " chunks");
        int size = x.size(dim);
        return split(x, Math.max(1, (size + chunks - 1) / chunks), dim);
    }

    private static String shapes(List<Tensor> tensors) {
        StringBuilder sb = new StringBuilder();
        for (Tensor t : tensors) sb.append(sb.length() == 0 ? "" : ", ").append(Shape.str(t.shape()));
        return sb.toString();
    }
}
