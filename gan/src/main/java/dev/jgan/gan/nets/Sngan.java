package dev.jgan.gan.nets;

import dev.jgan.autodiff.Rng;
import dev.jgan.nn.Init;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.SpectralNorm;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.BatchNorm2d;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import dev.jgan.nn.layers.Flatten;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Reshape;
import dev.jgan.nn.layers.Tanh;

/**
 * The networks of SNGAN (Miyato et al. 2018, "Spectral Normalization for Generative Adversarial Networks"),
 * with spectral norm on every weight of D ({@link SpectralNorm#applyToAll}: every Linear, Conv2d and the projection
 * embedding, one power iteration per forward) and none in G. Images are [N, C, H, W] in [-1, 1], D returns logits [N, 1].
 *
 * <p><b>ResNet</b> ({@link #generator}, {@link #discriminator}; the paper's appendix B, table 4, as the authors'
 * {@code sngan_projection} code builds it). For {@link ImageShape#RGB_32}: G = Linear(z 128 -> 4*4*256) -> [256, 4, 4]
 * -> 3 {@link dev.jgan.nn.blocks.ResBlockUp}(256, 256) (nearest 2x upsampling) -> BN -> ReLU -> conv3x3(256, 3) -> tanh;
 * D = optimized {@link dev.jgan.nn.blocks.ResBlockDown}(3, 128, down) -> ResBlockDown(128, 128, down) -> 2
 * ResBlockDown(128, 128) without pooling -> ReLU -> global sum pooling over H, W -> Linear(128, 1) without bias (the
 * authors' {@code l5}). For {@link ImageShape#GRAY_28}, the analogue with one halving fewer: G from 7x7 through 2 up
 * blocks to 28x28; D = optimized down block (-> 14), down block (-> 7), one block without pooling. With
 * {@code numClasses > 0} (Miyato and Koyama 2018): G's blocks use conditional batch norm and G is a
 * {@link dev.jgan.nn.ConditionalSequential}; D is a {@link dev.jgan.nn.blocks.ProjectionDiscriminator} over the same
 * features, with a spectrally normalised embedding. Keys: G {@code 0.weight} (the Linear), {@code 2.bn1.running_mean},
 * {@code 2.conv1.weight}, ...; D {@code 0.conv1.weight_orig}, ..., {@code 6.weight_orig} (the Linear; {@code 5.} at
 * 28x28), or {@code features.*}, {@code linear.*} and {@code embed.*} when conditional.
 *
 * <p>Initialisation as the authors' code: Glorot uniform with gain sqrt(2) on the residual blocks' 3x3 convolutions,
 * gain 1 on the shortcuts, the Linear layers, G's last convolution and the embedding; zero biases; batch norm 1 and 0
 * (conditional batch norm's class gains 1, biases 0).
 *
 * <p><b>SN-DCGAN</b> ({@link #dcganGenerator}, {@link #dcganDiscriminator}; the paper's "standard CNN", table 3). For
 * {@link ImageShape#RGB_32}: G = Linear(z 128 -> 4*4*512) -> BN -> ReLU -> [512, 4, 4] -> 3 ConvT(4, 2, 1) halving
 * the channels (256, 128, 64), each with BN and ReLU -> conv3x3(64, 3) -> tanh; D = conv3x3 64, conv4x4/2 64, conv3x3
 * 128, conv4x4/2 128, conv3x3 256, conv4x4/2 256, conv3x3 512, each followed by LeakyReLU(0.1), -> Linear(4*4*512, 1).
 * For {@link ImageShape#GRAY_28}: one level fewer, G from [256, 7, 7] through ConvT to 128 and 64 channels, D
 * conv3x3 64, conv4x4/2 64, conv3x3 128, conv4x4/2 128, conv3x3 256 -> Linear(7*7*256, 1). Widths scale with ngf and
 * ndf (the paper's are 64). The batch norm after G's Linear normalises its flat output, as the authors'
 * {@code chainer-gan-lib} {@code DCGANGenerator} ({@code bn0}). Initialisation as there: weights N(0, 0.02), zero
 * biases, batch norm 1 and 0.
 */
public final class Sngan {
    /** The paper's noise size. */
    public static final int NOISE = 128;
    /** The ResNet G's channels (the paper's ch = 256 for CIFAR-10). */
    public static final int GENERATOR_WIDTH = 256;
    /** The ResNet D's channels (ch = 128). */
    public static final int DISCRIMINATOR_WIDTH = 128;
    /** The SN-DCGAN base width: G's last and D's first layer have 64 channels, the widest 8 * 64 = 512. */
    public static final int DCGAN_WIDTH = 64;
    /** The SN-DCGAN discriminator's LeakyReLU slope (table 3). */
    public static final float SLOPE = 0.1f;

    private static final String WHO = "Sngan";

    private Sngan() {}

    /**
     * The ResNet networks' settings: noise size, G's and D's channels, and the number of classes (0: unconditional).
     * Checked on construction.
     */
    public record Options(int noise, int generatorWidth, int discriminatorWidth, int numClasses) {
        public Options {
            ResNets.checkSize(WHO, "noise", noise);
            ResNets.checkSize(WHO, "generatorWidth", generatorWidth);
            ResNets.checkSize(WHO, "discriminatorWidth", discriminatorWidth);
            ResNets.checkClasses(WHO, numClasses);
        }

