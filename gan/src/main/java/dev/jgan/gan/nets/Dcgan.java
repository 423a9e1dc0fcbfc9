package dev.jgan.gan.nets;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Init;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.blocks.MinibatchDiscrimination;
import dev.jgan.nn.layers.AvgPool2d;
import dev.jgan.nn.layers.BatchNorm2d;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import dev.jgan.nn.layers.Dropout;
import dev.jgan.nn.layers.Flatten;
import dev.jgan.nn.layers.GaussianNoise;
import dev.jgan.nn.layers.InstanceNorm2d;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.PixelShuffle;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Reshape;
import dev.jgan.nn.layers.Tanh;

/**
 * DCGAN generators and discriminators (Radford et al. 2015): G maps z [N, nz] to images [N, C, H, W] in
 * [-1, 1] through transposed convolutions with BatchNorm and ReLU and a tanh output; D maps images to one
 * logit per sample [N, 1] through strided convolutions with LeakyReLU(0.2) and BatchNorm on every layer but
 * the first. Both are {@link Sequential}s (state-dict keys {@code 1.weight}, {@code 2.running_mean}, ...) with
 * the DCGAN initialisation ({@link Init#dcgan}: weights N(0, 0.02), BatchNorm weights N(1, 0.02), biases 0).
 *
 * <ul>
 *   <li>{@link ImageShape#RGB_64}: PyTorch's DCGAN example ({@code examples/dcgan/main.py}) with a reshape in
 *       front of G (z [N, nz] -> [N, nz, 1, 1], PyTorch's {@code nn.Unflatten(1, (nz, 1, 1))}) and a flatten
 *       behind D ([N, 1, 1, 1] -> [N, 1], no sigmoid: D returns logits). Kernels 4, bias-free convolutions;
 *       G: nz -> 8 ngf (4x4) -> 4 ngf (8x8) -> 2 ngf (16x16) -> ngf (32x32) -> C (64x64); D the mirror image,
 *       ending in a 4x4 valid convolution to one channel.</li>
 *   <li>{@link ImageShape#RGB_32}: the same with one doubling fewer: 4 ngf at 4x4, 2 ngf, ngf, C at 32x32.</li>
 *   <li>{@link ImageShape#GRAY_28}: the networks of the {@code dcgan} section of
 *       {@code ../shared/reference/torch_reference.py} (also the benchmarks' DCGAN): G = Linear(nz, 2 ngf 7 7)
 *       -> reshape [2 ngf, 7, 7] -> BN -> ReLU -> ConvT(2 ngf, ngf, 4, 2, 1) -> BN -> ReLU -> ConvT(ngf, 1, 4, 2, 1)
 *       -> tanh; D = Conv(1, ndf, 4, 2, 1) -> LeakyReLU -> Conv(ndf, 2 ndf, 4, 2, 1) -> BN -> LeakyReLU -> flatten
 *       -> Linear(2 ndf 7 7, 1). Layers with biases, as there.</li>
 * </ul>
 *
 * <p>{@link Options} switch on the architecture tricks of "How to train a GAN" (NIPS 2016 workshop,
 * https://github.com/soumith/ganhacks) and two from papers: LeakyReLU in G, average-pooling downsampling in D,
 * PixelShuffle upsampling in G, instance or no normalisation in place of batch norm, minibatch discrimination in D,
 * always-on dropout in G, and Gaussian noise layers in G. Each is off by default, and the builders without options (or with
 * {@link Options#defaults()}) give bitwise the networks above from the same generator.
 */
public final class Dcgan {
    /** DCGAN's noise size. */
    public static final int NOISE = 100;
    /** DCGAN's base width (ngf, ndf). */
    public static final int WIDTH = 64;

    private static final float SLOPE = 0.2f;

    private Dcgan() {}

    /** The normalisation layers of a network: DCGAN's batch norm, per-sample instance norm, or none. */
    public enum Norm {
        /** {@link BatchNorm2d} (DCGAN's). */
        BATCH,
        /**
         * {@link InstanceNorm2d} with a per-channel scale and shift: each sample normalised on its own, the workshop's
         * trick 4, "when batchnorm is not an option use instance normalization (for each sample, subtract mean and
         * divide by standard deviation)".
         */
        INSTANCE,
        /** No normalisation; the convolutions it would follow get biases instead (WGAN-GP's critic drops batch norm). */
        NONE
    }

    /**
     * Architecture variants of the DCGAN builders, each off by default; immutable, changed with withers. One options
     * object serves both builders: {@link #generator} reads the generator's options and {@link #discriminator} the
     * discriminator's, so the same object can be passed to both.
     */
    public static final class Options {
        private static final Options DEFAULTS = new Options();

