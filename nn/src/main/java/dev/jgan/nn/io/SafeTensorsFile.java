package dev.jgan.nn.io;

import dev.jgan.autodiff.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of a safetensors file: its {@code __metadata__} and its tensors by name, in the order of their
 * data in the file. Values are converted to float32; {@link Entry#dtype()} keeps the stored type.
 */
public final class SafeTensorsFile {
    /** One tensor: stored element type, shape and values. */
    public record Entry(FileDType dtype, int[] shape, Tensor tensor) {}

    private final Map<String, String> metadata;
    private final Map<String, Entry> entries;

    /** Takes ownership of the two maps (the reader builds them for this file alone; copying would double its bookkeeping). */
    SafeTensorsFile(Map<String, String> metadata, Map<String, Entry> entries) {
        this.metadata = Collections.unmodifiableMap(metadata);
        this.entries = Collections.unmodifiableMap(entries);
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /** The tensors by name, as a state dict. */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) out.put(e.getKey(), e.getValue().tensor());
        return out;
    }
}
