package dev.jgan.gan.data;

import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.train.Batch;
import java.util.Arrays;

/**
 * N images of C x H x W 8-bit pixels, with one class label each or none: what {@link IdxReader}, {@link Cifar10Reader} and {@link ImageFolder}
 * read. Pixels are kept as bytes (a quarter of float32's memory: CIFAR-10's 50,000 training
 * images take 150 MB rather than 600 MB) and scaled to [-1, 1] as float32 when a batch is gathered
 * ({@link #toUnit}); {@link ShuffledBatches} serves them to a training run.
 */
public final class ImageDataset {
    /** value / 127.5 - 1 for every byte value: 0 -> -1, 127.5 would be 0, 255 -> 1, all exact in float. */
    private static final float[] UNIT = new float[256];

    static {
        for (int v = 0; v < 256; v++) UNIT[v] = v / 127.5f - 1f;
    }

    private final byte[] pixels; // [N, C, H, W], row-major
    private final int n, channels, height, width;
    private final int[] labels;   // [N] or null
    private final int numClasses;

    /** Takes the arrays without copying (the readers hand over arrays they made). */
    ImageDataset(byte[] pixels, int n, int channels, int height, int width, int[] labels) {
        if (n < 0 || channels < 1 || height < 1 || width < 1)
            throw new IllegalArgumentException("ImageDataset: need n >= 0 and C, H, W >= 1, got " + n + " x " + channels + " x " + height + " x " + width);
        if ((long) n * channels * height * width != pixels.length)
            throw new IllegalArgumentException("ImageDataset: " + pixels.length + " pixel bytes for " + n + " x " + channels + " x " + height + " x " + width);
        if (labels != null && labels.length != n)
            throw new IllegalArgumentException("ImageDataset: " + n + " images but " + labels.length + " labels");
        int classes = 0;
        if (labels != null)
            for (int i = 0; i < n; i++) {
                if (labels[i] < 0) throw new IllegalArgumentException("ImageDataset: label " + i + " is negative: " + labels[i]);
                classes = Math.max(classes, labels[i] + 1);
            }
        this.pixels = pixels;
        this.n = n;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.labels = labels;
        this.numClasses = classes;
    }

    /**
     * A dataset of {@code n} images [channels, height, width] from unsigned bytes in [N, C, H, W] order (copied), with
     * {@code labels} (>= 0, copied) or {@code null}.
     */
    public static ImageDataset ofUnsignedBytes(byte[] pixels, int n, int channels, int height, int width, int[] labels) {
        if (pixels == null) throw new IllegalArgumentException("ImageDataset: pixels must be given");
        return new ImageDataset(pixels.clone(), n, channels, height, width, labels == null ? null : labels.clone());
    }

    /** The [-1, 1] value of a byte value v in 0..255: {@code v / 127.5 - 1}, so 0 -> -1 and 255 -> 1 exactly. */
    public static float toUnit(int v) {
        return UNIT[v];
    }

    /** The number of images. */
    public int size() {
        return n;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The shape of one image, {C, H, W}. */
    public int[] imageShape() {
        return new int[] {channels, height, width};
    }

    public boolean hasLabels() {
        return labels != null;
    }

    /** A copy of the labels, or {@code null} for an unlabelled dataset. */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** Image i's label; {@link IllegalStateException} for an unlabelled dataset. */
    public int label(int i) {
        if (labels == null) throw new IllegalStateException("ImageDataset: the dataset has no labels");
        return labels[i];
    }

    /** One more than the largest label (0 without labels). */
    public int numClasses() {
        return numClasses;
    }

    /** Image i's raw byte value at (c, y, x), 0..255. */
    public int pixel(int i, int c, int y, int x) {
        if (c < 0 || c >= channels || y < 0 || y >= height || x < 0 || x >= width)
            throw new IndexOutOfBoundsException("ImageDataset.pixel: (" + c + ", " + y + ", " + x + ") outside " + Arrays.toString(imageShape()));
        return pixels[((i * channels + c) * height + y) * width + x] & 0xFF;
    }

    /** The images at {@code indices} (in that order) as [k, C, H, W] float32 in [-1, 1]. */
    public Tensor images(int[] indices) {
        int per = channels * height * width;
        float[] out = new float[Math.multiplyExact(indices.length, per)];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= n) throw new IndexOutOfBoundsException("ImageDataset: image " + i + " of " + n);
            int src = i * per, dst = k * per;
            for (int j = 0; j < per; j++) out[dst + j] = UNIT[pixels[src + j] & 0xFF];
        }
        return Tensor.of(out, indices.length, channels, height, width);
    }

    /** The images and labels (labels {@code null} when unlabelled) at {@code indices}. */
    public Batch batch(int[] indices) {
        Tensor samples = images(indices);
        if (labels == null) return new Batch(samples, null);
        int[] l = new int[indices.length];
        for (int k = 0; k < l.length; k++) l[k] = labels[indices[k]];
        return new Batch(samples, l);
    }

    /** Every image, [N, C, H, W] in [-1, 1]. */
    public Tensor toTensor() {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        return images(all);
    }

    @Override
    public String toString() {
        return n + " images " + channels + "x" + height + "x" + width + (labels == null ? ", unlabelled" : ", " + numClasses + " classes");
    }
}
