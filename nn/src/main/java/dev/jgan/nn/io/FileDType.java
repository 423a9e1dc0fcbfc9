package dev.jgan.nn.io;

/**
 * The element types a safetensors header may name, with their sizes in bytes. The reader knows them all so
 * it can validate any file; it converts the numeric ones to float32 on load (F8 types are refused).
 * Declaration order is the format's dtype order, which writers use to sort entries (larger first).
 */
public enum FileDType {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4), F64(8), I64(8), U64(8);

    private final int size;

    FileDType(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** The type named {@code name} in a header, or null if there is none. */
    static FileDType byName(String name) {
        for (FileDType d : values()) if (d.name().equals(name)) return d;
        return null;
    }
}
