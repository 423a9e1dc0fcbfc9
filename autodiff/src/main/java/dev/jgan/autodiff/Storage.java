package dev.jgan.autodiff;

/**
 * The float buffer behind one or more tensors (a reshape shares it) and its version counter.
 * Invariant: every in-place write bumps {@code version}, so a backward rule can detect that a tensor
 * it saved was changed after the forward pass.
 */
final class Storage {
    final float[] data;
    int version;

    Storage(float[] data) {
        this.data = data;
    }
}
