package dev.jgan.gan.loss;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;

/** Checks that a tensor holds one discriminator output per sample. */
final class Scores {
    private Scores() {}

    /**
     * Returns {@code out} unchanged if its shape is [N] or [N, 1] with N >= 1; otherwise throws naming the loss,
     * the argument and the shape. A rank-0 value has lost its batch, an empty batch has no mean, and a wider
     * output (an image, a class head) is almost always the wrong tensor.
     */
    static Tensor perSample(String loss, String argument, Tensor out) {
        int[] s = out.shape();
        boolean ok = (s.length == 1 || (s.length == 2 && s[1] == 1)) && s[0] >= 1;
        if (!ok)
            throw new IllegalArgumentException(loss + ": " + argument + " must hold one value per sample, shape [N] or [N, 1] with N >= 1, got "
                    + Shape.str(s));
        return out;
    }
}
