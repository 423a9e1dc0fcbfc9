package dev.jgan.gan.scheme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.nets.ImageShape;
import dev.jgan.gan.nets.Sagan;
import dev.jgan.gan.nets.Sngan;
import dev.jgan.gan.train.Batch;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.nn.Module;
import dev.jgan.nn.SpectralNorm;
import dev.jgan.nn.blocks.SelfAttention2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SNGAN and SAGAN train a few steps on a small generated image set (28x28 blobs, with labels for the conditional
 * SAGAN) with spectral norm, and in SAGAN self-attention, in both networks; afterwards every normalised weight has a
 * largest singular value within 5% of 1: the power iteration that runs in each forward has kept sigma's estimate on
 * the weights as they moved.
 */
class SpectralNormTrainingTest {
    static final int BATCH = 8, CLASSES = 3;

    /** Gaussian blobs of width 3 on a dark background, in [-1, 1], the blob's column band given by the label. */
    static BatchSource blobs(Rng rng) {
        return new BatchSource() {
            @Override
            public Tensor next() {
                return nextBatch().samples();
            }

            @Override
            public Batch nextBatch() {
                float[] px = new float[BATCH * 28 * 28];
                int[] labels = new int[BATCH];
                for (int n = 0; n < BATCH; n++) {
                    labels[n] = rng.nextInt(CLASSES);
                    int cx = 4 + 9 * labels[n] + rng.nextInt(3), cy = 4 + rng.nextInt(20);
                    for (int y = 0; y < 28; y++)
                        for (int x = 0; x < 28; x++)
                            px[(n * 28 + y) * 28 + x] = (float) (2 * Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 18.0) - 1);
                }
                return new Batch(Tensor.of(px, BATCH, 1, 28, 28), labels);
            }
        };
    }

    @Test
    void snganKeepsSigmaAtOne() {
        Rng seed = new Rng(11);
        Sngan.Options small = Sngan.Options.defaults().withNoise(16).withWidths(16, 16);
        Module g = Sngan.generator(ImageShape.GRAY_28, small, seed.split());
        Module d = Sngan.discriminator(ImageShape.GRAY_28, small, seed.split());
        SpectralNormGan sngan = SpectralNormGan.sngan(g, d, Latent.normal(seed.split(), 16), 100).build();
        train(sngan, blobs(seed.split()), 3);
        assertSigmasNearOne(d, 9);
    }

    @Test
    void saganWithAttentionAndLabelsKeepsSigmaAtOne() {
        Rng seed = new Rng(12);
        Sagan.Options small = Sagan.Options.defaults(ImageShape.GRAY_28).withNoise(16).withWidths(16, 16).withClasses(CLASSES);
        Module g = Sagan.generator(ImageShape.GRAY_28, small, seed.split());
        Module d = Sagan.discriminator(ImageShape.GRAY_28, small, seed.split());
        assertThat(g.namedModules().values()).anyMatch(m -> m instanceof SelfAttention2d);
        assertThat(d.namedModules().values()).anyMatch(m -> m instanceof SelfAttention2d);
        SpectralNormGan sagan = SpectralNormGan.sagan(g, d, Latent.normal(seed.split(), 16)).build();
        assertThat(sagan.numClasses()).isEqualTo(CLASSES);
        train(sagan, blobs(seed.split()), 6);
        assertSigmasNearOne(g, 5);
        assertSigmasNearOne(d, 5);
    }

    private static void train(Scheme s, BatchSource data, int iterations) {
        for (int i = 0; i < iterations; i++) {
            StepResult r = s.step(data);
            assertThat(r.dLoss()).isFinite();
            assertThat(r.gLoss()).isFinite();
        }
    }

    /** Every spectrally normalised weight W / sigma-hat: its largest singular value, by 300 power iterations in double. */
    private static void assertSigmasNearOne(Module net, int atLeast) {
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, Module> e : net.namedModules().entrySet()) {
            Module layer = e.getValue();
            if (!layer.hasTensor("weight_orig")) continue;
            float estimate = SpectralNorm.sigma(layer);
            double trueSigma;
            try (GradMode.Scope s = GradMode.noGrad()) {
                Tensor w = layer.parameter("weight_orig");
                Tensor mat = layer instanceof ConvTranspose2d ? w.transpose(0, 1).reshape(w.size(1), -1) : w.reshape(w.size(0), -1);
                trueSigma = largestSingularValue(mat.toArray(), mat.size(0), mat.size(1));
            }
            assertThat(trueSigma / estimate).as("sigma of normalised %s", e.getKey()).isBetween(0.95, 1.05);
            checked.add(e.getKey());
        }
        assertThat(checked.size()).as("normalised layers").isGreaterThanOrEqualTo(atLeast);
    }

    static double largestSingularValue(float[] w, int rows, int cols) {
        double[] v = new double[cols], u = new double[rows];
        for (int j = 0; j < cols; j++) v[j] = 1.0 / Math.sqrt(cols) * (1 + 0.01 * (j % 7));
        double sigma = 0;
        for (int it = 0; it < 300; it++) {
            for (int i = 0; i < rows; i++) {
                double s = 0;
                for (int j = 0; j < cols; j++) s += w[i * cols + j] * v[j];
                u[i] = s;
            }
            sigma = norm(u);
            for (int i = 0; i < rows; i++) u[i] /= sigma;
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int i = 0; i < rows; i++) s += w[i * cols + j] * u[i];
                v[j] = s;
            }
            double nv = norm(v);
            for (int j = 0; j < cols; j++) v[j] /= nv;
        }
        return sigma;
    }

    private static double norm(double[] x) {
        double s = 0;
        for (double a : x) s += a * a;
        return Math.sqrt(s);
    }
}
