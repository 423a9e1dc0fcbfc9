package dev.jgan.gan.nets;

import static dev.jgan.gan.nets.NetTesting.layout;
import static dev.jgan.gan.nets.NetTesting.std;
import static dev.jgan.gan.nets.NetTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.nets.Mlp.Options;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.Dropout;
import dev.jgan.nn.layers.GaussianNoise;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Tanh;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mlp.Options: defaults bitwise the builders before options existed; each variant's layout, shapes and point. */
class MlpOptionsTest {

    private static List<String> types(Sequential net) {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < net.size(); i++) t.add(net.get(i).getClass().getSimpleName());
        return t;
    }

    @Test
    void defaultOptionsAreBitwiseTheBuildersBeforeOptions() {
        int[] g = {Mlp.TOY_NOISE, Mlp.TOY_HIDDEN, Mlp.TOY_HIDDEN, 2}, d = {2, Mlp.TOY_HIDDEN, Mlp.TOY_HIDDEN, 1};
        assertThat(values(Mlp.toyGenerator(new Rng(1)))).isEqualTo(values(FrozenBuilders.mlp(g, ReLU::new, new Rng(1))));
        assertThat(values(Mlp.toyGenerator(Options.defaults(), new Rng(1)))).isEqualTo(values(FrozenBuilders.mlp(g, ReLU::new, new Rng(1))));
        assertThat(values(Mlp.toyDiscriminator(new Rng(2)))).isEqualTo(values(FrozenBuilders.mlp(d, ReLU::new, new Rng(2))));
        assertThat(values(Mlp.toyDiscriminator(Options.defaults(), new Rng(2)))).isEqualTo(values(FrozenBuilders.mlp(d, ReLU::new, new Rng(2))));
        int[] sizes = {3, 5, 4, 1};
        assertThat(values(Mlp.of(sizes, Tanh::new, new Rng(3)))).isEqualTo(values(FrozenBuilders.mlp(sizes, Tanh::new, new Rng(3))));
        assertThat(Mlp.of(sizes, Tanh::new, new Rng(3)).toString()).isEqualTo(FrozenBuilders.mlp(sizes, Tanh::new, new Rng(3)).toString());
        assertThat(Options.defaults().toString()).isEqualTo("Mlp.Options(ReLU)");
    }

    @Test
    void eachVariantsLayout() {
        int[] sizes = {4, 6, 6, 1};
        assertThat(types(Mlp.of(sizes, Options.defaults().withLeakyRelu(0.2f), new Rng(4))))
                .containsExactly("Linear", "LeakyReLU", "Linear", "LeakyReLU", "Linear");
        Sequential ln = Mlp.of(sizes, Options.defaults().withLayerNorm(true), new Rng(4));
        assertThat(types(ln)).containsExactly("Linear", "LayerNorm", "ReLU", "Linear", "LayerNorm", "ReLU", "Linear");
        assertThat(layout(ln)).contains("1.weight [6]", "1.bias [6]");
        Sequential drop = Mlp.of(sizes, Options.defaults().withAlwaysOnDropout(0.5f), new Rng(4));
        assertThat(types(drop)).containsExactly("Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear");
        assertThat(((Dropout) drop.get(2)).isAlwaysOn()).isTrue();
        Sequential noise = Mlp.of(sizes, Options.defaults().withLayerNoise(true), new Rng(4));
        assertThat(types(noise)).containsExactly("Linear", "ReLU", "GaussianNoise", "Linear", "ReLU", "GaussianNoise", "Linear");
        assertThat(((GaussianNoise) noise.get(2)).sigma()).isZero();                 // the identity until a trick sets it
        assertThat(layout(noise)).contains("2.seed [4]", "2.forwards [2]", "2.sigma [1]");
        Sequential mbd = Mlp.of(sizes, Options.defaults().withMinibatchDiscrimination(3, 2), new Rng(4));
        assertThat(types(mbd)).containsExactly("Linear", "ReLU", "Linear", "ReLU", "MinibatchDiscrimination", "Linear");
        assertThat(layout(mbd)).contains("4.T [6, 6]", "5.weight [1, 9]");
        assertThat(types(Mlp.of(new int[] {4, 1}, Options.defaults().withMinibatchDiscrimination(3, 2), new Rng(4))))
                .containsExactly("MinibatchDiscrimination", "Linear");
        Options all = Options.defaults().withLeakyRelu(0.1f).withLayerNorm(true).withAlwaysOnDropout(0.3f).withLayerNoise(true)
                .withMinibatchDiscrimination(3, 2);
        Sequential net = Mlp.of(sizes, all, new Rng(5));
        assertThat(types(net)).containsExactly("Linear", "LayerNorm", "LeakyReLU", "Dropout", "GaussianNoise", "Linear", "LayerNorm", "LeakyReLU",
                "Dropout", "GaussianNoise", "MinibatchDiscrimination", "Linear");
        assertThat(net.forward(Tensor.randn(new Rng(6), 5, 4)).shape()).containsExactly(5, 1);
        assertThat(Mlp.toyGenerator(all, new Rng(5)).forward(Tensor.randn(new Rng(6), 3, Mlp.TOY_NOISE)).shape()).containsExactly(3, 2);
        assertThat(all.toString()).isEqualTo("Mlp.Options(LeakyReLU(0.1), LayerNorm, always-on dropout 0.3, layer noise, minibatch discrimination 3x2)");
        assertThat(all.layerNoise()).isTrue();
        assertThat(Options.defaults().layerNoise()).isFalse();
    }

    @Test
    void minibatchDiscriminationStartsAtTheScaleOfItsFeaturesAndSeesTheBatch() {
        Sequential d = Mlp.toyDiscriminator(Options.defaults().withMinibatchDiscrimination(50, 5), new Rng(7));
        assertThat(std(d.get(4).parameter("T").toArray())).isCloseTo(1 / Math.sqrt(Mlp.TOY_HIDDEN), within(0.002)); // 32,000 values
        Tensor x = Tensor.randn(new Rng(8), 4, 2), y = x.copy();
        y.buffer()[7] += 1f;                                     // sample 3 moved
        y.markModified();
        assertThat(d.forward(y).get(0, 0)).isNotEqualTo(d.forward(x).get(0, 0));
        Module plain = Mlp.toyDiscriminator(new Rng(7));
        assertThat(plain.forward(y).get(0, 0)).isEqualTo(plain.forward(x).get(0, 0));
    }

    @Test
    void alwaysOnDropoutDrawsNewNoiseAtSamplingTime() {
        Options drop = Options.defaults().withAlwaysOnDropout(0.5f);
        Tensor z = Tensor.randn(new Rng(9), 4, Mlp.TOY_NOISE);
        Module a = Mlp.toyGenerator(drop, new Rng(10)).eval(), b = Mlp.toyGenerator(drop, new Rng(10)).eval();
        float[] first = a.forward(z).toArray();
        assertThat(a.forward(z).toArray()).isNotEqualTo(first);
        assertThat(b.forward(z).toArray()).containsExactly(first);
    }

    @Test
    void badOptionsAreNamed() {
        Options o = Options.defaults();
        assertThatThrownBy(() -> o.withLeakyRelu(0f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slope must be in (0, 1), got slope=0.0");
        assertThatThrownBy(() -> o.withAlwaysOnDropout(1f)).hasMessageContaining("dropout p must be in [0, 1), got p=1.0");
        assertThatThrownBy(() -> o.withMinibatchDiscrimination(2, 0)).hasMessageContaining("got kernels=2 kernelDim=0");
        assertThatThrownBy(() -> o.withActivation(null)).hasMessageContaining("activation must be given");
        assertThatThrownBy(() -> Mlp.of(new int[] {3, 1}, (Options) null, new Rng(1))).hasMessageContaining("options must be given");
        assertThatThrownBy(() -> Mlp.of(new int[] {3}, o, new Rng(1))).hasMessageContaining("needs at least an input and an output size, got [3]");
    }
}
