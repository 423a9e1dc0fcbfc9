package dev.jgan.nn.blocks;

import dev.jgan.autodiff.Pooling;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import dev.jgan.nn.layers.Conv2d;

/**
 * The residual block of the SNGAN ResNet discriminator (Miyato et al., 2018), without normalisation (apply
 * {@link dev.jgan.nn.SpectralNorm#applyToAll} to the network for SNGAN, or use as is in a WGAN-GP critic):
 * <ul>
 *   <li>ordinary block: {@code h = down(conv2(relu(conv1(relu(x)))))}, shortcut {@code down(shortcut(x))};
 *   <li>first block ({@code first = true}, the paper's "optimized block", which sees the image itself, so no
 *       pre-activation): {@code h = down(conv2(relu(conv1(x))))}, shortcut {@code shortcut(down(x))}.
 * </ul>
 * Down is 2x2 average pooling; the 1x1 {@code shortcut} conv exists when channels change or the block
 * downsamples. Children: {@code conv1}, {@code conv2}, {@code shortcut}.
 */
public final class ResBlockDown extends Module {
    private final boolean downsample;
    private final boolean first;
    private final Conv2d conv1;
    private final Conv2d conv2;
    private final Conv2d shortcut;

    /** As the constructor with an Rng, drawing from {@link Rng#defaultGenerator()} (explicit generators are preferred for reproducible runs). */
    public ResBlockDown(int in, int out, boolean downsample, boolean first) {
        this(in, out, downsample, first, Rng.defaultGenerator());
    }

    public ResBlockDown(int in, int out, boolean downsample, boolean first, Rng rng) {
        this.downsample = downsample;
        this.first = first;
        this.conv1 = registerModule("conv1", new Conv2d(in, out, 3, 1, 1, rng));
        this.conv2 = registerModule("conv2", new Conv2d(out, out, 3, 1, 1, rng));
        this.shortcut = in != out || downsample ? registerModule("shortcut", new Conv2d(in, out, 1, 1, 0, rng)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = conv2.forward(conv1.forward(first ? x : x.relu()).relu());
        h = down(h);
        Tensor sc;
        if (shortcut == null) sc = x;
        else if (first) sc = shortcut.forward(down(x));  // pool first: the 1x1 conv then runs on a quarter of the pixels
        else sc = down(shortcut.forward(x));
        return h.add(sc);
    }

    private Tensor down(Tensor x) {
        return downsample ? Pooling.avgPool2d(x, 2, 2, 0) : x;
    }

    @Override
    protected String describe() {
        return "ResBlockDown(downsample=" + downsample + ", first=" + first + ")";
    }
}
