package dev.jgan.nn.blocks;

import static dev.jgan.nn.TestUtil.assertValues;
import static dev.jgan.nn.TestUtil.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.GradCheck;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Conditional;
import dev.jgan.nn.ConditionalSequential;
import dev.jgan.nn.Functional;
import dev.jgan.nn.Init;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.SpectralNorm;
import dev.jgan.nn.layers.ConditionalBatchNorm2d;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.GlobalSumPool2d;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Tanh;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The class-conditional blocks: the projection discriminator and global sum pooling against hand-computed values,
 * the projection discriminator and SAGAN's spectrally normalised pooled attention gradchecked to second order
 * (conditional batch norm is in LayerGradTest), ConditionalSequential's routing of labels, the errors on bad labels.
 */
class ConditionalBlocksTest {
    private static final float TOL = 1e-5f;
    private final Rng rng = new Rng(61);

    /**
     * phi = relu(W x) with W = [[1, 0], [0, 1], [1, -1]], psi(h) = [0.5, -1, 2] . h + 0.25, embedding rows
     * e0 = [1, 0, 0], e1 = [0, 1, 1], e2 = [-1, 2, 0.5]. For x0 = (1, 2): phi = (1, 2, 0), psi = -1.25; for
     * x1 = (3, -1): phi = (3, 0, 4), psi = 9.75.
     */
    private ProjectionDiscriminator handSet() {
        Linear w = new Linear(2, 3, false, rng);
        set(w.parameter("weight"), 1, 0, 0, 1, 1, -1);
        ProjectionDiscriminator d = new ProjectionDiscriminator(new Sequential(w, new ReLU()), 3, 3, true, rng);
        set(d.child("linear").parameter("weight"), 0.5f, -1, 2);
        set(d.child("linear").parameter("bias"), 0.25f);
        set(d.child("embed").parameter("weight"), 1, 0, 0, 0, 1, 1, -1, 2, 0.5f);
        return d;
    }

    private static final Tensor X = Tensor.of(new float[] {1, 2, 3, -1}, 2, 2);

    @Test
    void projectionDiscriminatorAddsTheClassEmbeddingsInnerProduct() {
        ProjectionDiscriminator d = handSet();
        assertThat(d.stateDict().keySet()).containsExactly("features.0.weight", "linear.weight", "linear.bias", "embed.weight");
        // labels (2, 1): <e2, (1, 2, 0)> = -1 + 4 = 3; <e1, (3, 0, 4)> = 4
        assertValues(d.forward(X, new int[] {2, 1}), new int[] {2, 1}, TOL, -1.25f + 3, 9.75f + 4);
        // labels (0, 0): <e0, (1, 2, 0)> = 1; <e0, (3, 0, 4)> = 3
        assertValues(d.forward(X, new int[] {0, 0}), new int[] {2, 1}, TOL, -1.25f + 1, 9.75f + 3);
        assertThat(d.numClasses()).isEqualTo(3);
        assertThat(d.featureSize()).isEqualTo(3);
    }

