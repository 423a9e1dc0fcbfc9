package dev.jgan.nn.blocks;

import dev.jgan.autodiff.Pooling;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import dev.jgan.nn.layers.BatchNorm2d;
import dev.jgan.nn.layers.ConditionalBatchNorm2d;
import dev.jgan.nn.layers.Conv2d;

/**
 * The residual block of the SNGAN ResNet generator (Miyato et al., 2018; Gulrajani et al., 2017):
 * {@code h = conv2(relu(bn2(conv1(up(relu(bn1(x)))))))}, shortcut {@code shortcut(up(x))} (a 1x1 conv, present
 * when channels change or the block upsamples), output h + shortcut. Up is 2x nearest upsampling.
 *
 * <p>Normalisation: {@link Norm#BATCH} (BatchNorm2d), {@link Norm#CONDITIONAL} (ConditionalBatchNorm2d,
 * forward with labels) or {@link Norm#NONE}. Children: {@code bn1}, {@code conv1}, {@code bn2}, {@code conv2},
 * {@code shortcut}.
 */
public final class ResBlockUp extends Module {
    /** The normalisation before each convolution. */
    public enum Norm { NONE, BATCH, CONDITIONAL }

    private final Norm norm;
    private final boolean upsample;
    private final Module bn1;
    private final Module bn2;
    private final Conv2d conv1;
    private final Conv2d conv2;
    private final Conv2d shortcut;

    /** As the constructor with an Rng, drawing from {@link Rng#defaultGenerator()} (explicit generators are preferred for reproducible runs). */
    public ResBlockUp(int in, int out) {
        this(in, out, Rng.defaultGenerator());
    }

    /** A batch-normalised, upsampling block. */
    public ResBlockUp(int in, int out, Rng rng) {
        this(in, out, true, Norm.BATCH, 0, rng);
    }

    /** Draws from {@link Rng#defaultGenerator()}. */
    public ResBlockUp(int in, int out, boolean upsample, Norm norm, int numClasses) {
        this(in, out, upsample, norm, numClasses, Rng.defaultGenerator());
    }

    /** @param numClasses classes of the conditional batch norm (ignored unless norm is CONDITIONAL) */
    public ResBlockUp(int in, int out, boolean upsample, Norm norm, int numClasses, Rng rng) {
        this.norm = norm;
        this.upsample = upsample;
        this.bn1 = norm == Norm.NONE ? null : registerModule("bn1", normLayer(in, numClasses, rng));
        this.conv1 = registerModule("conv1", new Conv2d(in, out, 3, 1, 1, rng));
        this.bn2 = norm == Norm.NONE ? null : registerModule("bn2", normLayer(out, numClasses, rng));
        this.conv2 = registerModule("conv2", new Conv2d(out, out, 3, 1, 1, rng));
        this.shortcut = in != out || upsample ? registerModule("shortcut", new Conv2d(in, out, 1, 1, 0, rng)) : null;
    }

    private Module normLayer(int channels, int numClasses, Rng rng) {
        return norm == Norm.CONDITIONAL ? new ConditionalBatchNorm2d(channels, numClasses, rng) : new BatchNorm2d(channels);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (norm == Norm.CONDITIONAL) throw new IllegalArgumentException(describe() + ": conditional block needs labels; call forward(x, labels)");
        return forward(x, null);
    }

    /** The block on x [N, in, H, W] with class labels for conditional batch norm -> [N, out, 2H, 2W] (or H, W). */
    public Tensor forward(Tensor x, int[] labels) {
        if (norm == Norm.CONDITIONAL && labels == null)
            throw new IllegalArgumentException(describe() + ": conditional block needs class labels, got null");
        Tensor h = conv1.forward(up(normalize(bn1, x, labels).relu()));
        h = conv2.forward(normalize(bn2, h, labels).relu());
        Tensor sc = shortcut == null ? x : shortcut.forward(up(x));
        return h.add(sc);
    }

    private Tensor normalize(Module bn, Tensor x, int[] labels) {
        if (bn == null) return x;
        if (bn instanceof ConditionalBatchNorm2d) return ((ConditionalBatchNorm2d) bn).forward(x, labels);
        return bn.forward(x);
    }

    private Tensor up(Tensor x) {
        return upsample ? Pooling.upsampleNearest2d(x, 2) : x;
    }

    @Override
    protected String describe() {
        return "ResBlockUp(norm=" + norm + ", upsample=" + upsample + ")";
    }
}
