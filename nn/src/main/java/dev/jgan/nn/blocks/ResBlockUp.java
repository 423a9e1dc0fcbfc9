package dev.jgan.nn.blocks;

import dev.jgan.autodiff.Pooling;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Conditional;
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
 *
 * <p>As a {@link Conditional} module, {@link #numClasses()} is the conditional norm's class count, and 0 for the other
 * norms, whose {@link #forward(Tensor, int[])} ignores the labels: a container such as
 * {@link dev.jgan.nn.ConditionalSequential} passes labels only to children with classes.
 */
public final class ResBlockUp extends Module implements Conditional {
    /** The normalisation before each convolution. */
    public enum Norm { NONE, BATCH, CONDITIONAL }

    private final Norm norm;
    private final int in;
    private final int out;
    private final int numClasses;
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
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("ResBlockUp: channels must be positive, got in=" + in + " out=" + out);
        if (norm == Norm.CONDITIONAL && numClasses < 1)
            throw new IllegalArgumentException("ResBlockUp: conditional batch norm needs numClasses >= 1, got " + numClasses);
        this.norm = norm;
        this.in = in;
        this.out = out;
        this.numClasses = norm == Norm.CONDITIONAL ? numClasses : 0;
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
        if (norm == Norm.CONDITIONAL) throw new UnsupportedOperationException(describe() + ": conditional block needs labels; call forward(x, labels)");
        return forward(x, null);
    }

    /**
     * The block on x [N, in, H, W] with class labels for conditional batch norm -> [N, out, 2H, 2W] (or H, W). Labels are
     * checked against the batch and the class count under conditional norm, and ignored (may be null) otherwise.
     */
    @Override
    public Tensor forward(Tensor x, int[] labels) {
        if (x.dim() != 4 || x.size(1) != in)
            throw new IllegalArgumentException(describe() + ": input must be [N, " + in + ", H, W], got " + Shape.str(x.shape()));
        if (norm == Norm.CONDITIONAL) Conditional.checkLabels(describe(), labels, x.size(0), numClasses);
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

    /** The conditional norm's class count; 0 unless the norm is {@link Norm#CONDITIONAL}. */
    @Override
    public int numClasses() {
        return numClasses;
    }

    private Tensor up(Tensor x) {
        return upsample ? Pooling.upsampleNearest2d(x, 2) : x;
    }

    @Override
    protected String describe() {
        return "ResBlockUp(" + in + " -> " + out + ", norm=" + norm + (norm == Norm.CONDITIONAL ? ", classes=" + numClasses : "") + ", upsample=" + upsample + ")";
    }
}
