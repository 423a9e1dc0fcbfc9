package dev.jgan.nn.blocks;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import dev.jgan.nn.layers.Conv2d;

/**
 * The self-attention block of SAGAN (Zhang et al., 2018): 1x1 convolutions {@code query} and {@code key}
 * (C -> C/reduction) and {@code value} (C -> C); attention weights softmax over positions j of
 * q_i . k_j; output {@code x + gamma o} with the learned scalar {@code gamma} initialised to 0, so the
 * block starts as the identity and learns how much non-local evidence to use.
 */
public final class SelfAttention2d extends Module {
    private final int channels;
    private final Conv2d query;
    private final Conv2d key;
    private final Conv2d value;

    /** The paper's reduction 8 (at least one query/key channel). */
    public SelfAttention2d(int channels, Rng rng) {
        this(channels, 8, rng);
    }

    public SelfAttention2d(int channels, int reduction, Rng rng) {
        if (channels <= 0 || reduction <= 0) throw new IllegalArgumentException("SelfAttention2d: invalid channels=" + channels + " reduction=" + reduction);
        this.channels = channels;
        int inner = Math.max(1, channels / reduction);
        this.query = registerModule("query", new Conv2d(channels, inner, 1, 1, 0, rng));
        this.key = registerModule("key", new Conv2d(channels, inner, 1, 1, 0, rng));
        this.value = registerModule("value", new Conv2d(channels, channels, 1, 1, 0, rng));
        registerParameter("gamma", Tensor.zeros(1));
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 4 || x.size(1) != channels)
            throw new IllegalArgumentException(describe() + ": input must be [N, " + channels + ", H, W], got " + Shape.str(x.shape()));
        int n = x.size(0), hw = x.size(2) * x.size(3);
        Tensor q = query.forward(x).reshape(n, -1, hw);       // [N, C', HW]
        Tensor k = key.forward(x).reshape(n, -1, hw);         // [N, C', HW]
        Tensor v = value.forward(x).reshape(n, channels, hw); // [N, C, HW]
        Tensor attn = q.transpose(1, 2).matmul(k).softmax(2); // [N, HW(i), HW(j)], each row sums to 1 over j
        Tensor o = v.matmul(attn.transpose(1, 2));            // o[:, :, i] = sum_j v[:, :, j] attn[i, j] -> [N, C, HW]
        return x.add(o.reshape(x.shape()).mul(tensor("gamma")));
    }

    @Override
    protected String describe() {
        return "SelfAttention2d(" + channels + ")";
    }
}
