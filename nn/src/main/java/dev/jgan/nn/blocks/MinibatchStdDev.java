package dev.jgan.nn.blocks;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import java.util.List;

/**
 * Minibatch standard deviation (Karras et al., 2018, ProGAN): the batch is split into groups of
 * {@code groupSize} samples; for each position in a group the standard deviation of every feature over the
 * group, averaged over features, is appended to each sample as one extra constant channel. A discriminator
 * so sees how varied a batch is, which discourages mode collapse. [N, C, H, W] -> [N, C + 1, H, W].
 * With M = N / G groups, the batch is viewed as [G, M, ...] and statistics are taken over the first axis: group
 * m pools the G samples with the same n mod M (samples m, m + M, m + 2M, ...), and sample n gets the value
 * of group n mod M, as in the reference implementation.
 */
public final class MinibatchStdDev extends Module {
    private final int groupSize;
    private final float eps;

    public MinibatchStdDev(int groupSize) {
        this(groupSize, 1e-8f);
    }

    public MinibatchStdDev(int groupSize, float eps) {
        if (groupSize <= 0) throw new IllegalArgumentException("MinibatchStdDev: group size must be positive, got " + groupSize);
        this.groupSize = groupSize;
        this.eps = eps;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 4) throw new IllegalArgumentException(describe() + ": input must be 4-D (NCHW), got " + Shape.str(x.shape()));
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int g = Math.min(groupSize, n);
        if (n % g != 0) throw new IllegalArgumentException(describe() + ": batch " + n + " not divisible by group size " + g);
        int m = n / g;
        Tensor grouped = x.reshape(g, m, c, h, w);                                  // [G, M, C, H, W]
        Tensor std = grouped.variance(new int[] {0}, false, 0).add(eps).sqrt();    // [M, C, H, W] over the group
        Tensor stat = std.mean(new int[] {1, 2, 3}, false);                         // [M]
        Tensor channel = stat.reshape(1, m, 1, 1, 1).expand(g, m, 1, h, w).reshape(n, 1, h, w); // sample g M + j gets stat[j]
        return Tensor.concat(List.of(x, channel), 1);
    }

    @Override
    protected String describe() {
        return "MinibatchStdDev(group=" + groupSize + ")";
    }
}
