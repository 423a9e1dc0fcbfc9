package dev.jgan.gan.nets;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Init;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.BatchNorm2d;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import dev.jgan.nn.layers.Flatten;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Reshape;

/**
 * The autoencoder discriminator of EBGAN (Zhao et al. 2016): {@link #forward} reconstructs its input,
 * {@code decode(encode(x))}, and the energy is the reconstruction error. {@link #encode} returns the codes S
 * [N, d], one flat vector per sample, on which EBGAN's pull-away term is computed. Children {@code encoder}
 * and {@code decoder} ({@link Sequential}s), so state-dict keys read {@code encoder.0.weight}, ...
 *
 * <ul>
 *   <li>{@link #mlp}: for 2-D toy data. Encoder Linear(in, hidden) -> ReLU -> Linear(hidden, code), decoder
 *       Linear(code, hidden) -> ReLU -> Linear(hidden, in); PyTorch's default initialisation.</li>
 *   <li>{@link #conv}: for images, a smaller form of the paper's appendix networks (whose MNIST encoder is
 *       (64)4c2s-(128)4c2s-(256)4c2s, its decoder the mirror image). Encoder: Conv(C, ndf, 4, 2, 1) -> LeakyReLU(0.2),
 *       then stride-2 4x4 convolutions doubling the channels, each but the last followed by BatchNorm and
 *       LeakyReLU(0.2), down to 7x7 for 28x28 (2 convolutions), 4x4 for 32x32 (3) and 64x64 (4); the last
 *       convolution's output, flattened, is the code. Decoder: the mirror image with transposed convolutions,
 *       BatchNorm and ReLU, and a linear last layer (the reconstruction is compared with data in [-1, 1],
 *       nothing bounds it). DCGAN initialisation ({@link Init#dcgan}).</li>
 * </ul>
 */
public final class AutoencoderDiscriminator extends Module {
    /** Hidden width of the toy autoencoder. */
    public static final int TOY_HIDDEN = 128;
    /** Code size of the toy autoencoder. */
    public static final int TOY_CODE = 32;

    private static final float SLOPE = 0.2f;

    private final Sequential encoder;
    private final Sequential decoder;
    private final int codeSize;

    private AutoencoderDiscriminator(Sequential encoder, Sequential decoder, int codeSize) {
        this.encoder = registerModule("encoder", encoder);
        this.decoder = registerModule("decoder", decoder);
        this.codeSize = codeSize;
    }

    /** The toy form for 2-D data: 2 -> 128 -> 32 -> 128 -> 2. */
    public static AutoencoderDiscriminator mlp(Rng rng) {
        return mlp(2, TOY_HIDDEN, TOY_CODE, rng);
    }

    /** An MLP autoencoder: {@code inputs -> hidden -> code -> hidden -> inputs}, ReLU after each hidden layer. */
    public static AutoencoderDiscriminator mlp(int inputs, int hidden, int code, Rng rng) {
        Sequential encoder = Mlp.of(new int[] {inputs, hidden, code}, ReLU::new, rng);
        Sequential decoder = Mlp.of(new int[] {code, hidden, inputs}, ReLU::new, rng);
        return new AutoencoderDiscriminator(encoder, decoder, code);
    }

    /** The convolutional form for {@code shape} with base width 64. */
    public static AutoencoderDiscriminator conv(ImageShape shape, Rng rng) {
        return conv(shape, Dcgan.WIDTH, rng);
    }

    /** The convolutional form for {@code shape} with base width {@code ndf}: codes of top * r * r values. */
    public static AutoencoderDiscriminator conv(ImageShape shape, int ndf, Rng rng) {
        if (ndf < 1 || ndf > 4096) throw new IllegalArgumentException("AutoencoderDiscriminator: ndf must be in 1..4096, got " + ndf);
        int downs = shape == ImageShape.GRAY_28 ? 2 : Integer.numberOfTrailingZeros(shape.size() / 4);
        int top = ndf << (downs - 1);
        int r = shape.size() >> downs; // 7 for 28 x 28, 4 for 32 x 32 and 64 x 64

        Sequential encoder = new Sequential();
        encoder.add(new Conv2d(shape.channels(), ndf, 4, 2, 1, rng)).add(new LeakyReLU(SLOPE));
        for (int c = ndf; c < top; c *= 2) {
            encoder.add(new Conv2d(c, 2 * c, 4, 2, 1, rng));
            if (2 * c < top) encoder.add(new BatchNorm2d(2 * c)).add(new LeakyReLU(SLOPE));
        }
        encoder.add(new Flatten()); // [N, top, r, r] -> [N, top r r]

        Sequential decoder = new Sequential(new Reshape(top, r, r)); // [N, top r r] -> [N, top, r, r]
        for (int c = top; c > ndf; c /= 2)
            decoder.add(new ConvTranspose2d(c, c / 2, 4, 2, 1, rng)).add(new BatchNorm2d(c / 2)).add(new ReLU());
        decoder.add(new ConvTranspose2d(ndf, shape.channels(), 4, 2, 1, rng));
        return Init.dcgan(new AutoencoderDiscriminator(encoder, decoder, top * r * r), rng);
    }

    /** The codes S [N, codeSize] of a batch. */
    public Tensor encode(Tensor x) {
        return encoder.forward(x);
    }

    /** The reconstruction of codes [N, codeSize]. */
    public Tensor decode(Tensor code) {
        return decoder.forward(code);
    }

    /** The reconstruction of x, {@code decode(encode(x))}. */
    @Override
    public Tensor forward(Tensor x) {
        return decode(encode(x));
    }

    /** The length of one sample's code. */
    public int codeSize() {
        return codeSize;
    }

    @Override
    protected String describe() {
        return "AutoencoderDiscriminator(code=" + codeSize + ")";
    }
}
