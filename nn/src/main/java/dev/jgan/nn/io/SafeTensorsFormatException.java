package dev.jgan.nn.io;

import java.io.IOException;

/**
 * A safetensors file that breaks the format's rules (or that jgan cannot hold); the message says which rule, the
 * file and, for files the reader rejects, the byte offset of what broke it ({@link #offset()}).
 */
public final class SafeTensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    public SafeTensorsFormatException(String message) {
        this(message, null);
    }

    public SafeTensorsFormatException(String message, Throwable cause) {
        super(message, cause);
        this.offset = -1;
    }

    /** A rejection by the reader: "{origin}: invalid safetensors file at byte {offset}: {what}" (no origin for bytes in memory). */
    SafeTensorsFormatException(String origin, long offset, String what) {
        super((origin == null ? "" : origin + ": ") + "invalid safetensors file at byte " + offset + ": " + what);
        this.offset = offset;
    }

    /** The byte offset in the file of the field or byte that broke a rule, or -1 when the exception names none. */
    public long offset() {
        return offset;
    }
}
