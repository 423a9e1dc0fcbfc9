package dev.jgan.nn.layers;

import static dev.jgan.nn.TestUtil.assertValues;
import static dev.jgan.nn.TestUtil.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import dev.jgan.nn.blocks.MinibatchDiscrimination;
import dev.jgan.nn.blocks.ResBlockDown;
import dev.jgan.nn.blocks.ResBlockUp;
import dev.jgan.nn.blocks.SelfAttention2d;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every layer's forward on small inputs against values worked out by hand. */
class LayerForwardTest {
    private static final float TOL = 1e-5f;
    private final Rng rng = new Rng(11);

    @Test
    void linear() {
        Linear l = new Linear(2, 3, rng);
        set(l.parameter("weight"), 1, 2, 3, 4, 5, 6); // [out, in]
        set(l.parameter("bias"), 0.5f, -1, 2);
        assertValues(l.forward(Tensor.of(new float[] {1, -1, 2, 0}, 2, 2)), new int[] {2, 3}, TOL, -0.5f, -2, 1, 2.5f, 5, 12);
        // Leading batch dimensions broadcast: [2, 1, 2] -> [2, 1, 3].
        assertThat(l.forward(Tensor.zeros(2, 1, 2)).shape()).containsExactly(2, 1, 3);
        assertThatThrownBy(() -> l.forward(Tensor.zeros(2, 3))).hasMessageContaining("must end in size 2");
        Linear noBias = new Linear(2, 1, false, rng);
        assertThat(noBias.stateDict().keySet()).containsExactly("weight");
    }

    /**
     * Asserts the values look like U[-bound, bound]: none outside, the largest within 10% (20% for the shorter
     * bias vectors) of the bound, and about half of them beyond bound / 2, so an all-zero or narrow init fails.
     */
    private static void assertFillsBound(String what, Tensor t, float bound) {
        float[] v = t.toArray();
        float max = 0f;
        int beyondHalf = 0;
        for (float x : v) {
            assertThat(Math.abs(x)).as(what).isLessThanOrEqualTo(bound);
            max = Math.max(max, Math.abs(x));
            if (Math.abs(x) > bound / 2) beyondHalf++;
        }
        assertThat(max).as(what + " max |w|").isGreaterThan((v.length >= 1000 ? 0.9f : 0.8f) * bound);
        assertThat(beyondHalf).as(what + " beyond bound/2").isGreaterThan(v.length / 4);
    }

    @Test
    void defaultInitFillsPyTorchBounds() {
        // PyTorch: weight and bias both U[-1/sqrt(fanIn), 1/sqrt(fanIn)], fanIn from weight.size(1) * k^2.
        Linear l = new Linear(16, 64, rng);                          // fanIn 16
        assertFillsBound("Linear weight", l.parameter("weight"), 0.25f);
        assertFillsBound("Linear bias", l.parameter("bias"), 0.25f);
        Conv2d c = new Conv2d(4, 64, 3, 1, 1, rng);                   // fanIn 4 * 9 = 36
        assertFillsBound("Conv2d weight", c.parameter("weight"), 1f / 6);
        assertFillsBound("Conv2d bias", c.parameter("bias"), 1f / 6);
        ConvTranspose2d t = new ConvTranspose2d(16, 64, 1, 1, 0, rng); // weight [16, 64, 1, 1]: fanIn 64
        assertFillsBound("ConvTranspose2d weight", t.parameter("weight"), 0.125f);
        assertFillsBound("ConvTranspose2d bias", t.parameter("bias"), 0.125f);
    }

    @Test
    void conv2d() {
        Conv2d c = new Conv2d(1, 1, 2, 1, 0, rng);
        set(c.parameter("weight"), 1, 2, 3, 4);
        set(c.parameter("bias"), 1);
        Tensor x = Tensor.arange(1f, 10f, 1f).reshape(1, 1, 3, 3);
        // y[i][j] = x[i][j] + 2 x[i][j+1] + 3 x[i+1][j] + 4 x[i+1][j+1] + 1
        assertValues(c.forward(x), new int[] {1, 1, 2, 2}, TOL, 38, 48, 68, 78);
        Conv2d padded = new Conv2d(1, 2, 3, 2, 1, rng);
        assertThat(padded.forward(Tensor.zeros(1, 1, 5, 5)).shape()).containsExactly(1, 2, 3, 3);
    }

