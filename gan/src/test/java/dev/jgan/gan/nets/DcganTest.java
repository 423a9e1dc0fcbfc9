package dev.jgan.gan.nets;

import static dev.jgan.gan.nets.NetTesting.layout;
import static dev.jgan.gan.nets.NetTesting.mean;
import static dev.jgan.gan.nets.NetTesting.parameterCount;
import static dev.jgan.gan.nets.NetTesting.std;
import static dev.jgan.gan.nets.NetTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DcganTest {

    @ParameterizedTest
    @EnumSource(ImageShape.class)
    void shapesForEachSize(ImageShape shape) {
        Rng rng = new Rng(1);
        Sequential g = Dcgan.generator(shape, 8, 4, rng), d = Dcgan.discriminator(shape, 4, rng);
        Tensor images = g.forward(Tensor.randn(rng, 3, 8));
        assertThat(images.shape()).containsExactly(shape.batch(3));
        for (float v : images.toArray()) assertThat(v).isBetween(-1f, 1f);
        assertThat(d.forward(images).shape()).containsExactly(3, 1);
    }

    @Test
    void parameterCountsOfTheDefaultNetworks() {
        Rng rng = new Rng(2);
        // 64x64, PyTorch's DCGAN example (nz 100, ngf = ndf = 64, bias-free convolutions).
        // G: ConvT 100*512*16 + 512*256*16 + 256*128*16 + 128*64*16 + 64*3*16 = 3,574,784; BN 2*(512+256+128+64) = 1,920
        assertThat(parameterCount(Dcgan.generator(ImageShape.RGB_64, rng))).isEqualTo(3_576_704);
        // D: Conv 3*64*16 + 64*128*16 + 128*256*16 + 256*512*16 + 512*16 = 2,763,776; BN 2*(128+256+512) = 1,792
        assertThat(parameterCount(Dcgan.discriminator(ImageShape.RGB_64, rng))).isEqualTo(2_765_568);
        // 32x32: G: 100*256*16 + 256*128*16 + 128*64*16 + 64*3*16 = 1,068,032; BN 2*(256+128+64) = 896
        assertThat(parameterCount(Dcgan.generator(ImageShape.RGB_32, rng))).isEqualTo(1_068_928);
        // D: 3*64*16 + 64*128*16 + 128*256*16 + 256*16 = 662,528; BN 2*(128+256) = 768
        assertThat(parameterCount(Dcgan.discriminator(ImageShape.RGB_32, rng))).isEqualTo(663_296);
        // 28x28 (the reference script's, with biases): G: Linear 100*6272 + 6272, BN 256, ConvT 128*64*16 + 64, BN 128, ConvT 64*16 + 1
        assertThat(parameterCount(Dcgan.generator(ImageShape.GRAY_28, rng))).isEqualTo(633_472 + 256 + 131_136 + 128 + 1_025);
        // D: Conv 16*64 + 64, Conv 64*128*16 + 128, BN 256, Linear 6272 + 1
        assertThat(parameterCount(Dcgan.discriminator(ImageShape.GRAY_28, rng))).isEqualTo(1_088 + 131_200 + 256 + 6_273);
    }

    @Test
    void stateDictNamesAreThoseOfTheSequential() {
        Rng rng = new Rng(3);
        assertThat(layout(Dcgan.discriminator(ImageShape.RGB_32, 4, rng))).containsExactly(
                "0.weight [4, 3, 4, 4]",
                "2.weight [8, 4, 4, 4]", "3.weight [8]", "3.bias [8]", "3.running_mean [8]", "3.running_var [8]", "3.num_batches_tracked []",
                "5.weight [16, 8, 4, 4]", "6.weight [16]", "6.bias [16]", "6.running_mean [16]", "6.running_var [16]", "6.num_batches_tracked []",
                "8.weight [1, 16, 4, 4]");
        Sequential g = Dcgan.generator(ImageShape.RGB_64, 10, 2, rng);
        assertThat(g.get(0)).isInstanceOf(Reshape.class);
        assertThat(layout(g)).startsWith("1.weight [10, 16, 4, 4]", "2.weight [16]").endsWith("13.weight [2, 3, 4, 4]");
        assertThat(g.get(14)).isInstanceOf(Tanh.class);
        assertThat(g.size()).isEqualTo(15);
    }

    /** The {@code dcgan} networks of torch_reference.py, as the benchmarks build them. */
    @Test
    void the28x28PairIsTheReferenceScriptsNetworks() {
        Rng rng = new Rng(4);
        Sequential refG = new Sequential(
                new Linear(100, 128 * 7 * 7, rng), new Reshape(128, 7, 7), new BatchNorm2d(128), new ReLU(),
                new ConvTranspose2d(128, 64, 4, 2, 1, rng), new BatchNorm2d(64), new ReLU(),
                new ConvTranspose2d(64, 1, 4, 2, 1, rng), new Tanh());
        Sequential refD = new Sequential(
                new Conv2d(1, 64, 4, 2, 1, rng), new LeakyReLU(0.2f),
                new Conv2d(64, 128, 4, 2, 1, rng), new BatchNorm2d(128), new LeakyReLU(0.2f),
                new Flatten(), new Linear(128 * 7 * 7, 1, rng));
        Sequential g = Dcgan.generator(ImageShape.GRAY_28, rng), d = Dcgan.discriminator(ImageShape.GRAY_28, rng);
        assertThat(layout(g)).isEqualTo(layout(refG));
        assertThat(layout(d)).isEqualTo(layout(refD));
        for (int i = 0; i < refG.size(); i++) assertThat(g.get(i).toString()).isEqualTo(refG.get(i).toString());
        for (int i = 0; i < refD.size(); i++) assertThat(d.get(i).toString()).isEqualTo(refD.get(i).toString());
    }

    @Test
    void dcganInitialisation() {
        Sequential g = Dcgan.generator(ImageShape.RGB_64, new Rng(5));
        float[] w = g.get(1).parameter("weight").toArray(); // 819,200 values
        assertThat(mean(w)).isCloseTo(0.0, within(2e-4));
        assertThat(std(w)).isCloseTo(0.02, within(2e-4));
        float[] bn = g.get(2).parameter("weight").toArray(); // 512 values
        assertThat(mean(bn)).isCloseTo(1.0, within(0.005));
        assertThat(std(bn)).isCloseTo(0.02, within(0.004));
        assertThat(g.get(2).parameter("bias").toArray()).containsOnly(0f);
        Sequential d = Dcgan.discriminator(ImageShape.GRAY_28, new Rng(5));
        assertThat(std(d.get(2).parameter("weight").toArray())).isCloseTo(0.02, within(5e-4));
        assertThat(d.get(0).parameter("bias").toArray()).containsOnly(0f);
        assertThat(d.get(6).parameter("bias").toArray()).containsOnly(0f);
    }

    @Test
    void sameSeedSameNetworks() {
        for (ImageShape shape : ImageShape.values()) {
            assertThat(values(Dcgan.generator(shape, 8, 4, new Rng(6)))).isEqualTo(values(Dcgan.generator(shape, 8, 4, new Rng(6))));
            assertThat(values(Dcgan.discriminator(shape, 4, new Rng(6)))).isEqualTo(values(Dcgan.discriminator(shape, 4, new Rng(6))));
            assertThat(values(Dcgan.discriminator(shape, 4, new Rng(6)))).isNotEqualTo(values(Dcgan.discriminator(shape, 4, new Rng(7))));
        }
    }

    @Test
    void badWidthsAreNamed() {
        assertThatThrownBy(() -> Dcgan.generator(ImageShape.RGB_32, 0, 64, new Rng(1))).hasMessageContaining("nz must be in 1..4096, got 0");
        assertThatThrownBy(() -> Dcgan.generator(ImageShape.RGB_32, 100, -1, new Rng(1))).hasMessageContaining("ngf must be in 1..4096, got -1");
        assertThatThrownBy(() -> Dcgan.discriminator(ImageShape.GRAY_28, 5000, new Rng(1))).hasMessageContaining("ndf must be in 1..4096, got 5000");
    }
}
