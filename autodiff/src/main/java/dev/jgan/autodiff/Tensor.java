package dev.jgan.autodiff;

import java.util.Arrays;
import java.util.List;

/**
 * A float32, row-major, N-dimensional array that records the ops applied to it for reverse-mode
 * differentiation.
 *
 * <p>Tensors are immutable to ops: every op returns a new tensor (a reshape shares its input's buffer).
 * Methods ending in {@code InPlace} write into the buffer; they are refused on a tensor that requires
 * grad while recording is on, and any later backward through a graph that saved the tensor fails
 * instead of returning a wrong gradient. Ops check shapes and throw {@link IllegalArgumentException}
 * naming the op and every operand's shape. Names follow PyTorch in camelCase.
 */
public final class Tensor {
    final Storage storage;
    private final int[] shape;
    boolean requiresGrad;
    /** The op that produced this tensor; null for leaves and for tensors made without recording. */
    Node node;
    private Tensor grad;

    Tensor(Storage storage, int[] shape) {
        this.storage = storage;
        this.shape = shape;
    }

    // ---------------------------------------------------------------- creation

    /** A tensor holding a copy of {@code data}, read row-major as {@code shape}. */
    public static Tensor of(float[] data, int... shape) {
        if (data.length != Shape.numel("of", shape))
            throw new IllegalArgumentException("of: " + data.length + " values cannot fill shape " + Shape.str(shape));
        return new Tensor(new Storage(data.clone()), shape.clone());
    }

    /** A tensor of {@code data} rounded to float32, read row-major as {@code shape}. */
    public static Tensor of(double[] data, int... shape) {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
        return of(f, shape);
    }