    @Test
    void convTranspose2d() {
        ConvTranspose2d c = new ConvTranspose2d(1, 1, 2, 2, 0, rng);
        set(c.parameter("weight"), 1, 2, 3, 4);
        set(c.parameter("bias"), 0);
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        // Stride 2, kernel 2: each input pixel paints x * W into its own 2x2 block.
        assertValues(c.forward(x), new int[] {1, 1, 4, 4}, TOL, 1, 2, 2, 4, 3, 4, 6, 8, 3, 6, 4, 8, 9, 12, 12, 16);
        // Layout [in, out, kh, kw]: with in = 1, out = 2 and 1x1 kernels, output channel k is weight[0][k] x.
        ConvTranspose2d two = new ConvTranspose2d(1, 2, 1, 1, 0, rng);
        set(two.parameter("weight"), 2, -1);
        set(two.parameter("bias"), 0, 10);
        assertValues(two.forward(Tensor.of(new float[] {3}, 1, 1, 1, 1)), new int[] {1, 2, 1, 1}, TOL, 6, 7);
        // DCGAN's upsampling step: kernel 4, stride 2, padding 1 doubles the size.
        assertThat(new ConvTranspose2d(3, 2, 4, 2, 1, rng).forward(Tensor.zeros(1, 3, 4, 4)).shape()).containsExactly(1, 2, 8, 8);
    }

