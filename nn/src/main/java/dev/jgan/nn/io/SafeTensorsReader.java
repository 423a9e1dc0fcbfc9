package dev.jgan.nn.io;

import static dev.jgan.nn.io.JsonScanner.shorten;

import dev.jgan.autodiff.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads safetensors files: an 8-byte little-endian header length N, N bytes of UTF-8 JSON naming each
 * tensor's dtype, shape and byte range, then the data, little-endian and row-major.
 *
 * <p>Validation follows the reference implementation and comes before any allocation a header asks for:
 * N at most 100,000,000 and within the file; strict UTF-8 and JSON starting with '{'; no duplicate keys;
 * {@code __metadata__} a string-to-string map; known dtypes; byte ranges that tile the data region exactly
 * (no hole, overlap or trailing byte) and match shape times element size. Tensors are read only after the
 * whole header checked out, so a forged header costs at most its own (bounded, present) bytes.
 *
 * <p>Memory: the header is parsed as it streams by, straight into compact arrays ({@link SafeTensorsHeader}),
 * and the data is converted a 64 KB window at a time into the tensors' own arrays, so reading allocates what the
 * result holds plus a small multiple of the header's size (docs/reliability.md has the measured ratios). Every
 * malformed file raises {@link SafeTensorsFormatException}, naming the file and the byte offset of what broke
 * the rule.
 */