        // Invariant: never changed after a wither returns it (each wither changes a fresh copy), so instances are immutable.
        private float generatorSlope = Float.NaN;
        private boolean avgPoolDownsampling, pixelShuffleUpsampling;
        private Norm generatorNorm = Norm.BATCH, discriminatorNorm = Norm.BATCH;
        private int mbdKernels, mbdKernelDim;
        private float generatorDropout;
        private boolean generatorLayerNoise;

        private Options() {}

        private Options copy() {
            Options o = new Options();
            o.generatorSlope = generatorSlope;
            o.avgPoolDownsampling = avgPoolDownsampling;
            o.pixelShuffleUpsampling = pixelShuffleUpsampling;
            o.generatorNorm = generatorNorm;
            o.discriminatorNorm = discriminatorNorm;
            o.mbdKernels = mbdKernels;
            o.mbdKernelDim = mbdKernelDim;
            o.generatorDropout = generatorDropout;
            o.generatorLayerNoise = generatorLayerNoise;
            return o;
        }

        /** DCGAN as published: every option off. */
        public static Options defaults() {
            return DEFAULTS;
        }

        /**
         * LeakyReLU with this negative slope in G in place of ReLU (ganhacks 5, "Avoid sparse gradients: ReLU,
         * MaxPool ... LeakyReLU = good (in both G and D)"; D is leaky already). Slope in (0, 1), 0.2 being D's.
         */
        public Options withGeneratorLeakyRelu(float slope) {
            if (!(slope > 0f && slope < 1f))
                throw new IllegalArgumentException("Dcgan.Options: the generator's LeakyReLU slope must be in (0, 1), got slope=" + slope);
            Options o = copy();
            o.generatorSlope = slope;
            return o;
        }

        /**
         * D downsamples by a 3x3 stride-1 convolution followed by 2x2 average pooling in place of each 4x4 stride-2
         * convolution (ganhacks 5: "For Downsampling, use: Average Pooling, Conv2d + stride"; the pooling as in the
         * ResNet discriminators of WGAN-GP and SNGAN). Every map keeps its size; the final 4x4 valid convolution stays.
         */
        public Options withAvgPoolDownsampling(boolean on) {
            Options o = copy();
            o.avgPoolDownsampling = on;
            return o;
        }

        /**
         * G upsamples by a 3x3 stride-1 convolution to 4 times the channels followed by {@link PixelShuffle}(2) (Shi et
         * al. 2016, sub-pixel convolution) in place of each 4x4 stride-2 transposed convolution (ganhacks 5: "For
         * Upsampling, use: PixelShuffle, ConvTranspose2d + stride"). The first layer of the 32 and 64 generators,
         * which projects z [nz, 1, 1] to 4x4 and upsamples nothing by a stride, stays a transposed convolution.
         */
        public Options withPixelShuffleUpsampling(boolean on) {
            Options o = copy();
            o.pixelShuffleUpsampling = on;
            return o;
        }

        /** G's normalisation layers ({@link Norm#BATCH} by default). */
        public Options withGeneratorNorm(Norm norm) {
            if (norm == null) throw new IllegalArgumentException("Dcgan.Options: the generator's norm must be given");
            Options o = copy();
            o.generatorNorm = norm;
            return o;
        }

        /** D's normalisation layers ({@link Norm#BATCH} by default; D's first layer has none in any case, as in DCGAN). */
        public Options withDiscriminatorNorm(Norm norm) {
            if (norm == null) throw new IllegalArgumentException("Dcgan.Options: the discriminator's norm must be given");
            Options o = copy();
            o.discriminatorNorm = norm;
            return o;
        }

        /**
         * Minibatch discrimination (Salimans et al. 2016, "Improved Techniques for Training GANs", section 3.2; ganhacks
         * 15, "[notsure] Batch Discrimination: mixed results") before D's last linear layer: D's final features f [N, F]
         * become [f, o(f)] [N, F + kernels] and the last layer reads those. In the 32 and 64 discriminators the last
         * layer, a 4x4 valid convolution to one channel, is a linear map of the flattened 4x4 features, so it becomes
         * Flatten, {@link MinibatchDiscrimination}, Linear(16 top + kernels, 1). The paper's code uses 100 kernels of
         * dimension 5. Its tensor T starts as N(0, 1/F): the scale of that code, whose T has unit-norm columns.
         * {@code kernels} 0 switches it off.
         */
        public Options withMinibatchDiscrimination(int kernels, int kernelDim) {
            checkMinibatchDiscrimination("Dcgan.Options", kernels, kernelDim);
            Options o = copy();
            o.mbdKernels = kernels;
            o.mbdKernelDim = kernels == 0 ? 0 : kernelDim;
            return o;
        }