    @Test
    void layerNorm() {
        LayerNorm ln = new LayerNorm(4);
        set(ln.parameter("weight"), 1, 2, 1, 1);
        set(ln.parameter("bias"), 0, 0, 0, 1);
        // mean 2.5, biased variance 1.25
        float s = (float) Math.sqrt(1.25 + 1e-5);
        assertValues(ln.forward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 4)), new int[] {1, 4}, TOL, -1.5f / s, -1f / s, 0.5f / s, 1.5f / s + 1);
        LayerNorm ln2 = new LayerNorm(new int[] {2, 2}, 1e-5f, false);
        assertThat(ln2.stateDict()).isEmpty();
        assertValues(ln2.forward(Tensor.of(new float[] {1, 2, 3, 4, 5, 5, 5, 5}, 2, 2, 2)), new int[] {2, 2, 2}, 1e-4f,
                -1.5f / s, -0.5f / s, 0.5f / s, 1.5f / s, 0, 0, 0, 0);
    }

    @Test
    void embedding() {
        Embedding e = new Embedding(3, 2, rng);
        set(e.parameter("weight"), 1, 2, 3, 4, 5, 6);
        assertValues(e.forward(2, 0, 2), new int[] {3, 2}, 0f, 5, 6, 1, 2, 5, 6);
        assertValues(e.forward(Tensor.of(new float[] {1, 0}, 2, 1)), new int[] {2, 1, 2}, 0f, 3, 4, 1, 2);
        assertThatThrownBy(() -> e.forward(3)).hasMessageContaining("index 3 out of range");
        assertThatThrownBy(() -> e.forward(Tensor.vector(0.5f))).hasMessageContaining("not an integer");
    }

    @Test
    void dropoutUsesItsGeneratorAndIsIdentityInEval() {
        Dropout d = new Dropout(0.5f, new Rng(99));
        Tensor x = Tensor.arange(1f, 9f, 1f);
        Tensor y = d.forward(x);
        Rng replay = new Rng(ForwardRng.forwardSeed(new Rng(99).nextLong(), 0)); // forward 0's generator
        float[] expected = new float[8];
        for (int i = 0; i < 8; i++) expected[i] = replay.nextFloat() < 0.5f ? 0f : 2f * (i + 1);
        assertValues(y, new int[] {8}, 0f, expected);
        d.eval();
        assertThat(d.forward(x)).isSameAs(x);
        assertValues(new Dropout(1f, rng).forward(x), new int[] {8}, 0f, new float[8]);
    }

    @Test
    void dropoutStateDictResumesTheMaskSequence() {
        Dropout d = new Dropout(0.5f, new Rng(-7));
        Tensor x = Tensor.ones(64);
        d.forward(x);
        Map<String, Tensor> saved = new LinkedHashMap<>();
        d.stateDict().forEach((k, v) -> saved.put(k, v.copy()));
        assertThat(saved.get("forwards").toArray()).containsExactly(0f, 1f);
        float[] next = d.forward(x).toArray();
        assertThat(next).isNotEqualTo(d.forward(x).toArray());    // consecutive masks differ
        Dropout other = new Dropout(0.5f, new Rng(12345));
        other.loadStateDict(saved, true);
        assertThat(other.forward(x).toArray()).containsExactly(next);
    }

    @Test
    void activations() {
        Tensor x = Tensor.vector(-1, 0, 2);
        assertValues(new ReLU().forward(x), new int[] {3}, 0f, 0, 0, 2);
        assertValues(new LeakyReLU(0.2f).forward(x), new int[] {3}, TOL, -0.2f, 0, 2);
        assertValues(new LeakyReLU().forward(x), new int[] {3}, TOL, -0.01f, 0, 2);
        assertValues(new Tanh().forward(x), new int[] {3}, TOL, -0.7615942f, 0, 0.9640276f);
        assertValues(new Sigmoid().forward(x), new int[] {3}, TOL, 0.26894142f, 0.5f, 0.8807971f);
    }

    @Test
    void resampling() {
        Tensor x = Tensor.arange(1f, 17f, 1f).reshape(1, 1, 4, 4);
        assertValues(new AvgPool2d(2).forward(x), new int[] {1, 1, 2, 2}, TOL, 3.5f, 5.5f, 11.5f, 13.5f);
        assertValues(new Upsample(2).forward(Tensor.of(new float[] {1, 2}, 1, 1, 1, 2)), new int[] {1, 1, 2, 4}, 0f, 1, 1, 2, 2, 1, 1, 2, 2);
        assertValues(new PixelShuffle(2).forward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 4, 1, 1)), new int[] {1, 1, 2, 2}, 0f, 1, 2, 3, 4);
        assertThat(new Flatten().forward(Tensor.zeros(2, 3, 2, 2)).shape()).containsExactly(2, 12);
        assertValues(new Reshape(3, 2, 2).forward(Tensor.arange(24).reshape(2, 12)).narrow(0, 1, 1), new int[] {1, 3, 2, 2}, 0f,
                12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23);
    }

    @Test
    void conditionalBatchNormScalesPerClass() {
        ConditionalBatchNorm2d cbn = new ConditionalBatchNorm2d(1, 2, rng);
        assertThat(cbn.stateDict().keySet()).containsExactly("bn.running_mean", "bn.running_var", "bn.num_batches_tracked", "gamma.weight", "beta.weight");
        set(cbn.child("gamma").parameter("weight"), 2, 3);
        set(cbn.child("beta").parameter("weight"), 0, 1);
        Tensor x = Tensor.of(new float[] {1, 3, 5, 7}, 2, 1, 1, 2);
        float s = (float) Math.sqrt(5 + 1e-5); // batch mean 4, biased variance 5
        assertValues(cbn.forward(x, new int[] {0, 1}), new int[] {2, 1, 1, 2}, TOL, 2 * -3 / s, 2 * -1 / s, 3 * 1 / s + 1, 3 * 3 / s + 1);
        assertThatThrownBy(() -> cbn.forward(x)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void maxPool() {
        Tensor x = Tensor.of(new float[] {1, 5, 2, 0, 3, 4, -1, 8, 6, 7, 9, -2, 0, 1, 2, 3}, 1, 1, 4, 4);
        assertValues(new MaxPool2d(2).forward(x), new int[] {1, 1, 2, 2}, 0f, 5, 8, 7, 9);
        // 3x3 windows, stride 2, padding 1 (never chosen): top-left sees rows 0-1, columns 0-1
        assertValues(new MaxPool2d(3, 2, 1).forward(x), new int[] {1, 1, 2, 2}, 0f, 5, 8, 7, 9);
        // dilation 2: each window takes every other row and column
        assertValues(new MaxPool2d(2, 1, 0, 2).forward(x), new int[] {1, 1, 2, 2}, 0f, 9, 7, 3, 8);
        assertThatThrownBy(() -> new MaxPool2d(2, 2, 2)).hasMessageContaining("MaxPool2d: invalid kernel=2 stride=2 padding=2");
    }

    /** The state dict of a layer made without an Rng after manualSeed(seed) equals the one made with new Rng(seed). */
    private static void assertSameState(Module unseeded, Module seeded) {
        Map<String, Tensor> a = unseeded.stateDict(), b = seeded.stateDict();
        assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
        for (String k : a.keySet()) assertThat(a.get(k).toArray()).as(k).containsExactly(b.get(k).toArray());
    }

    @Test
    void constructorsWithoutRngDrawFromTheDefaultGenerator() {
        Map<Module, Module> pairs = new LinkedHashMap<>();
        Rng.manualSeed(5);
        pairs.put(new Linear(3, 2), new Linear(3, 2, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new Linear(3, 2, false), new Linear(3, 2, false, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new Conv2d(2, 3, 3, 1, 1), new Conv2d(2, 3, 3, 1, 1, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new Conv2d(2, 3, 3, 1, 1, false), new Conv2d(2, 3, 3, 1, 1, 1, 1, false, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new Conv2d(2, 4, 3, 1, 1, 2, 2, true), new Conv2d(2, 4, 3, 1, 1, 2, 2, true, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new ConvTranspose2d(2, 3, 4, 2, 1), new ConvTranspose2d(2, 3, 4, 2, 1, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new ConvTranspose2d(2, 3, 4, 2, 1, false), new ConvTranspose2d(2, 3, 4, 2, 1, 0, 1, false, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new ConvTranspose2d(2, 4, 3, 2, 1, 1, 2, true), new ConvTranspose2d(2, 4, 3, 2, 1, 1, 2, true, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new Embedding(4, 3), new Embedding(4, 3, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new Dropout(0.3f), new Dropout(0.3f, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new GaussianNoise(0.3f), new GaussianNoise(0.3f, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new ConditionalBatchNorm2d(2, 3), new ConditionalBatchNorm2d(2, 3, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new SelfAttention2d(8), new SelfAttention2d(8, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new SelfAttention2d(8, SelfAttention2d.Options.pooled()),
                new SelfAttention2d(8, SelfAttention2d.Options.pooled(), new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new ResBlockUp(2, 3), new ResBlockUp(2, 3, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new ResBlockUp(2, 3, false, ResBlockUp.Norm.CONDITIONAL, 4),
                new ResBlockUp(2, 3, false, ResBlockUp.Norm.CONDITIONAL, 4, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new ResBlockDown(2, 3, true, true), new ResBlockDown(2, 3, true, true, new Rng(5)));
        Rng.manualSeed(5);
        pairs.put(new MinibatchDiscrimination(3, 2, 2), new MinibatchDiscrimination(3, 2, 2, new Rng(5)));
        pairs.forEach(LayerForwardTest::assertSameState);
        // Without reseeding, the default generator moves on: a second layer gets other values.
        Rng.manualSeed(5);
        Linear first = new Linear(3, 2), second = new Linear(3, 2);
        assertThat(second.parameter("weight").toArray()).isNotEqualTo(first.parameter("weight").toArray());
    }

    @Test
    void convTransposeWithoutBiasOrOutputPadding() {
        ConvTranspose2d t = new ConvTranspose2d(3, 2, 4, 2, 1, false, new Rng(3));
        assertThat(t.stateDict().keySet()).containsExactly("weight");
        ConvTranspose2d full = new ConvTranspose2d(3, 2, 4, 2, 1, 0, 1, false, new Rng(3));
        Tensor x = Tensor.randn(rng, 1, 3, 4, 4);
        assertThat(t.forward(x).shape()).containsExactly(1, 2, 8, 8);
        assertThat(t.forward(x).toArray()).containsExactly(full.forward(x).toArray());
        assertThat(new Conv2d(3, 2, 4, 2, 1, false, new Rng(3)).stateDict().keySet()).containsExactly("weight");
    }
}
