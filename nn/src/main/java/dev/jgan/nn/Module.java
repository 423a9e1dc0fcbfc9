package dev.jgan.nn;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
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

    /** Every parameter under its dotted name, in state-dict order. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : prefixes().entrySet())
            for (Map.Entry<String, Tensor> e : m.getValue().parameters.entrySet()) out.put(m.getKey() + e.getKey(), e.getValue());
        return out;
    }

    /** Every parameter, in {@link #namedParameters()} order; the list an optimizer takes. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every buffer (persistent or not) under its dotted name. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : prefixes().entrySet())
            for (Map.Entry<String, Tensor> e : m.getValue().buffers.entrySet()) out.put(m.getKey() + e.getKey(), e.getValue());
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
     * values (copy them to keep a snapshot).
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : prefixes().entrySet()) {
            Module mod = m.getValue();
            for (Map.Entry<String, Tensor> e : mod.parameters.entrySet()) out.put(m.getKey() + e.getKey(), e.getValue().detach());
            for (Map.Entry<String, Tensor> e : mod.buffers.entrySet())
                if (!mod.nonPersistent.contains(e.getKey())) out.put(m.getKey() + e.getKey(), e.getValue().detach());
        }
        return out;
    }

    /** The checkpoint dtype of each {@link #stateDict()} entry: F32 except buffers registered otherwise. */
    public final Map<String, DType> stateDictDTypes() {
        Map<String, DType> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : prefixes().entrySet()) {
            Module mod = m.getValue();
            for (String k : mod.parameters.keySet()) out.put(m.getKey() + k, DType.F32);
            for (String k : mod.buffers.keySet())
                if (!mod.nonPersistent.contains(k)) out.put(m.getKey() + k, mod.bufferDTypes.get(k));
        }
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
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (String k : own.keySet()) if (!state.containsKey(k)) missing.add(k);
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor mine = own.get(e.getKey());
            if (mine == null) unexpected.add(e.getKey());
            else if (!Arrays.equals(mine.shape(), e.getValue().shape()))
                mismatched.add(e.getKey() + ": checkpoint " + Shape.str(e.getValue().shape()) + ", module " + Shape.str(mine.shape()));
        }
        LoadResult result = new LoadResult(missing, unexpected);
        if (!mismatched.isEmpty() || (strict && !result.isClean())) {
            StringBuilder sb = new StringBuilder("loadStateDict into ").append(describe()).append(" failed:");
            if (!mismatched.isEmpty()) sb.append("\n  shape mismatches: ").append(String.join("; ", mismatched));
            if (strict && !missing.isEmpty()) sb.append("\n  missing keys: ").append(missing);
            if (strict && !unexpected.isEmpty()) sb.append("\n  unexpected keys: ").append(unexpected);
            throw new IllegalArgumentException(sb.toString());
        }
        Map<String, Tensor> live = liveState();
        try (GradMode.Scope s = GradMode.noGrad()) {
            for (Map.Entry<String, Tensor> e : state.entrySet()) {
                Tensor target = live.get(e.getKey());
                if (target != null) target.copyInPlace(e.getValue());
            }
        }
        return result;
    }

    /** The state-dict entries as the live tensors themselves (not detached views), for in-place loading. */
    private Map<String, Tensor> liveState() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : prefixes().entrySet()) {
            Module mod = m.getValue();
            for (Map.Entry<String, Tensor> e : mod.parameters.entrySet()) out.put(m.getKey() + e.getKey(), e.getValue());
            for (Map.Entry<String, Tensor> e : mod.buffers.entrySet())
                if (!mod.nonPersistent.contains(e.getKey())) out.put(m.getKey() + e.getKey(), e.getValue());
        }
        return out;
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
