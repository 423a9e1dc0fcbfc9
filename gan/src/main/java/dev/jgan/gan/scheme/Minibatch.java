package dev.jgan.gan.scheme;

import dev.jgan.autodiff.Tensor;

/**
 * The inputs of one step of a scheme: a real batch x and its class labels (null when the data has none), the
 * generator's noise z, the labels G was given (null for an unconditional G), and the generated batch G(z, y).
 * {@code fake} carries G's graph when G's step may reuse it. Tricks that change D's inputs (instance noise,
 * experience replay) return a changed copy; the arrays are never modified in place.
 */
public record Minibatch(Tensor real, int[] realLabels, Tensor z, int[] fakeLabels, Tensor fake) {
    /** The same batch with another real batch (same labels). */
    public Minibatch withReal(Tensor newReal) {
        return new Minibatch(newReal, realLabels, z, fakeLabels, fake);
    }

    /** The same batch with another generated batch and its labels. */
    public Minibatch withFake(Tensor newFake, int[] newFakeLabels) {
        return new Minibatch(real, realLabels, z, newFakeLabels, newFake);
    }
}
