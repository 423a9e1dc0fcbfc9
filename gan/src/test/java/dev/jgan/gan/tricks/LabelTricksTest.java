package dev.jgan.gan.tricks;

import static dev.jgan.gan.tricks.TrickTesting.BATCH;
import static dev.jgan.gan.tricks.TrickTesting.NOISE;
import static dev.jgan.gan.tricks.TrickTesting.assertSameParameters;
import static dev.jgan.gan.tricks.TrickTesting.bce;
import static dev.jgan.gan.tricks.TrickTesting.d;
import static dev.jgan.gan.tricks.TrickTesting.data;
import static dev.jgan.gan.tricks.TrickTesting.g;
import static dev.jgan.gan.tricks.TrickTesting.softplus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.nets.AutoencoderDiscriminator;
import dev.jgan.gan.scheme.Ebgan;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.Minibatch;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.scheme.StepResult;
import dev.jgan.gan.scheme.UnrolledGan;
import dev.jgan.gan.scheme.Wgan;
import dev.jgan.gan.scheme.WganGp;
import dev.jgan.gan.tricks.TrickTesting.Recorder;
import dev.jgan.nn.optim.Adam;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * One-sided label smoothing, random soft labels and label flipping: D's loss is BCE with the targets drawn by the
 * documented rule (recomputed here from generators seeded alike), D's inputs and G's loss are the plain run's.
 */
class LabelTricksTest {
    static Latent latent() {
        return Latent.normal(new Rng(7), NOISE);
    }

    static float[] filled(float v) {
        float[] a = new float[BATCH];
        Arrays.fill(a, v);
        return a;
    }

    /** D's loss is BCE(D(x), alpha) + BCE(D(G(z)), 0); D's inputs are the plain run's; G's loss is -mean log sigma(D(G(z))). */
    @Test
    void oneSidedSmoothingChangesOnlyTheRealTarget() {
        Recorder d = new Recorder(d(2)), plainD = new Recorder(d(2));
        Tricks tricks = Tricks.none().oneSidedLabelSmoothing(0.9f);
        StandardGan gan = StandardGan.builder(g(1), d, latent()).tricks(tricks).build();
        StandardGan plain = StandardGan.builder(g(1), plainD, latent()).build();
        StepResult r = gan.step(data(9));
        plain.step(data(9));

        float[] realOut = d.outputs.get(0), fakeOut = d.outputs.get(1), gOut = d.outputs.get(2);
        assertThat(tricks.realTargets()).containsExactly(filled(0.9f));
        assertThat(tricks.fakeTargets()).containsExactly(filled(0f));
        assertThat((double) r.dLoss()).isCloseTo(bce(realOut, filled(0.9f)) + bce(fakeOut, filled(0f)), within(2e-6));
        // the plain loss at targets 1 and 0 differs: the smoothing did change something
        // (0.1 mean D(x) apart, as D's logits start near 0)
        assertThat((double) r.dLoss()).isNotCloseTo(bce(realOut, filled(1f)) + bce(fakeOut, filled(0f)), within(1e-4));
        double gLoss = 0;
        for (float f : gOut) gLoss += softplus(-f) / gOut.length;
        assertThat((double) r.gLoss()).isCloseTo(gLoss, within(2e-6));
        for (int i = 0; i < 2; i++) assertThat(d.inputs.get(i)).as("D's input %d", i).containsExactly(plainD.inputs.get(i));
        // and D's first step's outputs are the plain run's (same weights, same inputs) while its update differs
        assertThat(realOut).containsExactly(plainD.outputs.get(0));
        assertThat(gan.describe()).isEqualTo("GAN(non-saturating loss, 1:1, one-sided label smoothing 0.9)");
    }

