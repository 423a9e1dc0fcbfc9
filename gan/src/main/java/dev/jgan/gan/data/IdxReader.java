package dev.jgan.gan.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, plain or gzipped (recognised by the gzip magic
 * {@code 1f 8b}, whatever the file's name). An IDX file is big-endian: the magic number {@code 00 00 <type> <ndims>}
 * (type 08 ubyte, 09 sbyte, 0B int16, 0C int32, 0D float32, 0E float64), then ndims int32 dimensions, then the
 * elements in row-major order. Images are {@code 00000803} (N, H, W), labels {@code 00000801} (N).
 *
 * <p>Validation comes before any allocation the header asks for: the magic, the type, 1 to {@value #MAX_NDIMS}
 * dimensions, each >= 0, their product times the element size at most {@value #MAX_DATA_BYTES} bytes (a Java array)
 * and, for a plain file, exactly the bytes that follow the header: a truncated file and trailing bytes are both
 * rejected. A gzipped file's length is known only once decompressed, so its data is read in chunks of at most 1 MB
 * and the buffer grows with what actually arrives: a forged header costs nothing it does not deliver. Every problem
 * raises {@link DatasetFormatException} naming the file and the byte offset (of the decompressed data, for a gzipped
 * file).
 */
public final class IdxReader {
    /** The most dimensions accepted (MNIST has 3; the format allows 255). */
    public static final int MAX_NDIMS = 16;
    /** The largest data section accepted: a Java array's limit. */
    public static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8;
    private static final int CHUNK = 1 << 20;

    private IdxReader() {}

    /** Reads an IDX file of any type and shape. */
    public static IdxFile read(Path path) throws IOException {
        long size = Files.size(path);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            return read(in, size, path.toString());
        }
    }

    /** Parses the bytes of an IDX file held in memory ({@code origin} names it in errors, or null). */
    public static IdxFile parse(byte[] bytes, String origin) throws DatasetFormatException {
        try {
            return read(new ByteArrayInputStream(bytes), bytes.length, origin);
        } catch (DatasetFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new AssertionError("an in-memory source cannot fail", e);
        }
    }

    /**
     * Reads an image file: ubyte, (N, H, W) as [N, 1, H, W] gray images, or (N, H, W, C) with C in {1, 3} (channels
     * last, as some IDX exports have them) as [N, C, H, W]; unlabelled.
     */
    public static ImageDataset images(Path path) throws IOException {
        return images(read(path), path.toString(), null);
    }

    /** Reads a label file: ubyte, (N), one label 0..255 per image. */
    public static int[] labels(Path path) throws IOException {
        return labels(read(path), path.toString());
    }

    /** Reads an image file and its label file (MNIST's pairs), which must hold the same number of items. */
    public static ImageDataset read(Path images, Path labels) throws IOException {
        IdxFile imageFile = read(images);
        int[] l = labels(read(labels), labels.toString());
        if (l.length != imageFile.dims()[0])
            throw new DatasetFormatException(labels.toString(), "IDX", 4, "", l.length + " labels but " + images + " holds " + imageFile.dims()[0] + " images", null);
        return images(imageFile, images.toString(), l);
    }

    /** {@link #images(Path)} of bytes in memory. */
    static ImageDataset images(IdxFile f, String origin, int[] labels) throws DatasetFormatException {
        int[] d = f.dims();
        if (f.type() != IdxFile.Type.UBYTE)
            throw new DatasetFormatException(origin, "IDX image", 2, "", "images must be ubyte (type 0x08), got " + f.type(), null);
        if (d.length == 3 && d[1] >= 1 && d[2] >= 1)
            return new ImageDataset(f.rawData(), d[0], 1, d[1], d[2], labels);
        if (d.length == 4 && d[1] >= 1 && d[2] >= 1 && (d[3] == 1 || d[3] == 3)) {
            byte[] src = f.rawData(), chw = new byte[src.length];
            int n = d[0], h = d[1], w = d[2], c = d[3], hw = h * w;
            for (int i = 0; i < n; i++)            // [N, H, W, C] -> [N, C, H, W]
                for (int p = 0; p < hw; p++)
                    for (int k = 0; k < c; k++) chw[(i * c + k) * hw + p] = src[(i * hw + p) * c + k];
            return new ImageDataset(chw, n, c, h, w, labels);
        }
        throw new DatasetFormatException(origin, "IDX image", 3, "", "images must be (N, H, W) or (N, H, W, C) with H, W >= 1 and C in {1, 3}, got "
                + Arrays.toString(d), null);
    }

    static int[] labels(IdxFile f, String origin) throws DatasetFormatException {
        if (f.type() != IdxFile.Type.UBYTE)
            throw new DatasetFormatException(origin, "IDX label", 2, "", "labels must be ubyte (type 0x08), got " + f.type(), null);
        if (f.dims().length != 1)
            throw new DatasetFormatException(origin, "IDX label", 3, "", "labels must have one dimension (N), got " + Arrays.toString(f.dims()), null);
        byte[] b = f.rawData();
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i] & 0xFF;
        return out;
    }

    private static IdxFile read(InputStream raw, long size, String origin) throws IOException {
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        boolean gzipped = b0 == 0x1f && b1 == 0x8b;
        Counting in;
        if (gzipped) {
            try {
                in = new Counting(new GZIPInputStream(raw, 1 << 16), origin, true);
            } catch (ZipException | java.io.EOFException e) {
                throw new DatasetFormatException(origin, "gzipped IDX", 0, "", "bad gzip header: " + e.getMessage(), e);
            }
        } else {
            in = new Counting(raw, origin, false);
        }

        byte[] magic = in.readFully(4, "the magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw in.error(0, String.format("the magic number must start with two zero bytes, got %02x %02x", magic[0] & 0xFF, magic[1] & 0xFF));
        IdxFile.Type type = IdxFile.Type.of(magic[2] & 0xFF);
        if (type == null)
            throw in.error(2, String.format("unknown type byte 0x%02x (known: 08 ubyte, 09 sbyte, 0B int16, 0C int32, 0D float32, 0E float64)", magic[2] & 0xFF));
        int ndims = magic[3] & 0xFF;
        if (ndims < 1 || ndims > MAX_NDIMS) throw in.error(3, "the number of dimensions must be 1.." + MAX_NDIMS + ", got " + ndims);

        int[] dims = new int[ndims];
        long bytes = type.size;
        for (int i = 0; i < ndims; i++) {
            long at = 4 + 4L * i;
            byte[] b = in.readFully(4, "dimension " + i);
            int d = (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
            if (d < 0) throw in.error(at, "dimension " + i + " is negative: " + d);
            dims[i] = d;
            bytes *= d; // stays below 2^31 * 2^31: checked against the limit at every step
            if (bytes > MAX_DATA_BYTES)
                throw in.error(at, "dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1)) + " of " + type + " need more than "
                        + MAX_DATA_BYTES + " bytes, the most an array holds");
        }
        long header = 4 + 4L * ndims;
        if (!gzipped && header + bytes != size) {
            if (header + bytes > size)
                throw in.error(size, "the file ends after " + (size - header) + " of the " + bytes + " data bytes that dimensions "
                        + Arrays.toString(dims) + " of " + type + " need (truncated)");
            throw in.error(header + bytes, (size - header - bytes) + " trailing bytes after the data of dimensions " + Arrays.toString(dims));
        }
        byte[] data = in.readData((int) bytes, "the data of dimensions " + Arrays.toString(dims) + " of " + type);
        if (in.read() >= 0) throw in.error(header + bytes, "trailing bytes after the data of dimensions " + Arrays.toString(dims));
        return new IdxFile(type, dims, data);
    }

    /** Reads a stream counting its bytes, turning ends and gzip errors into errors that name the offset. */
    private static final class Counting {
        private final InputStream in;
        private final String origin, format, where;
        private long position;

        Counting(InputStream in, String origin, boolean gzipped) {
            this.in = in;
            this.origin = origin;
            this.format = gzipped ? "gzipped IDX" : "IDX";
            this.where = gzipped ? " of its decompressed data" : "";
        }

        DatasetFormatException error(long offset, String what) {
            return new DatasetFormatException(origin, format, offset, where, what, null);
        }

        int read() throws DatasetFormatException {
            try {
                return in.read();
            } catch (IOException e) {
                throw corrupt(e);
            }
        }

        byte[] readFully(int n, String what) throws DatasetFormatException {
            byte[] b = new byte[n];
            fill(b, 0, n, what, n);
            return b;
        }

        /** n bytes, in a buffer that grows by at most {@value #CHUNK} bytes beyond what has arrived. */
        byte[] readData(int n, String what) throws DatasetFormatException {
            byte[] b = new byte[Math.min(n, CHUNK)];
            int got = 0;
            while (got < n) {
                if (got == b.length) b = Arrays.copyOf(b, (int) Math.min(n, Math.max((long) b.length * 2, CHUNK)));
                int want = b.length - got;
                fill(b, got, want, what, n);
                got += want;
            }
            return b;
        }

        private void fill(byte[] b, int off, int len, String what, int total) throws DatasetFormatException {
            long start = position - off;
            while (len > 0) {
                int r;
                try {
                    r = in.read(b, off, len);
                } catch (IOException e) {
                    throw corrupt(e);
                }
                if (r < 0) throw error(position, "the file ends after " + (position - start) + " of the " + total + " bytes of " + what + " (truncated)");
                position += r;
                off += r;
                len -= r;
            }
        }

        private DatasetFormatException corrupt(IOException e) {
            // EOFException: a gzip stream cut short; ZipException: a bad block or checksum
            return new DatasetFormatException(origin, format, position, where, "corrupt or truncated gzip stream: " + e.getMessage(), e);
        }
    }
}
