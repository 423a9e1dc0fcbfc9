package dev.jgan.nn.layers;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;

/**
 * In training, zeroes each element with probability p and scales the rest by 1/(1-p) (inverted dropout,
 * as PyTorch); the identity in evaluation. Masks come from the generator given at construction, so a run
 * is reproducible.
 */
public final class Dropout extends Module {
    private final float p;
    private final Rng rng;

    public Dropout(float p, Rng rng) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1], got " + p);
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0f) return x;
        if (p == 1f) return x.mul(0f);
        float[] mask = new float[x.numel()];
        float scale = 1f / (1f - p);
        for (int i = 0; i < mask.length; i++) mask[i] = rng.nextFloat() < p ? 0f : scale;
        return x.mul(Tensor.of(mask, x.shape()));
    }

    @Override
    protected String describe() {
        return "Dropout(p=" + p + ")";
    }
}
