package dev.jgan.examples;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Tiny MNIST-shaped IDX files for the command tests: written in a few milliseconds, nothing downloaded. */
final class TinyData {
    static final int SIDE = 28, PIXELS = SIDE * SIDE;

    private TinyData() {}

    /** An IDX file's bytes: the magic number, the dimensions, the body. */
    static byte[] idx(int magic, int[] dims, byte[] body) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(magic);
        for (int n : dims) d.writeInt(n);
        d.write(body);
        return b.toByteArray();
    }

    /** Writes {@code <split>-images-idx3-ubyte} and {@code <split>-labels-idx1-ubyte} into {@code dir}. */
    static void write(Path dir, String split, byte[] pixels, int[] labels) throws IOException {
        int n = labels.length;
        Files.write(dir.resolve(split + "-images-idx3-ubyte"), idx(0x803, new int[] {n, SIDE, SIDE}, pixels));
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) l[i] = (byte) labels[i];
        Files.write(dir.resolve(split + "-labels-idx1-ubyte"), idx(0x801, new int[] {n}, l));
    }

    /** Bright discs of varying centre and radius on black, labelled i % classes: structure, but not by label. */
    static byte[] discs(int n, Random r) {
        byte[] pixels = new byte[n * PIXELS];
        for (int i = 0; i < n; i++) {
            int cx = 8 + r.nextInt(12), cy = 8 + r.nextInt(12), rad = 4 + r.nextInt(5);
            for (int y = 0; y < SIDE; y++)
                for (int x = 0; x < SIDE; x++)
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad) pixels[i * PIXELS + y * SIDE + x] = (byte) (200 + r.nextInt(56));
        }
        return pixels;
    }

    static int[] cyclicLabels(int n, int classes) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) l[i] = i % classes;
        return l;
    }

    /**
     * A separable set of 4 classes: image i is a bright 10 x 10 square, jittered by up to 2 pixels, in quadrant
     * {@code labels[i]}, on faint noise.
     */
    static byte[] quadrants(int[] labels, Random r) {
        byte[] pixels = new byte[labels.length * PIXELS];
        for (int i = 0; i < labels.length; i++) {
            int x0 = (labels[i] % 2) * 14 + 2 + r.nextInt(3), y0 = (labels[i] / 2) * 14 + 2 + r.nextInt(3);
            for (int p = 0; p < PIXELS; p++) pixels[i * PIXELS + p] = (byte) r.nextInt(40);
            for (int y = y0; y < y0 + 10; y++)
                for (int x = x0; x < x0 + 10; x++) pixels[i * PIXELS + y * SIDE + x] = (byte) (180 + r.nextInt(76));
        }
        return pixels;
    }
}
