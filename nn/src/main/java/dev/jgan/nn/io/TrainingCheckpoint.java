package dev.jgan.nn.io;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.DType;
import dev.jgan.nn.Module;
import dev.jgan.nn.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.DoubleSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Everything a training run changes from step to step, saved as one consistent unit: ONE safetensors file,
 * written atomically ({@link SafeTensorsWriter}: temporary file, forced to disk, renamed), so a crash leaves either
 * the previous complete state or the new one, never a model of one step beside an optimizer of another.
 *
 * <p>The parts are named in a {@link Parts} registry that the run builds the same way for saving and for loading:
 * <pre>{@code
 * TrainingCheckpoint.Parts parts = new TrainingCheckpoint.Parts()
 *         .module("generator", g).module("discriminator", d)
 *         .optimizer("generator", optG).optimizer("discriminator", optD)
 *         .rng("noise", noise)
 *         .counter("step", () -> step, v -> step = v);
 * TrainingCheckpoint.save(path, parts, Map.of("seed", "42"));
 * Map<String, String> metadata = TrainingCheckpoint.load(path, parts);   // into freshly built objects
 * }</pre>
 *
 * <p>Layout (format version {@value #VERSION}); part names are letters, digits, '_', '-' and '/' (to group them:
 * {@code scheme/generator}):
 * <ul>
 *   <li>a module's state dict as tensors {@code module.<name>.<key>} (its own dtypes: num_batches_tracked is I64);
 *   <li>an optimizer's {@link Optimizer#stateDict()} as tensors {@code optimizer.<name>.state.<i>.<moment>} and
 *       metadata {@code optimizer.<name>.<key>}, plus {@code optimizer.<name>.param.<i>}: which module parameter
 *       parameter i is, and its shape ({@code generator:0.weight [8, 3]});
 *   <li>a generator's 4-long state ({@link Rng#state()}) as metadata {@code rng.<name>}, counters (long) as
 *       {@code counter.<name>}, scalars (double, exact decimal) as {@code scalar.<name>}, strings as
 *       {@code string.<name>}, extra float32 tensors as tensors {@code tensor.<name>};
 *   <li>{@code format}, {@code format_version}, one list of part names per kind ({@code modules}, {@code optimizers},
 *       {@code rngs}, ...) and the caller's metadata as {@code meta.<key>}.
 * </ul>
 * Metadata is written sorted by key, so the same state gives the same bytes. The file is plain safetensors:
 * PyTorch reads a module part by stripping its prefix ({@code module.generator.}) from the keys.
 *
 * <p>{@link #load} checks the whole file against the registered parts before changing anything: the format
 * and its version, every registered part present and no unknown part or stray entry, each module's names, shapes
 * and dtypes, each optimizer's kind, parameter count, parameter identities and shapes and its state tensors,
 * each generator state, counter and scalar well formed, each fixed-shape tensor's shape. On any problem it
 * throws one {@link IllegalArgumentException} listing them all and nothing is modified; then it loads every part,
 * in registration order. Setters given to {@link Parts} run last, with checked values, and should only store them.
 */
public final class TrainingCheckpoint {
    private TrainingCheckpoint() {}

    /** The {@code format} metadata entry that marks a training checkpoint. */
    static final String FORMAT = "jgan-training-checkpoint";

    /** The layout version written by this class; {@link #load} reads exactly this version. */
    public static final int VERSION = 1;

    /** Part names: no '.' (it separates a part's prefix from its keys) and no ',' (it separates names in the lists). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_/-]+");

    /** The kinds of part, with the prefix of their entries and the metadata key listing their names. */
    private enum Kind {
        MODULE("module", "modules"), OPTIMIZER("optimizer", "optimizers"), RNG("rng", "rngs"), COUNTER("counter", "counters"),
        SCALAR("scalar", "scalars"), TENSOR("tensor", "tensors"), STRING("string", "strings");

        final String prefix;
        final String list;

        Kind(String prefix, String list) {
            this.prefix = prefix;
            this.list = list;
        }
    }

    /**
     * The named objects a training checkpoint saves and loads. Names are unique per kind (a module and an optimizer
     * may both be "generator"). Build it the same way before saving and before loading.
     */
    public static final class Parts {
        private final Map<String, Part> parts = new LinkedHashMap<>(); // "kind.name" -> part, in registration order

        /** A module's state dict (parameters and persistent buffers), loaded strictly. */
        public Parts module(String name, Module module) {
            return add(Kind.MODULE, name, new ModulePart(Objects.requireNonNull(module, "module")));
        }

        /**
         * An optimizer's state ({@link Optimizer#stateDict()}: moments, step counts, learning rates). Its parameters
         * are recorded as the registered modules' parameters they are, so loading also checks that the optimizer was
         * built over the same parameters in the same order.
         */
        public Parts optimizer(String name, Optimizer optimizer) {
            return add(Kind.OPTIMIZER, name, new OptimizerPart(Objects.requireNonNull(optimizer, "optimizer")));
        }

        /** A generator's state, restored in place ({@link Rng#restore}), so it continues exactly where it was. */
        public Parts rng(String name, Rng rng) {
            return add(Kind.RNG, name, new RngPart(Objects.requireNonNull(rng, "rng")));
        }

        /** A long (a step count, an epoch) read by {@code get} when saving and given to {@code set} when loading. */
        public Parts counter(String name, LongSupplier get, LongConsumer set) {
            return add(Kind.COUNTER, name, new CounterPart(Objects.requireNonNull(get, "get"), Objects.requireNonNull(set, "set")));
        }

        /** A double (an adaptive threshold, a running average), kept exactly (every bit but a NaN's payload). */
        public Parts scalar(String name, DoubleSupplier get, DoubleConsumer set) {
            return add(Kind.SCALAR, name, new ScalarPart(Objects.requireNonNull(get, "get"), Objects.requireNonNull(set, "set")));
        }

        /** A float32 tensor of fixed shape, such as a state buffer a loop keeps outside modules; loaded in place. */
        public Parts tensor(String name, Tensor live) {
            Objects.requireNonNull(live, "tensor");
            if (live.requiresGrad() && !live.isLeaf())
                throw new IllegalArgumentException("TrainingCheckpoint.Parts: tensor '" + name + "' is the result of an op; register a leaf");
            return add(Kind.TENSOR, name, new TensorPart(() -> live, live.shape(), t -> {
                try (GradMode.Scope s = GradMode.noGrad()) {
                    live.copyInPlace(t);
                }
            }));
        }

        /**
         * A float32 tensor of any shape (a replay buffer that fills up): {@code get} gives it when saving, {@code set}
         * receives a new tensor when loading.
         */
        public Parts tensor(String name, Supplier<Tensor> get, Consumer<Tensor> set) {
            return add(Kind.TENSOR, name, new TensorPart(Objects.requireNonNull(get, "get"), null, Objects.requireNonNull(set, "set")));
        }

        /** A string (a schedule's phase, a description of a data order). */
        public Parts string(String name, Supplier<String> get, Consumer<String> set) {
            return add(Kind.STRING, name, new StringPart(Objects.requireNonNull(get, "get"), Objects.requireNonNull(set, "set")));
        }

        private Parts add(Kind kind, String name, Part part) {
            if (name == null || !NAME.matcher(name).matches())
                throw new IllegalArgumentException("TrainingCheckpoint.Parts: " + kind.prefix + " name '" + name + "' must be letters, digits, '_', '-' or '/'");
            if (parts.putIfAbsent(key(kind, name), part) != null)
                throw new IllegalArgumentException("TrainingCheckpoint.Parts: " + kind.prefix + " '" + name + "' is registered twice");
            part.kind = kind;
            part.name = name;
            return this;
        }

        /** The registered module parameters by identity, as "module:name" (the first registration of a tensor wins). */
        private Map<Tensor, String> parameterNames() {
            Map<Tensor, String> out = new IdentityHashMap<>();
            for (Part p : parts.values())
                if (p instanceof ModulePart m)
                    for (Map.Entry<String, Tensor> e : m.module.namedParameters().entrySet()) out.putIfAbsent(e.getValue(), p.name + ":" + e.getKey());
            return out;
        }
    }

    private static String key(Kind kind, String name) {
        return kind.prefix + "." + name;
    }

    // ---------------------------------------------------------------- save

    /**
     * Saves every part of {@code parts} to {@code path} atomically, with {@code metadata} (any strings; written as
     * {@code meta.<key>}, returned by {@link #load}).
     */
    public static void save(Path path, Parts parts, Map<String, String> metadata) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, DType> dtypes = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", Integer.toString(VERSION));
        for (Kind kind : Kind.values()) {
            List<String> names = new ArrayList<>();
            for (Part p : parts.parts.values()) if (p.kind == kind) names.add(p.name);
            if (!names.isEmpty()) meta.put(kind.list, String.join(",", names));
        }
        Map<Tensor, String> paramNames = parts.parameterNames();
        for (Part p : parts.parts.values()) {
            String prefix = key(p.kind, p.name);
            Contents c = new Contents();
            p.save(c, paramNames);
            for (Map.Entry<String, Tensor> e : c.tensors.entrySet()) {
                String k = join(prefix, e.getKey());
                tensors.put(k, e.getValue());
                dtypes.put(k, c.dtypes.getOrDefault(e.getKey(), DType.F32));
            }
            for (Map.Entry<String, String> e : c.meta.entrySet()) meta.put(join(prefix, e.getKey()), e.getValue());
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) meta.put("meta." + e.getKey(), e.getValue());
        SafeTensorsWriter.write(path, tensors, dtypes, meta);
    }

    /** prefix.sub, or prefix itself for the part's one unnamed entry (""). */
    private static String join(String prefix, String sub) {
        return sub.isEmpty() ? prefix : prefix + "." + sub;
    }

    // ---------------------------------------------------------------- load

    /**
     * Loads the file at {@code path} into the registered parts, all or nothing (see the class comment), and returns
     * the metadata given to {@link #save}.
     *
     * @throws IllegalArgumentException listing every way the file and the parts disagree; nothing was changed
     */
    public static Map<String, String> load(Path path, Parts parts) throws IOException {
        SafeTensorsFile file = Checkpoint.read(path);
        Map<String, String> meta = file.metadata();
        String where = "training checkpoint " + path;
        if (Checkpoint.kind(file) != Checkpoint.Kind.TRAINING)
            throw new IllegalArgumentException(where + " holds " + Checkpoint.describe(file) + ", not a training checkpoint (written by"
                    + " TrainingCheckpoint.save; its metadata has no 'format: " + FORMAT + "')");
        if (!Integer.toString(VERSION).equals(meta.get("format_version")))
            throw new IllegalArgumentException(where + " has format version '" + meta.get("format_version") + "'; this jgan reads version " + VERSION);

        // Sort the file's entries into the parts the file declares; anything else is a stray entry.
        Map<String, Contents> declared = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            String list = meta.get(kind.list);
            if (list == null) continue;
            for (String name : list.split(",", -1)) {
                if (!NAME.matcher(name).matches() || declared.putIfAbsent(key(kind, name), new Contents()) != null) {
                    problems.add("metadata '" + kind.list + "' is '" + list + "', not a list of distinct part names");
                    break;
                }
            }
        }
        Map<String, String> user = new TreeMap<>();
        List<String> strays = new ArrayList<>();
        for (Map.Entry<String, SafeTensorsFile.Entry> e : file.entries().entrySet()) {
            Map.Entry<Contents, String> at = locate(declared, e.getKey());
            if (at == null) strays.add("tensor '" + e.getKey() + "'");
            else {
                at.getKey().tensors.put(at.getValue(), e.getValue().tensor());
                at.getKey().stored.put(at.getValue(), e.getValue().dtype().name());
            }
        }
        Set<String> topLevel = new LinkedHashSet<>(List.of("format", "format_version"));
        for (Kind kind : Kind.values()) topLevel.add(kind.list);
        for (Map.Entry<String, String> e : meta.entrySet()) {
            if (topLevel.contains(e.getKey())) continue;
            if (e.getKey().startsWith("meta.")) {
                user.put(e.getKey().substring("meta.".length()), e.getValue());
                continue;
            }
            Map.Entry<Contents, String> at = locate(declared, e.getKey());
            if (at == null) strays.add("metadata '" + e.getKey() + "'");
            else at.getKey().meta.put(at.getValue(), e.getValue());
        }
        if (!strays.isEmpty()) problems.add("entries of no declared part: " + String.join(", ", strays));

        List<String> missing = new ArrayList<>(), unknown = new ArrayList<>();
        for (Map.Entry<String, Part> e : parts.parts.entrySet()) if (!declared.containsKey(e.getKey())) missing.add(describe(e.getKey()));
        for (String k : declared.keySet()) if (!parts.parts.containsKey(k)) unknown.add(describe(k));
        if (!missing.isEmpty()) problems.add("registered but not in the file: " + String.join(", ", missing));
        if (!unknown.isEmpty()) problems.add("in the file but not registered: " + String.join(", ", unknown));

        // Check every part, collecting the problems; apply nothing until all passed.
        Map<Tensor, String> paramNames = parts.parameterNames();
        List<Runnable> loads = new ArrayList<>();
        for (Map.Entry<String, Part> e : parts.parts.entrySet()) {
            Contents c = declared.get(e.getKey());
            if (c == null) continue;
            try {
                loads.add(e.getValue().check(c, paramNames));
            } catch (IllegalArgumentException ex) {
                problems.add(describe(e.getKey()) + ": " + ex.getMessage().replace("\n", "\n    "));
            }
        }
        if (!problems.isEmpty())
            throw new IllegalArgumentException(where + " does not match the registered parts (nothing was loaded):\n  - " + String.join("\n  - ", problems));
        for (Runnable load : loads) load.run();
        return Collections.unmodifiableMap(user);
    }

    /** The declared part a file key belongs to and the key within it ("" for the part's own entry), or null. */
    private static Map.Entry<Contents, String> locate(Map<String, Contents> declared, String fileKey) {
        int first = fileKey.indexOf('.');
        if (first < 0) return null;
        int second = fileKey.indexOf('.', first + 1);
        String partKey = second < 0 ? fileKey : fileKey.substring(0, second);
        Contents c = declared.get(partKey);
        return c == null ? null : Map.entry(c, second < 0 ? "" : fileKey.substring(second + 1));
    }

    /** "module.generator" as "module 'generator'". */
    private static String describe(String partKey) {
        int dot = partKey.indexOf('.');
        return partKey.substring(0, dot) + " '" + partKey.substring(dot + 1) + "'";
    }

    // ---------------------------------------------------------------- the parts

    /** One part's entries, under keys relative to its prefix ("" is the part's own entry). */
    private static final class Contents {
        final Map<String, Tensor> tensors = new LinkedHashMap<>();
        final Map<String, DType> dtypes = new LinkedHashMap<>();  // when saving
        final Map<String, String> stored = new LinkedHashMap<>(); // when loading: the file's dtype names
        final Map<String, String> meta = new LinkedHashMap<>();

        /** The part's own metadata entry; a part made of exactly one such entry refuses anything else. */
        String single(String what) {
            if (!tensors.isEmpty() || meta.size() != 1 || !meta.containsKey(""))
                throw new IllegalArgumentException("expected one metadata entry holding " + what + ", found tensors " + tensors.keySet()
                        + " and metadata " + meta.keySet());
            return meta.get("");
        }
    }

    private abstract static class Part {
        Kind kind;
        String name;

        /** Puts this part's tensors and metadata into {@code c}. */
        abstract void save(Contents c, Map<Tensor, String> paramNames);

        /** Checks the file's entries for this part and returns what loads them; throws IllegalArgumentException naming a problem. */
        abstract Runnable check(Contents c, Map<Tensor, String> paramNames);
    }

    private static final class ModulePart extends Part {
        final Module module;

        ModulePart(Module module) {
            this.module = module;
        }

        @Override
        void save(Contents c, Map<Tensor, String> paramNames) {
            c.tensors.putAll(module.stateDict());
            c.dtypes.putAll(module.stateDictDTypes());
        }

        @Override
        Runnable check(Contents c, Map<Tensor, String> paramNames) {
            if (!c.meta.isEmpty()) throw new IllegalArgumentException("unexpected metadata " + c.meta.keySet());
            module.checkStateDict(c.tensors, c.stored, true, "file");
            return () -> module.loadStateDict(c.tensors, c.stored, true, "file");
        }
    }

    private static final class OptimizerPart extends Part {
        final Optimizer optimizer;

        OptimizerPart(Optimizer optimizer) {
            this.optimizer = optimizer;
        }

        /** What parameter i is: "generator:0.weight [8, 3]", or only its shape if no registered module holds it. */
        private static String describeParam(Tensor p, Map<Tensor, String> paramNames) {
            String owner = paramNames.get(p);
            return (owner == null ? "" : owner + " ") + Shape.str(p.shape());
        }

        @Override
        void save(Contents c, Map<Tensor, String> paramNames) {
            Optimizer.StateDict sd = optimizer.stateDict();
            c.tensors.putAll(sd.tensors());
            c.meta.putAll(sd.metadata());
            List<Tensor> params = optimizer.parameters();
            for (int i = 0; i < params.size(); i++) c.meta.put("param." + i, describeParam(params.get(i), paramNames));
        }

        @Override
        Runnable check(Contents c, Map<Tensor, String> paramNames) {
            Map<String, String> own = new LinkedHashMap<>(), described = new TreeMap<>();
            for (Map.Entry<String, String> e : c.meta.entrySet())
                (e.getKey().startsWith("param.") ? described : own).put(e.getKey(), e.getValue());
            List<Tensor> params = optimizer.parameters();
            if (described.size() != params.size())
                throw new IllegalArgumentException("the file describes " + described.size() + " parameters, this " + optimizer.getClass().getSimpleName()
                        + " has " + params.size());
            List<String> differ = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                String mine = describeParam(params.get(i), paramNames), theirs = described.get("param." + i);
                if (!mine.equals(theirs)) differ.add("parameter " + i + " is " + (theirs == null ? "not described" : theirs) + " in the file, " + mine + " here");
            }
            if (!differ.isEmpty())
                throw new IllegalArgumentException("built over other parameters than the saved one (same modules, same order?):\n  "
                        + String.join("\n  ", differ));
            Optimizer.StateDict sd = new Optimizer.StateDict(c.tensors, own);
            optimizer.checkStateDict(sd);
            return () -> optimizer.loadStateDict(sd);
        }
    }

    private static final class RngPart extends Part {
        final Rng rng;

        RngPart(Rng rng) {
            this.rng = rng;
        }

        @Override
        void save(Contents c, Map<Tensor, String> paramNames) {
            StringBuilder sb = new StringBuilder();
            for (long v : rng.state()) sb.append(sb.length() == 0 ? "" : ",").append(v);
            c.meta.put("", sb.toString());
        }

        @Override
        Runnable check(Contents c, Map<Tensor, String> paramNames) {
            String text = c.single("a generator state");
            String[] parts = text.split(",", -1);
            long[] state = new long[parts.length];
            try {
                for (int i = 0; i < parts.length; i++) state[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a generator state (" + Rng.STATE_LONGS + " comma-separated longs)");
            }
            Rng.fromState(state); // throws, naming the problem, unless the generator can be in this state
            return () -> rng.restore(state);
        }
    }

    private static final class CounterPart extends Part {
        final LongSupplier get;
        final LongConsumer set;

        CounterPart(LongSupplier get, LongConsumer set) {
            this.get = get;
            this.set = set;
        }

        @Override
        void save(Contents c, Map<Tensor, String> paramNames) {
            c.meta.put("", Long.toString(get.getAsLong()));
        }

        @Override
        Runnable check(Contents c, Map<Tensor, String> paramNames) {
            String text = c.single("a counter");
            long v;
            try {
                v = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a long");
            }
            return () -> set.accept(v);
        }
    }

    private static final class ScalarPart extends Part {
        final DoubleSupplier get;
        final DoubleConsumer set;

        ScalarPart(DoubleSupplier get, DoubleConsumer set) {
            this.get = get;
            this.set = set;
        }

        /** What Double.toString writes: finite decimals (exact round trip), NaN, +-Infinity. */
        private static final Pattern DOUBLE = Pattern.compile("-?([0-9]+\\.[0-9]+(E-?[0-9]+)?|Infinity)|NaN");

        @Override
        void save(Contents c, Map<Tensor, String> paramNames) {
            c.meta.put("", Double.toString(get.getAsDouble()));
        }

        @Override
        Runnable check(Contents c, Map<Tensor, String> paramNames) {
            String text = c.single("a scalar");
            if (!DOUBLE.matcher(text).matches()) throw new IllegalArgumentException("'" + text + "' is not a double as Double.toString writes one");
            double v = Double.parseDouble(text);
            return () -> set.accept(v);
        }
    }

    private static final class TensorPart extends Part {
        final Supplier<Tensor> get;
        final int[] fixedShape; // null: any shape
        final Consumer<Tensor> set;

        TensorPart(Supplier<Tensor> get, int[] fixedShape, Consumer<Tensor> set) {
            this.get = get;
            this.fixedShape = fixedShape;
            this.set = set;
        }

        @Override
        void save(Contents c, Map<Tensor, String> paramNames) {
            Tensor t = Objects.requireNonNull(get.get(), () -> "TrainingCheckpoint: tensor '" + name + "' is null");
            c.tensors.put("", t.detach());
        }

        @Override
        Runnable check(Contents c, Map<Tensor, String> paramNames) {
            if (!c.meta.isEmpty() || c.tensors.size() != 1 || !c.tensors.containsKey(""))
                throw new IllegalArgumentException("expected one tensor, found tensors " + c.tensors.keySet() + " and metadata " + c.meta.keySet());
            Tensor t = c.tensors.get("");
            String dtype = c.stored.get("");
            if (!DType.F32.canLoad(dtype)) throw new IllegalArgumentException("has dtype " + dtype + ", expected a float type");
            if (fixedShape != null && !Arrays.equals(fixedShape, t.shape()))
                throw new IllegalArgumentException("file shape " + Shape.str(t.shape()) + ", registered shape " + Shape.str(fixedShape));
            return () -> set.accept(t);
        }
    }

    private static final class StringPart extends Part {
        final Supplier<String> get;
        final Consumer<String> set;

        StringPart(Supplier<String> get, Consumer<String> set) {
            this.get = get;
            this.set = set;
        }

        @Override
        void save(Contents c, Map<Tensor, String> paramNames) {
            c.meta.put("", Objects.requireNonNull(get.get(), () -> "TrainingCheckpoint: string '" + name + "' is null"));
        }

        @Override
        Runnable check(Contents c, Map<Tensor, String> paramNames) {
            String v = c.single("a string");
            return () -> set.accept(v);
        }
    }
}
