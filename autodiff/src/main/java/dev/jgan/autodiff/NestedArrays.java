package dev.jgan.autodiff;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads nested Java arrays ({@code float[][]}, {@code double[][][]}, {@code int[][]}...) as row-major float32
 * values and a shape inferred from the array lengths, as {@code torch.tensor([[...], [...]])} does. Ragged
 * arrays and null rows are refused, naming the position. An empty outer array gives size 0 for every inner
 * dimension (its rows cannot be looked at).
 */
final class NestedArrays {
    private NestedArrays() {}

    /** {@code array} has {@code rank} levels of arrays whose innermost is float[], double[] or int[]. */
    static Tensor toTensor(Object array, int rank) {
        if (array == null) throw new IllegalArgumentException("of: array is null");
        int[] shape = new int[rank];
        Object level = array;
        for (int d = 0; d < rank; d++) {
            int len = Array.getLength(level);
            shape[d] = len;
            if (len == 0 || d == rank - 1) break;
            level = Array.get(level, 0);
            if (level == null) throw new IllegalArgumentException("of: row " + position(d + 1, new int[rank]) + " is null");
        }
        float[] out = new float[Shape.numel(shape)];
        fill(array, 0, shape, new int[rank], out, new int[] {0});
        return Tensor.of(out, shape);
    }

    /** Copies the rows depth-first, checking each row's length against the shape taken from the first rows. */
    private static void fill(Object row, int depth, int[] shape, int[] at, float[] out, int[] next) {
        if (row == null) throw new IllegalArgumentException("of: row " + position(depth, at) + " is null");
        int len = Array.getLength(row);
        if (len != shape[depth])
            throw new IllegalArgumentException("of: ragged array: row " + position(depth, at) + " has length " + len + ", expected " + shape[depth]
                    + " as the first row at that depth (inferred shape " + Shape.str(shape) + ")");
        if (depth == shape.length - 1) {
            int base = next[0];
            if (row instanceof float[]) System.arraycopy(row, 0, out, base, len);
            else if (row instanceof double[]) for (int i = 0; i < len; i++) out[base + i] = (float) ((double[]) row)[i];
            else for (int i = 0; i < len; i++) out[base + i] = ((int[]) row)[i];
            next[0] += len;
            return;
        }
        for (int i = 0; i < len; i++) {
            at[depth] = i;
            fill(Array.get(row, i), depth + 1, shape, at, out, next);
        }
    }

    /** "[1][0]": the indices leading to a row at {@code depth}. */
    private static String position(int depth, int[] at) {
        List<String> parts = new ArrayList<>();
        for (int d = 0; d < depth; d++) parts.add("[" + at[d] + "]");
        return depth == 0 ? "(the array itself)" : String.join("", parts);
    }
}
