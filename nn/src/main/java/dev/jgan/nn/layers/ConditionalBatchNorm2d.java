package dev.jgan.nn.layers;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Conditional;
import dev.jgan.nn.Init;
import dev.jgan.nn.Module;

/**
 * Class-conditional batch normalisation, as in the SNGAN and SAGAN generators (de Vries et al., 2017;
 * Miyato and Koyama, 2018): a BatchNorm2d without affine parameters, then a per-class gain and bias looked
 * up from two embeddings, {@code gamma} (initialised to 1) and {@code beta} (initialised to 0), as chainer's
 * {@code CategoricalConditionalBatchNormalization} in the authors' code.
 * State keys: {@code bn.running_mean}, {@code bn.running_var}, {@code bn.num_batches_tracked},
 * {@code gamma.weight}, {@code beta.weight}.
 */
public final class ConditionalBatchNorm2d extends Module implements Conditional {
    private final int features;
    private final BatchNorm2d bn;
    private final Embedding gamma;
    private final Embedding beta;

    /** As the constructor with an Rng, drawing from {@link Rng#defaultGenerator()} (explicit generators are preferred for reproducible runs). */
    public ConditionalBatchNorm2d(int features, int numClasses) {
        this(features, numClasses, Rng.defaultGenerator());
    }

    public ConditionalBatchNorm2d(int features, int numClasses, Rng rng) {
        this.features = features;
        this.bn = registerModule("bn", new BatchNorm2d(features, 1e-5f, 0.1f, false, true));
        this.gamma = registerModule("gamma", new Embedding(numClasses, features, rng));
        this.beta = registerModule("beta", new Embedding(numClasses, features, rng));
        Init.ones(gamma.parameter("weight"));
        Init.zeros(beta.parameter("weight"));
    }

    /** Refused: the gain and bias depend on the class, so the layer needs {@link #forward(Tensor, int[])}. */
    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(describe() + ": needs class labels; call forward(x, labels)");
    }

    /** x [N, C, H, W] normalised, then scaled and shifted by the parameters of class labels[n]. */
    @Override
    public Tensor forward(Tensor x, int[] labels) {
        if (x.dim() != 4) throw new IllegalArgumentException(describe() + ": input must be 4-D (NCHW), got " + Shape.str(x.shape()));
        Conditional.checkLabels(describe(), labels, x.size(0), numClasses());
        Tensor y = bn.forward(x);
        Tensor g = gamma.forward(labels).reshape(labels.length, features, 1, 1); // [N, C] -> [N, C, 1, 1]
        Tensor b = beta.forward(labels).reshape(labels.length, features, 1, 1);
        return y.mul(g).add(b);
    }

    @Override
    public int numClasses() {
        return gamma.numEmbeddings();
    }

    @Override
    protected String describe() {
        return "ConditionalBatchNorm2d(" + features + ", classes=" + gamma.numEmbeddings() + ")";
    }
}
