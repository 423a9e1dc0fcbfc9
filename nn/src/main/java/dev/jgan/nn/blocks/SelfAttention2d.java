package dev.jgan.nn.blocks;

import dev.jgan.autodiff.Pooling;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import dev.jgan.nn.layers.Conv2d;

/**
 * The self-attention block of SAGAN (Zhang et al., 2018) in its two common layouts, chosen by {@link Options}:
 * <ul>
 *   <li>{@link Options#plain()} (the default; the popular PyTorch port's layout): 1x1 convolutions {@code query}
 *       and {@code key} (C -> C/reduction) and {@code value} (C -> C), with biases; attention weights softmax
 *       over positions j of q_i . k_j; output {@code x + gamma o}, {@code gamma} of shape [1].
 *   <li>{@link Options#pooled()} (the SAGAN authors' and BigGAN's layout, named as BigGAN-PyTorch's
 *       {@code Attention}): {@code theta}, {@code phi} (C -> C/8) and {@code g} (C -> C/2) without biases, 2x2
 *       max pooling of phi and g (keys and values at a quarter of the positions, so H and W must be even), a 1x1
 *       {@code o} (C/2 -> C) after the attention, and {@code gamma} of shape [] as BigGAN's {@code torch.tensor(0.)}.
 * </ul>
 * In both, {@code gamma} starts at 0, so the block starts as the identity and learns how much non-local
 * evidence to use. Channel counts below 1 are raised to 1.
 */
public final class SelfAttention2d extends Module {

    /**
     * The layout: {@code poolKeysAndValues} picks BigGAN's form (and its state-dict names), {@code reduction} divides C for
     * the query and key channels, {@code bias} gives the 1x1 convolutions biases.
     */
    public record Options(boolean poolKeysAndValues, int reduction, boolean bias) {
        public Options {
            if (reduction <= 0) throw new IllegalArgumentException("SelfAttention2d: reduction must be positive, got " + reduction);
        }

        /** query/key/value with biases, reduction 8. */
        public static Options plain() {
            return new Options(false, 8, true);
        }

        /** theta/phi/g/o without biases, reduction 8, pooled keys and values. */
        public static Options pooled() {
            return new Options(true, 8, false);
        }

        public Options withBias(boolean b) {
            return new Options(poolKeysAndValues, reduction, b);
        }

        public Options withReduction(int r) {
            return new Options(poolKeysAndValues, r, bias);
        }
    }

    private final int channels;
    private final Options options;
    private final Conv2d query;
    private final Conv2d key;
    private final Conv2d value;
    private final Conv2d output;   // the pooled form's o; null in the plain form

    /** The plain form with the paper's reduction 8. */
    public SelfAttention2d(int channels, Rng rng) {
        this(channels, Options.plain(), rng);
    }

    /** The plain form with query/key channels C/reduction. */
    public SelfAttention2d(int channels, int reduction, Rng rng) {
        this(channels, Options.plain().withReduction(reduction), rng);
    }

    public SelfAttention2d(int channels, Options options, Rng rng) {
        if (channels <= 0) throw new IllegalArgumentException("SelfAttention2d: invalid channels=" + channels);
        this.channels = channels;
        this.options = options;
        int inner = Math.max(1, channels / options.reduction());
        boolean b = options.bias();
        if (options.poolKeysAndValues()) {
            int valueChannels = Math.max(1, channels / 2);
            this.query = registerModule("theta", new Conv2d(channels, inner, 1, 1, 0, b, rng));
            this.key = registerModule("phi", new Conv2d(channels, inner, 1, 1, 0, b, rng));
            this.value = registerModule("g", new Conv2d(channels, valueChannels, 1, 1, 0, b, rng));
            this.output = registerModule("o", new Conv2d(valueChannels, channels, 1, 1, 0, b, rng));
            registerParameter("gamma", Tensor.scalar(0f));
        } else {
            this.query = registerModule("query", new Conv2d(channels, inner, 1, 1, 0, b, rng));
            this.key = registerModule("key", new Conv2d(channels, inner, 1, 1, 0, b, rng));
            this.value = registerModule("value", new Conv2d(channels, channels, 1, 1, 0, b, rng));
            this.output = null;
            registerParameter("gamma", Tensor.zeros(1));
        }
    }

    /** As the constructor with an Rng, drawing from {@link Rng#defaultGenerator()} (explicit generators are preferred for reproducible runs). */
    public SelfAttention2d(int channels) {
        this(channels, Options.plain(), Rng.defaultGenerator());
    }

    /** Draws from {@link Rng#defaultGenerator()}. */
    public SelfAttention2d(int channels, Options options) {
        this(channels, options, Rng.defaultGenerator());
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 4 || x.size(1) != channels)
            throw new IllegalArgumentException(describe() + ": input must be [N, " + channels + ", H, W], got " + Shape.str(x.shape()));
        // NOTE: 2x2 pooling of an odd side would drop its last row or column from the keys and values without a word;
        // BigGAN's reshape to HW/4 positions fails there, so refuse it too.
        if (options.poolKeysAndValues() && (x.size(2) < 2 || x.size(3) < 2 || x.size(2) % 2 != 0 || x.size(3) % 2 != 0))
            throw new IllegalArgumentException(describe() + ": pooled keys and values need H and W of at least 2, and even (2x2 max pooling), got "
                    + Shape.str(x.shape()));
        int n = x.size(0), hw = x.size(2) * x.size(3);
        Tensor q = query.forward(x).reshape(n, -1, hw);        // [N, C', HW]
        Tensor k = keysOrValues(key.forward(x), n);            // [N, C', HW'], HW' = HW or HW/4 pooled
        Tensor v = keysOrValues(value.forward(x), n);          // [N, Cv, HW']
        Tensor attn = q.transpose(1, 2).matmul(k).softmax(2);  // [N, HW(i), HW'(j)], each row sums to 1 over j
        Tensor o = v.matmul(attn.transpose(1, 2));             // o[:, :, i] = sum_j v[:, :, j] attn[i, j] -> [N, Cv, HW]
        o = o.reshape(n, -1, x.size(2), x.size(3));            // [N, Cv, H, W]
        if (output != null) o = output.forward(o);             // [N, C, H, W]
        return x.add(o.mul(tensor("gamma")));
    }

    /** [N, C', H, W] -> [N, C', positions], 2x2 max pooled first in the pooled form. */
    private Tensor keysOrValues(Tensor t, int n) {
        Tensor s = options.poolKeysAndValues() ? Pooling.maxPool2d(t, 2) : t;
        return s.reshape(n, s.size(1), -1);
    }

    @Override
    protected String describe() {
        return "SelfAttention2d(" + channels + ", pooled=" + options.poolKeysAndValues() + ", reduction=" + options.reduction() + ", bias=" + options.bias() + ")";
    }
}
