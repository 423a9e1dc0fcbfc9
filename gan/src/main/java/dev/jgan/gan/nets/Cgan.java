package dev.jgan.gan.nets;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Conditional;
import dev.jgan.nn.Module;
import dev.jgan.nn.layers.Embedding;
import dev.jgan.nn.layers.Linear;
import java.util.List;

/**
 * The conditional GAN of Mirza and Osindero 2014 ("Conditional Generative Adversarial Nets"): the class enters G and D
 * at their inputs, concatenated to the noise and to the sample, around any inner network {@code net}. As the NIPS 2016
 * workshop advises (https://github.com/soumith/ganhacks, trick 16: "use an embedding layer; add as additional channels
 * to images; keep embedding dimensionality low and upsample to match image channel size"), the label is a learned
 * low-dimensional embedding (child {@code embed}, [numClasses, e], N(0, 1) as PyTorch's), not the paper's one-hot:
 * <pre>
 *   generator:          G(z, y) = net(concat(z, embed(y)))        z [N, nz]     -> net takes [N, nz + e]
 *   discriminator:      D(x, y) = net(concat(x, embed(y)))        x [N, d]      -> net takes [N, d + e]
 *   imageDiscriminator: D(x, y) = net(concat_channels(x, maps))   x [N, C, H, W] -> net takes [N, C + e, H, W]
 *                       maps = embed(y) as e constant H x W maps (a 1 x 1 map upsampled by nearest neighbour)
 *   learnedMapDiscriminator:  maps = reshape(map(embed(y)), [N, 1, H, W]), map = Linear(e, H W)  -> net takes [N, C + 1, H, W]
 * </pre>
 * Inputs are checked against the sizes given at construction, so a wrong batch is reported here, naming the cGAN,
 * rather than as a shape error deep inside {@code net}. The inner network is child {@code net} (keys {@code net.0.weight}, ...).
 * <pre>{@code
 * Cgan g = Cgan.generator(Mlp.of(new int[] {64 + 4, 128, 2}, ReLU::new, rng), 64, 8, 4, rng);
 * Cgan d = Cgan.discriminator(Mlp.of(new int[] {2 + 4, 128, 1}, ReLU::new, rng), 2, 8, 4, rng);
 * }</pre>
 */
public final class Cgan extends Module implements Conditional {
    private enum Kind { GENERATOR, DISCRIMINATOR, IMAGE_DISCRIMINATOR, LEARNED_MAP_DISCRIMINATOR }

    private final Kind kind;
    private final Module net;
    private final Embedding embed;
    /** Linear(e, H W) for the learned label map; null otherwise. */
    private final Linear map;
    /** nz, d or C: the per-sample size (or channels) of the input before the label is added. */
    private final int inputSize;
    private final int height, width;

    private Cgan(Kind kind, Module net, int inputSize, int height, int width, int numClasses, int embedDim, Rng rng) {
        String who = "Cgan." + name(kind);
        if (net == null || rng == null) throw new IllegalArgumentException(who + ": net and rng must be given");
        if (inputSize < 1) throw new IllegalArgumentException(who + ": the input size must be >= 1, got " + inputSize);
        if (numClasses < 1) throw new IllegalArgumentException(who + ": numClasses must be >= 1, got " + numClasses);
        if (embedDim < 1) throw new IllegalArgumentException(who + ": embedDim must be >= 1, got " + embedDim);
        this.kind = kind;
        this.inputSize = inputSize;
        this.height = height;
        this.width = width;
        this.embed = registerModule("embed", new Embedding(numClasses, embedDim, rng));
        this.map = kind == Kind.LEARNED_MAP_DISCRIMINATOR ? registerModule("map", new Linear(embedDim, height * width, rng)) : null;
        this.net = registerModule("net", net);
    }

    /** G(z, y) = net(concat(z, embed(y))): z [N, noiseSize], net takes [N, noiseSize + embedDim]. */
    public static Cgan generator(Module net, int noiseSize, int numClasses, int embedDim, Rng rng) {
        return new Cgan(Kind.GENERATOR, net, noiseSize, 0, 0, numClasses, embedDim, rng);
    }

    /** D(x, y) = net(concat(x, embed(y))) for vector samples: x [N, inputSize], net takes [N, inputSize + embedDim]. */
    public static Cgan discriminator(Module net, int inputSize, int numClasses, int embedDim, Rng rng) {
        return new Cgan(Kind.DISCRIMINATOR, net, inputSize, 0, 0, numClasses, embedDim, rng);
    }

