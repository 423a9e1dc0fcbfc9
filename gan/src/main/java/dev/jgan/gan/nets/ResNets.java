package dev.jgan.gan.nets;

import dev.jgan.autodiff.Rng;
import dev.jgan.nn.ConditionalSequential;
import dev.jgan.nn.Init;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.SpectralNorm;
import dev.jgan.nn.blocks.ProjectionDiscriminator;
import dev.jgan.nn.blocks.ResBlockDown;
import dev.jgan.nn.blocks.ResBlockUp;
import dev.jgan.nn.blocks.SelfAttention2d;
import dev.jgan.nn.layers.BatchNorm2d;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.GlobalSumPool2d;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Reshape;
import dev.jgan.nn.layers.Tanh;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The ResNet generator and discriminator that {@link Sngan} and {@link Sagan} share (the SNGAN authors'
 * {@code gen_models/resnet_32.py} and {@code dis_models/snresnet_32.py}, which the SAGAN and BigGAN code keep):
 * G = Linear(z -> b*b*ch) -> [ch, b, b] -> up blocks -> BN -> ReLU -> conv3x3 -> tanh; D = optimized down block ->
 * down block -> blocks without pooling -> ReLU -> global sum pooling -> Linear(ch, 1), or the projection head when
 * conditional. Each builder adds its own initialisation and spectral norm.
 */
final class ResNets {
    private ResNets() {}

    /** Refuses shapes other than 28x28 and 32x32, the sizes the networks are built for; {@code who} names the builder. */
    static void requireSupported(String who, ImageShape shape) {
        if (shape == ImageShape.RGB_64)
            throw new IllegalArgumentException(who + ": builds networks for " + ImageShape.GRAY_28 + " and " + ImageShape.RGB_32 + ", got " + shape);
    }

    /** Upsampling blocks of G: 3 from 4x4 to 32x32, 2 from 7x7 to 28x28. */
    static int upBlocks(ImageShape shape) {
        return shape == ImageShape.GRAY_28 ? 2 : 3;
    }

    /** The side of G's first feature map: 4 for 32x32 (the papers'), 7 for 28x28. */
    static int bottom(ImageShape shape) {
        return shape.size() >> upBlocks(shape);
    }

    /**
     * D's blocks without pooling after the two that halve the side: 2 for 32x32 (the paper's 32 -> 16 -> 8 -> 8 -> 8),
     * 1 for 28x28 (28 -> 14 -> 7 -> 7), so that D has one block more than G has up blocks, as in the paper.
     */
    private static int plainDownBlocks(ImageShape shape) {
        return shape == ImageShape.GRAY_28 ? 1 : 2;
    }

    /** The sides of G's block outputs, where attention may go: 8, 16, 32 for 32x32; 14, 28 for 28x28. */
    static int[] generatorSides(ImageShape shape) {
        int[] sides = new int[upBlocks(shape)];
        for (int i = 0; i < sides.length; i++) sides[i] = bottom(shape) << (i + 1);
        return sides;
    }

    /** The sides of D's pooling blocks' outputs with an even side (pooled attention halves it): 16, 8 for 32x32; 14 for 28x28. */
    static int[] discriminatorSides(ImageShape shape) {
        return Arrays.stream(new int[] {shape.size() / 2, shape.size() / 4}).filter(s -> s % 2 == 0).toArray();
    }

    /** Throws unless {@code side} is 0 (no attention) or one of {@code sides}. */
    static void checkAttention(String who, String net, ImageShape shape, int side, int[] sides) {
        if (side != 0 && Arrays.stream(sides).noneMatch(s -> s == side))
            throw new IllegalArgumentException(who + ": attentionAt " + side + " is not a feature-map side of the " + shape + " " + net
                    + " where pooled attention fits; choose 0 (none) or one of " + Arrays.toString(sides));
    }