    /** Soft labels and flipping over three iterations: the targets and the loss follow the rule, draw by draw. */
    @Test
    void softLabelsAndFlippingFollowTheirDrawsAtEveryStep() {
        Recorder d = new Recorder(d(2));
        Tricks tricks = Tricks.none().softLabels(new Rng(5)).labelFlipping(0.25f, new Rng(6));
        StandardGan gan = StandardGan.builder(g(1), d, latent()).tricks(tricks).build();
        Rng soft = new Rng(5), flip = new Rng(6);
        var source = data(9);
        int flipped = 0;
        for (int it = 0; it < 3; it++) {
            d.clear();
            StepResult r = gan.step(source);
            // the rule: flips for the real batch then the fake one, then one soft draw per sample in the same order
            boolean[] real = new boolean[2 * BATCH];
            for (int i = 0; i < real.length; i++) {
                real[i] = (i < BATCH) != (flip.nextFloat() < 0.25f);
                if (real[i] != i < BATCH) flipped++;
            }
            float[] t = new float[2 * BATCH];
            for (int i = 0; i < t.length; i++) {
                float u = soft.nextFloat();
                t[i] = real[i] ? 0.7f + (1.2f - 0.7f) * u : 0f + (0.3f - 0f) * u;
            }
            float[] tReal = Arrays.copyOfRange(t, 0, BATCH), tFake = Arrays.copyOfRange(t, BATCH, 2 * BATCH);
            assertThat(tricks.realTargets()).as("iteration %d", it).containsExactly(tReal);
            assertThat(tricks.fakeTargets()).as("iteration %d", it).containsExactly(tFake);
            assertThat((double) r.dLoss()).isCloseTo(bce(d.outputs.get(0), tReal) + bce(d.outputs.get(1), tFake), within(3e-6));
        }
        assertThat(flipped).as("some samples were flipped in 48 at p = 0.25").isBetween(3, 24);
    }

    /** Over many samples the flipped share is p, and a flipped sample takes the other class's target (smoothed when real). */
    @Test
    void flippedShareIsP() {
        float p = 0.3f;
        Tricks tricks = Tricks.none().labelFlipping(p, new Rng(11)).oneSidedLabelSmoothing(0.9f);
        int n = 2000, steps = 20;
        Minibatch b = new Minibatch(Tensor.zeros(n, 1), null, Tensor.zeros(n, 1), null, Tensor.zeros(n, 1));
        long flipped = 0;
        for (int s = 0; s < steps; s++) {
            tricks.discriminatorBatch(b, s);
            for (float t : tricks.realTargets()) {
                assertThat(t).isIn(0.9f, 0f);
                if (t == 0f) flipped++;
            }
            for (float t : tricks.fakeTargets()) {
                assertThat(t).isIn(0.9f, 0f);
                if (t == 0.9f) flipped++;
            }
        }
        double share = (double) flipped / (2L * n * steps);
        // 80,000 draws: the standard deviation of the share is sqrt(p (1 - p) / 80000) = 0.0016
        assertThat(share).isCloseTo(p, within(0.007));
    }

    /** Soft targets stay in their ranges, fill them (min and max near the ends) and centre in them; configurable ranges too. */
    @Test
    void softTargetsRespectTheirRanges() {
        for (float[] range : new float[][] {{0.7f, 1.2f, 0f, 0.3f}, {0.8f, 1f, 0.05f, 0.1f}}) {
            Tricks tricks = Tricks.none().softLabels(range[0], range[1], range[2], range[3], new Rng(12));
            int n = 1000;
            Minibatch b = new Minibatch(Tensor.zeros(n, 2), null, Tensor.zeros(n, 3), null, Tensor.zeros(n, 2));
            float[] lo = {Float.MAX_VALUE, Float.MAX_VALUE}, hi = {-Float.MAX_VALUE, -Float.MAX_VALUE};
            double[] sum = new double[2];
            for (int s = 0; s < 10; s++) {
                tricks.discriminatorBatch(b, s);
                float[][] both = {tricks.realTargets(), tricks.fakeTargets()};
                for (int k = 0; k < 2; k++)
                    for (float t : both[k]) {
                        assertThat(t).isBetween(range[2 * k], range[2 * k + 1]);
                        lo[k] = Math.min(lo[k], t);
                        hi[k] = Math.max(hi[k], t);
                        sum[k] += t;
                    }
            }
            for (int k = 0; k < 2; k++) {
                float width = range[2 * k + 1] - range[2 * k];
                assertThat(lo[k]).isLessThan(range[2 * k] + 0.01f * width);
                assertThat(hi[k]).isGreaterThan(range[2 * k + 1] - 0.01f * width);
                assertThat(sum[k] / 10000).isCloseTo((range[2 * k] + range[2 * k + 1]) / 2.0, within(0.01 * width));
            }
        }
    }