    /** A tensor of {@code data} as float32 (exact up to 2^24 in magnitude, rounded beyond), read row-major as {@code shape}. */
    public static Tensor of(int[] data, int... shape) {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) f[i] = data[i];
        return of(f, shape);
    }

    // Nested arrays, the shape inferred from their lengths as torch.tensor does; ragged arrays are refused.
    public static Tensor of(float[][] data) { return NestedArrays.toTensor(data, 2); }
    public static Tensor of(float[][][] data) { return NestedArrays.toTensor(data, 3); }
    public static Tensor of(float[][][][] data) { return NestedArrays.toTensor(data, 4); }
    public static Tensor of(double[][] data) { return NestedArrays.toTensor(data, 2); }
    public static Tensor of(double[][][] data) { return NestedArrays.toTensor(data, 3); }
    public static Tensor of(double[][][][] data) { return NestedArrays.toTensor(data, 4); }
    public static Tensor of(int[][] data) { return NestedArrays.toTensor(data, 2); }
    public static Tensor of(int[][][] data) { return NestedArrays.toTensor(data, 3); }
    public static Tensor of(int[][][][] data) { return NestedArrays.toTensor(data, 4); }

    /** A 1-D tensor of the given values. */
    public static Tensor vector(float... data) {
        return of(data, data.length);
    }

    /** A rank-0 tensor. */
    public static Tensor scalar(float value) {
        return new Tensor(new Storage(new float[] {value}), new int[0]);
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(new Storage(new float[Shape.numel("zeros", shape)]), shape.clone());
    }

    public static Tensor ones(int... shape) {
        return full(1f, Shape.checked("ones", shape));
    }

    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shape.numel("full", shape)];
        Arrays.fill(d, value);
        return new Tensor(new Storage(d), shape.clone());
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape);
    }

    public static Tensor onesLike(Tensor t) {
        return ones(t.shape);
    }

    /** 0, 1, ..., n-1; n must be >= 0. */
    public static Tensor arange(int n) {
        if (n < 0) throw new IllegalArgumentException("arange: n must be >= 0, got " + n);
        return arange(0f, n, 1f);
    }

    /**
     * start, start+step, ... while below end (above end for a negative step), as {@code torch.arange}; like it, refuses
     * an end on the wrong side of start for the step's sign.
     */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0f || !Float.isFinite(start) || !Float.isFinite(end) || !Float.isFinite(step))
            throw new IllegalArgumentException("arange: need finite bounds and a non-zero step, got start=" + start + " end=" + end + " step=" + step);
        if (step > 0 ? end < start : end > start)
            throw new IllegalArgumentException("arange: end=" + end + " is " + (step > 0 ? "below" : "above") + " start=" + start + " for step=" + step);
        double count = Math.ceil(((double) end - start) / step);
        if (count > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("arange: start=" + start + " end=" + end + " step=" + step + " gives more than 2^31-1 elements");
        int n = (int) count;
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = start + i * step;
        return new Tensor(new Storage(d), new int[] {n});
    }

    /** Uniform on [0, 1) from the given generator. */
    public static Tensor rand(Rng rng, int... shape) {
        return uniform(rng, 0f, 1f, Shape.checked("rand", shape));
    }

    /** Uniform on [low, high). */
    public static Tensor uniform(Rng rng, float low, float high, int... shape) {
        float[] d = new float[Shape.numel("uniform", shape)];
        for (int i = 0; i < d.length; i++) d[i] = low + (high - low) * rng.nextFloat();
        return new Tensor(new Storage(d), shape.clone());
    }

    /** Standard normal. */
    public static Tensor randn(Rng rng, int... shape) {
        return normal(rng, 0f, 1f, Shape.checked("randn", shape));
    }

    public static Tensor normal(Rng rng, float mean, float std, int... shape) {
        float[] d = new float[Shape.numel("normal", shape)];
        rng.fillGaussian(d, 0, d.length, mean, std);
        return new Tensor(new Storage(d), shape.clone());
    }

    // ---------------------------------------------------------------- metadata and access

    public int[] shape() {
        return shape.clone();
    }

    /** Size of one dimension; negative indices count from the end. */
    public int size(int dim) {
        return shape[Shape.axis("size", dim, shape.length)];
    }

    public int dim() {
        return shape.length;
    }

    public int numel() {
        return Shape.numel(shape);
    }

    /** The value of a one-element tensor. */
    public float item() {
        if (numel() != 1) throw new IllegalArgumentException("item: tensor of shape " + Shape.str(shape) + " has " + numel() + " elements, not 1");
        return storage.data[0];
    }

    /** The element at the given indices (one per dimension). */
    public float get(int... index) {
        return storage.data[flatIndex("get", index)];
    }

    /** A copy of the values, row-major. */
    public float[] toArray() {
        return Arrays.copyOf(storage.data, numel());
    }

    /**
     * The live backing array, row-major, for kernels and I/O outside this package. Reading is always safe;
     * writing bypasses the in-place checks, so a writer must call {@link #markModified()} afterwards.
     */
    public float[] buffer() {
        return storage.data;
    }

    /** Records an out-of-band write into {@link #buffer()}, so graphs that saved this tensor refuse to backward. */
    public void markModified() {
        storage.version++;
    }

    private int flatIndex(String op, int[] index) {
        if (index.length != shape.length)
            throw new IllegalArgumentException(op + ": " + index.length + " indices for a tensor of shape " + Shape.str(shape));
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i])
                throw new IllegalArgumentException(op + ": index " + Arrays.toString(index) + " out of bounds for shape " + Shape.str(shape));
            flat = flat * shape[i] + index[i];
        }
        return flat;
    }

    // ---------------------------------------------------------------- autograd state

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as a variable to differentiate with respect to (or not); returns this tensor. */
    public Tensor requiresGrad(boolean value) {
        if (node != null && !value)
            throw new IllegalArgumentException("requiresGrad: tensor of shape " + Shape.str(shape) + " is the result of op '" + node.op
                    + "'; use detach() to stop gradients instead");
        if (node == null) requiresGrad = value;
        return this;
    }

    /** True for tensors not produced by a recorded op. */
    public boolean isLeaf() {
        return node == null;
    }

    /** The name of the op that produced this tensor, or null for a leaf. */
    public String gradFn() {
        return node == null ? null : node.op;
    }

    /** The gradient accumulated by {@link #backward()}, or null. */
    public Tensor grad() {
        return grad;
    }

    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape))
            throw new IllegalArgumentException("setGrad: gradient of shape " + Shape.str(g.shape) + " for a tensor of shape " + Shape.str(shape));
        grad = g;
    }

    /** A tensor sharing this one's values that is cut from the graph and does not require grad. */
    public Tensor detach() {
        return new Tensor(storage, shape);
    }

    /** A new tensor with a copy of the values, cut from the graph. */
    public Tensor copy() {
        return new Tensor(new Storage(toArray()), shape);
    }

    /** Backpropagates from this scalar into the {@code grad} of every leaf that requires grad. */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    /** Backpropagates {@code gradOutput} (same shape as this) into the leaves' {@code grad}. */
    public void backward(Tensor gradOutput, boolean retainGraph) {
        Autograd.backward(this, gradOutput, retainGraph);
    }

    // ---------------------------------------------------------------- in place (parameter updates, I/O)

    private void checkWritable(String op) {
        if (requiresGrad && GradMode.isEnabled())
            throw new IllegalStateException(op + ": tensor of shape " + Shape.str(shape)
                    + " requires grad; in-place writes are allowed on it only inside GradMode.noGrad()");
        if (node != null && requiresGrad)
            throw new IllegalStateException(op + ": tensor of shape " + Shape.str(shape) + " is the result of op '" + node.op + "'");
        storage.version++;
    }

    /** Sets one element. */
    public Tensor setInPlace(float value, int... index) {
        int flat = flatIndex("setInPlace", index);
        checkWritable("setInPlace");
        storage.data[flat] = value;
        return this;
    }

    public Tensor fillInPlace(float value) {
        checkWritable("fillInPlace");
        Arrays.fill(storage.data, 0, numel(), value);
        return this;
    }

    /** Copies the values of {@code src} (same shape) into this tensor. */
    public Tensor copyInPlace(Tensor src) {
        sameShape("copyInPlace", src);
        checkWritable("copyInPlace");
        System.arraycopy(src.storage.data, 0, storage.data, 0, numel());
        return this;
    }

    /** this += alpha * other (same shape). */
    public Tensor addInPlace(Tensor other, float alpha) {
        sameShape("addInPlace", other);
        checkWritable("addInPlace");
        Graph.K.axpy(alpha, other.storage.data, 0, storage.data, 0, numel());
        return this;
    }

    public Tensor mulInPlace(float factor) {
        checkWritable("mulInPlace");
        Graph.K.unary(dev.jgan.autodiff.kernels.UnaryOp.MUL_SCALAR, factor, 0f, storage.data, 0, storage.data, 0, numel());
        return this;
    }

    /** Clamps every value into [low, high], as WGAN's weight clipping does. */
    public Tensor clampInPlace(float low, float high) {
        checkWritable("clampInPlace");
        Graph.K.unary(dev.jgan.autodiff.kernels.UnaryOp.CLAMP, low, high, storage.data, 0, storage.data, 0, numel());
        return this;
    }

    private void sameShape(String op, Tensor other) {
        if (!Arrays.equals(shape, other.shape))
            throw new IllegalArgumentException(op + ": shapes " + Shape.str(shape) + " and " + Shape.str(other.shape) + " differ");
    }

    // ---------------------------------------------------------------- elementwise

    public Tensor add(Tensor o) { return Elementwise.add(this, o); }
    public Tensor sub(Tensor o) { return Elementwise.sub(this, o); }
    public Tensor mul(Tensor o) { return Elementwise.mul(this, o); }
    public Tensor div(Tensor o) { return Elementwise.div(this, o); }
    public Tensor pow(Tensor o) { return Elementwise.pow(this, o); }
    public Tensor maximum(Tensor o) { return Elementwise.maximum(this, o); }
    public Tensor minimum(Tensor o) { return Elementwise.minimum(this, o); }
    public Tensor add(float s) { return Unary.addScalar(this, s); }
    public Tensor sub(float s) { return Unary.addScalar(this, -s); }
    public Tensor mul(float s) { return Unary.mulScalar(this, s); }
    public Tensor div(float s) { return Unary.mulScalar(this, 1f / s); }
    public Tensor pow(float p) { return Unary.powScalar(this, p); }
    /** s - this, as torch.rsub */
    public Tensor rsub(float s) { return Unary.rsubScalar(this, s); }
    /** s / this */
    public Tensor rdiv(float s) { return Unary.rdivScalar(this, s); }

    /** Masks (1 or 0, never requiring grad). */
    public Tensor gt(Tensor o) { return Elementwise.compare("gt", dev.jgan.autodiff.kernels.BinaryOp.GT, this, o); }
    public Tensor ge(Tensor o) { return Elementwise.compare("ge", dev.jgan.autodiff.kernels.BinaryOp.GE, this, o); }
    public Tensor lt(Tensor o) { return Elementwise.compare("lt", dev.jgan.autodiff.kernels.BinaryOp.LT, this, o); }
    public Tensor le(Tensor o) { return Elementwise.compare("le", dev.jgan.autodiff.kernels.BinaryOp.LE, this, o); }
    public Tensor eq(Tensor o) { return Elementwise.compare("eq", dev.jgan.autodiff.kernels.BinaryOp.EQ, this, o); }
    public Tensor gt(float s) { return Unary.mask(this, dev.jgan.autodiff.kernels.UnaryOp.GT_SCALAR, s, 0f); }

    /** mask != 0 ? a : b, with broadcasting; the mask is not differentiated. */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) { return Elementwise.where(mask, a, b); }

    // ---------------------------------------------------------------- unary and activations

    public Tensor neg() { return Unary.neg(this); }
    public Tensor exp() { return Unary.exp(this); }
    public Tensor log() { return Unary.log(this); }
    public Tensor log1p() { return Unary.log1p(this); }
    public Tensor sqrt() { return Unary.sqrt(this); }
    public Tensor abs() { return Unary.abs(this); }
    public Tensor square() { return Unary.square(this); }
    public Tensor tanh() { return Unary.tanh(this); }
    public Tensor sin() { return Unary.sin(this); }
    public Tensor cos() { return Unary.cos(this); }
    public Tensor sigmoid() { return Unary.sigmoid(this); }
    public Tensor relu() { return Unary.relu(this); }
    public Tensor leakyRelu(float slope) { return Unary.leakyRelu(this, slope); }
    public Tensor elu(float alpha) { return Unary.elu(this, alpha); }
    public Tensor softplus() { return Unary.softplus(this); }
    public Tensor clamp(float low, float high) { return Unary.clamp(this, low, high); }
    /** sign(x) in {-1, 0, 1}; not differentiated. */
    public Tensor sign() { return Unary.mask(this, dev.jgan.autodiff.kernels.UnaryOp.SIGN, 0f, 0f); }

    // ---------------------------------------------------------------- reductions

    // Axes as varargs drop the reduced axes (x.sum(1, 2); none given: all axes); the forms with a trailing
    // boolean keep them as size 1 when it is true (x.sum(1, true), x.sum(new int[] {1, 2}, true)).

    /** Sum of all elements, as a rank-0 tensor. */
    public Tensor sum() { return Reductions.sum(this, new int[0], false); }
    public Tensor sum(int... axes) { return Reductions.sum(this, axes, false); }
    public Tensor sum(int axis, boolean keepDim) { return Reductions.sum(this, new int[] {axis}, keepDim); }
    public Tensor sum(int[] axes, boolean keepDim) { return Reductions.sum(this, axes, keepDim); }
    public Tensor mean() { return Reductions.mean(this, new int[0], false); }
    public Tensor mean(int... axes) { return Reductions.mean(this, axes, false); }
    public Tensor mean(int axis, boolean keepDim) { return Reductions.mean(this, new int[] {axis}, keepDim); }
    public Tensor mean(int[] axes, boolean keepDim) { return Reductions.mean(this, axes, keepDim); }
    public Tensor max() { return Reductions.max(this, new int[0], false); }
    public Tensor max(int... axes) { return Reductions.max(this, axes, false); }
    public Tensor max(int axis, boolean keepDim) { return Reductions.max(this, new int[] {axis}, keepDim); }
    public Tensor max(int[] axes, boolean keepDim) { return Reductions.max(this, axes, keepDim); }
    public Tensor min(int... axes) { return min(axes, false); }
    public Tensor min(int axis, boolean keepDim) { return min(new int[] {axis}, keepDim); }
    public Tensor min(int[] axes, boolean keepDim) { return Reductions.max(this.neg(), axes, keepDim).neg(); }
    /** Variance with Bessel's correction {@code correction} (0 = population, 1 = unbiased, as torch.var). */
    public Tensor variance(int[] axes, boolean keepDim, int correction) { return Reductions.variance(this, axes, keepDim, correction); }
    public Tensor logSumExp(int... axes) { return Reductions.logSumExp(this, axes, false); }
    public Tensor logSumExp(int[] axes, boolean keepDim) { return Reductions.logSumExp(this, axes, keepDim); }
    public Tensor softmax(int axis) { return Reductions.softmax(this, axis); }
    public Tensor logSoftmax(int axis) { return Reductions.logSoftmax(this, axis); }
    /** The L2 norm over the given axes (all if empty). */
    public Tensor norm(int[] axes, boolean keepDim) { return Reductions.norm(this, axes, keepDim); }
    public Tensor norm(int... axes) { return Reductions.norm(this, axes, false); }
    /** Index of the largest value along the last axis of a 2-D tensor, per row (ties: first). Not differentiated. */
    public int[] argmaxRows() { return Reductions.argmaxRows(this); }

    // ---------------------------------------------------------------- shape

    /** Same values in a new shape (one size may be -1); shares the buffer. */
    public Tensor reshape(int... newShape) { return ShapeOps.reshape(this, newShape); }
    /** Flattens dimensions from {@code startDim} on into one. */
    public Tensor flatten(int startDim) { return ShapeOps.flatten(this, startDim); }
    public Tensor permute(int... dims) { return ShapeOps.permute(this, dims); }
    public Tensor transpose(int dim0, int dim1) { return ShapeOps.transpose(this, dim0, dim1); }
    /** Transpose of a 2-D tensor. */
    public Tensor t() {
        if (shape.length != 2) throw new IllegalArgumentException("t: needs a 2-D tensor, got shape " + Shape.str(shape));
        return ShapeOps.transpose(this, 0, 1);
    }
    /** Elements start, start+step, ... below end along {@code dim} (negative start/end count from the end). */
    public Tensor slice(int dim, int start, int end, int step) { return ShapeOps.slice(this, dim, start, end, step); }
    /** {@code length} elements from {@code start} along {@code dim}, as torch.narrow (a negative start counts from the end). */
    public Tensor narrow(int dim, int start, int length) { return ShapeOps.narrow(this, dim, start, length); }
    /** Pieces of {@code splitSize} along dim (the last may be smaller). */
    public List<Tensor> split(int splitSize, int dim) { return ShapeOps.split(this, splitSize, dim); }
    /** {@code chunks} nearly equal pieces along dim, as torch.chunk. */
    public List<Tensor> chunk(int chunks, int dim) { return ShapeOps.chunk(this, chunks, dim); }
    /** Broadcasts to a larger shape (-1 keeps a size). */
    public Tensor expand(int... newShape) { return ShapeOps.expand(this, newShape); }
    /** Sums broadcast dimensions away: the adjoint of {@link #expand}. */
    public Tensor sumTo(int... target) { return ShapeOps.sumTo(this, target); }
    public Tensor squeeze(int dim) { return ShapeOps.squeeze(this, dim); }
    public Tensor unsqueeze(int dim) { return ShapeOps.unsqueeze(this, dim); }
    public static Tensor concat(List<Tensor> tensors, int dim) { return ShapeOps.concat(tensors, dim); }
    public static Tensor stack(List<Tensor> tensors, int dim) { return ShapeOps.stack(tensors, dim); }

    // ---------------------------------------------------------------- linear algebra and indexing

    /** Matrix product with broadcasting of batch dimensions; 1-D operands are promoted as in torch.matmul. */
    public Tensor matmul(Tensor o) { return Linalg.matmul(this, o); }
    /** Slices along {@code dim} at the given indices (an embedding lookup on dim 0). */
    public Tensor indexSelect(int dim, int... index) { return Indexing.indexSelect(this, dim, index); }
    /** torch.gather: out[i][j] = this[i][index[i][j]] along dim; index has shape indexShape. */
    public Tensor gather(int dim, int[] index, int... indexShape) { return Indexing.gather(this, dim, index, indexShape); }

    // ---------------------------------------------------------------- printing

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape));
        if (node != null) sb.append(" gradFn=").append(node.op);
        else if (requiresGrad) sb.append(" requiresGrad");
        int n = numel();
        sb.append(" [");
        for (int i = 0; i < Math.min(n, 8); i++) sb.append(i == 0 ? "" : ", ").append(storage.data[i]);
        if (n > 8) sb.append(", ... (").append(n).append(" values)");
        return sb.append(']').toString();
    }
}
