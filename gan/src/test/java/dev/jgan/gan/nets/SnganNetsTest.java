package dev.jgan.gan.nets;

import static dev.jgan.gan.nets.NetTesting.assertGlorot;
import static dev.jgan.gan.nets.NetTesting.layout;
import static dev.jgan.gan.nets.NetTesting.mean;
import static dev.jgan.gan.nets.NetTesting.normalisedLayers;
import static dev.jgan.gan.nets.NetTesting.parameterCount;
import static dev.jgan.gan.nets.NetTesting.plainLayers;
import static dev.jgan.gan.nets.NetTesting.std;
import static dev.jgan.gan.nets.NetTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.GradCheck;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Conditional;
import dev.jgan.nn.ConditionalSequential;
import dev.jgan.nn.Functional;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.blocks.ProjectionDiscriminator;
import dev.jgan.nn.blocks.ResBlockUp;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.GlobalSumPool2d;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Reshape;
import dev.jgan.nn.layers.Tanh;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SnganNetsTest {
    private static final Sngan.Options SMALL = Sngan.Options.defaults().withNoise(8).withWidths(4, 4);

    @ParameterizedTest
    @EnumSource(value = ImageShape.class, names = {"GRAY_28", "RGB_32"})
    void resNetShapes(ImageShape shape) {
        Rng rng = new Rng(1);
        Module g = Sngan.generator(shape, SMALL, rng), d = Sngan.discriminator(shape, SMALL, rng);
        Tensor images = g.forward(Tensor.randn(rng, 3, 8));
        assertThat(images.shape()).containsExactly(shape.batch(3));
        for (float v : images.toArray()) assertThat(v).isBetween(-1f, 1f);
        assertThat(d.forward(images).shape()).containsExactly(3, 1);

        Sngan.Options cond = SMALL.withClasses(5);
        Conditional cg = (Conditional) Sngan.generator(shape, cond, rng), cd = (Conditional) Sngan.discriminator(shape, cond, rng);
        assertThat(cg).isInstanceOf(ConditionalSequential.class);
        assertThat(cd).isInstanceOf(ProjectionDiscriminator.class);
        assertThat(cg.numClasses()).isEqualTo(5);
        assertThat(cd.numClasses()).isEqualTo(5);
        Tensor fake = cg.forward(Tensor.randn(rng, 3, 8), new int[] {0, 4, 2});
        assertThat(fake.shape()).containsExactly(shape.batch(3));
        Tensor logits = cd.forward(fake, new int[] {0, 4, 2});
        assertThat(logits.shape()).containsExactly(3, 1);
        // the projection term: other labels, other logits for the same images
        assertThat(cd.forward(fake, new int[] {1, 1, 1}).toArray()).isNotEqualTo(logits.toArray());
    }

    @ParameterizedTest
    @EnumSource(value = ImageShape.class, names = {"GRAY_28", "RGB_32"})
    void snDcganShapes(ImageShape shape) {
        Rng rng = new Rng(2);
        Sequential g = Sngan.dcganGenerator(shape, 8, 2, rng), d = Sngan.dcganDiscriminator(shape, 2, rng);
        Tensor images = g.forward(Tensor.randn(rng, 3, 8));
        assertThat(images.shape()).containsExactly(shape.batch(3));
        for (float v : images.toArray()) assertThat(v).isBetween(-1f, 1f);
        assertThat(d.forward(images).shape()).containsExactly(3, 1);
    }

    /** The state keys of a batch-normalised up block with c channels in and out. */
    private static List<String> upBlock(String p, int c) {
        String v = "[" + c + "]", w3 = "[" + c + ", " + c + ", 3, 3]";
        return List.of(p + ".bn1.weight " + v, p + ".bn1.bias " + v, p + ".bn1.running_mean " + v, p + ".bn1.running_var " + v, p + ".bn1.num_batches_tracked []",
                p + ".conv1.weight " + w3, p + ".conv1.bias " + v,
                p + ".bn2.weight " + v, p + ".bn2.bias " + v, p + ".bn2.running_mean " + v, p + ".bn2.running_var " + v, p + ".bn2.num_batches_tracked []",
                p + ".conv2.weight " + w3, p + ".conv2.bias " + v,
                p + ".shortcut.weight [" + c + ", " + c + ", 1, 1]", p + ".shortcut.bias " + v);
    }

    /** The state keys of a spectrally normalised convolution [out, in, k, k] with bias. */
    private static List<String> snConv(String p, int out, int in, int k) {
        return List.of(p + ".bias [" + out + "]", p + ".weight_orig [" + out + ", " + in + ", " + k + ", " + k + "]", p + ".weight_u [" + out + "]",
                p + ".weight_v [" + in * k * k + "]");
    }

    @Test
    void resNetLayoutAt32() {
        Rng rng = new Rng(3);
        Sequential g = (Sequential) Sngan.generator(ImageShape.RGB_32, SMALL, rng);
        List<String> expected = new ArrayList<>(List.of("0.weight [64, 8]", "0.bias [64]"));          // Linear(8, 4 * 4 * 4)
        for (String block : List.of("2", "3", "4")) expected.addAll(upBlock(block, 4));
        expected.addAll(List.of("5.weight [4]", "5.bias [4]", "5.running_mean [4]", "5.running_var [4]", "5.num_batches_tracked []",
                "7.weight [3, 4, 3, 3]", "7.bias [3]"));
        assertThat(layout(g)).containsExactlyElementsOf(expected);
        assertThat(g.get(1)).isInstanceOf(Reshape.class);
        assertThat(g.get(6)).isInstanceOf(ReLU.class);
        assertThat(g.get(8)).isInstanceOf(Tanh.class);
        assertThat(g.size()).isEqualTo(9);
        assertThat(plainLayers(g)).hasSize(11);       // the Linear, 3 convolutions in each of 3 blocks, the last convolution
        assertThat(normalisedLayers(g)).isEmpty();    // SNGAN normalises D only

        Sequential d = (Sequential) Sngan.discriminator(ImageShape.RGB_32, SMALL, rng);
        List<String> dExpected = new ArrayList<>();
        dExpected.addAll(snConv("0.conv1", 4, 3, 3));
        dExpected.addAll(snConv("0.conv2", 4, 4, 3));
        dExpected.addAll(snConv("0.shortcut", 4, 3, 1));
        dExpected.addAll(snConv("1.conv1", 4, 4, 3));
        dExpected.addAll(snConv("1.conv2", 4, 4, 3));
        dExpected.addAll(snConv("1.shortcut", 4, 4, 1));
        for (String block : List.of("2", "3")) {                                                   // no pooling: identity shortcut
            dExpected.addAll(snConv(block + ".conv1", 4, 4, 3));
            dExpected.addAll(snConv(block + ".conv2", 4, 4, 3));
        }
        dExpected.addAll(List.of("6.weight_orig [1, 4]", "6.weight_u [1]", "6.weight_v [4]")); // Linear(4, 1) without bias, as the authors' l5
        assertThat(layout(d)).containsExactlyElementsOf(dExpected);
        assertThat(d.get(0).toString()).startsWith("ResBlockDown(downsample=true, first=true)");
        assertThat(d.get(1).toString()).startsWith("ResBlockDown(downsample=true, first=false)");
        assertThat(d.get(2).toString()).startsWith("ResBlockDown(downsample=false, first=false)");
        assertThat(d.get(4)).isInstanceOf(ReLU.class);
        assertThat(d.get(5)).isInstanceOf(GlobalSumPool2d.class);
        assertThat(plainLayers(d)).isEmpty();
        assertThat(normalisedLayers(d)).hasSize(11);  // 3 + 3 + 2 + 2 convolutions, the Linear
    }

    @Test
    void resNetLayoutAt28() {
        Rng rng = new Rng(4);
        Sequential g = (Sequential) Sngan.generator(ImageShape.GRAY_28, SMALL, rng);
        List<String> expected = new ArrayList<>(List.of("0.weight [196, 8]", "0.bias [196]"));       // Linear(8, 7 * 7 * 4)
        for (String block : List.of("2", "3")) expected.addAll(upBlock(block, 4));
        expected.addAll(List.of("4.weight [4]", "4.bias [4]", "4.running_mean [4]", "4.running_var [4]", "4.num_batches_tracked []",
                "6.weight [1, 4, 3, 3]", "6.bias [1]"));
        assertThat(layout(g)).containsExactlyElementsOf(expected);
        assertThat(g.size()).isEqualTo(8);

        Sequential d = (Sequential) Sngan.discriminator(ImageShape.GRAY_28, SMALL, rng);
        List<String> dExpected = new ArrayList<>();
        dExpected.addAll(snConv("0.conv1", 4, 1, 3));
        dExpected.addAll(snConv("0.conv2", 4, 4, 3));
        dExpected.addAll(snConv("0.shortcut", 4, 1, 1));
        dExpected.addAll(snConv("1.conv1", 4, 4, 3));
        dExpected.addAll(snConv("1.conv2", 4, 4, 3));
        dExpected.addAll(snConv("1.shortcut", 4, 4, 1));
        dExpected.addAll(snConv("2.conv1", 4, 4, 3));
        dExpected.addAll(snConv("2.conv2", 4, 4, 3));
        dExpected.addAll(List.of("5.weight_orig [1, 4]", "5.weight_u [1]", "5.weight_v [4]"));
        assertThat(layout(d)).containsExactlyElementsOf(dExpected);
        // 28 -> 14 -> 7 -> 7: the feature map before pooling is 7 x 7
        Tensor h = Tensor.randn(rng, 2, 1, 28, 28);
        for (int i = 0; i < 3; i++) h = d.get(i).forward(h);
        assertThat(h.shape()).containsExactly(2, 4, 7, 7);
    }

    @Test
    void conditionalLayouts() {
        Rng rng = new Rng(5);
        Sngan.Options cond = SMALL.withClasses(10);
        ConditionalSequential g = (ConditionalSequential) Sngan.generator(ImageShape.RGB_32, cond, rng);
        assertThat(layout(g)).startsWith("0.weight [64, 8]", "0.bias [64]",
                "2.bn1.bn.running_mean [4]", "2.bn1.bn.running_var [4]", "2.bn1.bn.num_batches_tracked []", "2.bn1.gamma.weight [10, 4]",
                "2.bn1.beta.weight [10, 4]", "2.conv1.weight [4, 4, 3, 3]", "2.conv1.bias [4]", "2.bn2.bn.running_mean [4]");
        assertThat(g.get(2)).isInstanceOf(ResBlockUp.class);
        assertThat(((ResBlockUp) g.get(2)).numClasses()).isEqualTo(10);
        assertThat(layout(g)).contains("5.weight [4]", "5.running_mean [4]");                    // G's last batch norm is unconditional
        // every class starts with gain 1 and bias 0, as chainer's CategoricalConditionalBatchNormalization
        assertThat(g.module("3.bn2.gamma").parameter("weight").toArray()).containsOnly(1f);
        assertThat(g.module("3.bn2.beta").parameter("weight").toArray()).containsOnly(0f);

        ProjectionDiscriminator d = (ProjectionDiscriminator) Sngan.discriminator(ImageShape.RGB_32, cond, rng);
        List<String> expected = new ArrayList<>();
        for (String key : layout(Sngan.discriminator(ImageShape.RGB_32, SMALL, rng))) if (!key.startsWith("6.")) expected.add("features." + key);
        expected.addAll(List.of("linear.weight_orig [1, 4]", "linear.weight_u [1]", "linear.weight_v [4]",
                "embed.weight_orig [10, 4]", "embed.weight_u [10]", "embed.weight_v [4]"));
        assertThat(layout(d)).containsExactlyElementsOf(expected);
        assertThat(plainLayers(d)).isEmpty();
        assertThat(normalisedLayers(d)).contains("embed", "linear").hasSize(12);
    }

    @Test
    void snDcganLayout() {
        Rng rng = new Rng(6);
        Sequential g = Sngan.dcganGenerator(ImageShape.GRAY_28, 8, 2, rng);
        assertThat(layout(g)).containsExactly(
                "0.weight [392, 8]", "0.bias [392]",                                                   // Linear(8, 7 * 7 * 8)
                "1.weight [392]", "1.bias [392]", "1.running_mean [392]", "1.running_var [392]", "1.num_batches_tracked []",
                "4.weight [8, 4, 4, 4]", "4.bias [4]", "5.weight [4]", "5.bias [4]", "5.running_mean [4]", "5.running_var [4]", "5.num_batches_tracked []",
                "7.weight [4, 2, 4, 4]", "7.bias [2]", "8.weight [2]", "8.bias [2]", "8.running_mean [2]", "8.running_var [2]", "8.num_batches_tracked []",
                "10.weight [1, 2, 3, 3]", "10.bias [1]");
        assertThat(g.get(1)).isInstanceOf(BatchNorm1d.class);                                          // on the flat output, as chainer-gan-lib's bn0
        assertThat(g.get(3)).isInstanceOf(Reshape.class);
        assertThat(g.get(11)).isInstanceOf(Tanh.class);
        assertThat(normalisedLayers(g)).isEmpty();

        Sequential d = Sngan.dcganDiscriminator(ImageShape.RGB_32, 2, rng);
        List<String> expected = new ArrayList<>();
        int[][] convs = {{2, 3, 3}, {2, 2, 4}, {4, 2, 3}, {4, 4, 4}, {8, 4, 3}, {8, 8, 4}, {16, 8, 3}};  // {out, in, k}: the paper's 64 64 128 128 256 256 512
        for (int i = 0; i < convs.length; i++) expected.addAll(snConv(Integer.toString(2 * i), convs[i][0], convs[i][1], convs[i][2]));
        expected.addAll(List.of("15.bias [1]", "15.weight_orig [1, 256]", "15.weight_u [1]", "15.weight_v [256]"));   // Linear(4 * 4 * 16, 1)
        assertThat(layout(d)).containsExactlyElementsOf(expected);
        for (int i = 1; i < 14; i += 2) assertThat(d.get(i).toString()).isEqualTo("LeakyReLU(0.1)");
        assertThat(d.get(1)).isInstanceOf(LeakyReLU.class);
        assertThat(plainLayers(d)).isEmpty();
        assertThat(normalisedLayers(d)).hasSize(8);
    }

    @Test
    void parameterCountsOfThePapersNetworks() {
        Rng rng = new Rng(7);
        // ResNet G: Linear 128 * 4096 + 4096 = 528,384; per block BN 2 * 2 * 256, conv 2 * (256 * 256 * 9 + 256), shortcut
        // 256 * 256 + 256 = 1,246,976, three blocks 3,740,928; BN 512; conv 256 * 3 * 9 + 3 = 6,915
        assertThat(parameterCount(Sngan.generator(ImageShape.RGB_32, rng))).isEqualTo(4_276_739);
        // ResNet D: first block 3,584 + 147,584 + 512; second 2 * 147,584 + 16,512; two plain 4 * 147,584; Linear 128 (no bias)
        assertThat(parameterCount(Sngan.discriminator(ImageShape.RGB_32, rng))).isEqualTo(151_680 + 311_680 + 590_336 + 128);
        // SN-DCGAN G: Linear 128 * 8192 + 8192, BN1d 2 * 8192, ConvT 512 * 256 * 16 + 256, BN 512, ConvT 256 * 128 * 16 + 128,
        // BN 256, ConvT 128 * 64 * 16 + 64, BN 128, conv 64 * 3 * 9 + 3
        assertThat(parameterCount(Sngan.dcganGenerator(ImageShape.RGB_32, rng)))
                .isEqualTo(1_056_768 + 16_384 + 2_097_408 + 512 + 524_416 + 256 + 131_136 + 128 + 1_731);
        // SN-DCGAN D: 3->64 k3, 64->64 k4, 64->128 k3, 128->128 k4, 128->256 k3, 256->256 k4, 256->512 k3, Linear 8192 + 1
        assertThat(parameterCount(Sngan.dcganDiscriminator(ImageShape.RGB_32, rng)))
                .isEqualTo(1_792 + 65_600 + 73_856 + 262_272 + 295_168 + 1_048_832 + 1_180_160 + 8_193);
    }

    @Test
    void initialisationIsTheAuthorsGlorotUniform() {
        Rng rng = new Rng(8);
        Sngan.Options opts = Sngan.Options.defaults().withWidths(64, 64).withClasses(10);
        Module g = Sngan.generator(ImageShape.RGB_32, opts, rng), d = Sngan.discriminator(ImageShape.RGB_32, opts, rng);
        double sqrt2 = Math.sqrt(2);
        assertGlorot(g.module("0").parameter("weight"), 1);                   // Linear(128, 1024)
        assertGlorot(g.module("2.conv1").parameter("weight"), sqrt2);         // residual 3x3 convolutions: gain sqrt 2
        assertGlorot(g.module("4.conv2").parameter("weight"), sqrt2);
        assertGlorot(g.module("3.shortcut").parameter("weight"), 1);          // shortcut: gain 1
        assertGlorot(g.module("7").parameter("weight"), 1);                   // last convolution
        assertGlorot(d.module("features.1.conv1").parameter("weight_orig"), sqrt2);
        assertGlorot(d.module("features.0.shortcut").parameter("weight_orig"), 1);
        assertGlorot(d.module("linear").parameter("weight_orig"), 1);
        assertGlorot(d.module("embed").parameter("weight_orig"), 1);
        for (Module net : List.of(g, d))
            net.namedParameters().forEach((name, p) -> {
                if (name.endsWith("bias")) assertThat(p.toArray()).as(name).containsOnly(0f);
            });
        assertThat(g.module("5").parameter("weight").toArray()).containsOnly(1f); // batch norm gain 1

        Sequential dcgan = Sngan.dcganGenerator(ImageShape.RGB_32, 128, 16, rng);
        float[] w = dcgan.get(4).parameter("weight").toArray();                   // ConvT(128, 64, 4): 131,072 values
        assertThat(std(w)).isCloseTo(0.02, within(2e-4));
        assertThat(mean(w)).isCloseTo(0.0, within(2e-4));
        assertThat(dcgan.get(4).parameter("bias").toArray()).containsOnly(0f);
        assertThat(dcgan.get(5).parameter("weight").toArray()).containsOnly(1f); // chainer's batch norm starts at 1, not N(1, 0.02)
        float[] dw = Sngan.dcganDiscriminator(ImageShape.RGB_32, 16, rng).module("12").parameter("weight_orig").toArray();
        assertThat(std(dw)).isCloseTo(0.02, within(5e-4));
    }

    @Test
    void sameSeedSameNetworks() {
        for (ImageShape shape : new ImageShape[] {ImageShape.GRAY_28, ImageShape.RGB_32}) {
            Sngan.Options cond = SMALL.withClasses(3);
            assertThat(values(Sngan.generator(shape, cond, new Rng(9)))).isEqualTo(values(Sngan.generator(shape, cond, new Rng(9))));
            assertThat(values(Sngan.discriminator(shape, cond, new Rng(9)))).isEqualTo(values(Sngan.discriminator(shape, cond, new Rng(9))));
            assertThat(values(Sngan.discriminator(shape, cond, new Rng(9)))).isNotEqualTo(values(Sngan.discriminator(shape, cond, new Rng(10))));
            assertThat(values(Sngan.dcganDiscriminator(shape, 2, new Rng(9)))).isEqualTo(values(Sngan.dcganDiscriminator(shape, 2, new Rng(9))));
        }
    }

    @Test
    void badSettingsAreNamed() {
        Rng rng = new Rng(11);
        assertThatThrownBy(() -> Sngan.generator(ImageShape.RGB_64, rng)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Sngan: builds networks for 1x28x28 and 3x32x32, got 3x64x64");
        assertThatThrownBy(() -> Sngan.dcganDiscriminator(ImageShape.RGB_64, rng)).hasMessage("Sngan: builds networks for 1x28x28 and 3x32x32, got 3x64x64");
        assertThatThrownBy(() -> Sngan.Options.defaults().withWidths(0, 128)).hasMessage("Sngan: generatorWidth must be in 1..4096, got 0");
        assertThatThrownBy(() -> Sngan.Options.defaults().withWidths(128, 5000)).hasMessage("Sngan: discriminatorWidth must be in 1..4096, got 5000");
        assertThatThrownBy(() -> Sngan.Options.defaults().withNoise(-2)).hasMessage("Sngan: noise must be in 1..4096, got -2");
        assertThatThrownBy(() -> Sngan.Options.defaults().withClasses(-1)).hasMessage("Sngan: numClasses must be >= 0 (0: unconditional), got -1");
        assertThatThrownBy(() -> Sngan.dcganGenerator(ImageShape.GRAY_28, 0, 64, rng)).hasMessage("Sngan: nz must be in 1..4096, got 0");
        assertThatThrownBy(() -> Sngan.dcganDiscriminator(ImageShape.GRAY_28, 0, rng)).hasMessage("Sngan: ndf must be in 1..4096, got 0");
    }

    @Test
    void badLabelsAreNamed() {
        Rng rng = new Rng(12);
        Sngan.Options cond = SMALL.withClasses(10);
        Module g = Sngan.generator(ImageShape.GRAY_28, cond, rng), d = Sngan.discriminator(ImageShape.GRAY_28, cond, rng);
        Tensor z = Tensor.randn(rng, 3, 8), x = Tensor.randn(rng, 3, 1, 28, 28);
        assertThatThrownBy(() -> g.forward(z)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("ConditionalSequential(classes=10): class-conditional network needs class labels; call forward(x, labels)");
        assertThatThrownBy(() -> d.forward(x)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("ProjectionDiscriminator(features=4, classes=10): needs class labels; call forward(x, labels)");
        assertThatThrownBy(() -> ((Conditional) g).forward(z, new int[] {1, 2})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ConditionalSequential(classes=10): needs one label per sample: 3 samples, 2 labels");
        assertThatThrownBy(() -> ((Conditional) d).forward(x, new int[] {1, 10, 2})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ProjectionDiscriminator(features=4, classes=10): label 10 at index 1 is outside [0, 10)");
    }

    /**
     * The conditional D from the builder, gradchecked in the input (through every layer) and the projection head's
     * parameters, in evaluation mode (fixed u and v). NOTE: a step in an inner convolution's weight or bias moves a
     * whole feature map, and some of its relu pre-activations cross 0 even at a step of 1e-3 (one draw put the
     * numeric derivative of a bias 3% off); those layers are gradchecked alone in nn's LayerGradTest. A step in one
     * pixel moves few pre-activations, and the step of 1e-3 keeps them on their side of the kink.
     */
    @Test
    void conditionalDiscriminatorFirstOrder() {
        Rng rng = new Rng(13);
        Module d = Sngan.discriminator(ImageShape.GRAY_28, Sngan.Options.defaults().withWidths(2, 2).withClasses(3), rng);
        Tensor x = Tensor.randn(rng, 1, 1, 28, 28);
        int[] labels = {2};
        for (int i = 0; i < 3; i++) ((Conditional) d).forward(x, labels);
        d.eval();
        String[] names = {"linear.weight_orig", "embed.weight_orig"};
        Tensor[] inputs = new Tensor[names.length + 1];
        inputs[0] = x;
        for (int i = 0; i < names.length; i++) inputs[i + 1] = d.namedParameters().get(names[i]).detach().copy();
        Function<List<Tensor>, Tensor> f = in -> {
            Map<String, Tensor> sub = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) sub.put(names[i], in.get(i + 1));
            return Functional.call(d, sub, () -> ((Conditional) d).forward(in.get(0), labels));
        };
        GradCheck.of(1e-3f, 2e-2f, 2e-2f).first(f, inputs);
    }

}
