package dev.jgan.nn.io;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
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
 */
public final class SafeTensorsReader {
    /** The reference implementation's limit on the header size. */
    static final long MAX_HEADER = 100_000_000L;

    private SafeTensorsReader() {}

    /** Reads a file. */
    public static SafeTensorsFile read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(new Source() {
                @Override
                public long size() throws IOException {
                    return ch.size();
                }

                @Override
                public void readFully(long position, ByteBuffer dst) throws IOException {
                    while (dst.hasRemaining()) {
                        int n = ch.read(dst, position);
                        if (n < 0) throw new SafeTensorsFormatException("file " + path + " ended while reading (it changed during the read?)");
                        position += n;
                    }
                }
            });
        } catch (SafeTensorsFormatException e) {
            throw new SafeTensorsFormatException(path + ": " + e.getMessage(), e);
        }
    }

    /** Parses the bytes of a file held in memory. */
    public static SafeTensorsFile parse(byte[] bytes) throws SafeTensorsFormatException {
        try {
            return read(new Source() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public void readFully(long position, ByteBuffer dst) {
                    dst.put(bytes, (int) position, dst.remaining());
                }
            });
        } catch (SafeTensorsFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new AssertionError("in-memory source cannot fail", e);
        }
    }

    /** Random access to the bytes of a file. */
    private interface Source {
        long size() throws IOException;

        /** Fills dst from the given position; the caller has checked the range lies within size(). */
        void readFully(long position, ByteBuffer dst) throws IOException;
    }

    /** A header entry, validated. */
    private record Item(String name, FileDType dtype, int[] shape, long begin, long end) {}

    private static SafeTensorsFile read(Source src) throws IOException {
        long size = src.size();
        if (size < 8) throw bad("file of " + size + " bytes is shorter than the 8-byte header length");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        src.readFully(0, lenBuf);
        long n = lenBuf.getLong(0);
        if (n < 0 || n > MAX_HEADER)
            throw bad("header length " + Long.toUnsignedString(n) + " exceeds the limit of " + MAX_HEADER + " bytes");
        if (n > size - 8) throw bad("header length " + n + " runs past the end of the file (" + size + " bytes)");
        ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
        src.readFully(8, headerBuf);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBuf.flip()).toString();
        } catch (CharacterCodingException e) {
            throw bad("header is not valid UTF-8");
        }
        if (text.isEmpty() || text.charAt(0) != '{') throw bad("header must be a JSON object starting with '{'");
        Object root = Json.parse(text);
        if (!(root instanceof Map)) throw bad("header is not a JSON object");
        long dataSize = size - 8 - n;

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Item> items = new ArrayList<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) root).entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) metadata = metadata(e.getValue());
            else items.add(item(name, e.getValue()));
        }
        // The data ranges, in file order, must tile [0, dataSize) exactly.
        items.sort(Comparator.comparingLong(Item::begin).thenComparingLong(Item::end));
        long at = 0;
        for (Item it : items) {
            if (it.begin() != at)
                throw bad("tensor '" + it.name() + "' starts at byte " + it.begin() + " of the data but the previous tensor ends at " + at
                        + (it.begin() > at ? " (a hole)" : " (an overlap)"));
            at = it.end();
        }
        if (at != dataSize)
            throw bad("tensors cover " + at + " bytes of data but the file holds " + dataSize + (at < dataSize ? " (trailing bytes)" : " (truncated file)"));

        Map<String, SafeTensorsFile.Entry> entries = new LinkedHashMap<>();
        for (Item it : items) entries.put(it.name(), new SafeTensorsFile.Entry(it.dtype(), it.shape().clone(), load(src, 8 + n, it)));
        return new SafeTensorsFile(metadata, entries);
    }

    private static Map<String, String> metadata(Object value) throws SafeTensorsFormatException {
        if (!(value instanceof Map)) throw bad("__metadata__ must be an object of strings");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
            if (!(e.getValue() instanceof String)) throw bad("__metadata__ value for \"" + e.getKey() + "\" is not a string");
            out.put((String) e.getKey(), (String) e.getValue());
        }
        return out;
    }

    /** Validates one tensor's header entry (not yet against its neighbours). */
    private static Item item(String name, Object value) throws SafeTensorsFormatException {
        if (!(value instanceof Map)) throw bad("entry '" + name + "' is not an object");
        Map<?, ?> m = (Map<?, ?>) value;
        Object dt = m.get("dtype");
        if (!(dt instanceof String)) throw bad("entry '" + name + "' has no string \"dtype\"");
        FileDType dtype = FileDType.byName((String) dt);
        if (dtype == null) throw bad("entry '" + name + "' has unknown dtype \"" + dt + "\"");
        long[] shapeL = integers(name, "shape", m.get("shape"), -1);
        long[] offsets = integers(name, "data_offsets", m.get("data_offsets"), 2);
        int[] shape = new int[shapeL.length];
        long numel = 1;
        for (int i = 0; i < shapeL.length; i++) {
            if (shapeL[i] > Integer.MAX_VALUE) throw bad("entry '" + name + "' has dimension " + shapeL[i] + ", too large");
            shape[i] = (int) shapeL[i];
            try {
                numel = Math.multiplyExact(numel, shapeL[i]);
            } catch (ArithmeticException overflow) {
                throw bad("entry '" + name + "' has a shape whose element count overflows 64 bits");
            }
        }
        long begin = offsets[0], end = offsets[1];
        if (end < begin) throw bad("entry '" + name + "' has data_offsets [" + begin + ", " + end + "] that end before they begin");
        long bytes;
        try {
            bytes = Math.multiplyExact(numel, (long) dtype.size());
        } catch (ArithmeticException overflow) {
            throw bad("entry '" + name + "' has a byte size that overflows 64 bits");
        }
        if (end - begin != bytes)
            throw bad("entry '" + name + "' of dtype " + dtype + " and shape " + Shape.str(shape) + " needs " + bytes
                    + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        return new Item(name, dtype, shape, begin, end);
    }

    /** A JSON array of non-negative integers (of the given length, unless -1). */
    private static long[] integers(String name, String field, Object value, int length) throws SafeTensorsFormatException {
        if (!(value instanceof List)) throw bad("entry '" + name + "' has no array \"" + field + "\"");
        List<?> list = (List<?>) value;
        if (length >= 0 && list.size() != length) throw bad("entry '" + name + "' has \"" + field + "\" of " + list.size() + " values, not " + length);
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            if (!(v instanceof Long) || (Long) v < 0) throw bad("entry '" + name + "' has \"" + field + "\" value " + describe(v) + ", not a non-negative integer");
            out[i] = (Long) v;
        }
        return out;
    }

    private static String describe(Object v) {
        return v == Json.NULL ? "null" : v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
    }

    /** Reads one tensor's bytes (range already validated) and converts them to float32. */
    private static Tensor load(Source src, long dataStart, Item it) throws IOException {
        long bytes = it.end() - it.begin();
        long numel = bytes / it.dtype().size();
        if (bytes > Integer.MAX_VALUE - 8 || numel > Integer.MAX_VALUE - 8)
            throw bad("tensor '" + it.name() + "' of " + bytes + " bytes is larger than a jgan tensor can be");
        if (it.dtype() == FileDType.F8_E4M3 || it.dtype() == FileDType.F8_E5M2)
            throw bad("tensor '" + it.name() + "' has dtype " + it.dtype() + ", which jgan does not convert");
        ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        src.readFully(dataStart + it.begin(), buf);
        buf.flip();
        float[] out = new float[(int) numel];
        switch (it.dtype()) {
            case F32: buf.asFloatBuffer().get(out); break;
            case F64: for (int i = 0; i < out.length; i++) out[i] = (float) buf.getDouble(); break;
            case F16: for (int i = 0; i < out.length; i++) out[i] = halfToFloat(buf.getShort()); break;
            case BF16: for (int i = 0; i < out.length; i++) out[i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16); break;
            case I64: for (int i = 0; i < out.length; i++) out[i] = (float) buf.getLong(); break;
            case U64: for (int i = 0; i < out.length; i++) out[i] = unsignedLongToFloat(buf.getLong()); break;
            case I32: for (int i = 0; i < out.length; i++) out[i] = (float) buf.getInt(); break;
            case U32: for (int i = 0; i < out.length; i++) out[i] = (float) (buf.getInt() & 0xffffffffL); break;
            case I16: for (int i = 0; i < out.length; i++) out[i] = buf.getShort(); break;
            case U16: for (int i = 0; i < out.length; i++) out[i] = buf.getShort() & 0xffff; break;
            case I8: for (int i = 0; i < out.length; i++) out[i] = buf.get(); break;
            case U8: for (int i = 0; i < out.length; i++) out[i] = buf.get() & 0xff; break;
            case BOOL: for (int i = 0; i < out.length; i++) out[i] = buf.get() != 0 ? 1f : 0f; break;
            default: throw new AssertionError(it.dtype());
        }
        return Tensor.of(out, it.shape());
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

    private static SafeTensorsFormatException bad(String message) {
        return new SafeTensorsFormatException("invalid safetensors file: " + message);
    }
}
