package dev.jgan.nn.io;

import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.DType;
import dev.jgan.nn.LoadResult;
import dev.jgan.nn.Module;
import dev.jgan.nn.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A module's state dict (or an optimizer's state) as a safetensors file, with PyTorch's names and layouts, so that
 * {@code safetensors.torch.load_file} + {@code load_state_dict} read it into the same network written in
 * PyTorch, and {@code save_file(model.state_dict())} files load back here. Writes are atomic.
 */
public final class Checkpoint {
    private Checkpoint() {}

    /** Saves {@code module.stateDict()} to path (metadata {@code format: pt}, as PyTorch's own tools write). */
    public static void save(Module module, Path path) throws IOException {
        save(module, path, Map.of());
    }

    /** Saves with extra string metadata (e.g. the step number). */
    public static void save(Module module, Path path, Map<String, String> metadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.putAll(metadata);
        SafeTensorsWriter.write(path, module.stateDict(), module.stateDictDTypes(), meta);
    }

    /**
     * Loads a file into {@code module}. Every difference is collected first: with {@code strict}, missing and
     * unexpected names fail; shape and dtype mismatches always fail; the error lists them all and nothing is
     * loaded. Returns the keys skipped by a non-strict load.
     */
    public static LoadResult load(Module module, Path path, boolean strict) throws IOException {
        SafeTensorsFile file = SafeTensorsReader.read(path);
        Map<String, String> stored = new LinkedHashMap<>();
        for (Map.Entry<String, SafeTensorsFile.Entry> e : file.entries().entrySet()) stored.put(e.getKey(), e.getValue().dtype().name());
        try {
            return module.loadStateDict(file.tensors(), stored, strict, "file");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    /** Saves an optimizer's state ({@link Optimizer#stateDict()}) atomically; with the module's checkpoint it resumes a run exactly. */
    public static void save(Optimizer optimizer, Path path) throws IOException {
        Optimizer.StateDict sd = optimizer.stateDict();
        Map<String, DType> dtypes = new LinkedHashMap<>();
        for (String k : sd.tensors().keySet()) dtypes.put(k, DType.F32);
        SafeTensorsWriter.write(path, sd.tensors(), dtypes, sd.metadata());
    }

    /** Loads a file written by {@link #save(Optimizer, Path)} into an optimizer of the same kind over the same parameter shapes. */
    public static void load(Optimizer optimizer, Path path) throws IOException {
        SafeTensorsFile file = SafeTensorsReader.read(path);
        try {
            optimizer.loadStateDict(new Optimizer.StateDict(file.tensors(), file.metadata()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("optimizer checkpoint " + path + ": " + e.getMessage(), e);
        }
    }
}