        /**
         * {@link Dropout#alwaysOn} with probability p after every hidden block of G (after its activation), dropping at
         * training and at sampling time: pix2pix's noise (Isola et al. 2017) and ganhacks 17, "Use Dropouts in G in both
         * train and test phase ... (50%) ... on several layers". Each dropout's seed is drawn from the builder's
         * generator and its mask count is in G's state dict, so runs are reproducible and resume bitwise. p in [0, 1);
         * 0 switches it off.
         */
        public Options withGeneratorDropout(float p) {
            if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("Dcgan.Options: the generator's dropout p must be in [0, 1), got p=" + p);
            Options o = copy();
            o.generatorDropout = p;
            return o;
        }

        /**
         * A {@link GaussianNoise} layer at the end of every hidden block of G (after its activation and dropout), at
         * sigma 0 (the identity, drawing nothing) until {@code Tricks.generatorLayerNoise} anneals it: ganhacks 13,
         * "adding gaussian noise to every layer of generator" (Zhao et al. 2017, EBGAN). Each layer draws its seed from
         * the builder's generator and keeps it, with its forward count and sigma, in G's state dict. Off by default.
         */
        public Options withGeneratorLayerNoise(boolean on) {
            Options o = copy();
            o.generatorLayerNoise = on;
            return o;
        }

        /** The generator's LeakyReLU slope, or NaN when G uses ReLU. */
        public float generatorLeakyReluSlope() {
            return generatorSlope;
        }

        public boolean avgPoolDownsampling() {
            return avgPoolDownsampling;
        }

        public boolean pixelShuffleUpsampling() {
            return pixelShuffleUpsampling;
        }

        public Norm generatorNorm() {
            return generatorNorm;
        }

        public Norm discriminatorNorm() {
            return discriminatorNorm;
        }

        /** Minibatch discrimination's kernels, 0 when off. */
        public int minibatchKernels() {
            return mbdKernels;
        }

        public int minibatchKernelDim() {
            return mbdKernelDim;
        }

        /** The generator's always-on dropout probability, 0 when off. */
        public float generatorDropout() {
            return generatorDropout;
        }

        /** Whether G's hidden blocks end in a {@link GaussianNoise} layer. */
        public boolean generatorLayerNoise() {
            return generatorLayerNoise;
        }

        @Override
        public String toString() {
            return "Dcgan.Options(generator: " + (Float.isNaN(generatorSlope) ? "ReLU" : "LeakyReLU(" + generatorSlope + ")")
                    + (pixelShuffleUpsampling ? ", PixelShuffle" : ", ConvTranspose2d") + ", norm " + generatorNorm
                    + (generatorDropout > 0 ? ", always-on dropout " + generatorDropout : "")
                    + (generatorLayerNoise ? ", layer noise" : "")
                    + "; discriminator: " + (avgPoolDownsampling ? "AvgPool2d" : "strided Conv2d") + ", norm " + discriminatorNorm
                    + (mbdKernels > 0 ? ", minibatch discrimination " + mbdKernels + "x" + mbdKernelDim : "") + ")";
        }
    }

    /** G with nz = 100 and ngf = 64. */
    public static Sequential generator(ImageShape shape, Rng rng) {
        return generator(shape, NOISE, WIDTH, Options.defaults(), rng);
    }

    /** G with nz = 100, ngf = 64 and the given options. */
    public static Sequential generator(ImageShape shape, Options options, Rng rng) {
        return generator(shape, NOISE, WIDTH, options, rng);
    }

    /** G: z [N, nz] -> images [N, C, H, W] of {@code shape}, base width {@code ngf}. */
    public static Sequential generator(ImageShape shape, int nz, int ngf, Rng rng) {
        return generator(shape, nz, ngf, Options.defaults(), rng);
    }

