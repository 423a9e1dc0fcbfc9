package dev.jgan.gan.nets;

import dev.jgan.autodiff.Rng;
import dev.jgan.nn.Init;
import dev.jgan.nn.Sequential;
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
 */
public final class Dcgan {
    /** DCGAN's noise size. */
    public static final int NOISE = 100;
    /** DCGAN's base width (ngf, ndf). */
    public static final int WIDTH = 64;

    private static final float SLOPE = 0.2f;

    private Dcgan() {}

    /** G with nz = 100 and ngf = 64. */
    public static Sequential generator(ImageShape shape, Rng rng) {
        return generator(shape, NOISE, WIDTH, rng);
    }

    /** G: z [N, nz] -> images [N, C, H, W] of {@code shape}, base width {@code ngf}. */
    public static Sequential generator(ImageShape shape, int nz, int ngf, Rng rng) {
        checkSize("nz", nz);
        checkSize("ngf", ngf);
        Sequential g = new Sequential();
        if (shape == ImageShape.GRAY_28) {
            g.add(new Linear(nz, 2 * ngf * 7 * 7, rng)).add(new Reshape(2 * ngf, 7, 7)); // [N, nz] -> [N, 2 ngf, 7, 7]
            g.add(new BatchNorm2d(2 * ngf)).add(new ReLU());
            g.add(new ConvTranspose2d(2 * ngf, ngf, 4, 2, 1, rng)).add(new BatchNorm2d(ngf)).add(new ReLU()); // -> 14 x 14
            g.add(new ConvTranspose2d(ngf, shape.channels(), 4, 2, 1, rng)).add(new Tanh());                   // -> 28 x 28
            return Init.dcgan(g, rng);
        }
        int channels = ngf << (doublings(shape) - 1);
        g.add(new Reshape(nz, 1, 1)); // [N, nz] -> [N, nz, 1, 1]
        g.add(new ConvTranspose2d(nz, channels, 4, 1, 0, 0, 1, false, rng)).add(new BatchNorm2d(channels)).add(new ReLU()); // -> 4 x 4
        for (; channels > ngf; channels /= 2)
            g.add(new ConvTranspose2d(channels, channels / 2, 4, 2, 1, 0, 1, false, rng)).add(new BatchNorm2d(channels / 2)).add(new ReLU());
        g.add(new ConvTranspose2d(ngf, shape.channels(), 4, 2, 1, 0, 1, false, rng)).add(new Tanh());
        return Init.dcgan(g, rng);
    }

    /** D with ndf = 64. */
    public static Sequential discriminator(ImageShape shape, Rng rng) {
        return discriminator(shape, WIDTH, rng);
    }

    /** D: images [N, C, H, W] of {@code shape} -> logits [N, 1], base width {@code ndf}. */
    public static Sequential discriminator(ImageShape shape, int ndf, Rng rng) {
        checkSize("ndf", ndf);
        Sequential d = new Sequential();
        if (shape == ImageShape.GRAY_28) {
            d.add(new Conv2d(shape.channels(), ndf, 4, 2, 1, rng)).add(new LeakyReLU(SLOPE));                            // -> 14 x 14
            d.add(new Conv2d(ndf, 2 * ndf, 4, 2, 1, rng)).add(new BatchNorm2d(2 * ndf)).add(new LeakyReLU(SLOPE));      // -> 7 x 7
            d.add(new Flatten()).add(new Linear(2 * ndf * 7 * 7, 1, rng));                                               // -> [N, 1]
            return Init.dcgan(d, rng);
        }
        int top = ndf << (doublings(shape) - 1);
        d.add(new Conv2d(shape.channels(), ndf, 4, 2, 1, 1, 1, false, rng)).add(new LeakyReLU(SLOPE)); // no BatchNorm on the first layer
        for (int channels = ndf; channels < top; channels *= 2)
            d.add(new Conv2d(channels, 2 * channels, 4, 2, 1, 1, 1, false, rng)).add(new BatchNorm2d(2 * channels)).add(new LeakyReLU(SLOPE));
        d.add(new Conv2d(top, 1, 4, 1, 0, 1, 1, false, rng)); // 4 x 4 -> 1 x 1
        d.add(new Flatten());                                 // [N, 1, 1, 1] -> [N, 1]
        return Init.dcgan(d, rng);
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
