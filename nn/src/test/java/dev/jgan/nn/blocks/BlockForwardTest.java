package dev.jgan.nn.blocks;

import static dev.jgan.nn.TestUtil.assertValues;
import static dev.jgan.nn.TestUtil.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Pooling;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import dev.jgan.nn.layers.ConditionalBatchNorm2d;
import org.junit.jupiter.api.Test;

/** GAN building blocks on inputs small enough to work out by hand. */
class BlockForwardTest {
    private static final float TOL = 1e-5f;
    private final Rng rng = new Rng(21);

    @Test
    void selfAttentionStartsAsIdentity() {
        SelfAttention2d sa = new SelfAttention2d(4, rng);
        assertThat(sa.parameter("gamma").toArray()).containsExactly(0f);
        assertThat(sa.stateDict().keySet()).containsExactly("gamma", "query.weight", "query.bias", "key.weight", "key.bias", "value.weight", "value.bias");
        assertThat(sa.stateDict().get("query.weight").shape()).containsExactly(1, 4, 1, 1);
        Tensor x = Tensor.randn(rng, 2, 4, 3, 3);
        assertThat(sa.forward(x).toArray()).containsExactly(x.toArray());
    }

    @Test
    void selfAttentionWithUniformWeightsAddsTheMean() {
        SelfAttention2d sa = new SelfAttention2d(1, rng);
        set(sa.child("query").parameter("weight"), 0);
        set(sa.child("query").parameter("bias"), 0);   // all energies 0: every position attends uniformly
        set(sa.child("value").parameter("weight"), 1);
        set(sa.child("value").parameter("bias"), 0);
        set(sa.parameter("gamma"), 2);
        assertValues(sa.forward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2)), new int[] {1, 1, 2, 2}, TOL, 6, 7, 8, 9);
    }

    @Test
    void selfAttentionSoftmaxOverPositions() {
        SelfAttention2d sa = new SelfAttention2d(1, rng);
        for (String c : new String[] {"query", "key", "value"}) {
            set(sa.child(c).parameter("weight"), 1);
            set(sa.child(c).parameter("bias"), 0);
        }
        set(sa.parameter("gamma"), 1);
        // x = (0, 1): energies e_ij = x_i x_j. Position 0 sees (0, 0): o_0 = 1/2. Position 1 sees (0, 1): o_1 = e / (1 + e).
        float e = (float) Math.E;
        assertValues(sa.forward(Tensor.of(new float[] {0, 1}, 1, 1, 1, 2)), new int[] {1, 1, 1, 2}, TOL, 0.5f, 1 + e / (1 + e));
    }

    @Test
    void pooledSelfAttentionHasBigGansLayout() {
        SelfAttention2d sa = new SelfAttention2d(64, SelfAttention2d.Options.pooled(), rng);
        assertThat(sa.stateDict().keySet()).containsExactly("gamma", "theta.weight", "phi.weight", "g.weight", "o.weight");
        assertThat(sa.parameter("gamma").shape()).isEmpty();                    // BigGAN's torch.tensor(0.)
        assertThat(sa.parameter("gamma").item()).isZero();
        assertThat(sa.stateDict().get("theta.weight").shape()).containsExactly(8, 64, 1, 1);
        assertThat(sa.stateDict().get("phi.weight").shape()).containsExactly(8, 64, 1, 1);
        assertThat(sa.stateDict().get("g.weight").shape()).containsExactly(32, 64, 1, 1);
        assertThat(sa.stateDict().get("o.weight").shape()).containsExactly(64, 32, 1, 1);
        Tensor x = Tensor.randn(rng, 2, 64, 4, 4);
        assertThat(sa.forward(x).toArray()).containsExactly(x.toArray());     // gamma = 0: the identity
        SelfAttention2d biased = new SelfAttention2d(16, SelfAttention2d.Options.pooled().withBias(true).withReduction(4), rng);
        assertThat(biased.stateDict().keySet()).containsExactly("gamma", "theta.weight", "theta.bias", "phi.weight", "phi.bias",
                "g.weight", "g.bias", "o.weight", "o.bias");
        assertThat(biased.stateDict().get("phi.weight").shape()).containsExactly(4, 16, 1, 1);
        SelfAttention2d plainNoBias = new SelfAttention2d(8, SelfAttention2d.Options.plain().withBias(false), rng);
        assertThat(plainNoBias.stateDict().keySet()).containsExactly("gamma", "query.weight", "key.weight", "value.weight");
        assertThatThrownBy(() -> sa.forward(Tensor.zeros(1, 64, 1, 4))).hasMessageContaining("pooled keys and values need H and W of at least 2");
    }

    /**
     * Channel 0 of x gives queries and keys, channel 1 the values (the 1x1 convs select them), o writes the result
     * into channel 0: for each position i, out_i = x0_i + gamma sum_j softmax_j(x0_i k_j) v_j over the two 2x2 blocks
     * j, with k_j the max of x0 over block j and v_j the max of x1 over it.
     */
    @Test
    void pooledSelfAttentionAttendsOverPooledBlocks() {
        SelfAttention2d sa = new SelfAttention2d(2, SelfAttention2d.Options.pooled().withReduction(2), rng);
        set(sa.child("theta").parameter("weight"), 1, 0);
        set(sa.child("phi").parameter("weight"), 1, 0);
        set(sa.child("g").parameter("weight"), 0, 1);
        set(sa.child("o").parameter("weight"), 1, 0);
        set(sa.parameter("gamma"), 0.5f);
        float[] x0 = {0.1f, -0.4f, 0.8f, 0.3f, 0.5f, 0.2f, -0.6f, 0.9f}, x1 = {1, 2, 3, 4, -1, -2, 0.5f, 7};
        float[] in = new float[16];
        System.arraycopy(x0, 0, in, 0, 8);
        System.arraycopy(x1, 0, in, 8, 8);
        Tensor y = sa.forward(Tensor.of(in, 1, 2, 2, 4));
        double k0 = 0.5, k1 = 0.9, v0 = 2, v1 = 7;   // maxima of x0 and x1 over columns 0-1 and 2-3
        float[] expected = new float[16];
        for (int i = 0; i < 8; i++) {
            double e0 = Math.exp(x0[i] * k0), e1 = Math.exp(x0[i] * k1);
            expected[i] = (float) (x0[i] + 0.5 * (e0 * v0 + e1 * v1) / (e0 + e1));
            expected[8 + i] = x1[i];
        }
        assertValues(y, new int[] {1, 2, 2, 4}, TOL, expected);
    }

    @Test
    void minibatchStdDevAppendsGroupStatistics() {
        MinibatchStdDev m = new MinibatchStdDev(2);
        // Groups pair samples (0, 2) and (1, 3): values (1, 3) have std 1, values (10, 14) std 2.
        Tensor x = Tensor.of(new float[] {1, 10, 3, 14}, 4, 1, 1, 1);
        assertValues(m.forward(x), new int[] {4, 2, 1, 1}, 1e-4f, 1, 1, 10, 2, 3, 1, 14, 2);
        // Std is averaged over features: channels with std 1 and 3 give 2.
        Tensor two = Tensor.of(new float[] {0, 0, 2, 6}, 2, 2, 1, 1);
        assertValues(new MinibatchStdDev(4).forward(two), new int[] {2, 3, 1, 1}, 1e-4f, 0, 0, 2, 2, 6, 2);
    }

    @Test
    void minibatchDiscriminationSumsSimilarities() {
        MinibatchDiscrimination md = new MinibatchDiscrimination(1, 1, 1, rng);
        assertThat(md.stateDict().get("T").shape()).containsExactly(1, 1);
        set(md.parameter("T"), 1);
        Tensor x = Tensor.of(new float[] {0, 1, 3}, 3, 1);
        double e1 = Math.exp(-1), e2 = Math.exp(-2), e3 = Math.exp(-3);
        assertValues(md.forward(x), new int[] {3, 2}, TOL, 0, (float) (e1 + e3), 1, (float) (e1 + e2), 3, (float) (e3 + e2));
        assertThat(new MinibatchDiscrimination(5, 3, 2, rng).forward(Tensor.randn(rng, 4, 5)).shape()).containsExactly(4, 8);
    }

    @Test
    void minibatchDiscriminationKeepsTinyFeaturesOfDistantSamples() {
        MinibatchDiscrimination md = new MinibatchDiscrimination(1, 1, 1, rng);
        set(md.parameter("T"), 1);
        // L1 distance 20: o = exp(-20) = 2.0611536e-9 for both samples; 1 + o - 1 would give 0 in float32.
        float expected = (float) Math.exp(-20.0);
        assertThat(expected).isCloseTo(2.0611536e-9f, within(1e-15f));
        float[] out = md.forward(Tensor.of(new float[] {0, 20}, 2, 1)).toArray();   // [[0, o], [20, o]]
        assertThat(out[1]).isCloseTo(expected, within(expected * 1e-5f));
        assertThat(out[3]).isCloseTo(expected, within(expected * 1e-5f));
    }

    @Test
    void conditionalNormWithoutLabelsIsAClearError() {
        ResBlockUp b = new ResBlockUp(2, 2, false, ResBlockUp.Norm.CONDITIONAL, 3, rng);
        Tensor x = Tensor.randn(rng, 2, 2, 4, 4);
        assertThatThrownBy(() -> b.forward(x, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ResBlockUp(2 -> 2, norm=CONDITIONAL, classes=3, upsample=false): class labels are required (got null)");
        ConditionalBatchNorm2d cbn = new ConditionalBatchNorm2d(2, 3, rng);
        assertThatThrownBy(() -> cbn.forward(x, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class labels are required");
    }

    @Test
    void resBlockDownComposesItsConvolutions() {
        ResBlockDown b = new ResBlockDown(2, 3, true, false, rng);
        assertThat(b.stateDict().keySet()).containsExactly("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "shortcut.weight", "shortcut.bias");
        Tensor x = Tensor.randn(rng, 2, 2, 4, 4);
        Module c1 = b.child("conv1"), c2 = b.child("conv2"), sc = b.child("shortcut");
        Tensor h = Pooling.avgPool2d(c2.forward(c1.forward(x.relu()).relu()), 2, 2, 0);
        Tensor expected = h.add(Pooling.avgPool2d(sc.forward(x), 2, 2, 0));
        assertValues(b.forward(x), new int[] {2, 3, 2, 2}, TOL, expected.toArray());

        ResBlockDown first = new ResBlockDown(2, 3, true, true, rng);
        Module f1 = first.child("conv1"), f2 = first.child("conv2"), fs = first.child("shortcut");
        Tensor hf = Pooling.avgPool2d(f2.forward(f1.forward(x).relu()), 2, 2, 0);
        assertValues(first.forward(x), new int[] {2, 3, 2, 2}, TOL, hf.add(fs.forward(Pooling.avgPool2d(x, 2, 2, 0))).toArray());

        ResBlockDown same = new ResBlockDown(3, 3, false, false, rng);
        assertThat(same.namedChildren().keySet()).containsExactly("conv1", "conv2"); // identity shortcut
    }

    @Test
    void resBlockUpComposesItsLayers() {
        ResBlockUp b = new ResBlockUp(2, 3, rng);
        assertThat(b.namedChildren().keySet()).containsExactly("bn1", "conv1", "bn2", "conv2", "shortcut");
        Tensor x = Tensor.randn(rng, 2, 2, 3, 3);
        Module bn1 = b.child("bn1"), c1 = b.child("conv1"), bn2 = b.child("bn2"), c2 = b.child("conv2"), sc = b.child("shortcut");
        bn1.eval();
        bn2.eval(); // eval: the reference computation below must not move running statistics differently
        b.eval();
        Tensor h = c2.forward(bn2.forward(c1.forward(Pooling.upsampleNearest2d(bn1.forward(x).relu(), 2))).relu());
        Tensor expected = h.add(sc.forward(Pooling.upsampleNearest2d(x, 2)));
        assertValues(b.forward(x), new int[] {2, 3, 6, 6}, TOL, expected.toArray());

        ResBlockUp cond = new ResBlockUp(2, 2, true, ResBlockUp.Norm.CONDITIONAL, 3, rng);
        assertThat(cond.stateDict()).containsKey("bn1.gamma.weight");
        assertThat(cond.forward(x, new int[] {0, 2}).shape()).containsExactly(2, 2, 6, 6);
    }
}