        /** The paper's CIFAR-10 settings: noise 128, G 256 channels, D 128, unconditional. */
        public static Options defaults() {
            return new Options(NOISE, GENERATOR_WIDTH, DISCRIMINATOR_WIDTH, 0);
        }

        public Options withNoise(int n) {
            return new Options(n, generatorWidth, discriminatorWidth, numClasses);
        }

        public Options withWidths(int generator, int discriminator) {
            return new Options(noise, generator, discriminator, numClasses);
        }

        /** Class-conditional networks for labels in [0, n); 0 for unconditional ones. */
        public Options withClasses(int n) {
            return new Options(noise, generatorWidth, discriminatorWidth, n);
        }
    }

    /** The unconditional ResNet G with the paper's settings. */
    public static Module generator(ImageShape shape, Rng rng) {
        return generator(shape, Options.defaults(), rng);
    }

    /**
     * The ResNet G: z [N, noise] -> images [N, C, H, W]. A {@link Sequential}, or with classes a
     * {@link dev.jgan.nn.ConditionalSequential} to call with labels.
     */
    public static Module generator(ImageShape shape, Options options, Rng rng) {
        ResNets.requireSupported(WHO, shape);
        Module g = ResNets.generator(shape, options.noise(), options.generatorWidth(), options.numClasses(), 0, rng);
        return ResNets.glorot(g, (float) Math.sqrt(2), rng);
    }

    /** The unconditional ResNet D with the paper's settings. */
    public static Module discriminator(ImageShape shape, Rng rng) {
        return discriminator(shape, Options.defaults(), rng);
    }

    /**
     * The ResNet D: images -> logits [N, 1], spectral norm on every weight. A {@link Sequential}, or with classes a
     * {@link dev.jgan.nn.blocks.ProjectionDiscriminator} to call with labels.
     */
    public static Module discriminator(ImageShape shape, Options options, Rng rng) {
        ResNets.requireSupported(WHO, shape);
        Module d = ResNets.discriminator(shape, options.discriminatorWidth(), options.numClasses(), 0, false, rng);
        return SpectralNorm.applyToAll(ResNets.glorot(d, (float) Math.sqrt(2), rng), rng);
    }

    /** The SN-DCGAN G with noise 128 and ngf 64. */
    public static Sequential dcganGenerator(ImageShape shape, Rng rng) {
        return dcganGenerator(shape, NOISE, DCGAN_WIDTH, rng);
    }

    /** The SN-DCGAN G: z [N, nz] -> images [N, C, H, W], narrowest layer ngf channels. */
    public static Sequential dcganGenerator(ImageShape shape, int nz, int ngf, Rng rng) {
        ResNets.requireSupported(WHO, shape);
        ResNets.checkSize(WHO, "nz", nz);
        ResNets.checkSize(WHO, "ngf", ngf);
        int bottom = ResNets.bottom(shape), top = ngf << ResNets.upBlocks(shape);
        Sequential g = new Sequential();
        g.add(new Linear(nz, bottom * bottom * top, rng)).add(new BatchNorm1d(bottom * bottom * top)).add(new ReLU());
        g.add(new Reshape(top, bottom, bottom));                                  // [N, b b top] -> [N, top, b, b]
        for (int c = top; c > ngf; c /= 2)
            g.add(new ConvTranspose2d(c, c / 2, 4, 2, 1, rng)).add(new BatchNorm2d(c / 2)).add(new ReLU()); // doubles the side
        g.add(new Conv2d(ngf, shape.channels(), 3, 1, 1, rng)).add(new Tanh());
        return normal002(g, rng);
    }

    /** The SN-DCGAN D with ndf 64. */
    public static Sequential dcganDiscriminator(ImageShape shape, Rng rng) {
        return dcganDiscriminator(shape, DCGAN_WIDTH, rng);
    }

    /** The SN-DCGAN D: images -> logits [N, 1], first layer ndf channels, spectral norm on every weight. */
    public static Sequential dcganDiscriminator(ImageShape shape, int ndf, Rng rng) {
        ResNets.requireSupported(WHO, shape);
        ResNets.checkSize(WHO, "ndf", ndf);
        int levels = ResNets.upBlocks(shape), bottom = ResNets.bottom(shape);
        Sequential d = new Sequential();
        int in = shape.channels();
        for (int i = 0; i < levels; i++) {
            int c = ndf << i;
            d.add(new Conv2d(in, c, 3, 1, 1, rng)).add(new LeakyReLU(SLOPE));
            d.add(new Conv2d(c, c, 4, 2, 1, rng)).add(new LeakyReLU(SLOPE));     // halves the side
            in = c;
        }
        int top = ndf << levels;
        d.add(new Conv2d(in, top, 3, 1, 1, rng)).add(new LeakyReLU(SLOPE));
        d.add(new Flatten()).add(new Linear(bottom * bottom * top, 1, rng));     // [N, top, b, b] -> [N, top b b] -> [N, 1]
        return SpectralNorm.applyToAll(normal002(d, rng), rng);
    }

    /** chainer-gan-lib's initialisation: Linear, Conv2d and ConvTranspose2d weights N(0, 0.02), their biases 0. */
    private static Sequential normal002(Sequential net, Rng rng) {
        for (Module m : net.namedModules().values())
            if (m instanceof Linear || m instanceof Conv2d || m instanceof ConvTranspose2d) {
                Init.normal(m.parameter("weight"), 0f, 0.02f, rng);
                if (m.hasTensor("bias")) Init.zeros(m.parameter("bias"));
            }
        return net;
    }
}