    /**
     * G: z [N, nz] -> images [N, C, H, W] of {@code shape}, base width {@code ngf}, with the generator's options: its
     * activation, upsampling, normalisation, dropout and noise layers.
     */
    public static Sequential generator(ImageShape shape, int nz, int ngf, Options options, Rng rng) {
        checkSize("nz", nz);
        checkSize("ngf", ngf);
        if (options == null) throw new IllegalArgumentException("Dcgan: options must be given (Dcgan.Options.defaults() for DCGAN's)");
        Norm norm = options.generatorNorm;
        Sequential g = new Sequential();
        if (shape == ImageShape.GRAY_28) {
            g.add(new Linear(nz, 2 * ngf * 7 * 7, rng)).add(new Reshape(2 * ngf, 7, 7)); // [N, nz] -> [N, 2 ngf, 7, 7]
            addNorm(g, norm, 2 * ngf);
            hiddenEnd(g, options, rng);
            upsample(g, 2 * ngf, ngf, true, options, rng);              // -> 14 x 14
            addNorm(g, norm, ngf);
            hiddenEnd(g, options, rng);
            upsample(g, ngf, shape.channels(), true, options, rng);     // -> 28 x 28
            g.add(new Tanh());
            return Init.dcgan(g, rng);
        }
        // Convolutions followed by a norm layer have no bias (the norm's shift replaces it), as PyTorch's example.
        boolean bias = norm == Norm.NONE;
        int channels = ngf << (doublings(shape) - 1);
        g.add(new Reshape(nz, 1, 1)); // [N, nz] -> [N, nz, 1, 1]
        g.add(new ConvTranspose2d(nz, channels, 4, 1, 0, 0, 1, bias, rng)); // -> 4 x 4
        addNorm(g, norm, channels);
        hiddenEnd(g, options, rng);
        for (; channels > ngf; channels /= 2) {
            upsample(g, channels, channels / 2, bias, options, rng);
            addNorm(g, norm, channels / 2);
            hiddenEnd(g, options, rng);
        }
        upsample(g, ngf, shape.channels(), false, options, rng);
        g.add(new Tanh());
        return Init.dcgan(g, rng);
    }

    /** D with ndf = 64. */
    public static Sequential discriminator(ImageShape shape, Rng rng) {
        return discriminator(shape, WIDTH, Options.defaults(), rng);
    }

    /** D with ndf = 64 and the given options. */
    public static Sequential discriminator(ImageShape shape, Options options, Rng rng) {
        return discriminator(shape, WIDTH, options, rng);
    }

    /** D: images [N, C, H, W] of {@code shape} -> logits [N, 1], base width {@code ndf}. */
    public static Sequential discriminator(ImageShape shape, int ndf, Rng rng) {
        return discriminator(shape, ndf, Options.defaults(), rng);
    }

    /**
     * D: images [N, C, H, W] of {@code shape} -> logits [N, 1], base width {@code ndf}, with the discriminator's
     * options: its downsampling, normalisation and minibatch discrimination.
     */
    public static Sequential discriminator(ImageShape shape, int ndf, Options options, Rng rng) {
        checkSize("ndf", ndf);
        if (options == null) throw new IllegalArgumentException("Dcgan: options must be given (Dcgan.Options.defaults() for DCGAN's)");
        Norm norm = options.discriminatorNorm;
        Sequential d = new Sequential();
        MinibatchDiscrimination mbd;
        if (shape == ImageShape.GRAY_28) {
            downsample(d, shape.channels(), ndf, true, options, rng);   // -> 14 x 14
            d.add(new LeakyReLU(SLOPE));
            downsample(d, ndf, 2 * ndf, true, options, rng);            // -> 7 x 7
            addNorm(d, norm, 2 * ndf);
            d.add(new LeakyReLU(SLOPE));
            d.add(new Flatten());                                       // -> [N, 2 ndf 7 7]
            mbd = addMinibatchDiscrimination(d, 2 * ndf * 7 * 7, options, rng);
            d.add(new Linear(2 * ndf * 7 * 7 + options.mbdKernels, 1, rng)); // -> [N, 1]
            return initMinibatch(Init.dcgan(d, rng), mbd, rng);
        }
        boolean bias = norm == Norm.NONE;
        int top = ndf << (doublings(shape) - 1);
        downsample(d, shape.channels(), ndf, false, options, rng);
        d.add(new LeakyReLU(SLOPE)); // no norm on the first layer
        for (int channels = ndf; channels < top; channels *= 2) {
            downsample(d, channels, 2 * channels, bias, options, rng);
            addNorm(d, norm, 2 * channels);
            d.add(new LeakyReLU(SLOPE));
        }
        if (options.mbdKernels == 0) {
            d.add(new Conv2d(top, 1, 4, 1, 0, 1, 1, false, rng)); // 4 x 4 -> 1 x 1
            d.add(new Flatten());                                 // [N, 1, 1, 1] -> [N, 1]
            return Init.dcgan(d, rng);
        }
        // The 4x4 valid convolution to one channel is a linear map of the flattened features; minibatch
        // discrimination goes between the two: [N, top, 4, 4] -> [N, 16 top] -> [N, 16 top + B] -> [N, 1].
        d.add(new Flatten());
        mbd = addMinibatchDiscrimination(d, 16 * top, options, rng);
        d.add(new Linear(16 * top + options.mbdKernels, 1, rng));
        return initMinibatch(Init.dcgan(d, rng), mbd, rng);
    }

