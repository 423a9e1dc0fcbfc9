package dev.jgan.nn.layers;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import java.util.Arrays;

/** A lookup table: weight [num, dim] (N(0, 1) as PyTorch), row i for index i. */
public final class Embedding extends Module {
    private final int num;
    private final int dim;

    /** As the constructor with an Rng, drawing from {@link Rng#defaultGenerator()} (explicit generators are preferred for reproducible runs). */
    public Embedding(int num, int dim) {
        this(num, dim, Rng.defaultGenerator());
    }

    public Embedding(int num, int dim, Rng rng) {
        if (num <= 0 || dim <= 0) throw new IllegalArgumentException("Embedding: sizes must be positive, got num=" + num + " dim=" + dim);
        this.num = num;
        this.dim = dim;
        registerParameter("weight", Tensor.randn(rng, num, dim));
    }

    /** Rows for the given indices: [indices.length, dim]. */
    public Tensor forward(int... indices) {
        for (int i : indices)
            if (i < 0 || i >= num) throw new IllegalArgumentException(describe() + ": index " + i + " out of range [0, " + num + ")");
        return tensor("weight").indexSelect(0, indices);
    }

    /** Rows for a tensor of integral indices of any shape: [..., dim]. */
    @Override
    public Tensor forward(Tensor indices) {
        float[] v = indices.toArray();
        int[] idx = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i])) throw new IllegalArgumentException(describe() + ": index " + v[i] + " at position " + i + " is not an integer");
            idx[i] = (int) v[i];
        }
        int[] shape = Arrays.copyOf(indices.shape(), indices.dim() + 1);
        shape[indices.dim()] = dim;
        return forward(idx).reshape(shape);
    }

    public int numEmbeddings() {
        return num;
    }

    public int embeddingDim() {
        return dim;
    }

    @Override
    protected String describe() {
        return "Embedding(" + num + ", " + dim + ")";
    }
}