    /** At targets 1 (real) and 0 (fake) the targeted loss is bitwise the plain one (values; gradients but for a zero's sign), extreme logits included. */
    @Test
    void targetsOneAndZeroAreBitwiseThePlainLoss() {
        float[] logits = {-1e4f, -100f, -3f, -0.5f, 0f, 0.5f, 3f, 100f, 1e4f, 1e-3f};
        for (AdversarialLoss plain : new AdversarialLoss[] {AdversarialLoss.minimax(), AdversarialLoss.nonSaturating()})
            for (int[] shape : new int[][] {{10}, {10, 1}}) {
                LabelTargets none = new LabelTargets();
                none.draw(10, 10);
                TargetedLoss targeted = new TargetedLoss(plain, none);
                Tensor r1 = Tensor.of(logits, shape).requiresGrad(true), f1 = Tensor.of(logits, shape).requiresGrad(true);
                Tensor r2 = Tensor.of(logits, shape).requiresGrad(true), f2 = Tensor.of(logits, shape).requiresGrad(true);
                Tensor a = plain.discriminator(r1, f1), b = targeted.discriminator(r2, f2);
                assertThat(b.item()).isEqualTo(a.item());
                a.backward();
                b.backward();
                assertSameNumbers(r2.grad().toArray(), r1.grad().toArray());
                assertSameNumbers(f2.grad().toArray(), f1.grad().toArray());
                assertThat(targeted.generator(f2).item()).isEqualTo(plain.generator(f1).item());
            }
    }

