package dev.jgan.gan.nets;

import dev.jgan.autodiff.Rng;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.blocks.MinibatchDiscrimination;
import dev.jgan.nn.layers.Dropout;
import dev.jgan.nn.layers.GaussianNoise;
import dev.jgan.nn.layers.LayerNorm;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Multilayer perceptrons as a {@link Sequential} of {@code Linear, activation, Linear, ..., Linear} (no
 * activation after the last layer), so the state-dict keys are those of the same {@code torch.nn.Sequential}:
 * {@code 0.weight}, {@code 0.bias}, {@code 2.weight}, ... Linear layers take PyTorch's default initialisation.
 *
 * <p>{@link Options} add the tricks of "How to train a GAN" (NIPS 2016 workshop, https://github.com/soumith/ganhacks)
 * that apply to an MLP: LeakyReLU, per-sample (layer) normalisation, always-on dropout, Gaussian noise layers and
 * minibatch discrimination.
 * Each is off by default, and the builders without options give bitwise the networks above from the same generator.
 */
public final class Mlp {
    /** Noise size of the toy generator. */
    public static final int TOY_NOISE = 256;
    /** Hidden width of the toy networks. */
    public static final int TOY_HIDDEN = 128;

    private Mlp() {}

    /**
     * Variants of an MLP, each off by default; immutable, changed with withers. A hidden block is
     * {@code Linear, [LayerNorm], activation, [Dropout], [GaussianNoise]}; minibatch discrimination sits before the last
     * Linear.
     */
    public static final class Options {
        private static final Options DEFAULTS = new Options();

        // Invariant: never changed after a wither returns it (each wither changes a fresh copy), so instances are immutable.
        private Supplier<? extends Module> activation = ReLU::new;
        private String activationName = "ReLU";
        private boolean layerNorm;
        private float dropout;
        private boolean layerNoise;
        private int mbdKernels, mbdKernelDim;

        private Options() {}

        private Options copy() {
            Options o = new Options();
            o.activation = activation;
            o.activationName = activationName;
            o.layerNorm = layerNorm;
            o.dropout = dropout;
            o.layerNoise = layerNoise;
            o.mbdKernels = mbdKernels;
            o.mbdKernelDim = mbdKernelDim;
            return o;
        }

        /** ReLU, nothing else. */
        public static Options defaults() {
            return DEFAULTS;
        }

        /** A fresh {@code activation} module between consecutive layers. */
        public Options withActivation(Supplier<? extends Module> activation) {
            if (activation == null) throw new IllegalArgumentException("Mlp.Options: activation must be given");
            Options o = copy();
            o.activation = activation;
            o.activationName = "custom";
            return o;
        }

        /**
         * LeakyReLU with this negative slope in place of ReLU (ganhacks 5, "Avoid sparse gradients: ReLU, MaxPool ...
         * LeakyReLU = good (in both G and D)"). Slope in (0, 1).
         */
        public Options withLeakyRelu(float slope) {
            if (!(slope > 0f && slope < 1f))
                throw new IllegalArgumentException("Mlp.Options: the LeakyReLU slope must be in (0, 1), got slope=" + slope);
            Options o = copy();
            o.activation = () -> new LeakyReLU(slope);
            o.activationName = "LeakyReLU(" + slope + ")";
            return o;
        }

        /**
         * {@link LayerNorm} over each hidden Linear's features, before the activation: the per-sample normalisation of
         * ganhacks 4 ("when batchnorm is not an option use instance normalization (for each sample, subtract mean and
         * divide by standard deviation)"); on a feature vector, instance and layer normalisation are the same thing.
         */
        public Options withLayerNorm(boolean on) {
            Options o = copy();
            o.layerNorm = on;
            return o;
        }

        /**
         * {@link Dropout#alwaysOn} with probability p after every hidden activation, dropping at training and at
         * sampling time, for a generator (pix2pix, Isola et al. 2017; ganhacks 17, "Use Dropouts in G in both train
         * and test phase"). p in [0, 1); 0 switches it off.
         */
        public Options withAlwaysOnDropout(float p) {
            if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("Mlp.Options: the dropout p must be in [0, 1), got p=" + p);
            Options o = copy();
            o.dropout = p;
            return o;
        }

        /**
         * A {@link GaussianNoise} layer at the end of every hidden block (after its activation and dropout), for a
         * generator, at sigma 0 (the identity, drawing nothing) until {@code Tricks.generatorLayerNoise} anneals it:
         * ganhacks 13, "adding gaussian noise to every layer of generator" (Zhao et al. 2017, EBGAN). Each layer draws
         * its seed from the builder's generator and keeps it, with its forward count and sigma, in the state dict.
         */
        public Options withLayerNoise(boolean on) {
            Options o = copy();
            o.layerNoise = on;
            return o;
        }

        /**
         * {@link MinibatchDiscrimination} before the last Linear, for a discriminator (Salimans et al. 2016, section
         * 3.2; ganhacks 15): the last layer reads [f, o(f)], F + kernels features. T starts as N(0, 1/F), as in
         * {@link Dcgan.Options#withMinibatchDiscrimination}. {@code kernels} 0 switches it off.
         */
        public Options withMinibatchDiscrimination(int kernels, int kernelDim) {
            Dcgan.checkMinibatchDiscrimination("Mlp.Options", kernels, kernelDim);
            Options o = copy();
            o.mbdKernels = kernels;
            o.mbdKernelDim = kernels == 0 ? 0 : kernelDim;
            return o;
        }

        public boolean layerNorm() {
            return layerNorm;
        }

        /** The always-on dropout probability, 0 when off. */
        public float alwaysOnDropout() {
            return dropout;
        }

        /** Whether hidden blocks end in a {@link GaussianNoise} layer. */
        public boolean layerNoise() {
            return layerNoise;
        }

        /** Minibatch discrimination's kernels, 0 when off. */
        public int minibatchKernels() {
            return mbdKernels;
        }

        public int minibatchKernelDim() {
            return mbdKernelDim;
        }

        @Override
        public String toString() {
            return "Mlp.Options(" + activationName + (layerNorm ? ", LayerNorm" : "") + (dropout > 0 ? ", always-on dropout " + dropout : "")
                    + (layerNoise ? ", layer noise" : "")
                    + (mbdKernels > 0 ? ", minibatch discrimination " + mbdKernels + "x" + mbdKernelDim : "") + ")";
        }
    }

    /**
     * Linear layers {@code sizes[0] -> sizes[1] -> ... -> sizes[last]} with a fresh {@code activation} module
     * between consecutive layers. Needs at least two sizes, each >= 1.
     */
    public static Sequential of(int[] sizes, Supplier<? extends Module> activation, Rng rng) {
        return of(sizes, Options.defaults().withActivation(activation), rng);
    }

    /** Linear layers {@code sizes[0] -> ... -> sizes[last]} with hidden blocks as the options say. Needs at least two sizes, each >= 1. */
    public static Sequential of(int[] sizes, Options options, Rng rng) {
        if (sizes.length < 2) throw new IllegalArgumentException("Mlp: needs at least an input and an output size, got " + Arrays.toString(sizes));
        for (int s : sizes) if (s < 1) throw new IllegalArgumentException("Mlp: sizes must be >= 1, got " + Arrays.toString(sizes));
        if (options == null) throw new IllegalArgumentException("Mlp: options must be given (Mlp.Options.defaults() for plain ReLU)");
        Sequential net = new Sequential();
        MinibatchDiscrimination mbd = null;
        int last = sizes.length - 2;
        for (int i = 0; i <= last; i++) {
            if (i > 0) {
                if (options.layerNorm) net.add(new LayerNorm(sizes[i]));
                net.add(options.activation.get());
                if (options.dropout > 0f) net.add(Dropout.alwaysOn(options.dropout, rng));
                if (options.layerNoise) net.add(new GaussianNoise(0f, rng));
            }
            int in = sizes[i];
            if (i == last && options.mbdKernels > 0) {
                mbd = new MinibatchDiscrimination(in, options.mbdKernels, options.mbdKernelDim, rng); // [N, in] -> [N, in + B]
                net.add(mbd);
                in += options.mbdKernels;
            }
            net.add(new Linear(in, sizes[i + 1], rng));
        }
        return Dcgan.initMinibatch(net, mbd, rng);
    }

    /** The toy generator of the 8-Gaussians setting: 256-128-128-2 with ReLU; z ~ N(0, I_256). */
    public static Sequential toyGenerator(Rng rng) {
        return toyGenerator(Options.defaults(), rng);
    }

    /** The toy generator's sizes with the given options. */
    public static Sequential toyGenerator(Options options, Rng rng) {
        return of(new int[] {TOY_NOISE, TOY_HIDDEN, TOY_HIDDEN, 2}, options, rng);
    }

    /** The toy discriminator of the 8-Gaussians setting: 2-128-128-1 with ReLU, one logit per sample. */
    public static Sequential toyDiscriminator(Rng rng) {
        return toyDiscriminator(Options.defaults(), rng);
    }

    /** The toy discriminator's sizes with the given options. */
    public static Sequential toyDiscriminator(Options options, Rng rng) {
        return of(new int[] {2, TOY_HIDDEN, TOY_HIDDEN, 1}, options, rng);
    }
}