    /**
     * With spectral norm every weight is divided by its largest singular value, known in closed form here: sqrt 3 for
     * phi's W (W^T W = [[2, -1], [-1, 2]] has eigenvalues 3 and 1), |w| = sqrt 5.25 for psi's row, 5 for the diagonal
     * embedding diag(3, -5, 2). relu(W x / s) = relu(W x) / s, so D = psi . h / (sqrt 3 sqrt 5.25) + 0.25 + <e_y, h> / (5 sqrt 3).
     */
    @Test
    void spectrallyNormalisedProjectionDividesEachWeightByItsSigma() {
        ProjectionDiscriminator d = handSet();
        set(d.child("embed").parameter("weight"), 3, 0, 0, 0, -5, 0, 0, 0, 2);
        SpectralNorm.applyToAll(d, rng);
        assertThat(d.stateDict().keySet()).containsExactly("features.0.weight_orig", "features.0.weight_u", "features.0.weight_v",
                "linear.bias", "linear.weight_orig", "linear.weight_u", "linear.weight_v", "embed.weight_orig", "embed.weight_u", "embed.weight_v");
        for (int i = 0; i < 100; i++) d.forward(X, new int[] {0, 1});  // training forwards run the power iteration to convergence
        d.eval();
        assertThat(SpectralNorm.sigma(d.module("features.0"))).isCloseTo((float) Math.sqrt(3), within(1e-5f));
        assertThat(SpectralNorm.sigma(d.child("linear"))).isCloseTo((float) Math.sqrt(5.25), within(1e-5f));
        assertThat(SpectralNorm.sigma(d.child("embed"))).isCloseTo(5f, within(1e-5f));
        double s = Math.sqrt(3), p = Math.sqrt(3 * 5.25);
        // labels (1, 2): <e1, (1, 2, 0)> = -5 * 2 = -10; <e2, (3, 0, 4)> = 2 * 4 = 8
        assertValues(d.forward(X, new int[] {1, 2}), new int[] {2, 1}, TOL,
                (float) (-1.5 / p + 0.25 - 10 / (5 * s)), (float) (9.5 / p + 0.25 + 8 / (5 * s)));
    }