    /**
     * G: z [N, noise] -> images [N, C, H, W] in [-1, 1]; a {@link ConditionalSequential} with conditional batch norm in
     * its blocks when {@code numClasses > 0}, a {@link Sequential} with batch norm otherwise. Pooled self-attention
     * follows the block whose output side is {@code attentionAt} (0: none).
     */
    static Module generator(ImageShape shape, int noise, int width, int numClasses, int attentionAt, Rng rng) {
        int bottom = bottom(shape);
        ResBlockUp.Norm norm = numClasses > 0 ? ResBlockUp.Norm.CONDITIONAL : ResBlockUp.Norm.BATCH;
        List<Module> layers = new ArrayList<>();
        layers.add(new Linear(noise, bottom * bottom * width, rng));
        layers.add(new Reshape(width, bottom, bottom));                 // [N, b b ch] -> [N, ch, b, b]
        for (int side = 2 * bottom; side <= shape.size(); side *= 2) {
            layers.add(new ResBlockUp(width, width, true, norm, numClasses, rng));
            if (side == attentionAt) layers.add(new SelfAttention2d(width, SelfAttention2d.Options.pooled(), rng));
        }
        layers.add(new BatchNorm2d(width));                              // unconditional in both forms, as the references
        layers.add(new ReLU());
        layers.add(new Conv2d(width, shape.channels(), 3, 1, 1, rng));
        layers.add(new Tanh());
        return numClasses > 0 ? new ConditionalSequential(numClasses, layers) : new Sequential(layers);
    }

    /**
     * D: images -> logits [N, 1]. Unconditional: a {@link Sequential} ending in Linear(ch, 1). Conditional: a
     * {@link ProjectionDiscriminator} whose features are the same layers without that Linear. Pooled self-attention
     * follows the first block whose output side is {@code attentionAt} (0: none).
     */
    static Module discriminator(ImageShape shape, int width, int numClasses, int attentionAt, boolean headBias, Rng rng) {
        List<Module> layers = new ArrayList<>();
        int side = shape.size();
        layers.add(new ResBlockDown(shape.channels(), width, true, true, rng));
        side /= 2;
        if (side == attentionAt) layers.add(new SelfAttention2d(width, SelfAttention2d.Options.pooled(), rng));
        layers.add(new ResBlockDown(width, width, true, false, rng));
        side /= 2;
        if (side == attentionAt) layers.add(new SelfAttention2d(width, SelfAttention2d.Options.pooled(), rng));
        for (int i = 0; i < plainDownBlocks(shape); i++) layers.add(new ResBlockDown(width, width, false, false, rng));
        layers.add(new ReLU());
        layers.add(new GlobalSumPool2d());                               // [N, ch, s, s] -> [N, ch]
        if (numClasses > 0) return new ProjectionDiscriminator(new Sequential(layers), width, numClasses, headBias, rng);
        layers.add(new Linear(width, 1, headBias, rng));
        return new Sequential(layers);
    }

    /**
     * Glorot-uniform weights ({@link Init#xavierUniform}) with {@code residualGain} on the 3x3 convolutions inside the
     * residual blocks and gain 1 on every other Linear, Conv2d and the projection embedding; zero biases. Batch norms
     * and the class gains and biases of conditional batch norm keep their 1 and 0.
     */
    static <M extends Module> M glorot(M root, float residualGain, Rng rng) {
        Set<Module> residual = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Module m : root.namedModules().values())
            if (m instanceof ResBlockUp || m instanceof ResBlockDown) {
                residual.add(m.child("conv1"));
                residual.add(m.child("conv2"));
            }
        for (Module m : root.namedModules().values()) {
            if (m instanceof Linear || m instanceof Conv2d) {
                Init.xavierUniform(m.parameter("weight"), residual.contains(m) ? residualGain : 1f, rng);
                if (m.hasTensor("bias")) Init.zeros(m.parameter("bias"));
            } else if (m instanceof ProjectionDiscriminator) {
                Init.xavierUniform(m.child("embed").parameter("weight"), 1f, rng);
            }
        }
        return root;
    }

    /**
     * Spectral norm on the weight of every Linear and Conv2d under root (SAGAN's G), but not on the embeddings of
     * conditional batch norm, whose rows are per-class gains and biases, not a linear map to keep 1-Lipschitz (the
     * SAGAN and BigGAN generators leave them unnormalised too).
     */
    static <M extends Module> M spectralNormLayers(M root, Rng rng) {
        List<Module> targets = new ArrayList<>();
        for (Module m : root.namedModules().values()) if (m instanceof Linear || m instanceof Conv2d) targets.add(m);
        for (Module m : targets) SpectralNorm.apply(m, rng);
        return root;
    }

    /** A size (noise length, width) within 1..4096, named in the error. */
    static void checkSize(String who, String name, int value) {
        // a width beyond this would ask for gigabytes of weights (each 3x3 convolution of a block has 9 width^2 of them)
        if (value < 1 || value > 4096) throw new IllegalArgumentException(who + ": " + name + " must be in 1..4096, got " + value);
    }

    static void checkClasses(String who, int numClasses) {
        if (numClasses < 0) throw new IllegalArgumentException(who + ": numClasses must be >= 0 (0: unconditional), got " + numClasses);
    }
}
