package dev.jgan.gan.data;

import java.util.Arrays;

/**
 * The contents of an IDX file ({@link IdxReader#read}): its element type, its dimensions and its data, still in the
 * file's big-endian row-major bytes. {@link #toFloats()} converts any type; {@link IdxReader#images} and
 * {@link IdxReader#labels} interpret the usual MNIST layouts.
 */
public final class IdxFile {
    /** The element types of IDX, by their type byte (the third byte of the magic number). */
    public enum Type {
        UBYTE(0x08, 1), SBYTE(0x09, 1), INT16(0x0B, 2), INT32(0x0C, 4), FLOAT32(0x0D, 4), FLOAT64(0x0E, 8);

        /** The type byte. */
        public final int code;
        /** Bytes per element. */
        public final int size;

        Type(int code, int size) {
            this.code = code;
            this.size = size;
        }

        /** The type of a type byte, or {@code null} for a byte IDX does not define. */
        static Type of(int code) {
            for (Type t : values()) if (t.code == code) return t;
            return null;
        }
    }

    private final Type type;
    private final int[] dims;
    private final byte[] data;

    IdxFile(Type type, int[] dims, byte[] data) {
        this.type = type;
        this.dims = dims;
        this.data = data;
    }

    public Type type() {
        return type;
    }

    /** The dimensions (a copy), outermost first. */
    public int[] dims() {
        return dims.clone();
    }

    /** The number of elements, the product of the dimensions. */
    public int numel() {
        return data.length / type.size;
    }

    /** The data bytes, big-endian and row-major, as in the file (the array itself, not a copy). */
    byte[] rawData() {
        return data;
    }

    /** Every element as a float (exact for UBYTE, SBYTE and INT16; INT32 beyond 2^24 and FLOAT64 are rounded). */
    public float[] toFloats() {
        int n = numel();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) value(i);
        return out;
    }

    /** Element i as a double (exact for every type). */
    public double value(int i) {
        int o = i * type.size;
        switch (type) {
            case UBYTE: return data[o] & 0xFF;
            case SBYTE: return data[o];
            case INT16: return (short) ((data[o] & 0xFF) << 8 | data[o + 1] & 0xFF);
            case INT32: return int32(o);
            case FLOAT32: return Float.intBitsToFloat(int32(o));
            case FLOAT64: return Double.longBitsToDouble((long) int32(o) << 32 | int32(o + 4) & 0xFFFFFFFFL);
            default: throw new AssertionError(type);
        }
    }

    private int int32(int o) {
        return (data[o] & 0xFF) << 24 | (data[o + 1] & 0xFF) << 16 | (data[o + 2] & 0xFF) << 8 | data[o + 3] & 0xFF;
    }

    @Override
    public String toString() {
        return "IDX " + type + " " + Arrays.toString(dims);
    }
}