    @Test
    void globalSumPoolSumsEachChannelOverItsPositions() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, -1, 0.5f, 0, 2, 10, 20, 30, 40, 0, 0, 0, -7}, 2, 2, 2, 2);
        assertValues(new GlobalSumPool2d().forward(x), new int[] {2, 2}, TOL, 10, 1.5f, 100, -7);
        assertThatThrownBy(() -> new GlobalSumPool2d().forward(Tensor.zeros(2, 3)))
                .hasMessage("GlobalSumPool2d: input must be 4-D (NCHW), got [2, 3]");
    }

    @Test
    void conditionalSequentialGivesLabelsOnlyToChildrenWithClasses() {
        ConditionalBatchNorm2d cbn = new ConditionalBatchNorm2d(2, 3, rng);
        Init.normal(cbn.child("gamma").parameter("weight"), 1f, 0.5f, rng);
        Init.normal(cbn.child("beta").parameter("weight"), 0f, 0.5f, rng);
        Conv2d conv = new Conv2d(2, 2, 3, 1, 1, rng);
        ResBlockUp unconditional = new ResBlockUp(2, 2, false, ResBlockUp.Norm.NONE, 0, rng);
        ConditionalSequential net = new ConditionalSequential(3, cbn, new ReLU(), conv, unconditional);
        assertThat(net.stateDict().keySet()).isEqualTo(new Sequential(cbn, new ReLU(), conv, unconditional).stateDict().keySet());
        assertThat(unconditional.numClasses()).isZero();
        Tensor x = Tensor.randn(rng, 3, 2, 2, 2);
        int[] labels = {2, 0, 2};
        Tensor expected = unconditional.forward(conv.forward(cbn.forward(x, labels).relu()));
        assertThat(net.forward(x, labels).toArray()).containsExactly(expected.toArray());
        // the labels matter: other classes, other gains and biases
        assertThat(net.forward(x, new int[] {1, 1, 1}).toArray()).isNotEqualTo(expected.toArray());
        assertThat(net.size()).isEqualTo(4);
        assertThat(net.get(2)).isSameAs(conv);
    }

    @Test
    void conditionalSequentialRefusesAChildWithAnotherClassCount() {
        assertThatThrownBy(() -> new ConditionalSequential(3, new ReLU(), new ConditionalBatchNorm2d(2, 4, rng)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ConditionalSequential(classes=3): child 1 ConditionalBatchNorm2d(2, classes=4) is conditional on 4 classes, this sequence on 3");
        assertThatThrownBy(() -> new ConditionalSequential(0)).hasMessage("ConditionalSequential: numClasses must be >= 1, got 0");
    }

    /** Every conditional module names itself and the problem: no labels, a wrong count, a label out of range. */
    @Test
    void badLabelsAreNamed() {
        Tensor x = Tensor.randn(rng, 2, 2, 4, 4);
        ConditionalBatchNorm2d cbn = new ConditionalBatchNorm2d(2, 3, rng);
        ResBlockUp block = new ResBlockUp(2, 2, true, ResBlockUp.Norm.CONDITIONAL, 3, rng);
        ConditionalSequential seq = new ConditionalSequential(3, new ConditionalBatchNorm2d(2, 3, rng));
        ProjectionDiscriminator proj = new ProjectionDiscriminator(new Sequential(new Conv2d(2, 4, 1, 1, 0, rng), new GlobalSumPool2d()), 4, 3, true, rng);
        Map<Module, String> names = new LinkedHashMap<>();
        names.put(cbn, "ConditionalBatchNorm2d(2, classes=3)");
        names.put(block, "ResBlockUp(2 -> 2, norm=CONDITIONAL, classes=3, upsample=true)");
        names.put(seq, "ConditionalSequential(classes=3)");
        names.put(proj, "ProjectionDiscriminator(features=4, classes=3)");
        names.forEach((m, name) -> {
            Conditional c = (Conditional) m;
            assertThatThrownBy(() -> m.forward(x)).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageStartingWith(name + ": ").hasMessageContaining("labels").hasMessageContaining("forward(x, labels)");
            assertThatThrownBy(() -> c.forward(x, null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(name + ": class labels are required (got null)");
            assertThatThrownBy(() -> c.forward(x, new int[] {0, 1, 2})).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(name + ": needs one label per sample: 2 samples, 3 labels");
            assertThatThrownBy(() -> c.forward(x, new int[] {0, 3})).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(name + ": label 3 at index 1 is outside [0, 3)");
            assertThatThrownBy(() -> c.forward(x, new int[] {-1, 0})).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(name + ": label -1 at index 0 is outside [0, 3)");
            assertThat(c.numClasses()).isEqualTo(3);
        });
        assertThatThrownBy(() -> new ResBlockUp(2, 2, true, ResBlockUp.Norm.CONDITIONAL, 0, rng))
                .hasMessage("ResBlockUp: conditional batch norm needs numClasses >= 1, got 0");
        assertThatThrownBy(() -> block.forward(Tensor.zeros(2, 3, 4, 4), new int[] {0, 1}))
                .hasMessage("ResBlockUp(2 -> 2, norm=CONDITIONAL, classes=3, upsample=true): input must be [N, 2, H, W], got [2, 3, 4, 4]");
        ProjectionDiscriminator wrongFeatures = new ProjectionDiscriminator(new Sequential(new Conv2d(2, 4, 1, 1, 0, rng), new GlobalSumPool2d()), 5, 3, true, rng);
        assertThatThrownBy(() -> wrongFeatures.forward(x, new int[] {0, 1}))
                .hasMessage("ProjectionDiscriminator(features=5, classes=3): features must map [2, 2, 4, 4] to [2, 5], got [2, 4]");
        assertThatThrownBy(() -> new ProjectionDiscriminator(new ReLU(), 3, 0, true, rng))
                .hasMessage("ProjectionDiscriminator: featureSize and numClasses must be >= 1, got featureSize=3 numClasses=0");
    }

    @Test
    void blocksWithoutConditionalNormIgnoreLabels() {
        ResBlockUp b = new ResBlockUp(2, 3, true, ResBlockUp.Norm.BATCH, 5, rng);
        assertThat(b.numClasses()).isZero();
        b.eval();
        Tensor x = Tensor.randn(rng, 2, 2, 2, 2);
        assertThat(b.forward(x, new int[] {7, -3}).toArray()).containsExactly(b.forward(x).toArray());
    }

    @Test
    void pooledAttentionRefusesOddSides() {
        SelfAttention2d sa = new SelfAttention2d(8, SelfAttention2d.Options.pooled(), rng);
        assertThatThrownBy(() -> sa.forward(Tensor.zeros(1, 8, 7, 7))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SelfAttention2d(8, pooled=true, reduction=8, bias=false): pooled keys and values need H and W of at least 2, and even"
                        + " (2x2 max pooling), got [1, 8, 7, 7]");
        assertThatThrownBy(() -> sa.forward(Tensor.zeros(1, 8, 4, 3))).hasMessageContaining("got [1, 8, 4, 3]");
        assertThat(sa.forward(Tensor.zeros(1, 8, 4, 6)).shape()).containsExactly(1, 8, 4, 6);
    }

    // ---------------------------------------------------------------- gradients

    /**
     * NOTE: max pooling and relu see values the test cannot keep apart by more than a coarse step; a step of 1e-3 keeps
     * each max's winner and each relu's side (as in LayerGradTest).
     */
    private static final GradCheck FINE = GradCheck.of(1e-3f, 2e-2f, 2e-2f);

    /** First and (if {@code second}) second order in x and every parameter, the module called with labels. */
    private static void checkWithLabels(GradCheck gc, Module m, Tensor x, int[] labels, boolean second) {
        String[] names = m.namedParameters().keySet().toArray(new String[0]);
        Tensor[] inputs = new Tensor[names.length + 1];
        inputs[0] = x;
        for (int i = 0; i < names.length; i++) inputs[i + 1] = m.namedParameters().get(names[i]).detach().copy();
        Function<List<Tensor>, Tensor> f = in -> {
            Map<String, Tensor> sub = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) sub.put(names[i], in.get(i + 1));
            return Functional.call(m, sub, () -> ((Conditional) m).forward(in.get(0), labels));
        };
        gc.first(f, inputs);
        if (second) gc.second(f, inputs);
    }

    private ProjectionDiscriminator smallProjection() {
        Sequential phi = new Sequential(new Conv2d(2, 3, 3, 1, 1, rng), new Tanh(), new GlobalSumPool2d()); // [N, 2, 3, 3] -> [N, 3]
        return new ProjectionDiscriminator(phi, 3, 4, true, rng);
    }

    @Test
    void projectionDiscriminatorSecondOrder() {
        ProjectionDiscriminator d = smallProjection();
        assertThat(d.namedParameters().keySet()).containsExactly("features.0.weight", "features.0.bias", "linear.weight", "linear.bias", "embed.weight");
        checkWithLabels(GradCheck.standard(), d, Tensor.randn(rng, 3, 2, 3, 3), new int[] {3, 0, 3}, true);
    }

    /** Evaluation mode fixes u and v: the function of weight_orig that a training forward differentiates. */
    @Test
    void spectrallyNormalisedProjectionDiscriminatorSecondOrder() {
        ProjectionDiscriminator d = SpectralNorm.applyToAll(smallProjection(), rng);
        Tensor x = Tensor.randn(rng, 3, 2, 3, 3);
        for (int i = 0; i < 5; i++) d.forward(x, new int[] {1, 2, 3});
        d.eval();
        assertThat(d.namedParameters().keySet()).containsExactly("features.0.bias", "features.0.weight_orig", "linear.bias", "linear.weight_orig",
                "embed.weight_orig");
        checkWithLabels(GradCheck.standard(), d, x, new int[] {1, 2, 1}, true);
    }

    /** The attention block as SAGAN uses it: pooled, every 1x1 convolution spectrally normalised. */
    @Test
    void spectrallyNormalisedPooledAttentionSecondOrder() {
        SelfAttention2d sa = SpectralNorm.applyToAll(new SelfAttention2d(8, SelfAttention2d.Options.pooled(), rng), rng);
        assertThat(sa.namedParameters().keySet()).containsExactly("gamma", "theta.weight_orig", "phi.weight_orig", "g.weight_orig", "o.weight_orig");
        set(sa.parameter("gamma"), 0.7f); // at 0 the attention path would be checked only through gamma
        Tensor x = Tensor.randn(rng, 1, 8, 2, 4);
        sa.forward(x);
        sa.eval();
        String[] names = sa.namedParameters().keySet().toArray(new String[0]);
        dev.jgan.nn.ModuleGradCheck.check(FINE, sa, x, true, names);
    }
}
