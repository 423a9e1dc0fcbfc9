package dev.jgan.gan.nets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.GradCheck;
import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Functional;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.Flatten;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The cGAN wrappers (Mirza and Osindero 2014; ganhacks trick 16): the inner network sees exactly the input with the
 * label's embedding concatenated (checked with an identity inner network and with hand-set weights), gradients are
 * right to second order in the input, the embedding, the label map and the inner weights, and bad inputs are refused
 * naming the cGAN.
 */
class CganTest {
    /** The embedding rows of class 0, 1, 2: [[1, 2], [3, 4], [5, 6]]. */
    static final float[] EMBED = {1, 2, 3, 4, 5, 6};

    static void set(Module m, String name, float... values) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            Tensor p = m.namedParameters().get(name);
            p.copyInPlace(Tensor.of(values, p.shape()));
        }
    }

    @Test
    void generatorConcatenatesTheEmbeddingToTheNoise() {
        // an empty Sequential is the identity: the wrapper's output is the inner network's input
        Cgan g = Cgan.generator(new Sequential(), 2, 3, 2, new Rng(1));
        set(g, "embed.weight", EMBED);
        Tensor z = Tensor.of(new float[][] {{0.5f, -1f}, {2f, 3f}});
        assertThat(g.forward(z, new int[] {2, 0}).toArray()).containsExactly(0.5f, -1f, 5, 6, 2f, 3f, 1, 2);
        assertThat(g.numClasses()).isEqualTo(3);
        assertThat(g.extraInputs()).isEqualTo(2);
        assertThat(g.stateDict().keySet()).containsExactly("embed.weight");
    }

    @Test
    void discriminatorIsTheInnerNetworkOnTheConcatenation() {
        // D'(v) = 1 v0 + 10 v1 + 100 v2 + 1000 v3 + 0.5 on v = (x0, x1, e0, e1)
        Cgan d = Cgan.discriminator(new Linear(4, 1, new Rng(2)), 2, 3, 2, new Rng(3));
        set(d, "embed.weight", EMBED);
        set(d, "net.weight", 1, 10, 100, 1000);
        set(d, "net.bias", 0.5f);
        Tensor x = Tensor.of(new float[][] {{0.5f, -1f}, {0.25f, 2f}});
        Tensor out = d.forward(x, new int[] {2, 1});
        assertThat(out.shape()).containsExactly(2, 1);
        // 0.5 - 10 + 100*5 + 1000*6 + 0.5 = 6491;  0.25 + 20 + 300 + 4000 + 0.5 = 4320.75
        assertThat(out.toArray()).containsExactly(6491f, 4320.75f);
        assertThat(d.stateDict().keySet()).containsExactly("embed.weight", "net.weight", "net.bias");
    }

    @Test
    void imageDiscriminatorAddsOneConstantChannelPerEmbeddingValue() {
        Cgan d = Cgan.imageDiscriminator(new Sequential(), 1, 3, 2, new Rng(4));
        set(d, "embed.weight", EMBED);
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6}, 2, 1, 2, 3);
        Tensor in = d.forward(x, new int[] {1, 2});
        assertThat(in.shape()).containsExactly(2, 3, 2, 3);
        assertThat(in.toArray()).containsExactly(
                1, 2, 3, 4, 5, 6, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4,             // sample 0: x, then class 1's (3, 4) as maps
                -1, -2, -3, -4, -5, -6, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6);      // sample 1: x, then class 2's (5, 6)
        // any image size: the maps follow x's H x W
        assertThat(d.forward(Tensor.zeros(1, 1, 4, 1), new int[] {0}).shape()).containsExactly(1, 3, 4, 1);
    }

    @Test
    void learnedMapDiscriminatorAddsOneLinearMapOfTheEmbedding() {
        Cgan d = Cgan.learnedMapDiscriminator(new Sequential(), 1, 2, 2, 3, 2, new Rng(5));
        set(d, "embed.weight", EMBED);
        // map(e) = W e + b with W [4, 2] = rows (1, 0), (0, 1), (1, 1), (1, -1), b = (0, 0, 0, 10)
        set(d, "map.weight", 1, 0, 0, 1, 1, 1, 1, -1);
        set(d, "map.bias", 0, 0, 0, 10);
        Tensor x = Tensor.of(new float[] {7, 8, 9, 10}, 1, 1, 2, 2);
        Tensor in = d.forward(x, new int[] {1});   // e = (3, 4): map = (3, 4, 7, -1 + 10)
        assertThat(in.shape()).containsExactly(1, 2, 2, 2);
        assertThat(in.toArray()).containsExactly(7, 8, 9, 10, 3, 4, 7, 9);
        assertThat(d.extraInputs()).isEqualTo(1);
        assertThat(d.stateDict().keySet()).containsExactly("embed.weight", "map.weight", "map.bias");
    }

    /** The wrapper as a function of its input and every parameter, for the gradchecks. */
    static Function<List<Tensor>, Tensor> asFunction(Cgan m, int[] labels, String[] names) {
        return in -> {
            Map<String, Tensor> sub = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) sub.put(names[i], in.get(i + 1));
            return Functional.call(m, sub, () -> m.forward(in.get(0), labels));
        };
    }

    static void gradcheckBothOrders(Cgan m, Tensor x, int[] labels) {
        String[] names = m.namedParameters().keySet().toArray(new String[0]);
        Tensor[] inputs = new Tensor[names.length + 1];
        inputs[0] = x;
        for (int i = 0; i < names.length; i++) inputs[i + 1] = m.namedParameters().get(names[i]).detach().copy();
        GradCheck c = GradCheck.of(1e-2f, 2e-3f, 2e-2f);
        c.first(asFunction(m, labels, names), inputs);
        c.second(asFunction(m, labels, names), inputs);
    }

    @Test
    void vectorWrapperGradientsToSecondOrder() {
        Rng rng = new Rng(6);
        // tanh inside, so the second derivative in the weights is not zero; label 1 twice: its embedding row sums two gradients
        Cgan d = Cgan.discriminator(new Sequential(new Linear(3 + 2, 4, rng), new Tanh(), new Linear(4, 1, rng)), 3, 3, 2, rng);
        gradcheckBothOrders(d, Tensor.randn(rng, 3, 3), new int[] {1, 0, 1});
    }

    @Test
    void imageWrappersGradientsToSecondOrder() {
        Rng rng = new Rng(7);
        Module net = new Sequential(new Conv2d(2 + 2, 2, 3, 1, 1, rng), new Tanh(), new Flatten(), new Linear(2 * 3 * 3, 1, rng));
        gradcheckBothOrders(Cgan.imageDiscriminator(net, 2, 4, 2, rng), Tensor.randn(rng, 2, 2, 3, 3), new int[] {3, 1});
        Module net1 = new Sequential(new Conv2d(2 + 1, 2, 3, 1, 1, rng), new Tanh(), new Flatten(), new Linear(2 * 3 * 3, 1, rng));
        gradcheckBothOrders(Cgan.learnedMapDiscriminator(net1, 2, 3, 3, 4, 2, rng), Tensor.randn(rng, 2, 2, 3, 3), new int[] {0, 2});
    }

    @Test
    void badInputsAreRefusedNamingTheCgan() {
        Rng rng = new Rng(8);
        Cgan g = Cgan.generator(new Linear(4 + 2, 2, rng), 4, 3, 2, rng);
        Tensor z = Tensor.zeros(2, 4);
        assertThatThrownBy(() -> g.forward(z)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs class labels");
        assertThatThrownBy(() -> g.forward(z, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cgan.generator").hasMessageContaining("class labels are required");
        assertThatThrownBy(() -> g.forward(z, new int[] {0})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 samples, 1 labels");
        assertThatThrownBy(() -> g.forward(z, new int[] {0, 3})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 3 at index 1 is outside [0, 3)");
        assertThatThrownBy(() -> g.forward(z, new int[] {-1, 0})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label -1 at index 0");
        assertThatThrownBy(() -> g.forward(Tensor.zeros(2, 5), new int[] {0, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cgan.generator").hasMessageContaining("noise must be [N, 4], got [2, 5]");

        // an inner network built without room for the label: reported with the cGAN's view of the sizes
        Cgan tooNarrow = Cgan.discriminator(new Linear(2, 1, rng), 2, 3, 2, rng);
        assertThatThrownBy(() -> tooNarrow.forward(Tensor.zeros(2, 2), new int[] {0, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cgan.discriminator").hasMessageContaining("inner network failed on its input [2, 4]")
                .hasMessageContaining("label's 2 features appended");

        Cgan image = Cgan.imageDiscriminator(new Sequential(), 3, 3, 2, rng);
        assertThatThrownBy(() -> image.forward(Tensor.zeros(2, 1, 4, 4), new int[] {0, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("images [N, 3, H, W], got [2, 1, 4, 4]");
        Cgan mapped = Cgan.learnedMapDiscriminator(new Sequential(), 1, 4, 4, 3, 2, rng);
        assertThatThrownBy(() -> mapped.forward(Tensor.zeros(2, 1, 4, 5), new int[] {0, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[N, 1, 4, 4]").hasMessageContaining("got [2, 1, 4, 5]");

        assertThatThrownBy(() -> Cgan.generator(new Sequential(), 4, 0, 2, rng)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("numClasses must be >= 1, got 0");
        assertThatThrownBy(() -> Cgan.discriminator(new Sequential(), 2, 3, 0, rng)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embedDim must be >= 1, got 0");
        assertThatThrownBy(() -> Cgan.learnedMapDiscriminator(new Sequential(), 1, 0, 4, 3, 2, rng)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("height and width must be >= 1, got 0 x 4");
    }

    @Test
    void acganDiscriminatorSplitsItsNetworksOutputIntoTheTwoHeads() {
        // net(x) = x W^T with W the 4x2 matrix below: columns (x0 + x1, x0, x1, x0 - x1) -> adversarial, then 3 class logits
        Linear net = new Linear(2, 4, false, new Rng(9));
        set(net, "weight", 1, 1, 1, 0, 0, 1, 1, -1);
        AcganDiscriminator d = new AcganDiscriminator(net, 3);
        Tensor x = Tensor.of(new float[][] {{2, 3}, {-1, 4}});
        AuxiliaryClassifier.Heads h = d.heads(x);
        assertThat(h.adversarial().shape()).containsExactly(2, 1);
        assertThat(h.adversarial().toArray()).containsExactly(5, 3);
        assertThat(h.classes().shape()).containsExactly(2, 3);
        assertThat(h.classes().toArray()).containsExactly(2, 3, -1, -1, 4, -5);
        assertThat(d.forward(x).toArray()).containsExactly(5, 3);
        assertThat(d.stateDict().keySet()).containsExactly("net.weight");

        // the heads' gradients: d(sum of adversarial + 2 sum of class logits)/dx, by hand from W's rows
        Tensor xs = x.detach().requiresGrad(true);
        AuxiliaryClassifier.Heads hg = d.heads(xs);
        hg.adversarial().sum().add(hg.classes().sum().mul(2f)).backward();
        // d/dx0 = 1 + 2 (1 + 0 + 1) = 5, d/dx1 = 1 + 2 (0 + 1 - 1) = 1, per sample
        assertThat(xs.grad().toArray()).containsExactly(new float[] {5, 1, 5, 1}, within(0f));

        assertThatThrownBy(() -> new AcganDiscriminator(new Linear(2, 3, new Rng(1)), 3).heads(x)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AcganDiscriminator(classes=3)").hasMessageContaining("[N, 1 + 3]").hasMessageContaining("got [2, 3]");
        assertThatThrownBy(() -> new AcganDiscriminator(net, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("numClasses must be >= 1, got 0");
    }
}
