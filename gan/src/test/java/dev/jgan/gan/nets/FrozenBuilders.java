package dev.jgan.gan.nets;

import dev.jgan.autodiff.Rng;
import dev.jgan.nn.Init;
import dev.jgan.nn.Module;
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
import java.util.function.Supplier;

/**
 * The DCGAN and MLP builders as they were before their options existed (commit a689431), copied layer by layer, so
 * the tests can check that the builders with default options still give bitwise these networks from the same seed.
 */
final class FrozenBuilders {
    private FrozenBuilders() {}

    static Sequential dcganGenerator(ImageShape shape, int nz, int ngf, Rng rng) {
        Sequential g = new Sequential();
        if (shape == ImageShape.GRAY_28) {
            g.add(new Linear(nz, 2 * ngf * 7 * 7, rng)).add(new Reshape(2 * ngf, 7, 7));
            g.add(new BatchNorm2d(2 * ngf)).add(new ReLU());
            g.add(new ConvTranspose2d(2 * ngf, ngf, 4, 2, 1, rng)).add(new BatchNorm2d(ngf)).add(new ReLU());
            g.add(new ConvTranspose2d(ngf, shape.channels(), 4, 2, 1, rng)).add(new Tanh());
            return Init.dcgan(g, rng);
        }
        int channels = ngf << (Integer.numberOfTrailingZeros(shape.size() / 4) - 1);
        g.add(new Reshape(nz, 1, 1));
        g.add(new ConvTranspose2d(nz, channels, 4, 1, 0, 0, 1, false, rng)).add(new BatchNorm2d(channels)).add(new ReLU());
        for (; channels > ngf; channels /= 2)
            g.add(new ConvTranspose2d(channels, channels / 2, 4, 2, 1, 0, 1, false, rng)).add(new BatchNorm2d(channels / 2)).add(new ReLU());
        g.add(new ConvTranspose2d(ngf, shape.channels(), 4, 2, 1, 0, 1, false, rng)).add(new Tanh());
        return Init.dcgan(g, rng);
    }

    static Sequential dcganDiscriminator(ImageShape shape, int ndf, Rng rng) {
        Sequential d = new Sequential();
        if (shape == ImageShape.GRAY_28) {
            d.add(new Conv2d(shape.channels(), ndf, 4, 2, 1, rng)).add(new LeakyReLU(0.2f));
            d.add(new Conv2d(ndf, 2 * ndf, 4, 2, 1, rng)).add(new BatchNorm2d(2 * ndf)).add(new LeakyReLU(0.2f));
            d.add(new Flatten()).add(new Linear(2 * ndf * 7 * 7, 1, rng));
            return Init.dcgan(d, rng);
        }
        int top = ndf << (Integer.numberOfTrailingZeros(shape.size() / 4) - 1);
        d.add(new Conv2d(shape.channels(), ndf, 4, 2, 1, 1, 1, false, rng)).add(new LeakyReLU(0.2f));
        for (int channels = ndf; channels < top; channels *= 2)
            d.add(new Conv2d(channels, 2 * channels, 4, 2, 1, 1, 1, false, rng)).add(new BatchNorm2d(2 * channels)).add(new LeakyReLU(0.2f));
        d.add(new Conv2d(top, 1, 4, 1, 0, 1, 1, false, rng));
        d.add(new Flatten());
        return Init.dcgan(d, rng);
    }

    static Sequential mlp(int[] sizes, Supplier<? extends Module> activation, Rng rng) {
        Sequential net = new Sequential();
        for (int i = 0; i + 1 < sizes.length; i++) {
            if (i > 0) net.add(activation.get());
            net.add(new Linear(sizes[i], sizes[i + 1], rng));
        }
        return net;
    }
}
