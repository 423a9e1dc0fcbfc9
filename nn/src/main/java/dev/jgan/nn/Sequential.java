package dev.jgan.nn;

import dev.jgan.autodiff.Tensor;
import java.util.List;

/**
 * Children applied one after another; child i is registered under the name {@code "i"}, so state-dict keys
 * read {@code "0.weight"}, {@code "1.running_mean"}... as in {@code torch.nn.Sequential}.
 */
public final class Sequential extends Module {
    private int size;

    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    public Sequential(List<? extends Module> modules) {
        for (Module m : modules) add(m);
    }

    /** Appends a module under the next index; returns this. */
    public Sequential add(Module m) {
        registerModule(Integer.toString(size++), m);
        return this;
    }

    /** The module at {@code index}. */
    public Module get(int index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("Sequential of " + size + " modules has no index " + index);
        return child(Integer.toString(index));
    }

    public int size() {
        return size;
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Module m : namedChildren().values()) x = m.forward(x);
        return x;
    }
}
