package dev.jgan.nn.optim;

import dev.jgan.autodiff.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An optimizer's state for one parameter: the number of steps it took and named tensors (moments,
 * momentum buffers). Update rules in tensor form replace tensors instead of writing into them, so the same
 * rule works on plain values and on graph tensors (the differentiable step); the in-place forms of the
 * ordinary step write into the tensors the state holds, which snapshots, state dicts and unrolled copies
 * never share (they copy them).
 */
public final class ParamState {
    long step;
    final Map<String, Tensor> tensors = new LinkedHashMap<>();

    /** Steps taken for this parameter, counting the one in progress inside an update rule. */
    public long step() {
        return step;
    }

    /** The tensor {@code name}, or null before the first step that creates it. */
    public Tensor get(String name) {
        return tensors.get(name);
    }

    public void put(String name, Tensor value) {
        tensors.put(name, value);
    }

    /** Names of the tensors held. */
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    /** A deep copy whose tensors are detached copies of the values. */
    ParamState copy() {
        ParamState c = new ParamState();
        c.step = step;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) c.tensors.put(e.getKey(), e.getValue().detach().copy());
        return c;
    }
}
