package dev.jgan.gan.eval;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;

/**
 * A labelled image set for the classifier tests: 10 classes of white strokes and blobs on black, 28x28x1 in [-1, 1],
 * each at a random position (centre 14 +- 5 pixels) and size (radius 5 to 8), with Gaussian pixel noise of std 0.05.
 * Classes: 0 horizontal bar, 1 vertical bar, 2 diagonal "\", 3 diagonal "/", 4 filled square, 5 hollow square,
 * 6 disc, 7 ring, 8 plus, 9 cross.
 */
final class SyntheticShapes {
    static final int CLASSES = 10, SIZE = 28;

    final Tensor images;
    final int[] labels;

    private SyntheticShapes(Tensor images, int[] labels) {
        this.images = images;
        this.labels = labels;
    }

    /** n images, labels cycling 0..9, drawn from rng. */
    static SyntheticShapes generate(int n, Rng rng) {
        float[] x = new float[n * SIZE * SIZE];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % CLASSES;
            labels[i] = c;
            int cx = 9 + rng.nextInt(11), cy = 9 + rng.nextInt(11), r = 5 + rng.nextInt(4);
            for (int y = 0; y < SIZE; y++)
                for (int xx = 0; xx < SIZE; xx++) {
                    int dx = xx - cx, dy = y - cy;
                    float v = inside(c, dx, dy, r) ? 1f : -1f;
                    v += 0.05f * rng.nextGaussian();
                    x[(i * SIZE + y) * SIZE + xx] = Math.max(-1f, Math.min(1f, v));
                }
        }
        return new SyntheticShapes(Tensor.of(x, n, 1, SIZE, SIZE), labels);
    }

    private static boolean inside(int c, int dx, int dy, int r) {
        int ax = Math.abs(dx), ay = Math.abs(dy), box = Math.max(ax, ay);
        double dist = Math.sqrt(dx * dx + dy * dy);
        boolean diag1 = Math.abs(dx - dy) <= 1 && ax <= r, diag2 = Math.abs(dx + dy) <= 1 && ax <= r;
        return switch (c) {
            case 0 -> ay <= 1 && ax <= r;
            case 1 -> ax <= 1 && ay <= r;
            case 2 -> diag1;
            case 3 -> diag2;
            case 4 -> box <= 0.6 * r;
            case 5 -> box >= r - 1 && box <= r;
            case 6 -> dist <= 0.6 * r;
            case 7 -> dist >= r - 1.5 && dist <= r;
            case 8 -> (ax <= 1 && ay <= r) || (ay <= 1 && ax <= r);
            case 9 -> diag1 || diag2;
            default -> throw new IllegalArgumentException("class " + c);
        };
    }

    /** x + sigma eps, eps ~ N(0, I) from rng, clamped to [-1, 1]. */
    static Tensor noisy(Tensor x, float sigma, Rng rng) {
        return x.add(Tensor.randn(rng, x.shape()).mul(sigma)).clamp(-1f, 1f);
    }

    /** A k x k box blur of every channel (k odd), averaging over the window's pixels inside the image. */
    static Tensor boxBlur(Tensor x, int k) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), r = k / 2;
        float[] in = x.toArray(), out = new float[in.length];
        for (int p = 0; p < n * c; p++)
            for (int y = 0; y < h; y++)
                for (int xx = 0; xx < w; xx++) {
                    double sum = 0;
                    int count = 0;
                    for (int v = Math.max(0, y - r); v <= Math.min(h - 1, y + r); v++)
                        for (int u = Math.max(0, xx - r); u <= Math.min(w - 1, xx + r); u++) {
                            sum += in[(p * h + v) * w + u];
                            count++;
                        }
                    out[(p * h + y) * w + xx] = (float) (sum / count);
                }
        return Tensor.of(out, x.shape());
    }
}
