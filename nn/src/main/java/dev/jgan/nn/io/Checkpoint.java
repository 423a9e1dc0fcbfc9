package dev.jgan.nn.io;

import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.DType;
import dev.jgan.nn.LoadResult;
import dev.jgan.nn.Module;
import dev.jgan.nn.SpectralNorm;
import dev.jgan.nn.optim.Optimizer;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A module's state dict (or an optimizer's state) as a safetensors file, with PyTorch's names and layouts, so that
 * {@code safetensors.torch.load_file} + {@code load_state_dict} read it into the same network written in
 * PyTorch, and {@code save_file(model.state_dict())} files load back here. Writes are atomic. A whole training
 * run's state (modules, optimizers, generators, counters) is one {@link TrainingCheckpoint} instead.
 */
public final class Checkpoint {
    private Checkpoint() {}

    /** Saves {@code module.stateDict()} to path (metadata {@code format: pt}, as PyTorch's own tools write). */
    public static void save(Module module, Path path) throws IOException {
        save(module, path, Map.of());
    }

    /** Saves with extra string metadata (e.g. the step number); entries are written sorted by key. */
    public static void save(Module module, Path path, Map<String, String> metadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.putAll(metadata);
        SafeTensorsWriter.write(path, module.stateDict(), module.stateDictDTypes(), meta);
    }

    /**
     * Loads a file into {@code module}. Every difference is collected first: with {@code strict}, missing and
     * unexpected names fail; shape and dtype mismatches always fail; the error lists them all and nothing is
     * loaded. Floating-point entries stored as F64, F16 or BF16 load cast to float32 ({@link DType#canLoad}).
     * Spectral-norm state under PyTorch's parametrization names ({@code <layer>.parametrizations.weight.original},
     * {@code ...weight.0._u}, {@code ...weight.0._v}) loads as the legacy {@code weight_orig}, {@code weight_u},
     * {@code weight_v} ({@link SpectralNorm#parametrizationKeys}). Returns the keys skipped by a non-strict load.
     */
    public static LoadResult load(Module module, Path path, boolean strict) throws IOException {
        SafeTensorsFile file = read(path);
        if (kind(file) != Kind.MODULE)
            throw new IllegalArgumentException("checkpoint " + path + " holds " + describe(file) + ", not a module's state dict (written by"
                    + " Checkpoint.save(Module, Path)); expected the state of " + module.getClass().getSimpleName());
        Map<String, String> aliases = SpectralNorm.parametrizationKeys(module);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> stored = new LinkedHashMap<>();
        Map<String, String> renamed = new LinkedHashMap<>(); // module key -> the file's key
        for (Map.Entry<String, SafeTensorsFile.Entry> e : file.entries().entrySet()) {
            String key = aliases.getOrDefault(e.getKey(), e.getKey());
            if (tensors.containsKey(key))
                throw new IllegalArgumentException("checkpoint " + path + ": '" + e.getKey() + "' and '" + renamed.getOrDefault(key, key)
                        + "' are the same spectral-norm tensor under PyTorch's parametrization and legacy names; a file holds one form");
            if (!key.equals(e.getKey())) renamed.put(key, e.getKey());
            tensors.put(key, e.getValue().tensor());
            stored.put(key, e.getValue().dtype().name());
        }
        try {
            return module.loadStateDict(tensors, stored, strict, "file");
        } catch (IllegalArgumentException e) {
            String note = renamed.isEmpty() ? "" : "\n  (read under jgan's names: " + renamed + ")";
            throw new IllegalArgumentException("checkpoint " + path + ": " + e.getMessage() + note, e);
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
        SafeTensorsFile file = read(path);
        if (kind(file) != Kind.OPTIMIZER)
            throw new IllegalArgumentException("optimizer checkpoint " + path + " holds " + describe(file) + ", not an optimizer's state (written by"
                    + " Checkpoint.save(Optimizer, Path)); expected the state of " + optimizer.getClass().getSimpleName() + " over "
                    + optimizer.parameters().size() + " parameters");
        try {
            optimizer.loadStateDict(new Optimizer.StateDict(file.tensors(), file.metadata()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("optimizer checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- the kinds of checkpoint files

    /** What a checkpoint file holds, told by its metadata. */
    enum Kind {
        MODULE, OPTIMIZER, TRAINING
    }

    /** Reads a checkpoint file; a directory is refused naming the path (the reader would only say "Is a directory"). */
    static SafeTensorsFile read(Path path) throws IOException {
        if (Files.isDirectory(path)) throw new FileSystemException(path.toString(), null, "is a directory, not a checkpoint file");
        return SafeTensorsReader.read(path);
    }

    /** A training checkpoint by its format entry, an optimizer's state by its 'optimizer' entry, else a state dict. */
    static Kind kind(SafeTensorsFile file) {
        Map<String, String> meta = file.metadata();
        if (TrainingCheckpoint.FORMAT.equals(meta.get("format"))) return Kind.TRAINING;
        if (meta.containsKey("optimizer")) return Kind.OPTIMIZER;
        return Kind.MODULE;
    }

    /** A file's kind in words, for messages: "a module's state dict (7 tensors: '0.weight', ...)". */
    static String describe(SafeTensorsFile file) {
        switch (kind(file)) {
            case TRAINING: return "a training checkpoint (written by TrainingCheckpoint.save)";
            case OPTIMIZER: return "the state of optimizer '" + file.metadata().get("optimizer") + "'";
            default:
                List<String> names = new ArrayList<>();
                for (String k : file.entries().keySet()) {
                    if (names.size() == 3) {
                        names.add("...");
                        break;
                    }
                    names.add("'" + k + "'");
                }
                return "a module's state dict (" + file.entries().size() + " tensors" + (names.isEmpty() ? "" : ": " + String.join(", ", names)) + ")";
        }
    }
}