public final class SafeTensorsReader {
    /** The reference implementation's limit on the header size. */
    static final long MAX_HEADER = 100_000_000L;
    /** The most elements a jgan tensor can hold: a Java array's limit, below Shape.numel's 2^31 - 1. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private SafeTensorsReader() {}

    /** Reads a file. */
    public static SafeTensorsFile read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(ByteSource.of(ch, path.toString()), path.toString());
        }
    }

    /** Parses the bytes of a file held in memory. */
    public static SafeTensorsFile parse(byte[] bytes) throws SafeTensorsFormatException {
        try {
            return read(ByteSource.of(bytes), null);
        } catch (SafeTensorsFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new AssertionError("in-memory source cannot fail", e);
        }
    }

    private static SafeTensorsFile read(ByteSource src, String origin) throws IOException {
        long size = src.size();
        if (size < 8) throw new SafeTensorsFormatException(origin, 0, "file of " + size + " bytes is shorter than the 8-byte header length");
        long n = src.window(0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER)
            throw new SafeTensorsFormatException(origin, 0, "header length " + Long.toUnsignedString(n) + " exceeds the limit of " + MAX_HEADER + " bytes");
        if (n > size - 8) throw new SafeTensorsFormatException(origin, 0, "header length " + n + " runs past the end of the file (" + size + " bytes)");
        JsonScanner in = new JsonScanner(src, 8, 8 + n, origin);
        SafeTensorsHeader h = SafeTensorsHeader.parse(in);

        // The data ranges, in file order, must tile [0, dataSize) exactly.
        long dataStart = 8 + n, dataSize = size - dataStart;
        int[] order = h.inDataOrder();
        long at = 0;
        for (int i : order) {
            if (h.begin(i) != at)
                throw in.error(h.offsetsAt(i), "tensor '" + shorten(h.name(i)) + "' starts at byte " + h.begin(i) + " of the data but the previous tensor ends at "
                        + at + (h.begin(i) > at ? " (a hole)" : " (an overlap)"));
            at = h.end(i);
        }
        if (at != dataSize)
            throw in.error(at < dataSize ? dataStart + at : h.offsetsAt(order[order.length - 1]),
                    "tensors cover " + at + " bytes of data but the file holds " + dataSize + (at < dataSize ? " (trailing bytes)" : " (truncated file)"));

        for (int i : order) checkConvertible(h, i, in);
        Map<String, SafeTensorsFile.Entry> entries = new LinkedHashMap<>(order.length * 4 / 3 + 1);
        for (int i : order) entries.put(h.name(i), load(src, dataStart, h, i));
        return new SafeTensorsFile(h.metadata(), entries);
    }

    /** Refuses a valid tensor that jgan cannot hold as float32. */
    private static void checkConvertible(SafeTensorsHeader h, int i, JsonScanner in) throws SafeTensorsFormatException {
        FileDType dtype = h.dtype(i);
        if (dtype == FileDType.F8_E4M3 || dtype == FileDType.F8_E5M2)
            throw in.error(h.dtypeAt(i), "tensor '" + shorten(h.name(i)) + "' has dtype " + dtype + ", which jgan does not convert");
        // NOTE: counted dimension by dimension as Shape.numel counts, so that [65536, 65536, 0] (no elements) is
        // refused here and not by an IllegalArgumentException from Tensor.
        long count = 1;
        for (int k = 0; k < h.rank(i); k++) {
            count *= h.dim(i, k);
            if (count > MAX_ELEMENTS)
                throw in.error(h.shapeAt(i), "tensor '" + shorten(h.name(i)) + "' of shape " + h.shapeText(i)
                        + " is larger than a jgan tensor can be (the product of its leading dimensions passes " + MAX_ELEMENTS + ")");
        }
    }

    /** Converts tensor i's bytes (range and size already validated) to float32, a window at a time, straight into the tensor. */
    private static SafeTensorsFile.Entry load(ByteSource src, long dataStart, SafeTensorsHeader h, int i) throws IOException {
        FileDType dtype = h.dtype(i);
        int[] shape = h.shape(i);
        Tensor t = Tensor.zeros(shape);
        float[] out = t.buffer();
        int size = dtype.size();
        long position = dataStart + h.begin(i);
        for (int done = 0; done < out.length; ) {
            ByteBuffer w = src.window(position, (long) (out.length - done) * size).order(ByteOrder.LITTLE_ENDIAN);
            int k = w.remaining() / size;
            decode(dtype, w, out, done, k);
            done += k;
            position += (long) k * size;
        }
        return new SafeTensorsFile.Entry(dtype, shape, t);
    }

    /** Converts k elements of the given type from w into out[at ..]. */
    private static void decode(FileDType dtype, ByteBuffer w, float[] out, int at, int k) {
        int to = at + k;
        switch (dtype) {
            case F32: for (int j = at; j < to; j++) out[j] = w.getFloat(); break; // NOTE: not asFloatBuffer(), a view object per window
            case F64: for (int j = at; j < to; j++) out[j] = (float) w.getDouble(); break;
            case F16: for (int j = at; j < to; j++) out[j] = halfToFloat(w.getShort()); break;
            case BF16: for (int j = at; j < to; j++) out[j] = Float.intBitsToFloat((w.getShort() & 0xffff) << 16); break;
            case I64: for (int j = at; j < to; j++) out[j] = (float) w.getLong(); break;
            case U64: for (int j = at; j < to; j++) out[j] = unsignedLongToFloat(w.getLong()); break;
            case I32: for (int j = at; j < to; j++) out[j] = (float) w.getInt(); break;
            case U32: for (int j = at; j < to; j++) out[j] = (float) (w.getInt() & 0xffffffffL); break;
            case I16: for (int j = at; j < to; j++) out[j] = w.getShort(); break;
            case U16: for (int j = at; j < to; j++) out[j] = w.getShort() & 0xffff; break;
            case I8: for (int j = at; j < to; j++) out[j] = w.get(); break;
            case U8: for (int j = at; j < to; j++) out[j] = w.get() & 0xff; break;
            case BOOL: for (int j = at; j < to; j++) out[j] = w.get() != 0 ? 1f : 0f; break;
            default: throw new AssertionError(dtype);
        }
    }

    /** IEEE 754 binary16 to float32 (exact: every half value is a float). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16, exp = (bits >>> 10) & 0x1f, mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));  // inf, NaN
        if (exp != 0) return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13)); // normal: rebias 15 -> 127
        float sub = mant * 0x1p-24f;                                                         // subnormal or zero
        return sign != 0 ? -sub : sub;
    }

    private static float unsignedLongToFloat(long x) {
        return x >= 0 ? (float) x : (float) ((x >>> 1) * 2.0 + (x & 1));
    }
}
