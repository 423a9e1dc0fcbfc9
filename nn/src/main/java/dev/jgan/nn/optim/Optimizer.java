package dev.jgan.nn.optim;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Base of the gradient-descent optimizers. Each subclass states its update once, as {@link #update}, in
 * differentiable tensor ops; {@link #step()} runs it without recording and copies the result into the
 * parameters, and {@link #unrolled()} runs the very same ops with recording for the second-order Unrolled
 * GAN, so the two agree bitwise on the same gradients; both leave alone a parameter that has none.
 *
 * <p>Parameters are indexed in group order (group 0's parameters, then group 1's...); optimizer state is
 * per parameter. {@link #snapshot} / {@link #restore} save and bring back parameter values, optimizer
 * state, learning rates and (given the modules) module buffers exactly.
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups;
    private final List<Tensor> params = new ArrayList<>();
    private final int[] groupOf;
    private List<ParamState> states = new ArrayList<>();

    protected Optimizer(List<ParamGroup> groups) {
        this.groups = List.copyOf(groups);
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        List<Integer> owner = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++)
            for (Tensor p : groups.get(g).params()) {
                if (seen.put(p, Boolean.TRUE) != null)
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": a parameter of shape " + Shape.str(p.shape()) + " appears twice");
                params.add(p);
                owner.add(g);
                states.add(new ParamState());
            }
        // As torch.optim: an optimizer over nothing is a mistake (often a module whose parameters() was empty).
        if (params.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + ": optimizer got an empty parameter list");
        groupOf = owner.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The update of one parameter: returns its new value from its value {@code p}, gradient {@code g} and the
     * learning rate, replacing state tensors in {@code s} as needed ({@code s.step()} already counts this step).
     * Must use only tensor ops, and the same ones whether recording or not.
     */
    protected abstract Tensor update(Tensor p, Tensor g, float lr, ParamState s);

    /**
     * The update of {@link #update} written in place: into p's buffer and the state's tensors (created on the first
     * step), over flat arrays, without tensor ops or temporaries. It must give bitwise what {@code update} gives, the
     * same float32 operations in the same order. Returns false when the optimizer has no such form, and then
     * {@link #step()} runs {@code update}. The gradient g must not be kept.
     */
    protected boolean updateInPlace(Tensor p, Tensor g, float lr, ParamState s) {
        return false;
    }

    /**
     * One step for every parameter that has a gradient; parameters without one are left alone, as PyTorch does. Runs
     * each optimizer's in-place form ({@link #updateInPlace}), bitwise equal to {@link #update}, which
     * {@link #unrolled()} differentiates.
     */
    public final void step() {
        try (GradMode.Scope scope = GradMode.noGrad()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                if (p.grad() == null) continue;
                ParamState s = states.get(i);
                s.step++;
                float lr = groups.get(groupOf[i]).lr();
                if (updateInPlace(p, p.grad(), lr, s)) {
                    p.markModified();
                    continue;
                }
                // copy(): the state may keep the gradient (SGD's first momentum buffer); it must not alias p.grad.
                Tensor next = update(p.detach(), p.grad().copy(), lr, s);
                p.copyInPlace(next);
            }
        }
    }

    /** Sets every parameter's gradient to null. */
    public final void zeroGrad() {
        for (Tensor p : params) p.setGrad(null);
    }

    /** A differentiable copy of this optimizer (state included) for unrolling steps; this optimizer is not changed. */
    public final UnrolledOptimizer unrolled() {
        List<ParamState> copies = new ArrayList<>();
        for (ParamState s : states) copies.add(s.copy());
        return new UnrolledOptimizer(this, copies);
    }

    /** Runs {@link #update} for parameter i on the given value, gradient and state (used by the unrolled copy). */
    final Tensor updateAt(int i, Tensor p, Tensor g, ParamState s) {
        s.step++;
        return update(p, g, groups.get(groupOf[i]).lr(), s);
    }

    /** The parameters, in group order. */
    public final List<Tensor> parameters() {
        return Collections.unmodifiableList(params);
    }

    public final List<ParamGroup> groups() {
        return groups;
    }

    /** The state of parameter i (read-only use: tests, monitoring). */
    public final ParamState state(int i) {
        return states.get(i);
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * An exact copy of the parameter values, the optimizer state and the learning rates, and of every buffer of
     * {@code modules} (BatchNorm running statistics and batch counts, spectral-norm u and v, Dropout's counter):
     * pass the modules whose forwards run between snapshot and restore, as Unrolled GAN's "unroll k steps of D,
     * then roll back" needs D's buffers back too.
     */
    public final Snapshot snapshot(Module... modules) {
        List<float[]> values = new ArrayList<>();
        for (Tensor p : params) values.add(p.toArray());
        List<ParamState> copies = new ArrayList<>();
        for (ParamState s : states) copies.add(s.copy());
        float[] lrs = new float[groups.size()];
        for (int g = 0; g < lrs.length; g++) lrs[g] = groups.get(g).lr();
        Map<Tensor, float[]> buffers = new IdentityHashMap<>();
        for (Module m : modules)
            for (Tensor b : m.namedBuffers().values()) buffers.put(b, b.toArray());
        return new Snapshot(this, values, copies, lrs, buffers);
    }

    /**
     * Puts back what {@link #snapshot} saved: parameter values and module buffers (in place, bitwise), optimizer
     * state and learning rates. Reusable.
     */
    public final void restore(Snapshot snap) {
        if (snap.owner != this) throw new IllegalArgumentException(getClass().getSimpleName() + ".restore: snapshot was taken from another optimizer");
        try (GradMode.Scope scope = GradMode.noGrad()) {
            for (int i = 0; i < params.size(); i++) params.get(i).copyInPlace(Tensor.of(snap.values.get(i), params.get(i).shape()));
            for (Map.Entry<Tensor, float[]> e : snap.buffers.entrySet()) e.getKey().copyInPlace(Tensor.of(e.getValue(), e.getKey().shape()));
        }
        List<ParamState> copies = new ArrayList<>();
        for (ParamState s : snap.states) copies.add(s.copy());
        states = copies;
        for (int g = 0; g < groups.size(); g++) groups.get(g).setLr(snap.lrs[g]);
    }

    /** An opaque, immutable record of an optimizer's parameters and state, and some modules' buffers, at one moment. */
    public static final class Snapshot {
        private final Optimizer owner;
        private final List<float[]> values;
        private final List<ParamState> states;
        private final float[] lrs;
        private final Map<Tensor, float[]> buffers; // live buffer -> its saved values

        private Snapshot(Optimizer owner, List<float[]> values, List<ParamState> states, float[] lrs, Map<Tensor, float[]> buffers) {
            this.owner = owner;
            this.values = values;
            this.states = states;
            this.lrs = lrs;
            this.buffers = buffers;
        }
    }

    // ---------------------------------------------------------------- checkpoints

    /**
     * The optimizer's state in flat names, for a checkpoint: tensors {@code state.<i>.<name>} (moments, momentum
     * buffers of parameter i in group order) and string metadata {@code optimizer} (the class), {@code params}
     * (their count), {@code state.<i>.step} and {@code param_groups.<g>.lr} (exact decimal forms).
     * Hyperparameters other than the learning rates belong to the code that builds the optimizer.
     */
    public final StateDict stateDict() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("optimizer", getClass().getSimpleName());
        meta.put("params", Integer.toString(params.size()));
        for (int i = 0; i < params.size(); i++) {
            ParamState s = states.get(i);
            meta.put("state." + i + ".step", Long.toString(s.step));
            for (Map.Entry<String, Tensor> e : s.tensors.entrySet()) tensors.put("state." + i + "." + e.getKey(), e.getValue().detach().copy());
        }
        for (int g = 0; g < groups.size(); g++) meta.put("param_groups." + g + ".lr", Float.toString(groups.get(g).lr()));
        return new StateDict(tensors, meta);
    }

    /**
     * Replaces this optimizer's state and learning rates by those of {@code sd}, after checking that it was
     * written by the same kind of optimizer over parameters of the same shapes, that every learning rate is a
     * plain finite decimal >= 0, and that each parameter's tensors are exactly the ones {@link #stateNames()}
     * requires (none before its first step). On any problem it throws naming it and changes nothing.
     */
    public final void loadStateDict(StateDict sd) {
        Loaded loaded = prepare(sd);
        states = loaded.states();
        for (int g = 0; g < loaded.lrs().length; g++) groups.get(g).setLr(loaded.lrs()[g]);
    }

    /**
     * Checks {@code sd} as {@link #loadStateDict} does, with the same message on a problem, but changes nothing:
     * for loading several parts of a checkpoint all or none.
     */
    public final void checkStateDict(StateDict sd) {
        prepare(sd);
    }

    /** A checked state, ready to replace this optimizer's. */
    private record Loaded(List<ParamState> states, float[] lrs) {}

    private Loaded prepare(StateDict sd) {
        String who = getClass().getSimpleName();
        Map<String, String> meta = sd.metadata();
        String writer = meta.get("optimizer");
        if (writer == null)
            throw new IllegalArgumentException(who + ".loadStateDict: the state names no optimizer (its metadata has no 'optimizer' entry,"
                    + " which Optimizer.stateDict() always writes); expected the state of " + who);
        if (!who.equals(writer))
            throw new IllegalArgumentException(who + ".loadStateDict: state was written by optimizer '" + writer + "', expected " + who);
        if (!Integer.toString(params.size()).equals(meta.get("params")))
            throw new IllegalArgumentException(who + ".loadStateDict: state holds " + meta.get("params") + " parameters, this optimizer " + params.size());
        float[] lrs = new float[groups.size()];
        for (int g = 0; g < lrs.length; g++) lrs[g] = parseLr(who, meta, "param_groups." + g + ".lr");
        List<ParamState> loaded = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            ParamState s = new ParamState();
            s.step = parseLong(who, meta, "state." + i + ".step");
            loaded.add(s);
        }
        Set<String> required = stateNames();
        for (Map.Entry<String, Tensor> e : sd.tensors().entrySet()) {
            String[] parts = e.getKey().split("\\.", 3);
            int i = parts.length == 3 && parts[0].equals("state") && parts[1].matches("\\d{1,9}") ? Integer.parseInt(parts[1]) : -1;
            if (i < 0 || i >= params.size() || !required.contains(parts[2]))
                throw new IllegalArgumentException(who + ".loadStateDict: unexpected entry '" + e.getKey() + "' (per-parameter state is " + required + ")");
            if (!Arrays.equals(e.getValue().shape(), params.get(i).shape()))
                throw new IllegalArgumentException(who + ".loadStateDict: '" + e.getKey() + "' has shape " + Shape.str(e.getValue().shape())
                        + ", parameter " + i + " has shape " + Shape.str(params.get(i).shape()));
            loaded.get(i).tensors.put(parts[2], e.getValue().detach().copy());
        }
        for (int i = 0; i < loaded.size(); i++) {
            ParamState s = loaded.get(i);
            if (s.step == 0 && !s.tensors.isEmpty())
                throw new IllegalArgumentException(who + ".loadStateDict: parameter " + i + " has step 0 but holds " + s.tensors.keySet());
            if (s.step > 0 && !s.tensors.keySet().equals(required)) {
                Set<String> missing = new TreeSet<>(required);
                missing.removeAll(s.tensors.keySet());
                throw new IllegalArgumentException(who + ".loadStateDict: parameter " + i + " took " + s.step + " steps but its state lacks " + missing);
            }
        }
        return new Loaded(loaded, lrs);
    }

    /**
     * The names of the state tensors every parameter holds once it has taken a step (empty for plain SGD). A
     * loaded state must hold exactly these.
     */
    protected abstract Set<String> stateNames();

    /** A plain decimal (digits, optional fraction and exponent, as Float.toString writes), finite and >= 0. */
    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private static float parseLr(String who, Map<String, String> meta, String key) {
        String v = meta.get(key);
        float lr = v != null && DECIMAL.matcher(v).matches() ? Float.parseFloat(v) : Float.NaN;
        if (!Float.isFinite(lr))
            throw new IllegalArgumentException(who + ".loadStateDict: '" + key + "' is '" + v + "', not a finite learning rate >= 0");
        return lr;
    }

    private static long parseLong(String who, Map<String, String> meta, String key) {
        String v = meta.get(key);
        try {
            long n = Long.parseLong(v == null ? "" : v);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(who + ".loadStateDict: '" + key + "' is '" + v + "', not a step count");
        }
    }

    /** An optimizer's state: tensors and string metadata, as {@link #stateDict()} describes. */
    public record StateDict(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    // ---------------------------------------------------------------- helpers for update rules

    /** A single group holding {@code params} at learning rate lr. */
    protected static List<ParamGroup> single(List<Tensor> params, float lr) {
        return List.of(new ParamGroup(params, lr));
    }

    /**
     * sqrt(x) for x >= 0 whose gradient at 0 is 0 instead of infinite, and 0 for x &lt; 0. Second moments are
     * exactly 0 for a parameter whose gradient was always 0; a plain sqrt would put NaN into the second-order
     * gradient of an unrolled step there.
     */
    protected static Tensor safeSqrt(Tensor x) {
        Tensor pos = x.gt(0f);
        return Tensor.where(pos, Tensor.where(pos, x, Tensor.scalar(1f)).sqrt(), Tensor.scalar(0f));
    }

    /** Throws unless a hyperparameter lies in [low, high]. */
    protected static void check(String optimizer, String name, float value, float low, float high) {
        if (!(value >= low && value <= high))
            throw new IllegalArgumentException(optimizer + ": " + name + " must be in [" + low + ", " + high + "], got " + value);
    }
}
