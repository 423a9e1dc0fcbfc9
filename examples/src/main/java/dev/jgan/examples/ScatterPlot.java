package dev.jgan.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/** A square PNG scatter plot of 2-D points over [-extent, extent]^2, with optional marked reference points. Headless. */
public final class ScatterPlot {
    private final int size;
    private final float extent;
    private final BufferedImage image;
    private final Graphics2D g;

    public ScatterPlot(int size, float extent, String title) {
        if (size < 64 || !(extent > 0)) throw new IllegalArgumentException("ScatterPlot: size " + size + " < 64 or extent " + extent + " <= 0");
        this.size = size;
        this.extent = extent;
        this.image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        this.g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, size, size);
        g.setColor(new Color(230, 230, 230));
        g.drawLine(size / 2, 0, size / 2, size);
        g.drawLine(0, size / 2, size, size / 2);
        g.setColor(Color.DARK_GRAY);
        g.drawString(title, 8, 16);
    }

    private int px(float x) {
        return Math.round((x + extent) / (2 * extent) * (size - 1));
    }

    private int py(float y) {
        return Math.round((extent - y) / (2 * extent) * (size - 1));
    }

    /** Points as interleaved x, y pairs. */
    public ScatterPlot points(float[] xy, Color color) {
        g.setColor(color);
        for (int i = 0; i + 1 < xy.length; i += 2) g.fillRect(px(xy[i]) - 1, py(xy[i + 1]) - 1, 2, 2);
        return this;
    }

    /** Circles of the given radius (in data units) around each point. */
    public ScatterPlot circles(float[] xy, float radius, Color color) {
        g.setColor(color);
        g.setStroke(new BasicStroke(1.5f));
        int r = Math.max(2, Math.round(radius / (2 * extent) * size));
        for (int i = 0; i + 1 < xy.length; i += 2) g.drawOval(px(xy[i]) - r, py(xy[i + 1]) - r, 2 * r, 2 * r);
        return this;
    }

    /** Writes the PNG atomically (temporary file, then rename). */
    public void write(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            ImageIO.write(image, "png", tmp.toFile());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plot " + file, e);
        }
    }

    BufferedImage image() {
        return image;
    }
}
