package dev.jgan.nn;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A network part that owns named parameters, buffers and child modules, as {@code torch.nn.Module}.
 *
 * <p>Everything is registered explicitly under a name (reflection has no field order), and the dotted
 * names of {@link #namedParameters()} and {@link #stateDict()} ({@code "0.weight"}, {@code "bn1.running_mean"})
 * follow PyTorch, so a state dict maps one-to-one onto the same network written in PyTorch. Order of a
 * state dict: this module's parameters, then its persistent buffers, then each child's entries, in
 * registration order.
 *
 * <p>Layers read their tensors through {@link #tensor(String)} on every forward, never from fields: that is
 * what lets {@link Functional#call} substitute parameters and {@link SpectralNorm} replace a weight by a
 * computed one.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> nonPersistent = new HashSet<>();
    private final Map<String, DType> bufferDTypes = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Function<Module, Tensor>> computed = new LinkedHashMap<>();
    private boolean training = true;

    /**
     * Runs the module on one input. Modules that take other inputs (class labels, index arrays) have their
     * own {@code forward} overloads and refuse this one.
     */
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not take a single tensor; call its own forward(...)");
    }

    // ---------------------------------------------------------------- registration

    /** Registers a trainable tensor (marked as requiring grad) under {@code name}; returns it. */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkNewName(name);
        if (!value.isLeaf())
            throw new IllegalArgumentException(describe() + ": parameter '" + name + "' must be a leaf tensor, got the result of op '" + value.gradFn() + "'");
        value.requiresGrad(true);
        parameters.put(name, value);
        return value;
    }

    /** Registers a float32 state tensor that is not trained (running statistics, spectral-norm vectors); returns it. */
    protected final Tensor registerBuffer(String name, Tensor value, boolean persistent) {
        return registerBuffer(name, value, persistent, DType.F32);
    }

    /**
     * Registers a buffer whose checkpoint dtype is {@code dtype}. Values live as float32 in memory; an I64
     * buffer (BatchNorm's {@code num_batches_tracked}) holds integers, exact up to 2^24.
     */
    protected final Tensor registerBuffer(String name, Tensor value, boolean persistent, DType dtype) {
        checkNewName(name);
        if (value.requiresGrad()) throw new IllegalArgumentException(describe() + ": buffer '" + name + "' must not require grad");
        buffers.put(name, value);
        bufferDTypes.put(name, dtype);
        if (!persistent) nonPersistent.add(name);
        return value;
    }

    /** Registers a child module; its entries appear under {@code name + "."}. Returns the child. */
    protected final <M extends Module> M registerModule(String name, M child) {
        checkNewName(name);
        if (child == this) throw new IllegalArgumentException(describe() + ": a module cannot be its own child");
        children.put(name, child);
        return child;
    }

    /** Removes a parameter and returns it (spectral norm moves {@code weight} to {@code weight_orig}). */
    final Tensor removeParameter(String name) {
        Tensor t = parameters.remove(name);
        if (t == null) throw new IllegalArgumentException(describe() + " has no parameter '" + name + "'; it has " + parameters.keySet());
        return t;
    }

    /**
     * Makes {@code name} a computed tensor: {@link #tensor(String)} returns {@code f(this)} instead of a stored
     * one. Used by reparametrisations such as spectral norm.
     */
    final void registerComputed(String name, Function<Module, Tensor> f) {
        checkNewName(name);
        computed.put(name, f);
    }

    private void checkNewName(String name) {
        if (name == null || name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException(describe() + ": invalid name '" + name + "' (non-empty, without dots)");
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name) || computed.containsKey(name))
            throw new IllegalArgumentException(describe() + ": name '" + name + "' is already registered");
    }

    // ---------------------------------------------------------------- access

    /**
     * The tensor a forward pass should use under {@code name}: a computed tensor (e.g. W / sigma), else the
     * parameter, else the buffer. Throws if none exists.
     */
    protected final Tensor tensor(String name) {
        Function<Module, Tensor> f = computed.get(name);
        if (f != null) return f.apply(this);
        Tensor t = parameters.get(name);
        if (t == null) t = buffers.get(name);
        if (t == null)
            throw new IllegalArgumentException(describe() + " has no tensor '" + name + "'; parameters " + parameters.keySet() + ", buffers " + buffers.keySet());
        return t;
    }

    /** True if {@code name} is a parameter, buffer or computed tensor of this module (not its children). */
    public final boolean hasTensor(String name) {
        return parameters.containsKey(name) || buffers.containsKey(name) || computed.containsKey(name);
    }

    /** This module's own parameter {@code name} (not a child's). */
    public final Tensor parameter(String name) {
        Tensor t = parameters.get(name);
        if (t == null) throw new IllegalArgumentException(describe() + " has no parameter '" + name + "'; it has " + parameters.keySet());
        return t;
    }

    /** This module's own buffer {@code name}. */
    public final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) throw new IllegalArgumentException(describe() + " has no buffer '" + name + "'; it has " + buffers.keySet());
        return t;
    }

    /** The direct child {@code name}. */
    public final Module child(String name) {
        Module m = children.get(name);
        if (m == null) throw new IllegalArgumentException(describe() + " has no child '" + name + "'; it has " + children.keySet());
        return m;
    }

    /** Direct children by name, in registration order. */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** This module (under "") and every descendant under its dotted path ("1.0"), depth first. */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> e : prefixes().entrySet()) {
            String p = e.getKey();
            out.put(p.isEmpty() ? p : p.substring(0, p.length() - 1), e.getValue());
        }
        return out;
    }

    /** Every module under the prefix its entries' names start with ("", "0.", "1.0."). */
    private Map<String, Module> prefixes() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        out.put(prefix, this);
        for (Map.Entry<String, Module> e : children.entrySet()) e.getValue().collectModules(prefix + e.getKey() + ".", out);
    }

    /** The module at a dotted path ("" is this module). */
    public final Module module(String path) {
        Module m = this;
        if (path.isEmpty()) return m;
        for (String part : path.split("\\.", -1)) m = m.child(part);
        return m;
    }

    /**
     * Every parameter under its dotted name, in state-dict order. A tensor reachable under several names (a
     * module registered twice, a shared parameter) appears once, under its first name, as PyTorch's
     * {@code named_parameters()}.
     */
    public final Map<String, Tensor> namedParameters() {
        return unique(entries(), true);
    }

    /** Every parameter, in {@link #namedParameters()} order, each once; the list an optimizer takes. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every buffer (persistent or not) under its dotted name, each tensor once (under its first name). */
    public final Map<String, Tensor> namedBuffers() {
        return unique(entries(), false);
    }

    /** One stored tensor of some module in the tree, under its dotted name. */
    private record Entry(String name, Module owner, String local, Tensor tensor, boolean parameter) {
        boolean persistent() {
            return parameter || !owner.nonPersistent.contains(local);
        }

        DType dtype() {
            return parameter ? DType.F32 : owner.bufferDTypes.get(local);
        }
    }

    /** Every parameter and buffer of every module under its dotted name, in state-dict order, duplicates included. */
    private List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, Module> m : prefixes().entrySet()) {
            Module mod = m.getValue();
            for (Map.Entry<String, Tensor> e : mod.parameters.entrySet())
                out.add(new Entry(m.getKey() + e.getKey(), mod, e.getKey(), e.getValue(), true));
            for (Map.Entry<String, Tensor> e : mod.buffers.entrySet())
                out.add(new Entry(m.getKey() + e.getKey(), mod, e.getKey(), e.getValue(), false));
        }
        return out;
    }

    /** The parameters (or buffers) among {@code entries}, each tensor once under its first name. */
    private static Map<String, Tensor> unique(List<Entry> entries, boolean parameters) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Entry e : entries)
            if (e.parameter() == parameters && seen.add(e.tensor())) out.put(e.name(), e.tensor());
        return out;
    }

    // ---------------------------------------------------------------- modes and gradients

    /** Sets training mode here and in every descendant; returns this. */
    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) c.train(on);
        return this;
    }

    /** Evaluation mode: BatchNorm uses running statistics, Dropout is the identity, spectral norm stops iterating. */
    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Clears the accumulated gradient of every parameter (to null, as PyTorch's default). */
    public final void zeroGrad() {
        for (Tensor p : namedParameters().values()) p.setGrad(null);
    }

    // ---------------------------------------------------------------- state dicts

    /**
     * Parameters and persistent buffers under their dotted names, as detached tensors sharing the live
     * values (copy them to keep a snapshot). A tensor reachable under two names is listed under both, as
     * PyTorch's {@code state_dict()}.
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Entry e : entries()) if (e.persistent()) out.put(e.name(), e.tensor().detach());
        return out;
    }

    /** The checkpoint dtype of each {@link #stateDict()} entry: F32 except buffers registered otherwise. */
    public final Map<String, DType> stateDictDTypes() {
        Map<String, DType> out = new LinkedHashMap<>();
        for (Entry e : entries()) if (e.persistent()) out.put(e.name(), e.dtype());
        return out;
    }

    /**
     * Copies values from {@code state} into this module's parameters and persistent buffers. A key whose shape
     * differs always fails; with {@code strict}, missing and unexpected keys fail too. Nothing is copied unless
     * the whole dict is acceptable, and the error lists every difference.
     *
     * @return the missing and unexpected keys (both empty after a strict load)
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        return loadStateDict(state, Map.of(), strict, "state dict");
    }

    /**
     * {@link #loadStateDict(Map, boolean)} for values read from {@code source} (named in errors, e.g. a file),
     * where {@code storedDTypes} gives the element type each entry had there ("F32", "I64", ... as safetensors
     * names them; entries it does not name count as the module's own type). A dtype the entry's
     * {@link #stateDictDTypes() own type} cannot load ({@link DType#canLoad}: F32 entries take F64, F16 and BF16
     * values cast to float32, I64 entries only I64) fails like a shape mismatch. Every problem is reported in one
     * message, one line per key: {@code key: <source> shape [..] dtype .., module shape [..] dtype ..}.
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, Map<String, String> storedDTypes, boolean strict, String source) {
        LoadResult result = checkStateDict(state, storedDTypes, strict, source);
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : entries()) if (e.persistent()) byName.put(e.name(), e);
        try (GradMode.Scope s = GradMode.noGrad()) {
            for (Map.Entry<String, Tensor> e : state.entrySet()) {
                Entry target = byName.get(e.getKey());
                if (target != null) target.tensor().copyInPlace(e.getValue()); // the live tensor, not a detached view
            }
        }
        return result;
    }

    /**
     * Checks {@code state} as {@link #loadStateDict(Map, Map, boolean, String)} does, with the same message on a
     * problem, but changes nothing: for loading several parts of a checkpoint all or none.
     */
    public final LoadResult checkStateDict(Map<String, Tensor> state, Map<String, String> storedDTypes, boolean strict, String source) {
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : entries()) if (e.persistent()) byName.put(e.name(), e);
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (String k : byName.keySet()) if (!state.containsKey(k)) missing.add(k);
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Entry mine = byName.get(e.getKey());
            if (mine == null) {
                unexpected.add(e.getKey());
                continue;
            }
            String want = mine.dtype().name(), got = storedDTypes.getOrDefault(e.getKey(), want);
            int[] shape = e.getValue().shape(), ownShape = mine.tensor().shape();
            if (!Arrays.equals(shape, ownShape) || !mine.dtype().canLoad(got))
                mismatched.add(e.getKey() + ": " + source + " shape " + Shape.str(shape) + " dtype " + got + ", module shape " + Shape.str(ownShape) + " dtype " + want);
        }
        LoadResult result = new LoadResult(missing, unexpected);
        if (!mismatched.isEmpty() || (strict && !result.isClean())) {
            StringBuilder sb = new StringBuilder(source).append(" does not match ").append(describe()).append(':');
            for (String m : mismatched) sb.append("\n  ").append(m);
            if (strict && !missing.isEmpty()) sb.append("\n  missing from the ").append(source).append(": ").append(missing);
            if (strict && !unexpected.isEmpty()) sb.append("\n  not in the module: ").append(unexpected);
            throw new IllegalArgumentException(sb.toString());
        }
        return result;
    }

    // ---------------------------------------------------------------- substitution (for Functional.call)

    /**
     * Swaps the stored tensor {@code name} (parameter or buffer of this module) for {@code value} and returns
     * the previous one. Only {@link Functional} uses this, and it always swaps back.
     */
    final Tensor swap(String name, Tensor value) {
        if (parameters.containsKey(name)) return parameters.put(name, value);
        if (buffers.containsKey(name)) return buffers.put(name, value);
        throw new IllegalArgumentException(describe() + " has no parameter or buffer '" + name + "'; parameters " + parameters.keySet()
                + ", buffers " + buffers.keySet());
    }

    /** A short description for error messages, e.g. {@code "Linear(in=4, out=3)"}. */
    protected String describe() {
        return getClass().getSimpleName();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(describe());
        if (!children.isEmpty()) {
            sb.append(" {");
            for (Map.Entry<String, Module> e : children.entrySet())
                sb.append("\n  (").append(e.getKey()).append("): ").append(e.getValue().toString().replace("\n", "\n  "));
            sb.append("\n}");
        }
        return sb.toString();
    }
}
