package dev.jgan.gan.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CIFAR-10's binary version ({@code cifar-10-batches-bin}): files of records of {@value #RECORD} bytes, a
 * label byte 0..9 then 1024 red, 1024 green and 1024 blue bytes (each plane 32 x 32, row-major), which is already
 * the [C, H, W] order of a dataset. {@code data_batch_1..5.bin} hold the 50,000 training images and
 * {@code test_batch.bin} the 10,000 test images. A file must hold at least one record and a whole number of them,
 * with every label in 0..9; otherwise {@link DatasetFormatException} names the file and the byte offset.
 */
public final class Cifar10Reader {
    /** Bytes per record: 1 label byte and 3 x 32 x 32 pixel bytes. */
    public static final int RECORD = 1 + 3 * 32 * 32;
    /** The most records in one dataset: a Java array's limit on the pixel bytes. */
    private static final long MAX_RECORDS = (Integer.MAX_VALUE - 8) / (RECORD - 1);

    private Cifar10Reader() {}

    /** The training set: every {@code data_batch_*.bin} in {@code dir}, in name order (normally 1..5). */
    public static ImageDataset train(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "data_batch_*.bin")) {
            for (Path p : s) files.add(p);
        }
        if (files.isEmpty()) throw new java.nio.file.NoSuchFileException(dir + "/data_batch_*.bin", null, "no CIFAR-10 training batch in the directory");
        files.sort(null);
        return read(files.toArray(new Path[0]));
    }

    /** The test set: {@code dir/test_batch.bin}. */
    public static ImageDataset test(Path dir) throws IOException {
        return read(dir.resolve("test_batch.bin"));
    }

    /** The records of the given files, in order, as one labelled dataset [N, 3, 32, 32]. */
    public static ImageDataset read(Path... files) throws IOException {
        if (files.length == 0) throw new IllegalArgumentException("Cifar10Reader.read: no file given");
        long total = 0;
        for (Path f : files) {
            long size = Files.size(f);
            check(size, f.toString());
            total += size / RECORD;
            if (total > MAX_RECORDS)
                throw new DatasetFormatException(f.toString(), "CIFAR-10", 0, "", "the files hold more than " + MAX_RECORDS + " records, the most a dataset holds", null);
        }
        int n = (int) total;
        byte[] pixels = new byte[n * (RECORD - 1)];
        int[] labels = new int[n];
        int at = 0;
        byte[] record = new byte[RECORD];
        for (Path f : files) {
            String origin = f.toString();
            long size = Files.size(f);
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
                for (long r = 0; r < size / RECORD; r++) {
                    if (in.readNBytes(record, 0, RECORD) != RECORD)
                        throw new DatasetFormatException(origin, "CIFAR-10", r * RECORD, "", "the file shrank while being read", null);
                    decode(record, 0, r * RECORD, origin, pixels, labels, at++);
                }
            }
        }
        return new ImageDataset(pixels, n, 3, 32, 32, labels);
    }

    /** Parses the bytes of one CIFAR-10 binary file held in memory ({@code origin} names it in errors, or null). */
    public static ImageDataset parse(byte[] bytes, String origin) throws DatasetFormatException {
        check(bytes.length, origin);
        int n = bytes.length / RECORD;
        byte[] pixels = new byte[n * (RECORD - 1)];
        int[] labels = new int[n];
        for (int r = 0; r < n; r++) decode(bytes, r * RECORD, (long) r * RECORD, origin, pixels, labels, r);
        return new ImageDataset(pixels, n, 3, 32, 32, labels);
    }

    private static void check(long size, String origin) throws DatasetFormatException {
        if (size == 0) throw new DatasetFormatException(origin, "CIFAR-10", 0, "", "the file is empty (a record is " + RECORD + " bytes)", null);
        if (size % RECORD != 0)
            throw new DatasetFormatException(origin, "CIFAR-10", size - size % RECORD, "", "the file ends " + size % RECORD + " bytes into record "
                    + size / RECORD + " (records are " + RECORD + " bytes; truncated or not CIFAR-10)", null);
        if (size / RECORD > MAX_RECORDS)
            throw new DatasetFormatException(origin, "CIFAR-10", 0, "", "the file holds more than " + MAX_RECORDS + " records, the most a dataset holds", null);
    }

    private static void decode(byte[] src, int from, long offset, String origin, byte[] pixels, int[] labels, int index) throws DatasetFormatException {
        int label = src[from] & 0xFF;
        if (label > 9) throw new DatasetFormatException(origin, "CIFAR-10", offset, "", "record " + offset / RECORD + " has label " + label + ", not 0..9", null);
        labels[index] = label;
        System.arraycopy(src, from + 1, pixels, index * (RECORD - 1), RECORD - 1);
    }
}
