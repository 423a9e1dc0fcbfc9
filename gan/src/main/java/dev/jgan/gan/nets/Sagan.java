package dev.jgan.gan.nets;

import dev.jgan.autodiff.Rng;
import dev.jgan.nn.Module;
import dev.jgan.nn.SpectralNorm;

/**
 * The networks of SAGAN (Zhang et al. 2019, "Self-Attention Generative Adversarial Networks"): the ResNet backbone of
 * {@link Sngan} (as the SAGAN and BigGAN code keep it) with
 * <ul>
 *   <li>spectral norm on every weight of G (its Linear and convolutions, not the class gains and biases of conditional
 *       batch norm, which SAGAN and BigGAN leave unnormalised) and of D (with the projection embedding);</li>
 *   <li>a {@link dev.jgan.nn.blocks.SelfAttention2d} in its {@link dev.jgan.nn.blocks.SelfAttention2d.Options#pooled()
 *       pooled} layout (query and key C/8, value C/2 channels, 2x2 max pooling of keys and values, output gate gamma
 *       starting at 0) in G and in D, after the first block whose output has side {@link Options#attentionAt()};</li>
 *   <li>class-conditional batch norm in G and a projection D when {@link Options#numClasses()} > 0.</li>
 * </ul>
 * Sizes as {@link Sngan}'s for {@link ImageShape#RGB_32} and {@link ImageShape#GRAY_28}; D's Linear head has a bias
 * (SAGAN's {@code snlinear}). Initialisation as the SAGAN authors' {@code ops.py}: Glorot uniform (gain 1) on every
 * Linear, convolution and the projection embedding, zero biases, batch norm 1 and 0, conditional gains 1 and biases 0.
 * The attention block sits between blocks, so it shifts the child indices after it: G's keys read {@code 0.weight_orig}
 * (the Linear), {@code 2.conv1.weight_orig}, ..., {@code 4.gamma} for attention at 16 in a 32x32 G.
 */
public final class Sagan {
    private static final String WHO = "Sagan";

    private Sagan() {}

    /**
     * Noise size, G's and D's channels, number of classes (0: unconditional) and the side of the feature map that
     * attention sees (0: no attention). Checked on construction; the side is checked against each network when built.
     */
    public record Options(int noise, int generatorWidth, int discriminatorWidth, int numClasses, int attentionAt) {
        public Options {
            ResNets.checkSize(WHO, "noise", noise);
            ResNets.checkSize(WHO, "generatorWidth", generatorWidth);
            ResNets.checkSize(WHO, "discriminatorWidth", discriminatorWidth);
            ResNets.checkClasses(WHO, numClasses);
            if (attentionAt < 0) throw new IllegalArgumentException(WHO + ": attentionAt must be >= 0 (0: no attention), got " + attentionAt);
        }

        /**
         * Noise 128, G 256 and D 128 channels (SNGAN's CIFAR-10 widths), unconditional, attention at half the image
         * side: 16 for 32x32 (G's second block, D's first), 14 for 28x28.
         */
        public static Options defaults(ImageShape shape) {
            return new Options(Sngan.NOISE, Sngan.GENERATOR_WIDTH, Sngan.DISCRIMINATOR_WIDTH, 0, shape.size() / 2);
        }

        public Options withNoise(int n) {
            return new Options(n, generatorWidth, discriminatorWidth, numClasses, attentionAt);
        }

        public Options withWidths(int generator, int discriminator) {
            return new Options(noise, generator, discriminator, numClasses, attentionAt);
        }

        /** Class-conditional networks for labels in [0, n); 0 for unconditional ones. */
        public Options withClasses(int n) {
            return new Options(noise, generatorWidth, discriminatorWidth, n, attentionAt);
        }

        /** Attention on the feature map of side {@code side}; 0 for none. */
        public Options withAttentionAt(int side) {
            return new Options(noise, generatorWidth, discriminatorWidth, numClasses, side);
        }
    }

    /** The unconditional G with {@link Options#defaults}. */
    public static Module generator(ImageShape shape, Rng rng) {
        return generator(shape, Options.defaults(shape), rng);
    }

    /**
     * G: z [N, noise] -> images [N, C, H, W], spectral norm on its Linear and convolutions. A
     * {@link dev.jgan.nn.Sequential}, or with classes a {@link dev.jgan.nn.ConditionalSequential}.
     */
    public static Module generator(ImageShape shape, Options options, Rng rng) {
        ResNets.requireSupported(WHO, shape);
        ResNets.checkAttention(WHO, "generator", shape, options.attentionAt(), ResNets.generatorSides(shape));
        Module g = ResNets.generator(shape, options.noise(), options.generatorWidth(), options.numClasses(), options.attentionAt(), rng);
        return ResNets.spectralNormLayers(ResNets.glorot(g, 1f, rng), rng);
    }

    /** The unconditional D with {@link Options#defaults}. */
    public static Module discriminator(ImageShape shape, Rng rng) {
        return discriminator(shape, Options.defaults(shape), rng);
    }

    /**
     * D: images -> logits [N, 1], spectral norm on every weight. A {@link dev.jgan.nn.Sequential}, or with classes a
     * {@link dev.jgan.nn.blocks.ProjectionDiscriminator}.
     */
    public static Module discriminator(ImageShape shape, Options options, Rng rng) {
        ResNets.requireSupported(WHO, shape);
        ResNets.checkAttention(WHO, "discriminator", shape, options.attentionAt(), ResNets.discriminatorSides(shape));
        Module d = ResNets.discriminator(shape, options.discriminatorWidth(), options.numClasses(), options.attentionAt(), true, rng);
        return SpectralNorm.applyToAll(ResNets.glorot(d, 1f, rng), rng);
    }
}
