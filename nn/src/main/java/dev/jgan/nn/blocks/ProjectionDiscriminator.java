package dev.jgan.nn.blocks;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Conditional;
import dev.jgan.nn.Module;
import dev.jgan.nn.layers.Embedding;
import dev.jgan.nn.layers.Linear;

/**
 * The projection discriminator (Miyato and Koyama, 2018, "cGANs with Projection Discriminator", eq. 3):
 * {@code D(x, y) = psi(phi(x)) + <embed(y), phi(x)>}, where phi is any feature network x -> [N, F] (children
 * {@code features}), psi a linear head F -> 1 ({@code linear}, with or without bias) and embed a class embedding
 * [numClasses, F] ({@code embed}, no bias). The inner product is the log-likelihood ratio term of a class
 * conditional whose logits are linear in phi(x), which is why the label enters at the end and not at the input.
 *
 * <p>The layers start unnormalised: for the paper's discriminator apply {@link dev.jgan.nn.SpectralNorm#applyToAll}
 * to the whole module, which normalises phi's layers, {@code linear} and {@code embed} (the SNGAN and SAGAN builders
 * do). Initialisation is PyTorch's (Linear's uniform, Embedding's N(0, 1)) until a builder re-initialises.
 */
public final class ProjectionDiscriminator extends Module implements Conditional {
    private final Module features;
    private final Linear linear;
    private final Embedding embed;
    private final int featureSize;

    /**
     * @param features    phi: x [N, ...] -> [N, featureSize]
     * @param featureSize F, the length of phi's output per sample
     * @param numClasses  classes of the labels, >= 1
     * @param bias        whether psi has a bias (the SNGAN authors' CIFAR-10 head has none, SAGAN's has one)
     */
    public ProjectionDiscriminator(Module features, int featureSize, int numClasses, boolean bias, Rng rng) {
        if (featureSize < 1 || numClasses < 1)
            throw new IllegalArgumentException("ProjectionDiscriminator: featureSize and numClasses must be >= 1, got featureSize=" + featureSize
                    + " numClasses=" + numClasses);
        this.features = registerModule("features", features);
        this.linear = registerModule("linear", new Linear(featureSize, 1, bias, rng));
        this.embed = registerModule("embed", new Embedding(numClasses, featureSize, rng));
        this.featureSize = featureSize;
    }

    /** Refused: D(x, y) needs the class of each sample; call {@link #forward(Tensor, int[])}. */
    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(describe() + ": needs class labels; call forward(x, labels)");
    }

    /** Logits [N, 1] of x [N, ...] with {@code labels} [N], each in [0, numClasses). */
    @Override
    public Tensor forward(Tensor x, int[] labels) {
        if (x.dim() == 0) throw new IllegalArgumentException(describe() + ": input must have a batch dimension, got a scalar");
        Conditional.checkLabels(describe(), labels, x.size(0), numClasses());
        Tensor h = features.forward(x);                                   // phi(x): [N, F]
        if (h.dim() != 2 || h.size(0) != x.size(0) || h.size(1) != featureSize)
            throw new IllegalArgumentException(describe() + ": features must map " + Shape.str(x.shape()) + " to [" + x.size(0) + ", " + featureSize
                    + "], got " + Shape.str(h.shape()));
        Tensor projection = embed.forward(labels).mul(h).sum(1, true);   // <embed(y_n), phi(x_n)>: [N, F] -> [N, 1]
        return linear.forward(h).add(projection);                         // psi(phi(x)) + projection: [N, 1]
    }

    /** phi, the feature network. */
    public Module features() {
        return features;
    }

    public int featureSize() {
        return featureSize;
    }

    @Override
    public int numClasses() {
        return embed.numEmbeddings();
    }

    @Override
    protected String describe() {
        return "ProjectionDiscriminator(features=" + featureSize + ", classes=" + embed.numEmbeddings() + ")";
    }
}
