package dev.jgan.nn;

import dev.jgan.autodiff.Tensor;
import java.util.List;

/**
 * A {@link Sequential} for class-conditional networks: children applied one after another, those with classes
 * (a {@link Conditional} child whose {@link Conditional#numClasses()} is positive, such as a
 * {@link dev.jgan.nn.blocks.ResBlockUp} with conditional batch norm) with the labels, the others on their input
 * alone. Child i is registered under {@code "i"}, so the state-dict keys are those of the Sequential with the same
 * children. The class-conditional SNGAN and SAGAN generators are one.
 */
public final class ConditionalSequential extends Module implements Conditional {
    private final int numClasses;
    private int size;

    public ConditionalSequential(int numClasses, Module... modules) {
        this(numClasses, List.of(modules));
    }

    public ConditionalSequential(int numClasses, List<? extends Module> modules) {
        if (numClasses < 1) throw new IllegalArgumentException("ConditionalSequential: numClasses must be >= 1, got " + numClasses);
        this.numClasses = numClasses;
        for (Module m : modules) add(m);
    }

    /** Appends a module under the next index; returns this. A child with classes must have this module's class count. */
    public ConditionalSequential add(Module m) {
        if (m instanceof Conditional c && c.numClasses() > 0 && c.numClasses() != numClasses)
            throw new IllegalArgumentException(describe() + ": child " + size + " " + m.describe() + " is conditional on " + c.numClasses()
                    + " classes, this sequence on " + numClasses);
        registerModule(Integer.toString(size++), m);
        return this;
    }

    /** The module at {@code index}. */
    public Module get(int index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException(describe() + " of " + size + " modules has no index " + index);
        return child(Integer.toString(index));
    }

    public int size() {
        return size;
    }

    /** Refused: the children with classes need labels; call {@link #forward(Tensor, int[])}. */
    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(describe() + ": class-conditional network needs class labels; call forward(x, labels)");
    }

    /** The children in order on x [N, ...], those with classes given {@code labels} [N], each in [0, numClasses). */
    @Override
    public Tensor forward(Tensor x, int[] labels) {
        if (x.dim() == 0) throw new IllegalArgumentException(describe() + ": input must have a batch dimension, got a scalar");
        Conditional.checkLabels(describe(), labels, x.size(0), numClasses);
        for (Module m : namedChildren().values())
            x = m instanceof Conditional c && c.numClasses() > 0 ? c.forward(x, labels) : m.forward(x);
        return x;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    protected String describe() {
        return "ConditionalSequential(classes=" + numClasses + ")";
    }
}
