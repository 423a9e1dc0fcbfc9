package dev.jgan.autodiff;

/** Index-based ops. Selection and scatter-add are each other's adjoints. */
public final class Indexing {
    private Indexing() {}

    /** Views x as [outer, size(dim), inner]. */
    private static int[] split3(int[] shape, int d) {
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        return new int[] {outer, shape[d], inner};
    }

    private static void checkIndex(String op, int[] index, int size, int[] shape, int dim) {
        for (int i = 0; i < index.length; i++)
            if (index[i] < 0 || index[i] >= size)
                throw new IllegalArgumentException(op + ": index " + index[i] + " at position " + i + " out of range [0, " + size
                        + ") for dimension " + dim + " of shape " + Shape.str(shape));
    }

    static Tensor indexSelect(Tensor x, int dim, int[] index) {
        int d = Shape.axis("indexSelect", dim, x.dim());
        int[] inShape = x.shape();
        checkIndex("indexSelect", index, inShape[d], inShape, dim);
        int[] o3 = split3(inShape, d);
        int[] outShape = inShape.clone();
        outShape[d] = index.length;
        float[] src = x.storage.data, out = new float[Shape.numel(outShape)];
        int inner = o3[2];
        for (int o = 0; o < o3[0]; o++)
            for (int i = 0; i < index.length; i++)
                System.arraycopy(src, (o * o3[1] + index[i]) * inner, out, (o * index.length + i) * inner, inner);
        int[] idx = index.clone();
        return Graph.record("indexSelect", out, outShape, g -> new Tensor[] {indexAdd(g, d, idx, inShape)}, x);
    }

    /** The adjoint of indexSelect: zeros of {@code shape} with slice i of g added at position index[i] along d. */
    static Tensor indexAdd(Tensor g, int d, int[] index, int[] shape) {
        int[] o3 = split3(shape, d);
        float[] src = g.storage.data, out = new float[Shape.numel(shape)];
        int inner = o3[2];
        for (int o = 0; o < o3[0]; o++)
            for (int i = 0; i < index.length; i++)
                Graph.K.axpy(1f, src, (o * index.length + i) * inner, out, (o * o3[1] + index[i]) * inner, inner);
        return Graph.record("indexAdd", out, shape, gg -> new Tensor[] {gg.indexSelect(d, index)}, g);
    }

    static Tensor gather(Tensor x, int dim, int[] index, int[] indexShape) {
        int d = Shape.axis("gather", dim, x.dim());
        int[] inShape = x.shape();
        if (indexShape.length != inShape.length || Shape.numel("gather", indexShape) != index.length)
            throw new IllegalArgumentException("gather: index of shape " + Shape.str(indexShape) + " (" + index.length + " values) for input "
                    + Shape.str(inShape));
        for (int i = 0; i < inShape.length; i++)
            if (i != d && indexShape[i] > inShape[i])
                throw new IllegalArgumentException("gather: index shape " + Shape.str(indexShape) + " exceeds input " + Shape.str(inShape) + " at dimension " + i);
        checkIndex("gather", index, inShape[d], inShape, dim);
        int[] pos = positions(index, indexShape, inShape, d);
        float[] src = x.storage.data, out = new float[index.length];
        for (int i = 0; i < pos.length; i++) out[i] = src[pos[i]];
        int[] idx = index.clone(), ishape = indexShape.clone();
        return Graph.record("gather", out, ishape, g -> new Tensor[] {scatterAdd(g, d, idx, inShape)}, x);
    }

    /** The adjoint of gather: zeros of {@code shape} with g's elements added at the gathered positions. */
    static Tensor scatterAdd(Tensor g, int d, int[] index, int[] shape) {
        int[] gShape = g.shape();
        int[] pos = positions(index, gShape, shape, d);
        float[] src = g.storage.data, out = new float[Shape.numel(shape)];
        for (int i = 0; i < pos.length; i++) out[pos[i]] += src[i];
        return Graph.record("scatterAdd", out, shape, gg -> new Tensor[] {gg.gather(d, index, gShape)}, g);
    }

    /** Flat positions in a tensor of {@code shape} addressed by each element of the index tensor along d. */
    private static int[] positions(int[] index, int[] indexShape, int[] shape, int d) {
        int[] strides = Shape.strides(shape);
        int[] pos = new int[index.length];
        int[] at = new int[indexShape.length];
        for (int i = 0; i < index.length; i++) {
            int p = 0;
            for (int k = 0; k < at.length; k++) p += (k == d ? index[i] : at[k]) * strides[k];
            pos[i] = p;
            for (int k = at.length - 1; k >= 0 && ++at[k] == indexShape[k]; k--) at[k] = 0;
        }
        return pos;
    }

    /** One-hot rows [labels.length, numClasses]; a constant. */
    public static Tensor oneHot(int[] labels, int numClasses) {
        if (numClasses <= 0) throw new IllegalArgumentException("oneHot: numClasses " + numClasses + " must be positive");
        checkIndex("oneHot", labels, numClasses, new int[] {labels.length}, 0);
        float[] out = new float[labels.length * numClasses];
        for (int i = 0; i < labels.length; i++) out[i * numClasses + labels[i]] = 1f;
        return Tensor.of(out, labels.length, numClasses);
    }
}
