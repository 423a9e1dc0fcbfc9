package dev.jgan.examples;

import dev.jgan.autodiff.Tensor;
import dev.jgan.autodiff.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Generated images [N, C, H, W] in [-1, 1] (C = 1 or 3) as one PNG: a grid of ceil(sqrt N) columns with a 2-pixel
 * gap, as torchvision's {@code save_image(normalize=True, value_range=(-1, 1))} lays them out. A pixel value v maps to
 * {@code round((v + 1) * 127.5)} clamped to 0..255, the inverse of {@code ImageDataset}'s scaling. Pure ImageIO: runs
 * headless.
 */
final class ImageGrid {
    static final int GAP = 2;

    private ImageGrid() {}

    /** Writes {@code images} to {@code file} in ceil(sqrt N) columns (through a temporary file, so a reader never sees half a PNG). */
    static void write(Tensor images, Path file) throws IOException {
        int n = images.dim() == 0 ? 1 : images.shape()[0]; // a malformed tensor is refused by the overload
        write(images, (int) Math.ceil(Math.sqrt(n)), file);
    }

    /** Writes {@code images} to {@code file} in rows of {@code cols} images, filled row by row (e.g. one latent walk per row). */
    static void write(Tensor images, int cols, Path file) throws IOException {
        int[] s = images.shape();
        if (s.length != 4 || (s[1] != 1 && s[1] != 3) || s[0] < 1)
            throw new IllegalArgumentException("ImageGrid: images must be [N >= 1, 1 or 3, H, W], got " + Shape.str(s));
        if (cols < 1) throw new IllegalArgumentException("ImageGrid: cols must be >= 1, got " + cols);
        int n = s[0], c = s[1], h = s[2], w = s[3];
        int rows = (n + cols - 1) / cols;
        BufferedImage img = new BufferedImage(GAP + cols * (w + GAP), GAP + rows * (h + GAP),
                c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        float[] v = images.toArray();
        int plane = h * w;
        for (int i = 0; i < n; i++) {
            int x0 = GAP + (i % cols) * (w + GAP), y0 = GAP + (i / cols) * (h + GAP), base = i * c * plane;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int p = base + y * w + x;
                    int r = level(v[p]), g = c == 1 ? r : level(v[p + plane]), b = c == 1 ? r : level(v[p + 2 * plane]);
                    img.setRGB(x0 + x, y0 + y, (r << 16) | (g << 8) | b);
                }
        }
        Png.write(img, file);
    }

    /** [-1, 1] to 0..255; NaN to 0. */
    static int level(float v) {
        float u = (v + 1f) * 127.5f;
        return u >= 255f ? 255 : u > 0f ? Math.round(u) : 0;
    }
}
