package dev.jgan.gan.nets;

import static dev.jgan.gan.nets.NetTesting.assertGlorot;
import static dev.jgan.gan.nets.NetTesting.layout;
import static dev.jgan.gan.nets.NetTesting.normalisedLayers;
import static dev.jgan.gan.nets.NetTesting.plainLayers;
import static dev.jgan.gan.nets.NetTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Conditional;
import dev.jgan.nn.ConditionalSequential;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.blocks.ProjectionDiscriminator;
import dev.jgan.nn.blocks.ResBlockUp;
import dev.jgan.nn.blocks.SelfAttention2d;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SaganNetsTest {
    /** Width 8: the pooled attention's query and key get 8 / 8 = 1 channel, its value 4. */
    private static Sagan.Options small(ImageShape shape) {
        return Sagan.Options.defaults(shape).withNoise(8).withWidths(8, 8);
    }

    @ParameterizedTest
    @EnumSource(value = ImageShape.class, names = {"GRAY_28", "RGB_32"})
    void shapes(ImageShape shape) {
        Rng rng = new Rng(1);
        Module g = Sagan.generator(shape, small(shape), rng), d = Sagan.discriminator(shape, small(shape), rng);
        Tensor images = g.forward(Tensor.randn(rng, 2, 8));
        assertThat(images.shape()).containsExactly(shape.batch(2));
        for (float v : images.toArray()) assertThat(v).isBetween(-1f, 1f);
        assertThat(d.forward(images).shape()).containsExactly(2, 1);

        Sagan.Options cond = small(shape).withClasses(4);
        Conditional cg = (Conditional) Sagan.generator(shape, cond, rng), cd = (Conditional) Sagan.discriminator(shape, cond, rng);
        Tensor fake = cg.forward(Tensor.randn(rng, 2, 8), new int[] {3, 0});
        assertThat(fake.shape()).containsExactly(shape.batch(2));
        assertThat(cd.forward(fake, new int[] {3, 0}).shape()).containsExactly(2, 1);
    }

    /** Runs net's children one by one (with labels where they take them) and returns the side of each attention block's input. */
    private static List<Integer> attentionSides(Module net, Tensor x, int[] labels) {
        if (net instanceof ProjectionDiscriminator p) return attentionSides(p.features(), x, labels);
        List<Integer> sides = new ArrayList<>();
        for (Module m : net.namedChildren().values()) {
            if (m instanceof SelfAttention2d) {
                assertThat(x.size(2)).isEqualTo(x.size(3));
                sides.add(x.size(2));
            }
            x = m instanceof Conditional c && c.numClasses() > 0 ? c.forward(x, labels) : m.forward(x);
        }
        return sides;
    }

    @Test
    void attentionSitsAtTheSideAsked() {
        Rng rng = new Rng(2);
        int[] labels = {1, 0};
        for (ImageShape shape : new ImageShape[] {ImageShape.RGB_32, ImageShape.GRAY_28}) {
            int[] gSides = shape == ImageShape.RGB_32 ? new int[] {8, 16, 32} : new int[] {14, 28};
            int[] dSides = shape == ImageShape.RGB_32 ? new int[] {16, 8} : new int[] {14};
            for (int classes : new int[] {0, 2}) {
                Sagan.Options o = small(shape).withClasses(classes);
                Tensor z = Tensor.randn(rng, 2, 8), x = Tensor.randn(rng, shape.batch(2));
                for (int side : gSides)
                    assertThat(attentionSides(Sagan.generator(shape, o.withAttentionAt(side), rng), z, labels)).as("G %s at %d", shape, side).containsExactly(side);
                for (int side : dSides)
                    assertThat(attentionSides(Sagan.discriminator(shape, o.withAttentionAt(side), rng), x, labels)).as("D %s at %d", shape, side).containsExactly(side);
                assertThat(attentionSides(Sagan.generator(shape, o.withAttentionAt(0), rng), z, labels)).isEmpty();
                assertThat(attentionSides(Sagan.discriminator(shape, o.withAttentionAt(0), rng), x, labels)).isEmpty();
            }
        }
        // the defaults: half the image side
        assertThat(attentionSides(Sagan.generator(ImageShape.RGB_32, small(ImageShape.RGB_32), rng), Tensor.randn(rng, 2, 8), labels)).containsExactly(16);
        assertThat(Sagan.Options.defaults(ImageShape.GRAY_28).attentionAt()).isEqualTo(14);
    }

    /** The state keys of a spectrally normalised 1x1 convolution without bias, [out, in, 1, 1]. */
    private static List<String> snConv1x1(String p, int out, int in) {
        return List.of(p + ".weight_orig [" + out + ", " + in + ", 1, 1]", p + ".weight_u [" + out + "]", p + ".weight_v [" + in + "]");
    }

    private static List<String> pooledAttention(String p) {
        List<String> keys = new ArrayList<>(List.of(p + ".gamma []"));
        keys.addAll(snConv1x1(p + ".theta", 1, 8));
        keys.addAll(snConv1x1(p + ".phi", 1, 8));
        keys.addAll(snConv1x1(p + ".g", 4, 8));
        keys.addAll(snConv1x1(p + ".o", 8, 4));
        return keys;
    }

    @Test
    void layoutAt32WithAttentionAt16() {
        Rng rng = new Rng(3);
        Sequential g = (Sequential) Sagan.generator(ImageShape.RGB_32, small(ImageShape.RGB_32), rng);
        List<String> keys = layout(g);
        assertThat(keys).startsWith("0.bias [128]", "0.weight_orig [128, 8]", "0.weight_u [128]", "0.weight_v [8]",   // Linear(8, 4 * 4 * 8)
                "2.bn1.weight [8]", "2.bn1.bias [8]", "2.bn1.running_mean [8]", "2.bn1.running_var [8]", "2.bn1.num_batches_tracked []",
                "2.conv1.bias [8]", "2.conv1.weight_orig [8, 8, 3, 3]", "2.conv1.weight_u [8]", "2.conv1.weight_v [72]");
        int at = keys.indexOf("4.gamma []");
        assertThat(keys.subList(at, at + 13)).containsExactlyElementsOf(pooledAttention("4"));
        assertThat(keys).endsWith("6.num_batches_tracked []", "8.bias [3]", "8.weight_orig [3, 8, 3, 3]", "8.weight_u [3]", "8.weight_v [72]");
        assertThat(g.get(3)).isInstanceOf(ResBlockUp.class);                // 4 -> 8 -> 16: attention after the second block
        assertThat(g.get(4).toString()).startsWith("SelfAttention2d(8, pooled=true, reduction=8, bias=false) {");
        assertThat(g.get(5)).isInstanceOf(ResBlockUp.class);
        assertThat(g.size()).isEqualTo(10);
        assertThat(plainLayers(g)).isEmpty();                                 // spectral norm on every weight of G too
        assertThat(normalisedLayers(g)).hasSize(1 + 9 + 4 + 1);              // Linear, 3 blocks of 3 convolutions, attention, last conv

        Sequential d = (Sequential) Sagan.discriminator(ImageShape.RGB_32, small(ImageShape.RGB_32), rng);
        List<String> dKeys = layout(d);
        int dAt = dKeys.indexOf("1.gamma []");                                 // 32 -> 16: attention after the first block
        assertThat(dKeys.subList(dAt, dAt + 13)).containsExactlyElementsOf(pooledAttention("1"));
        assertThat(dKeys).endsWith("7.bias [1]", "7.weight_orig [1, 8]", "7.weight_u [1]", "7.weight_v [8]"); // SAGAN's snlinear has a bias
        assertThat(plainLayers(d)).isEmpty();
        assertThat(normalisedLayers(d)).hasSize(10 + 4 + 1);
        // attention gates start at 0: both networks start as their attention-free selves
        assertThat(g.get(4).parameter("gamma").item()).isZero();
        assertThat(d.get(1).parameter("gamma").item()).isZero();
    }

    @Test
    void conditionalNetworksNormaliseAllButTheClassGains() {
        Rng rng = new Rng(4);
        Sagan.Options cond = small(ImageShape.GRAY_28).withClasses(6);
        ConditionalSequential g = (ConditionalSequential) Sagan.generator(ImageShape.GRAY_28, cond, rng);
        // conditional batch norm's per-class gains and biases stay plain, as in SAGAN's and BigGAN's generators
        List<String> plain = new ArrayList<>();
        for (String block : List.of("2", "4")) for (String bn : List.of("bn1", "bn2")) plain.addAll(List.of(block + "." + bn + ".gamma", block + "." + bn + ".beta"));
        assertThat(plainLayers(g)).containsExactlyElementsOf(plain);        // 7 -> 14, attention at 14 (child 3), 14 -> 28
        assertThat(g.get(3)).isInstanceOf(SelfAttention2d.class);
        assertThat(normalisedLayers(g)).hasSize(1 + 6 + 4 + 1);
        assertThat(g.module("2.bn1.gamma").parameter("weight").toArray()).containsOnly(1f);
        assertThat(g.module("4.bn2.beta").parameter("weight").toArray()).containsOnly(0f);

        ProjectionDiscriminator d = (ProjectionDiscriminator) Sagan.discriminator(ImageShape.GRAY_28, cond, rng);
        assertThat(layout(d)).endsWith("linear.bias [1]", "linear.weight_orig [1, 8]", "linear.weight_u [1]", "linear.weight_v [8]",
                "embed.weight_orig [6, 8]", "embed.weight_u [6]", "embed.weight_v [8]");
        assertThat(d.features().namedChildren().values()).element(1).isInstanceOf(SelfAttention2d.class); // 28 -> 14, attention
        assertThat(plainLayers(d)).isEmpty();
        assertThat(normalisedLayers(d)).contains("embed", "linear", "features.1.theta");
    }

    @Test
    void initialisationIsTheSaganAuthorsGlorotUniform() {
        Rng rng = new Rng(5);
        Sagan.Options o = Sagan.Options.defaults(ImageShape.RGB_32).withWidths(64, 64).withClasses(10);
        Module g = Sagan.generator(ImageShape.RGB_32, o, rng), d = Sagan.discriminator(ImageShape.RGB_32, o, rng);
        assertGlorot(g.module("0").parameter("weight_orig"), 1);
        assertGlorot(g.module("2.conv1").parameter("weight_orig"), 1);      // gain 1 everywhere (ops.py's xavier_initializer)
        assertGlorot(g.module("4.g").parameter("weight_orig"), 1);
        assertGlorot(d.module("features.2.conv2").parameter("weight_orig"), 1);  // features.1 is the attention
        assertGlorot(d.module("embed").parameter("weight_orig"), 1);
        for (Module net : List.of(g, d))
            net.namedParameters().forEach((name, p) -> {
                if (name.endsWith("bias")) assertThat(p.toArray()).as(name).containsOnly(0f);
            });
    }

    @Test
    void sameSeedSameNetworks() {
        Sagan.Options cond = small(ImageShape.RGB_32).withClasses(3);
        assertThat(values(Sagan.generator(ImageShape.RGB_32, cond, new Rng(6)))).isEqualTo(values(Sagan.generator(ImageShape.RGB_32, cond, new Rng(6))));
        assertThat(values(Sagan.discriminator(ImageShape.RGB_32, cond, new Rng(6)))).isEqualTo(values(Sagan.discriminator(ImageShape.RGB_32, cond, new Rng(6))));
        assertThat(values(Sagan.generator(ImageShape.RGB_32, cond, new Rng(6)))).isNotEqualTo(values(Sagan.generator(ImageShape.RGB_32, cond, new Rng(7))));
    }

    @Test
    void badSettingsAreNamed() {
        Rng rng = new Rng(8);
        Sagan.Options o = small(ImageShape.RGB_32);
        assertThatThrownBy(() -> Sagan.generator(ImageShape.RGB_32, o.withAttentionAt(12), rng)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Sagan: attentionAt 12 is not a feature-map side of the 3x32x32 generator where pooled attention fits;"
                        + " choose 0 (none) or one of [8, 16, 32]");
        assertThatThrownBy(() -> Sagan.discriminator(ImageShape.RGB_32, o.withAttentionAt(32), rng))
                .hasMessage("Sagan: attentionAt 32 is not a feature-map side of the 3x32x32 discriminator where pooled attention fits;"
                        + " choose 0 (none) or one of [16, 8]");
        // 28 -> 14 -> 7: 2x2 pooling of a 7x7 map would drop a row and a column of keys
        assertThatThrownBy(() -> Sagan.discriminator(ImageShape.GRAY_28, small(ImageShape.GRAY_28).withAttentionAt(7), rng))
                .hasMessage("Sagan: attentionAt 7 is not a feature-map side of the 1x28x28 discriminator where pooled attention fits;"
                        + " choose 0 (none) or one of [14]");
        assertThatThrownBy(() -> o.withAttentionAt(-1)).hasMessage("Sagan: attentionAt must be >= 0 (0: no attention), got -1");
        assertThatThrownBy(() -> o.withClasses(-3)).hasMessage("Sagan: numClasses must be >= 0 (0: unconditional), got -3");
        assertThatThrownBy(() -> o.withWidths(8, 0)).hasMessage("Sagan: discriminatorWidth must be in 1..4096, got 0");
        assertThatThrownBy(() -> Sagan.generator(ImageShape.RGB_64, rng)).hasMessage("Sagan: builds networks for 1x28x28 and 3x32x32, got 3x64x64");
        Module g = Sagan.generator(ImageShape.RGB_32, o.withClasses(3), rng);
        assertThatThrownBy(() -> ((Conditional) g).forward(Tensor.randn(rng, 2, 8), new int[] {0, 3}))
                .hasMessage("ConditionalSequential(classes=3): label 3 at index 1 is outside [0, 3)");
    }
}
