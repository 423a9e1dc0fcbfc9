package dev.jgan.gan.nets;

import static dev.jgan.gan.nets.NetTesting.layout;
import static dev.jgan.gan.nets.NetTesting.parameterCount;
import static dev.jgan.gan.nets.NetTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Tanh;
import org.junit.jupiter.api.Test;

class MlpTest {

    @Test
    void toyGeneratorHasPyTorchsSequentialLayout() {
        Sequential g = Mlp.toyGenerator(new Rng(1));
        assertThat(layout(g)).containsExactly(
                "0.weight [128, 256]", "0.bias [128]", "2.weight [128, 128]", "2.bias [128]", "4.weight [2, 128]", "4.bias [2]");
        assertThat(g.get(1)).isInstanceOf(ReLU.class);
        assertThat(g.get(3)).isInstanceOf(ReLU.class);
        assertThat(g.size()).isEqualTo(5);                                  // no activation after the last layer
        assertThat(parameterCount(g)).isEqualTo(256 * 128 + 128 + 128 * 128 + 128 + 128 * 2 + 2); // 49,666
        assertThat(g.forward(Tensor.randn(new Rng(2), 7, 256)).shape()).containsExactly(7, 2);
    }

    @Test
    void toyDiscriminatorGivesOneLogitPerSample() {
        Sequential d = Mlp.toyDiscriminator(new Rng(1));
        assertThat(layout(d)).containsExactly(
                "0.weight [128, 2]", "0.bias [128]", "2.weight [128, 128]", "2.bias [128]", "4.weight [1, 128]", "4.bias [1]");
        assertThat(parameterCount(d)).isEqualTo(2 * 128 + 128 + 128 * 128 + 128 + 128 + 1); // 17,025
        assertThat(d.forward(Tensor.randn(new Rng(2), 5, 2)).shape()).containsExactly(5, 1);
    }

    @Test
    void anyLayerSizesAndActivation() {
        Sequential net = Mlp.of(new int[] {3, 4, 5, 6, 1}, Tanh::new, new Rng(3));
        assertThat(net.size()).isEqualTo(7);
        for (int i = 0; i < 7; i++) assertThat(net.get(i)).isInstanceOf(i % 2 == 0 ? Linear.class : Tanh.class);
        assertThat(((Linear) net.get(4)).inFeatures()).isEqualTo(5);
        assertThat(Mlp.of(new int[] {3, 2}, Tanh::new, new Rng(3)).size()).isEqualTo(1);
    }

    @Test
    void sameSeedSameWeights() {
        assertThat(values(Mlp.toyGenerator(new Rng(4)))).isEqualTo(values(Mlp.toyGenerator(new Rng(4))));
        assertThat(values(Mlp.toyGenerator(new Rng(4)))).isNotEqualTo(values(Mlp.toyGenerator(new Rng(5))));
    }

    @Test
    void badSizesAreNamed() {
        assertThatThrownBy(() -> Mlp.of(new int[] {3}, ReLU::new, new Rng(1))).hasMessageContaining("needs at least an input and an output size, got [3]");
        assertThatThrownBy(() -> Mlp.of(new int[] {3, 0, 1}, ReLU::new, new Rng(1))).hasMessageContaining("sizes must be >= 1, got [3, 0, 1]");
    }
}