    /**
     * D(x, y) for images x [N, channels, H, W] of any size: the embedding's e values are added as e channels, each
     * constant over H x W (nearest-neighbour upsampling of a 1 x 1 map); net takes [N, channels + embedDim, H, W].
     */
    public static Cgan imageDiscriminator(Module net, int channels, int numClasses, int embedDim, Rng rng) {
        return new Cgan(Kind.IMAGE_DISCRIMINATOR, net, channels, 0, 0, numClasses, embedDim, rng);
    }

    /**
     * D(x, y) for images x [N, channels, height, width]: a learned Linear(embedDim, height width) (child {@code map})
     * turns the embedding into one H x W channel; net takes [N, channels + 1, height, width].
     */
    public static Cgan learnedMapDiscriminator(Module net, int channels, int height, int width, int numClasses, int embedDim, Rng rng) {
        if (height < 1 || width < 1)
            throw new IllegalArgumentException("Cgan.learnedMapDiscriminator: height and width must be >= 1, got " + height + " x " + width);
        return new Cgan(Kind.LEARNED_MAP_DISCRIMINATOR, net, channels, height, width, numClasses, embedDim, rng);
    }

    /** Refused: a cGAN network needs the class of each sample; call {@link #forward(Tensor, int[])}. */
    @Override
    public Tensor forward(Tensor x) {
        throw new IllegalArgumentException(describe() + ": needs class labels; call forward(x, labels)");
    }

    /** The inner network on the input with its labels' embedding concatenated (see the class comment). */
    @Override
    public Tensor forward(Tensor x, int[] labels) {
        checkInput(x);
        Conditional.checkLabels(describe(), labels, x.size(0), numClasses());
        int n = x.size(0), e = embed.embeddingDim();
        Tensor y = embed.forward(labels);                                                          // [N, e]
        Tensor in = switch (kind) {
            case GENERATOR, DISCRIMINATOR -> Tensor.concat(List.of(x, y), 1);                       // [N, d + e]
            case IMAGE_DISCRIMINATOR -> Tensor.concat(List.of(x,
                    y.reshape(n, e, 1, 1).expand(n, e, x.size(2), x.size(3))), 1);                   // [N, e, 1, 1] -> [N, C + e, H, W]
            case LEARNED_MAP_DISCRIMINATOR -> Tensor.concat(List.of(x, map.forward(y).reshape(n, 1, height, width)), 1); // [N, C + 1, H, W]
        };
        try {
            return net.forward(in);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(describe() + ": the inner network failed on its input " + Shape.str(in.shape())
                    + " (it must take the sample with the label's " + extraInputs() + (kind == Kind.GENERATOR || kind == Kind.DISCRIMINATOR
                    ? " features" : " channels") + " appended): " + ex.getMessage(), ex);
        }
    }

    private void checkInput(Tensor x) {
        boolean vectors = kind == Kind.GENERATOR || kind == Kind.DISCRIMINATOR;
        String what = kind == Kind.GENERATOR ? "noise" : "input";
        if (vectors && (x.dim() != 2 || x.size(1) != inputSize))
            throw new IllegalArgumentException(describe() + ": " + what + " must be [N, " + inputSize + "], got " + Shape.str(x.shape()));
        if (!vectors && (x.dim() != 4 || x.size(1) != inputSize))
            throw new IllegalArgumentException(describe() + ": input must be images [N, " + inputSize + ", H, W], got " + Shape.str(x.shape()));
        if (kind == Kind.LEARNED_MAP_DISCRIMINATOR && (x.size(2) != height || x.size(3) != width))
            throw new IllegalArgumentException(describe() + ": input must be images [N, " + inputSize + ", " + height + ", " + width
                    + "] (the learned label map is " + height + " x " + width + "), got " + Shape.str(x.shape()));
    }

    /** How many features (vectors) or channels (images) the label adds to the input of {@link #net()}. */
    public int extraInputs() {
        return kind == Kind.LEARNED_MAP_DISCRIMINATOR ? 1 : embed.embeddingDim();
    }

    /** The wrapped network. */
    public Module net() {
        return net;
    }

    /** The label embedding. */
    public Embedding embedding() {
        return embed;
    }

    @Override
    public int numClasses() {
        return embed.numEmbeddings();
    }

    private static String name(Kind kind) {
        return switch (kind) {
            case GENERATOR -> "generator";
            case DISCRIMINATOR -> "discriminator";
            case IMAGE_DISCRIMINATOR -> "imageDiscriminator";
            case LEARNED_MAP_DISCRIMINATOR -> "learnedMapDiscriminator";
        };
    }

    @Override
    protected String describe() {
        return "Cgan." + name(kind) + "(input=" + inputSize + (height > 0 ? ", map " + height + "x" + width : "") + ", classes="
                + embed.numEmbeddings() + ", embed=" + embed.embeddingDim() + ")";
    }
}
