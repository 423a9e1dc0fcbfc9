package dev.jgan.nn.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Legal safetensors files of the kinds whose reading cost is measured: mostly data, mostly header, and headers
 * made large by what the reader discards (whitespace, ignored fields). Built by hand, not by the writer, so the
 * reader's tests do not depend on it.
 */
final class SafeTensorsSamples {
    private SafeTensorsSamples() {}

    /** A file of the given header text (UTF-8) and data bytes. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).put(data).array();
    }

    static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    /** DCGAN-discriminator-like F32 weights, about 2.8 MB, mostly data. */
    static byte[] f32Weights() {
        int[][] shapes = {{64, 3, 4, 4}, {128, 64, 4, 4}, {128}, {128}, {256, 128, 4, 4}, {256}, {256}, {1, 256, 4, 4}};
        StringBuilder h = new StringBuilder("{");
        long at = 0;
        for (int i = 0; i < shapes.length; i++) {
            long bytes = 4L * Arrays.stream(shapes[i]).asLongStream().reduce(1, (a, b) -> a * b);
            if (i > 0) h.append(',');
            h.append(entry("main." + i + ".weight", "F32", Arrays.toString(shapes[i]).replace(" ", ""), at, at + bytes));
            at += bytes;
        }
        byte[] data = new byte[(int) at];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31 + 7);
        return file(h.append('}').toString(), data);
    }

    /** One U8 tensor of 2 MB (an image batch as stored by a data pipeline). */
    static byte[] u8Images() {
        int n = 2 << 20;
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) data[i] = (byte) i;
        return file("{" + entry("images", "U8", "[32,64,32,32]", 0, n) + "}", data);
    }

    /** 40,000 four-element F32 tensors: header and data of similar size. */
    static byte[] manySmallTensors() {
        int count = 40_000;
        StringBuilder h = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            if (i > 0) h.append(',');
            h.append(entry("layer" + i + ".bias", "F32", "[4]", 16L * i, 16L * i + 16));
        }
        return file(h.append('}').toString(), new byte[16 * count]);
    }

    /** 40,000 empty tensors: all header, the result is all bookkeeping. */
    static byte[] manyEmptyTensors() {
        int count = 40_000;
        StringBuilder h = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            if (i > 0) h.append(',');
            h.append(entry("e" + i, "F32", "[0]", 0, 0));
        }
        return file(h.append('}').toString(), new byte[0]);
    }

    /** One scalar-sized tensor whose shape lists 500,000 ones: the header is the shape. */
    static byte[] longShape() {
        int rank = 500_000;
        String shape = "[" + "1,".repeat(rank - 1) + "1]";
        return file("{" + entry("s", "F32", shape, 0, 4) + "}", new byte[4]);
    }

    /** A 1 MB metadata value beside one small tensor. */
    static byte[] longMetadata() {
        String value = "abcdefgh".repeat(1 << 17);
        return file("{\"__metadata__\":{\"notes\":\"" + value + "\"}," + entry("w", "F32", "[2]", 0, 8) + "}", new byte[8]);
    }

    /**
     * Writes a legal file whose header has exactly {@code headerBytes} bytes, made large by what the reader skips:
     * ten two-element F32 tensors, each with a field the format does not define (a long array of numbers, checked
     * and ignored as the reference implementation ignores unknown fields), then space padding. Streams, so a
     * 100 MB header costs the writer no memory.
     */
    static void writeLargeSkippedHeader(OutputStream out, int headerBytes) throws IOException {
        int tensors = 10;
        byte[] number = "12345,".getBytes(StandardCharsets.US_ASCII);
        int numbersPerTensor = headerBytes / tensors / 2 / number.length;
        String[] heads = new String[tensors];
        long total = 2; // { }
        for (int i = 0; i < tensors; i++) {
            heads[i] = (i > 0 ? "," : "") + "\"t" + i + "\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + 8 * i + "," + (8 * i + 8) + "],\"provenance\":[";
            total += heads[i].length() + (long) numbersPerTensor * number.length + "0]}".length();
        }
        if (total > headerBytes) throw new IllegalArgumentException("header of " + headerBytes + " bytes is too small");
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes);
        out.write(length.array());
        out.write('{');
        for (int i = 0; i < tensors; i++) {
            out.write(heads[i].getBytes(StandardCharsets.US_ASCII));
            for (int k = 0; k < numbersPerTensor; k++) out.write(number);
            out.write("0]}".getBytes(StandardCharsets.US_ASCII));
        }
        out.write('}');
        byte[] spaces = " ".repeat(4096).getBytes(StandardCharsets.US_ASCII);
        for (long k = total; k < headerBytes; k += spaces.length) out.write(spaces, 0, (int) Math.min(spaces.length, headerBytes - k));
        ByteBuffer data = ByteBuffer.allocate(8 * tensors).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < tensors; i++) data.putFloat(i).putFloat(-i);
        out.write(data.array());
    }

    /** {@link #writeLargeSkippedHeader} in memory. */
    static byte[] largeSkippedHeader(int headerBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(headerBytes + 100);
        try {
            writeLargeSkippedHeader(out, headerBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
