package dev.jgan.gan.nets;

import static dev.jgan.gan.nets.NetTesting.layout;
import static dev.jgan.gan.nets.NetTesting.parameterCount;
import static dev.jgan.gan.nets.NetTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AutoencoderDiscriminatorTest {

    @Test
    void toyFormEncodesAndReconstructs() {
        AutoencoderDiscriminator d = AutoencoderDiscriminator.mlp(new Rng(1));
        Tensor x = Tensor.randn(new Rng(2), 6, 2);
        assertThat(d.encode(x).shape()).containsExactly(6, 32);
        assertThat(d.codeSize()).isEqualTo(32);
        assertThat(d.forward(x).shape()).containsExactly(6, 2);
        assertThat(d.forward(x).toArray()).isEqualTo(d.decode(d.encode(x)).toArray());
        assertThat(layout(d)).containsExactly(
                "encoder.0.weight [128, 2]", "encoder.0.bias [128]", "encoder.2.weight [32, 128]", "encoder.2.bias [32]",
                "decoder.0.weight [128, 32]", "decoder.0.bias [128]", "decoder.2.weight [2, 128]", "decoder.2.bias [2]");
        // encoder 2*128 + 128 + 128*32 + 32 = 4,512; decoder 32*128 + 128 + 128*2 + 2 = 4,482
        assertThat(parameterCount(d)).isEqualTo(8_994);
    }

    @ParameterizedTest
    @CsvSource({"GRAY_28, 392", "RGB_32, 256", "RGB_64, 512"}) // ndf 4: 8 x 7 x 7, 16 x 4 x 4, 32 x 4 x 4
    void convolutionalFormForEachSize(ImageShape shape, int codeSize) {
        AutoencoderDiscriminator d = AutoencoderDiscriminator.conv(shape, 4, new Rng(3));
        d.eval(); // BatchNorm on running statistics, so two forwards give the same result
        Tensor x = Tensor.uniform(new Rng(4), -1f, 1f, shape.batch(2));
        assertThat(d.codeSize()).isEqualTo(codeSize);
        assertThat(d.encode(x).shape()).containsExactly(2, codeSize);
        assertThat(d.forward(x).shape()).containsExactly(shape.batch(2));
        assertThat(d.forward(x).toArray()).isEqualTo(d.decode(d.encode(x)).toArray());
    }

    @Test
    void convolutionalLayoutAndParameterCount() {
        AutoencoderDiscriminator d = AutoencoderDiscriminator.conv(ImageShape.GRAY_28, new Rng(5));
        assertThat(layout(d)).containsExactly(
                "encoder.0.weight [64, 1, 4, 4]", "encoder.0.bias [64]", "encoder.2.weight [128, 64, 4, 4]", "encoder.2.bias [128]",
                "decoder.1.weight [128, 64, 4, 4]", "decoder.1.bias [64]",
                "decoder.2.weight [64]", "decoder.2.bias [64]", "decoder.2.running_mean [64]", "decoder.2.running_var [64]",
                "decoder.2.num_batches_tracked []",
                "decoder.4.weight [64, 1, 4, 4]", "decoder.4.bias [1]");
        // encoder 16*64 + 64 + 64*128*16 + 128 = 132,288; decoder 128*64*16 + 64 + 2*64 + 64*16 + 1 = 132,289
        assertThat(parameterCount(d)).isEqualTo(264_577);
        assertThat(d.codeSize()).isEqualTo(128 * 7 * 7);
        AutoencoderDiscriminator d64 = AutoencoderDiscriminator.conv(ImageShape.RGB_64, 4, new Rng(5));
        assertThat(layout(d64)).filteredOn(k -> k.contains("weight [")).containsExactly(
                "encoder.0.weight [4, 3, 4, 4]", "encoder.2.weight [8, 4, 4, 4]", "encoder.3.weight [8]",
                "encoder.5.weight [16, 8, 4, 4]", "encoder.6.weight [16]", "encoder.8.weight [32, 16, 4, 4]",
                "decoder.1.weight [32, 16, 4, 4]", "decoder.2.weight [16]", "decoder.4.weight [16, 8, 4, 4]", "decoder.5.weight [8]",
                "decoder.7.weight [8, 4, 4, 4]", "decoder.8.weight [4]", "decoder.10.weight [4, 3, 4, 4]");
    }

    @Test
    void sameSeedSameNetworks() {
        assertThat(values(AutoencoderDiscriminator.conv(ImageShape.RGB_32, 4, new Rng(6))))
                .isEqualTo(values(AutoencoderDiscriminator.conv(ImageShape.RGB_32, 4, new Rng(6))));
        assertThat(values(AutoencoderDiscriminator.mlp(new Rng(6)))).isEqualTo(values(AutoencoderDiscriminator.mlp(new Rng(6))));
        assertThat(values(AutoencoderDiscriminator.mlp(new Rng(6)))).isNotEqualTo(values(AutoencoderDiscriminator.mlp(new Rng(7))));
    }

    @Test
    void badSizesAreNamed() {
        assertThatThrownBy(() -> AutoencoderDiscriminator.conv(ImageShape.RGB_32, 0, new Rng(1))).hasMessageContaining("ndf must be in 1..4096, got 0");
        assertThatThrownBy(() -> AutoencoderDiscriminator.mlp(2, 0, 8, new Rng(1))).hasMessageContaining("sizes must be >= 1, got [2, 0, 8]");
    }
}
