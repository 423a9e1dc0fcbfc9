package dev.jgan.nn.io;

import java.io.IOException;

/** A safetensors file that breaks the format's rules (or that jgan cannot hold); the message says which rule. */
public final class SafeTensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public SafeTensorsFormatException(String message) {
        super(message);
    }

    public SafeTensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