    /** A 2x upsampling from {@code in} to {@code out} channels: ConvT(4, 2, 1), or Conv(3, 1, 1) to 4 out then PixelShuffle(2). */
    private static void upsample(Sequential g, int in, int out, boolean bias, Options options, Rng rng) {
        if (!options.pixelShuffleUpsampling) {
            g.add(new ConvTranspose2d(in, out, 4, 2, 1, 0, 1, bias, rng));
            return;
        }
        g.add(new Conv2d(in, 4 * out, 3, 1, 1, 1, 1, bias, rng)); // [N, in, H, W] -> [N, 4 out, H, W]
        g.add(new PixelShuffle(2));                               // -> [N, out, 2H, 2W]
    }

    /** A 2x downsampling from {@code in} to {@code out} channels: Conv(4, 2, 1), or Conv(3, 1, 1) then AvgPool(2). */
    private static void downsample(Sequential d, int in, int out, boolean bias, Options options, Rng rng) {
        if (!options.avgPoolDownsampling) {
            d.add(new Conv2d(in, out, 4, 2, 1, 1, 1, bias, rng));
            return;
        }
        d.add(new Conv2d(in, out, 3, 1, 1, 1, 1, bias, rng)); // [N, in, H, W] -> [N, out, H, W]
        d.add(new AvgPool2d(2));                              // -> [N, out, H/2, W/2]
    }

    private static void addNorm(Sequential net, Norm norm, int channels) {
        switch (norm) {
            case BATCH -> net.add(new BatchNorm2d(channels));
            case INSTANCE -> net.add(new InstanceNorm2d(channels, 1e-5f, true));
            case NONE -> { }
        }
    }

    /** The end of a hidden block of G: its activation, then the always-on dropout and the noise layer if asked for. */
    private static void hiddenEnd(Sequential g, Options options, Rng rng) {
        g.add(Float.isNaN(options.generatorSlope) ? new ReLU() : new LeakyReLU(options.generatorSlope));
        if (options.generatorDropout > 0f) g.add(Dropout.alwaysOn(options.generatorDropout, rng));
        if (options.generatorLayerNoise) g.add(new GaussianNoise(0f, rng));
    }

    private static MinibatchDiscrimination addMinibatchDiscrimination(Sequential d, int features, Options options, Rng rng) {
        if (options.mbdKernels == 0) return null;
        MinibatchDiscrimination mbd = new MinibatchDiscrimination(features, options.mbdKernels, options.mbdKernelDim, rng);
        d.add(mbd);
        return mbd;
    }

    /** The sizes of a minibatch-discrimination option of {@code who}'s builder: kernels 0 (off) to 4096, kernelDim 1 to 4096. */
    static void checkMinibatchDiscrimination(String who, int kernels, int kernelDim) {
        if (kernels < 0 || kernels > 4096 || kernels > 0 && (kernelDim < 1 || kernelDim > 4096))
            throw new IllegalArgumentException(who + ": minibatch discrimination needs kernels in 0..4096 and kernelDim in 1..4096,"
                    + " got kernels=" + kernels + " kernelDim=" + kernelDim);
    }

    /**
     * T ~ N(0, 1/F) for F input features: the scale of Salimans et al.'s code, whose weight-normalised T has unit-norm
     * columns at the start, so each projection has the size of a typical feature. The layer's own N(0, 1) would
     * put every pair of samples tens of units apart and every exp(-||.||_1) at 0 for DCGAN's thousands of features.
     */
    static Sequential initMinibatch(Sequential net, MinibatchDiscrimination mbd, Rng rng) {
        if (mbd != null) {
            Tensor t = mbd.parameter("T");
            Init.normal(t, 0f, (float) (1.0 / Math.sqrt(t.size(0))), rng);
        }
        return net;
    }

    /** Stride-2 layers between 4 x 4 and the image: log2(size / 4), so 3 for 32 x 32 and 4 for 64 x 64. */
    private static int doublings(ImageShape shape) {
        return Integer.numberOfTrailingZeros(shape.size() / 4);
    }

    private static void checkSize(String name, int value) {
        // a width beyond this would ask for gigabytes of weights (the widest layer has 8 times its channels)
        if (value < 1 || value > 4096) throw new IllegalArgumentException("Dcgan: " + name + " must be in 1..4096, got " + value);
    }
}