    /**
     * Equal as numbers, bit for bit but for the sign of a zero: where sigma(-x) underflows (x = 1e4) the plain gradient
     * is -0 and the targeted one -0 + 0 = +0, which no later sum or product can tell apart from -0 unless every term is 0.
     */
    static void assertSameNumbers(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++)
            if (actual[i] != 0f || expected[i] != 0f)
                assertThat(Float.floatToIntBits(actual[i])).as("element %d", i).isEqualTo(Float.floatToIntBits(expected[i]));
    }

    /** Unrolled GAN takes the targets too: with k = 0 it is bitwise the standard GAN with the same tricks. */
    @Test
    void unrolledGanWithoutLookAheadIsTheStandardGanWithTheSameTargets() {
        var g1 = g(1);
        var d1 = d(2);
        var g2 = g(1);
        var d2 = d(2);
        StandardGan standard = StandardGan.builder(g1, d1, latent()).optimizers(new Adam(g1.parameters(), 1e-3f), new Adam(d1.parameters(), 1e-3f))
                .tricks(Tricks.none().softLabels(new Rng(5)).labelFlipping(0.2f, new Rng(6))).build();
        UnrolledGan unrolled = UnrolledGan.builder(g2, d2, latent()).unrollSteps(0).optimizers(new Adam(g2.parameters(), 1e-3f),
                new Adam(d2.parameters(), 1e-3f)).tricks(Tricks.none().softLabels(new Rng(5)).labelFlipping(0.2f, new Rng(6))).build();
        var a = data(9);
        var b = data(9);
        for (int i = 0; i < 3; i++) {
            standard.step(a);
            unrolled.step(b);
        }
        assertSameParameters(g1, g2);
        assertSameParameters(d1, d2);
        // and the targets did change the run: the plain standard GAN ends elsewhere
        var g3 = g(1);
        var d3 = d(2);
        StandardGan plain = StandardGan.builder(g3, d3, latent()).optimizers(new Adam(g3.parameters(), 1e-3f), new Adam(d3.parameters(), 1e-3f)).build();
        var c = data(9);
        for (int i = 0; i < 3; i++) plain.step(c);
        assertThat(d3.parameters().get(0).toArray()).isNotEqualTo(d1.parameters().get(0).toArray());
    }

    @Test
    void schemesAndLossesWithoutTargetsRejectTheLabelTricks() {
        assertThatThrownBy(() -> WganGp.builder(g(1), d(2), latent(), new Rng(3)).tricks(Tricks.none().oneSidedLabelSmoothing(0.9f)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("WGAN-GP: the label tricks (one-sided label smoothing 0.9) need the targets of a cross-entropy D loss, which WGAN-GP"
                        + " does not have (use them with GAN or Unrolled GAN and the minimax or non-saturating loss)");
        assertThatThrownBy(() -> Wgan.builder(g(1), d(2), latent()).tricks(Tricks.none().labelFlipping(0.1f, new Rng(3))).build())
                .hasMessageStartingWith("WGAN: the label tricks (label flipping p=0.1) need the targets of a cross-entropy D loss");
        assertThatThrownBy(() -> Ebgan.builder(g(1), AutoencoderDiscriminator.mlp(2, 8, 4, new Rng(2)), latent(), 0.5f)
                .tricks(Tricks.none().softLabels(new Rng(3))).build())
                .hasMessageStartingWith("EBGAN: the label tricks (soft labels real [0.7, 1.2] fake [0.0, 0.3]) need");
        assertThatThrownBy(() -> StandardGan.builder(g(1), d(2), latent()).loss(AdversarialLoss.hinge())
                .tricks(Tricks.none().oneSidedLabelSmoothing(0.9f)).build())
                .hasMessage("GAN: the label tricks (one-sided label smoothing 0.9) need the targets of a cross-entropy D loss, which the hinge loss"
                        + " does not have (use AdversarialLoss.minimax() or nonSaturating())");
        assertThatThrownBy(() -> UnrolledGan.builder(g(1), d(2), latent()).loss(AdversarialLoss.leastSquares())
                .tricks(Tricks.none().labelFlipping(0.1f, new Rng(3))).build())
                .hasMessageStartingWith("Unrolled GAN: the label tricks (label flipping p=0.1) need").hasMessageContaining("the least-squares loss");
        // the minimax loss takes them
        assertThat(StandardGan.builder(g(1), d(2), latent()).loss(AdversarialLoss.minimax()).tricks(Tricks.none().oneSidedLabelSmoothing(0.9f))
                .build().describe()).isEqualTo("GAN(minimax loss, 1:1, one-sided label smoothing 0.9)");
    }

    @Test
    void badLabelOptionsAreRejected() {
        assertThatThrownBy(() -> Tricks.none().oneSidedLabelSmoothing(1f))
                .hasMessage("Tricks.oneSidedLabelSmoothing: alpha must be in (0, 1) (1 is no smoothing), got alpha=1.0");
        assertThatThrownBy(() -> Tricks.none().oneSidedLabelSmoothing(Float.NaN)).hasMessageContaining("got alpha=NaN");
        assertThatThrownBy(() -> Tricks.none().oneSidedLabelSmoothing(0f)).hasMessageContaining("got alpha=0.0");
        assertThatThrownBy(() -> Tricks.none().labelFlipping(0f, new Rng(1))).hasMessage("Tricks.labelFlipping: p must be in (0, 1], got p=0.0");
        assertThatThrownBy(() -> Tricks.none().labelFlipping(1.5f, new Rng(1))).hasMessageContaining("got p=1.5");
        assertThatThrownBy(() -> Tricks.none().labelFlipping(0.1f, null)).hasMessage("Tricks.labelFlipping: rng must be given");
        assertThatThrownBy(() -> Tricks.none().softLabels(1.2f, 0.7f, 0f, 0.3f, new Rng(1)))
                .hasMessage("Tricks.softLabels: each range must be finite with low <= high, got real [1.2, 0.7] fake [0.0, 0.3]");
        assertThatThrownBy(() -> Tricks.none().softLabels(0.7f, Float.POSITIVE_INFINITY, 0f, 0.3f, new Rng(1))).hasMessageContaining("Infinity");
        assertThatThrownBy(() -> Tricks.none().softLabels(null)).hasMessage("Tricks.softLabels: rng must be given");
        assertThatThrownBy(() -> StandardGan.builder(g(1), d(2), latent()).tricks(Tricks.none().oneSidedLabelSmoothing(0.9f).softLabels(new Rng(1))).build())
                .hasMessage("GAN: oneSidedLabelSmoothing(0.9) and softLabels both set D's real targets; use one");
    }
}
