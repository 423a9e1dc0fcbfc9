package dev.jgan.autodiff;

import java.util.Arrays;

/** Static helpers for shapes: sizes, strides, broadcasting and axis normalisation. Shapes are int arrays, never mutated. */
public final class Shape {
    private Shape() {}

    /** Number of elements; throws on negative sizes or overflow past {@code Integer.MAX_VALUE}. */
    public static int numel(int... shape) {
        return numel("numel", shape);
    }

    /**
     * Number of elements of a shape given to {@code op}; throws naming the op on a negative size or more than
     * 2^31-1 elements. A shape with a size 0 has 0 elements whatever its other sizes.
     */
    public static int numel(String op, int... shape) {
        boolean empty = false;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) throw new IllegalArgumentException(op + ": negative size " + shape[i] + " at dimension " + i + " of shape " + str(shape));
            empty |= shape[i] == 0;
        }
        if (empty) return 0;
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException(op + ": shape " + str(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /** The shape, after checking it as {@link #numel(String, int...)} does. */
    static int[] checked(String op, int... shape) {
        numel(op, shape);
        return shape;
    }

    /** Row-major strides in elements. */
    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** NumPy broadcasting of two shapes; throws naming the op when they are incompatible. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be broadcast together");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Strides with which an array of {@code shape} is read as {@code target} under broadcasting:
     * broadcast dimensions get stride 0.
     */
    public static int[] broadcastStrides(int[] shape, int[] target) {
        int[] own = strides(shape);
        int[] s = new int[target.length];
        int lead = target.length - shape.length;
        for (int i = 0; i < shape.length; i++) s[lead + i] = shape[i] == 1 && target[lead + i] != 1 ? 0 : own[i];
        return s;
    }

    /**
     * Merges adjacent dimensions that every operand walks as one (stride[i] == stride[i+1] * shape[i+1]) and
     * drops size-1 dimensions, so kernels see few, long rows: [N, C, H, W] + [1, C, 1, 1] becomes
     * [N, C, H*W] with strides [0, 1, 0] for the bias. A contiguous output always merges where its inputs do.
     * Returns {shape, strides of operand 0, strides of operand 1, ...}; at least one dimension.
     */
    public static int[][] coalesce(int[] shape, int[]... strides) {
        int k = strides.length;
        int[] outShape = new int[Math.max(1, shape.length)];
        int[][] outStrides = new int[k][Math.max(1, shape.length)];
        int n = 0; // dimensions written, innermost first
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            boolean merge = n > 0;
            for (int j = 0; merge && j < k; j++) merge = strides[j][i] == outStrides[j][n - 1] * outShape[n - 1];
            if (merge) {
                outShape[n - 1] *= shape[i];
                continue;
            }
            outShape[n] = shape[i];
            for (int j = 0; j < k; j++) outStrides[j][n] = strides[j][i];
            n++;
        }
        if (n == 0) { // every dimension has size 1: one element
            outShape[0] = 1;
            n = 1;
        }
        int[][] result = new int[k + 1][];
        result[0] = reversed(outShape, n);
        for (int j = 0; j < k; j++) result[j + 1] = reversed(outStrides[j], n);
        return result;
    }

    private static int[] reversed(int[] a, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = a[n - 1 - i];
        return r;
    }

    /** Maps a possibly negative axis into {@code [0, rank)}; throws naming the op. */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new IllegalArgumentException(op + ": axis " + axis + " out of range for rank " + rank);
        return a;
    }

    /** Normalised, sorted, duplicate-free axes; an empty array means all axes. */
    public static int[] axes(String op, int[] axes, int rank) {
        if (axes.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) out[i] = axis(op, axes[i], rank);
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++)
            if (out[i] == out[i - 1]) throw new IllegalArgumentException(op + ": axis " + out[i] + " repeated in " + Arrays.toString(axes));
        return out;
    }

    /** The shape after reducing {@code axes} (sorted), keeping them as size 1 or dropping them. */
    public static int[] reduced(int[] shape, int[] axes, boolean keepDim) {
        boolean[] red = new boolean[shape.length];
        for (int a : axes) red[a] = true;
        int[] out = new int[keepDim ? shape.length : shape.length - axes.length];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (!red[i]) out[j++] = shape[i];
            else if (keepDim) out[j++] = 1;
        }
        return out;
    }

    public static String str(int... shape) {
        return Arrays.toString(shape);
    }
}
