package dev.jgan.gan.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.GradCheck;
import dev.jgan.autodiff.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** AC-GAN's class loss against hand-computed values and gradients, and by finite differences to second order. */
class AuxiliaryClassifierLossTest {
    // real: rows (0, 0) and (ln 3, 0), both labelled 0: CE = ln 2 and ln(4/3), mean ln(8/3)/2
    static final Tensor REAL = Tensor.of(new float[][] {{0f, 0f}, {(float) Math.log(3), 0f}});
    static final int[] REAL_LABELS = {0, 0};
    // fake: row (2, 0) labelled 1: CE = ln(1 + e^2)
    static final Tensor FAKE = Tensor.of(new float[][] {{2f, 0f}});
    static final int[] FAKE_LABELS = {1};
    static final double CE_REAL = Math.log(8.0 / 3) / 2, CE_FAKE = Math.log(1 + Math.exp(2));

    @Test
    void defaultsAreThoseOfTheWganGpResNetCode() {
        AuxiliaryClassifierLoss l = new AuxiliaryClassifierLoss();
        assertThat(l.discriminatorWeight()).isEqualTo(1f);
        assertThat(l.generatorWeight()).isEqualTo(0.1f);
        assertThat(l.fakesInDiscriminator()).isFalse();
    }

    @Test
    void valuesAreTheWeightedCrossEntropies() {
        AuxiliaryClassifierLoss l = new AuxiliaryClassifierLoss(1f, 0.1f, true);
        AuxiliaryClassifierLoss.Terms d = l.discriminator(REAL, REAL_LABELS, FAKE, FAKE_LABELS);
        assertThat(d.real().item()).isCloseTo((float) CE_REAL, within(1e-6f));
        assertThat(d.fake().item()).isCloseTo((float) CE_FAKE, within(1e-6f));
        assertThat(d.loss().item()).isCloseTo((float) (CE_REAL + CE_FAKE), within(1e-6f));   // 1 (0.49041 + 2.12693)
        AuxiliaryClassifierLoss.Terms g = l.generator(FAKE, FAKE_LABELS);
        assertThat(g.real()).isNull();
        assertThat(g.fake().item()).isCloseTo((float) CE_FAKE, within(1e-6f));
        assertThat(g.loss().item()).isCloseTo((float) (0.1 * CE_FAKE), within(1e-6f));

        // the defaults, the WGAN-GP ResNet code's form: D's classifier on real samples only
        assertThat(new AuxiliaryClassifierLoss().discriminator(REAL, REAL_LABELS, FAKE, FAKE_LABELS).loss().item()).isCloseTo((float) CE_REAL, within(1e-6f));
        // other weights
        AuxiliaryClassifierLoss realOnly = new AuxiliaryClassifierLoss(0.5f, 2f, false);
        AuxiliaryClassifierLoss.Terms r = realOnly.discriminator(REAL, REAL_LABELS, FAKE, FAKE_LABELS);
        assertThat(r.loss().item()).isCloseTo((float) (0.5 * CE_REAL), within(1e-6f));
        assertThat(r.fake().item()).isCloseTo((float) CE_FAKE, within(1e-6f));   // still reported
        assertThat(realOnly.generator(FAKE, FAKE_LABELS).loss().item()).isCloseTo((float) (2 * CE_FAKE), within(1e-5f));
    }

    @Test
    void gradientIsSoftmaxMinusOneHotOverTheBatch() {
        Tensor real = REAL.detach().requiresGrad(true), fake = FAKE.detach().requiresGrad(true);
        new AuxiliaryClassifierLoss(2f, 0.1f, true).discriminator(real, REAL_LABELS, fake, FAKE_LABELS).loss().backward();
        // w_D (softmax - onehot) / N: real rows ((1/2, 1/2) - (1, 0)) / 2 and ((3/4, 1/4) - (1, 0)) / 2, times 2
        assertThat(real.grad().toArray()).containsExactly(new float[] {-0.5f, 0.5f, -0.25f, 0.25f}, within(1e-6f));
        float s = (float) (Math.exp(2) / (1 + Math.exp(2)));   // softmax of (2, 0), label 1
        assertThat(fake.grad().toArray()).containsExactly(new float[] {2 * s, -2 * s}, within(1e-6f));

        Tensor fakeG = FAKE.detach().requiresGrad(true);
        new AuxiliaryClassifierLoss().generator(fakeG, FAKE_LABELS).loss().backward();
        assertThat(fakeG.grad().toArray()).containsExactly(new float[] {0.1f * s, -0.1f * s}, within(1e-6f));
    }

