package dev.jgan.gan.nets;

import static dev.jgan.gan.nets.NetTesting.layout;
import static dev.jgan.gan.nets.NetTesting.std;
import static dev.jgan.gan.nets.NetTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.nets.Dcgan.Norm;
import dev.jgan.gan.nets.Dcgan.Options;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.gan.train.Trainer;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.io.TrainingCheckpoint;
import dev.jgan.nn.layers.Dropout;
import dev.jgan.nn.layers.GaussianNoise;
import dev.jgan.nn.layers.Linear;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Dcgan.Options: the defaults give bitwise the networks of the builders before options existed; each variant puts
 * its layers where it says (layer types in order) and keeps the forward shapes; the per-sample, cross-sample and
 * always-on behaviours that are each variant's point; and a run with every variant on resumes bitwise.
 */
class DcganOptionsTest {
    private static final Options ALL = Options.defaults().withGeneratorLeakyRelu(0.1f).withPixelShuffleUpsampling(true)
            .withAvgPoolDownsampling(true).withGeneratorNorm(Norm.INSTANCE).withDiscriminatorNorm(Norm.INSTANCE)
            .withMinibatchDiscrimination(5, 3).withGeneratorDropout(0.5f).withGeneratorLayerNoise(true);

    /** The simple class names of a Sequential's layers, in order. */
    private static List<String> types(Sequential net) {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < net.size(); i++) t.add(net.get(i).getClass().getSimpleName());
        return t;
    }

    private static List<String> repeat(int times, String... block) {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < times; i++) t.addAll(List.of(block));
        return t;
    }

    private static List<String> concat(List<String> a, List<String> b, List<String> c) {
        List<String> t = new ArrayList<>(a);
        t.addAll(b);
        t.addAll(c);
        return t;
    }

    // ---------------------------------------------------------------- the defaults

    @ParameterizedTest
    @EnumSource(ImageShape.class)
    void defaultOptionsAreBitwiseTheBuildersBeforeOptions(ImageShape shape) {
        for (long seed : new long[] {1, 2}) {
            Sequential frozenG = FrozenBuilders.dcganGenerator(shape, 8, 4, new Rng(seed));
            Sequential frozenD = FrozenBuilders.dcganDiscriminator(shape, 4, new Rng(seed));
            for (Sequential g : List.of(Dcgan.generator(shape, 8, 4, new Rng(seed)),
                    Dcgan.generator(shape, 8, 4, Options.defaults(), new Rng(seed)))) {
                assertThat(values(g)).isEqualTo(values(frozenG));
                assertThat(g.toString()).isEqualTo(frozenG.toString());
            }
            for (Sequential d : List.of(Dcgan.discriminator(shape, 4, new Rng(seed)),
                    Dcgan.discriminator(shape, 4, Options.defaults(), new Rng(seed)))) {
                assertThat(values(d)).isEqualTo(values(frozenD));
                assertThat(d.toString()).isEqualTo(frozenD.toString());
            }
        }
    }

    @Test
    void defaultWidthsWithOptionsAreTheDefaultNetworks() {
        assertThat(values(Dcgan.generator(ImageShape.GRAY_28, Options.defaults(), new Rng(3))))
                .isEqualTo(values(FrozenBuilders.dcganGenerator(ImageShape.GRAY_28, 100, 64, new Rng(3))));
        assertThat(values(Dcgan.discriminator(ImageShape.RGB_32, Options.defaults(), new Rng(3))))
                .isEqualTo(values(FrozenBuilders.dcganDiscriminator(ImageShape.RGB_32, 64, new Rng(3))));
        assertThat(Options.defaults().toString()).isEqualTo(
                "Dcgan.Options(generator: ReLU, ConvTranspose2d, norm BATCH; discriminator: strided Conv2d, norm BATCH)");
    }

    // ---------------------------------------------------------------- layouts and shapes

    @Test
    void leakyReluInTheGenerator() {
        Sequential g = Dcgan.generator(ImageShape.GRAY_28, 8, 4, Options.defaults().withGeneratorLeakyRelu(0.1f), new Rng(4));
        assertThat(types(g)).containsExactly("Linear", "Reshape", "BatchNorm2d", "LeakyReLU", "ConvTranspose2d", "BatchNorm2d", "LeakyReLU",
                "ConvTranspose2d", "Tanh");
        assertThat(g.get(3).toString()).isEqualTo("LeakyReLU(0.1)");
        assertThat(g.forward(Tensor.randn(new Rng(5), 3, 8)).shape()).containsExactly(3, 1, 28, 28);
        // D is leaky already and unchanged by the generator's option
        assertThat(values(Dcgan.discriminator(ImageShape.GRAY_28, 4, Options.defaults().withGeneratorLeakyRelu(0.1f), new Rng(4))))
                .isEqualTo(values(Dcgan.discriminator(ImageShape.GRAY_28, 4, new Rng(4))));
    }

    @Test
    void pixelShuffleUpsamplingInTheGenerator() {
        Options ps = Options.defaults().withPixelShuffleUpsampling(true);
        Sequential g32 = Dcgan.generator(ImageShape.RGB_32, 8, 4, ps, new Rng(6));
        // 1x1 -> 4x4 stays a transposed convolution; each 2x upsampling is Conv2d(3, 1, 1) to 4 out + PixelShuffle(2)
        assertThat(types(g32)).isEqualTo(concat(List.of("Reshape", "ConvTranspose2d", "BatchNorm2d", "ReLU"),
                repeat(2, "Conv2d", "PixelShuffle", "BatchNorm2d", "ReLU"), List.of("Conv2d", "PixelShuffle", "Tanh")));
        assertThat(layout(g32)).contains("4.weight [32, 16, 3, 3]", "8.weight [16, 8, 3, 3]", "12.weight [12, 4, 3, 3]");
        assertThat(g32.forward(Tensor.randn(new Rng(7), 2, 8)).shape()).containsExactly(2, 3, 32, 32);
        Sequential g28 = Dcgan.generator(ImageShape.GRAY_28, 8, 4, ps, new Rng(6));
        assertThat(types(g28)).containsExactly("Linear", "Reshape", "BatchNorm2d", "ReLU", "Conv2d", "PixelShuffle", "BatchNorm2d", "ReLU",
                "Conv2d", "PixelShuffle", "Tanh");
        assertThat(layout(g28)).contains("4.weight [16, 8, 3, 3]", "4.bias [16]", "8.weight [4, 4, 3, 3]", "8.bias [4]");
        assertThat(g28.forward(Tensor.randn(new Rng(7), 2, 8)).shape()).containsExactly(2, 1, 28, 28);
    }

    @Test
    void averagePoolingDownsamplingInTheDiscriminator() {
        Options pool = Options.defaults().withAvgPoolDownsampling(true);
        Sequential d64 = Dcgan.discriminator(ImageShape.RGB_64, 4, pool, new Rng(8));
        assertThat(types(d64)).isEqualTo(concat(List.of("Conv2d", "AvgPool2d", "LeakyReLU"),
                repeat(3, "Conv2d", "AvgPool2d", "BatchNorm2d", "LeakyReLU"), List.of("Conv2d", "Flatten")));
        assertThat(layout(d64)).startsWith("0.weight [4, 3, 3, 3]", "3.weight [8, 4, 3, 3]").endsWith("15.weight [1, 32, 4, 4]");
        assertThat(d64.forward(Tensor.randn(new Rng(9), 2, 3, 64, 64)).shape()).containsExactly(2, 1);
        Sequential d28 = Dcgan.discriminator(ImageShape.GRAY_28, 4, pool, new Rng(8));
        assertThat(types(d28)).containsExactly("Conv2d", "AvgPool2d", "LeakyReLU", "Conv2d", "AvgPool2d", "BatchNorm2d", "LeakyReLU",
                "Flatten", "Linear");
        assertThat(d28.forward(Tensor.randn(new Rng(9), 2, 1, 28, 28)).shape()).containsExactly(2, 1);
        // the generator is not touched by the discriminator's option
        assertThat(values(Dcgan.generator(ImageShape.GRAY_28, 8, 4, pool, new Rng(8))))
                .isEqualTo(values(Dcgan.generator(ImageShape.GRAY_28, 8, 4, new Rng(8))));
    }

    @Test
    void instanceNormOrNoNormInPlaceOfBatchNorm() {
        Sequential g = Dcgan.generator(ImageShape.RGB_32, 8, 4, Options.defaults().withGeneratorNorm(Norm.INSTANCE), new Rng(10));
        assertThat(types(g)).isEqualTo(concat(List.of("Reshape", "ConvTranspose2d", "InstanceNorm2d", "ReLU"),
                repeat(2, "ConvTranspose2d", "InstanceNorm2d", "ReLU"), List.of("ConvTranspose2d", "Tanh")));
        assertThat(layout(g)).contains("1.weight [8, 16, 4, 4]", "2.weight [16]", "2.bias [16]").doesNotContain("1.bias [16]");
        assertThat(g.get(2).parameter("weight").toArray()).containsOnly(1f); // the norm's scale and shift start at 1 and 0
        Sequential d = Dcgan.discriminator(ImageShape.RGB_32, 4, Options.defaults().withDiscriminatorNorm(Norm.NONE), new Rng(10));
        assertThat(types(d)).isEqualTo(concat(List.of("Conv2d", "LeakyReLU"), repeat(2, "Conv2d", "LeakyReLU"), List.of("Conv2d", "Flatten")));
        // without a norm after them, the hidden convolutions get biases; the first and the last stay bias-free
        assertThat(layout(d)).containsExactly("0.weight [4, 3, 4, 4]", "2.weight [8, 4, 4, 4]", "2.bias [8]", "4.weight [16, 8, 4, 4]", "4.bias [16]",
                "6.weight [1, 16, 4, 4]");
        assertThat(d.forward(Tensor.randn(new Rng(11), 2, 3, 32, 32)).shape()).containsExactly(2, 1);
        Sequential g28 = Dcgan.generator(ImageShape.GRAY_28, 8, 4, Options.defaults().withGeneratorNorm(Norm.NONE), new Rng(10));
        assertThat(types(g28)).containsExactly("Linear", "Reshape", "ReLU", "ConvTranspose2d", "ReLU", "ConvTranspose2d", "Tanh");
    }

    /** Per-sample normalisation: with instance norm, a sample of G's batch does not depend on the other samples' z. */
    @Test
    void instanceNormMakesEachSampleIndependentOfTheBatch() {
        Tensor z = Tensor.randn(new Rng(12), 4, 8), other = z.copy();
        float[] o = other.buffer();
        for (int i = 8; i < o.length; i++) o[i] = -o[i] * 2f;   // samples 1..3 changed
        other.markModified();
        Sequential in = Dcgan.generator(ImageShape.RGB_32, 8, 4, Options.defaults().withGeneratorNorm(Norm.INSTANCE), new Rng(13));
        assertThat(in.forward(other).narrow(0, 0, 1).toArray()).containsExactly(in.forward(z).narrow(0, 0, 1).toArray());
        Sequential bn = Dcgan.generator(ImageShape.RGB_32, 8, 4, new Rng(13)); // batch norm in training mode: sample 0 moves
        assertThat(bn.forward(other).narrow(0, 0, 1).toArray()).isNotEqualTo(bn.forward(z).narrow(0, 0, 1).toArray());
    }

    @Test
    void minibatchDiscriminationBeforeTheLastLinear() {
        Options mbd = Options.defaults().withMinibatchDiscrimination(5, 3);
        Sequential d28 = Dcgan.discriminator(ImageShape.GRAY_28, 4, mbd, new Rng(14));
        assertThat(types(d28)).containsExactly("Conv2d", "LeakyReLU", "Conv2d", "BatchNorm2d", "LeakyReLU", "Flatten", "MinibatchDiscrimination",
                "Linear");
        assertThat(((Linear) d28.get(7)).inFeatures()).isEqualTo(8 * 7 * 7 + 5);
        assertThat(layout(d28)).contains("6.T [392, 15]");
        // T ~ N(0, 1/F) with F = 392: std 0.0505 (5,880 values)
        assertThat(std(d28.get(6).parameter("T").toArray())).isCloseTo(1 / Math.sqrt(392), within(0.002));
        Sequential d32 = Dcgan.discriminator(ImageShape.RGB_32, 4, mbd, new Rng(14));
        // the final 4x4 convolution to one channel becomes Flatten, minibatch discrimination, Linear(16 top + B, 1)
        assertThat(types(d32)).isEqualTo(concat(List.of("Conv2d", "LeakyReLU"), repeat(2, "Conv2d", "BatchNorm2d", "LeakyReLU"),
                List.of("Flatten", "MinibatchDiscrimination", "Linear")));
        assertThat(((Linear) d32.get(10)).inFeatures()).isEqualTo(16 * 16 + 5);
        assertThat(d32.forward(Tensor.randn(new Rng(15), 3, 3, 32, 32)).shape()).containsExactly(3, 1);
    }

    /** The point of minibatch discrimination: D's verdict on a sample depends on the rest of its batch. */
    @Test
    void minibatchDiscriminationLetsDSeeTheBatch() {
        Tensor x = Tensor.randn(new Rng(16), 3, 1, 28, 28), y = x.copy();
        float[] v = y.buffer();
        for (int i = 784; i < 2 * 784; i++) v[i] = v[i] * 0.1f;    // sample 1 changed, samples 0 and 2 kept
        y.markModified();
        Module with = Dcgan.discriminator(ImageShape.GRAY_28, 4, Options.defaults().withMinibatchDiscrimination(5, 3), new Rng(17)).eval();
        Module without = Dcgan.discriminator(ImageShape.GRAY_28, 4, new Rng(17)).eval(); // eval: batch norm uses its running statistics
        assertThat(with.forward(y).get(0, 0)).isNotEqualTo(with.forward(x).get(0, 0));
        assertThat(without.forward(y).get(0, 0)).isEqualTo(without.forward(x).get(0, 0));
    }

    @Test
    void alwaysOnDropoutInTheGenerator() {
        Sequential g = Dcgan.generator(ImageShape.RGB_32, 8, 4, Options.defaults().withGeneratorDropout(0.5f), new Rng(18));
        assertThat(types(g)).isEqualTo(concat(List.of("Reshape", "ConvTranspose2d", "BatchNorm2d", "ReLU", "Dropout"),
                repeat(2, "ConvTranspose2d", "BatchNorm2d", "ReLU", "Dropout"), List.of("ConvTranspose2d", "Tanh")));
        for (int i : new int[] {4, 8, 12}) assertThat(((Dropout) g.get(i)).isAlwaysOn()).isTrue();
        assertThat(g.forward(Tensor.randn(new Rng(19), 2, 8)).shape()).containsExactly(2, 3, 32, 32);
    }

    /** Sampling in eval mode: two calls on the same z differ, and the sequence is the seed's. */
    @Test
    void alwaysOnDropoutSamplesDifferAndAreReproducible() {
        Options drop = Options.defaults().withGeneratorDropout(0.5f);
        Tensor z = Tensor.randn(new Rng(20), 2, 8);
        Module a = Dcgan.generator(ImageShape.GRAY_28, 8, 4, drop, new Rng(21)).eval();
        Module b = Dcgan.generator(ImageShape.GRAY_28, 8, 4, drop, new Rng(21)).eval();
        float[] first = a.forward(z).toArray(), second = a.forward(z).toArray();
        assertThat(second).isNotEqualTo(first);
        assertThat(b.forward(z).toArray()).containsExactly(first);
        assertThat(b.forward(z).toArray()).containsExactly(second);
        Module plain = Dcgan.generator(ImageShape.GRAY_28, 8, 4, new Rng(21)).eval(); // the contrast: deterministic in eval
        assertThat(plain.forward(z).toArray()).containsExactly(plain.forward(z).toArray());
    }

    /** A noise layer ends every hidden block, after the dropout; at sigma 0 it draws nothing, even in training. */
    @Test
    void noiseLayersInTheGenerator() {
        Sequential g = Dcgan.generator(ImageShape.RGB_32, 8, 4, Options.defaults().withGeneratorLayerNoise(true), new Rng(24));
        assertThat(types(g)).isEqualTo(concat(List.of("Reshape", "ConvTranspose2d", "BatchNorm2d", "ReLU", "GaussianNoise"),
                repeat(2, "ConvTranspose2d", "BatchNorm2d", "ReLU", "GaussianNoise"), List.of("ConvTranspose2d", "Tanh")));
        Sequential both = Dcgan.generator(ImageShape.GRAY_28, 8, 4, Options.defaults().withGeneratorDropout(0.5f).withGeneratorLayerNoise(true),
                new Rng(24));
        assertThat(types(both)).containsExactly("Linear", "Reshape", "BatchNorm2d", "ReLU", "Dropout", "GaussianNoise",
                "ConvTranspose2d", "BatchNorm2d", "ReLU", "Dropout", "GaussianNoise", "ConvTranspose2d", "Tanh");
        assertThat(layout(both)).contains("5.seed [4]", "5.forwards [2]", "5.sigma [1]");
        assertThat(g.forward(Tensor.randn(new Rng(25), 2, 8)).shape()).containsExactly(2, 3, 32, 32);
        for (int i : new int[] {4, 8, 12}) {
            GaussianNoise n = (GaussianNoise) g.get(i);
            assertThat(n.sigma()).isZero();
            assertThat(n.buffer("forwards").toArray()).containsExactly(0f, 0f);
        }
        // each layer has a seed of its own, from the builder's generator
        assertThat(((GaussianNoise) g.get(4)).buffer("seed").toArray()).isNotEqualTo(((GaussianNoise) g.get(8)).buffer("seed").toArray());
        assertThat(Options.defaults().generatorLayerNoise()).isFalse();
        assertThat(Options.defaults().withGeneratorLayerNoise(true).toString()).isEqualTo(
                "Dcgan.Options(generator: ReLU, ConvTranspose2d, norm BATCH, layer noise; discriminator: strided Conv2d, norm BATCH)");
    }

    @ParameterizedTest
    @EnumSource(ImageShape.class)
    void everyOptionAtOnceKeepsTheShapes(ImageShape shape) {
        Rng rng = new Rng(22);
        Sequential g = Dcgan.generator(shape, 8, 4, ALL, rng), d = Dcgan.discriminator(shape, 4, ALL, rng);
        Tensor images = g.forward(Tensor.randn(rng, 3, 8));
        assertThat(images.shape()).containsExactly(shape.batch(3));
        for (float x : images.toArray()) assertThat(x).isBetween(-1f, 1f);
        Tensor logits = d.forward(images);
        assertThat(logits.shape()).containsExactly(3, 1);
        logits.sum().backward();                               // every parameter of both takes part
        for (var e : g.namedParameters().entrySet()) assertThat(e.getValue().grad()).as(e.getKey()).isNotNull();
        for (var e : d.namedParameters().entrySet()) assertThat(e.getValue().grad()).as(e.getKey()).isNotNull();
        assertThat(values(Dcgan.generator(shape, 8, 4, ALL, new Rng(23)))).isEqualTo(values(Dcgan.generator(shape, 8, 4, ALL, new Rng(23))));
    }

    @Test
    void badOptionsAreNamed() {
        Options o = Options.defaults();
        for (float bad : new float[] {0f, 1f, -0.2f, Float.NaN})
            assertThatThrownBy(() -> o.withGeneratorLeakyRelu(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("LeakyReLU slope must be in (0, 1), got slope=" + bad);
        for (float bad : new float[] {1f, -0.1f, Float.NaN})
            assertThatThrownBy(() -> o.withGeneratorDropout(bad)).hasMessageContaining("dropout p must be in [0, 1), got p=" + bad);
        assertThatThrownBy(() -> o.withMinibatchDiscrimination(-1, 5)).hasMessageContaining("got kernels=-1 kernelDim=5");
        assertThatThrownBy(() -> o.withMinibatchDiscrimination(10, 0)).hasMessageContaining("got kernels=10 kernelDim=0");
        assertThatThrownBy(() -> o.withGeneratorNorm(null)).hasMessageContaining("the generator's norm must be given");
        assertThatThrownBy(() -> o.withDiscriminatorNorm(null)).hasMessageContaining("the discriminator's norm must be given");
        assertThatThrownBy(() -> Dcgan.generator(ImageShape.RGB_32, null, new Rng(1))).hasMessageContaining("options must be given");
        assertThatThrownBy(() -> Dcgan.discriminator(ImageShape.RGB_32, null, new Rng(1))).hasMessageContaining("options must be given");
        assertThat(o.withMinibatchDiscrimination(0, 0).minibatchKernels()).isZero();
        assertThat(ALL.toString()).isEqualTo("Dcgan.Options(generator: LeakyReLU(0.1), PixelShuffle, norm INSTANCE, always-on dropout 0.5, layer noise;"
                + " discriminator: AvgPool2d, norm INSTANCE, minibatch discrimination 5x3)");
    }

    // ---------------------------------------------------------------- resume

    /** Uniform images from a generator of their own, declared as the source's state. */
    static final class Images implements BatchSource {
        private final Rng rng = new Rng(31);

        @Override
        public Tensor next() {
            return Tensor.uniform(rng, -1f, 1f, 4, 1, 28, 28);
        }

        @Override
        public void registerState(TrainingCheckpoint.Parts parts) {
            parts.rng("rng", rng);
        }
    }

    private static Trainer build() {
        Rng init = new Rng(30);
        Sequential g = Dcgan.generator(ImageShape.GRAY_28, 8, 4, ALL, init), d = Dcgan.discriminator(ImageShape.GRAY_28, 4, ALL, init);
        return new Trainer(StandardGan.builder(g, d, Latent.normal(new Rng(32), 8)).build(), new Images());
    }

    /**
     * Every variant on, the always-on dropout included: 4 iterations straight against 2 + save + load into fresh objects
     * + 2 end in byte-identical checkpoints (dropout's mask count is in G's state dict), and a sample between the halves
     * (eval mode, which draws dropout masks too) is carried by the checkpoint as well.
     */
    @Test
    void aRunWithEveryVariantResumesBitwise(@TempDir Path dir) throws Exception {
        Trainer straight = build();
        straight.trainUntil(2);
        straight.scheme().generator().eval().forward(Tensor.randn(new Rng(33), 2, 8));
        straight.scheme().generator().train(true);
        straight.trainUntil(4);
        straight.save(dir.resolve("straight.safetensors"));

        Trainer first = build();
        first.trainUntil(2);
        first.scheme().generator().eval().forward(Tensor.randn(new Rng(33), 2, 8));
        first.scheme().generator().train(true);
        first.save(dir.resolve("half.safetensors"));
        Trainer resumed = build();
        resumed.load(dir.resolve("half.safetensors"));
        resumed.trainUntil(4);
        resumed.save(dir.resolve("resumed.safetensors"));

        assertThat(Files.readAllBytes(dir.resolve("resumed.safetensors"))).isEqualTo(Files.readAllBytes(dir.resolve("straight.safetensors")));
        assertThat(Files.readAllBytes(dir.resolve("half.safetensors"))).isNotEqualTo(Files.readAllBytes(dir.resolve("straight.safetensors")));
        // The sample mattered: it drew masks, so a run without it ends elsewhere.
        Trainer unsampled = build();
        unsampled.trainUntil(4);
        unsampled.save(dir.resolve("unsampled.safetensors"));
        assertThat(Files.readAllBytes(dir.resolve("unsampled.safetensors"))).isNotEqualTo(Files.readAllBytes(dir.resolve("straight.safetensors")));
    }
}