    @Test
    void gradientsToSecondOrder() {
        AuxiliaryClassifierLoss l = new AuxiliaryClassifierLoss(1f, 0.1f, true);
        Function<List<Tensor>, Tensor> d = in -> l.discriminator(in.get(0), new int[] {2, 0, 1}, in.get(1), new int[] {1, 1}).loss().reshape(1);
        Tensor real = Tensor.of(new float[][] {{0.3f, -1.2f, 0.8f}, {1.5f, 0.1f, -0.4f}, {-0.7f, 0.9f, 0.2f}});
        Tensor fake = Tensor.of(new float[][] {{0.6f, -0.2f, 1.1f}, {-1.3f, 0.4f, 0.05f}});
        GradCheck.gradgradcheck(d, real, fake);
        Function<List<Tensor>, Tensor> g = in -> l.generator(in.get(0), new int[] {1, 1}).loss().reshape(1);
        GradCheck.gradgradcheck(g, fake);
    }

    @Test
    void finiteAtExtremeLogits() {
        Tensor real = Tensor.of(new float[][] {{100f, -100f}, {-1e4f, 1e4f}}).requiresGrad(true);
        AuxiliaryClassifierLoss.Terms t = new AuxiliaryClassifierLoss().discriminator(real, new int[] {1, 0}, FAKE, FAKE_LABELS);
        // CE of the wrong class at margin 200 and 2e4: (200 + 2e4) / 2
        assertThat(t.real().item()).isCloseTo(10100f, within(1e-2f));
        t.loss().backward();
        for (float v : real.grad().toArray()) assertThat(Float.isFinite(v)).isTrue();
    }

    @Test
    void accuracyCountsTheRowsWhoseLargestLogitIsTheLabel() {
        Tensor logits = Tensor.of(new float[][] {{1, 3, 2}, {5, 0, 0}, {0, 0, 0}, {0, 1, 1}});
        // argmax 1, 0, 0 (first of ties), 1 (first of ties)
        assertThat(AuxiliaryClassifierLoss.accuracy(logits, new int[] {1, 0, 2, 1})).isEqualTo(0.75f);
        assertThat(AuxiliaryClassifierLoss.accuracy(logits, new int[] {0, 1, 1, 2})).isEqualTo(0f);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> new AuxiliaryClassifierLoss(-1f, 0.1f, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("discriminatorWeight must be >= 0 and finite, got discriminatorWeight=-1.0");
        assertThatThrownBy(() -> new AuxiliaryClassifierLoss(1f, Float.NaN, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("generatorWeight=NaN");
        AuxiliaryClassifierLoss l = new AuxiliaryClassifierLoss();
        assertThatThrownBy(() -> l.discriminator(REAL, null, FAKE, FAKE_LABELS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the real samples need class labels (got null)");
        assertThatThrownBy(() -> l.discriminator(REAL, new int[] {0, 2}, FAKE, FAKE_LABELS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AC-GAN class loss on the real samples").hasMessageContaining("label 2 at position 1 out of range [0, 2)");
        assertThatThrownBy(() -> l.generator(FAKE, new int[] {0, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AC-GAN class loss on the generated samples").hasMessageContaining("N = 2 labels");
        assertThatThrownBy(() -> AuxiliaryClassifierLoss.accuracy(REAL, new int[] {0})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 rows but 1 labels");
    }
}
