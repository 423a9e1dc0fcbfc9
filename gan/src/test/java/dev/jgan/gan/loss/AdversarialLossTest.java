package dev.jgan.gan.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Autograd;
import dev.jgan.autodiff.GradCheck;
import dev.jgan.autodiff.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every adversarial loss, both of D's halves and G's loss, against values and gradients computed by hand
 * (in double precision, from the papers' formulas), at moderate and at extreme logits.
 */
class AdversarialLossTest {
    private static final AdversarialLoss MINIMAX = AdversarialLoss.minimax();
    private static final AdversarialLoss NON_SATURATING = AdversarialLoss.nonSaturating();
    private static final AdversarialLoss WASSERSTEIN = AdversarialLoss.wasserstein();
    private static final AdversarialLoss HINGE = AdversarialLoss.hinge();
    private static final AdversarialLoss LEAST_SQUARES = AdversarialLoss.leastSquares();
    private static final List<AdversarialLoss> ALL = List.of(MINIMAX, NON_SATURATING, WASSERSTEIN, HINGE, LEAST_SQUARES);

    // Moderate outputs: r = D(x) = [2, -1], f = D(G(z)) = [0, 1], as [N, 1] columns.
    private static final float[] R = {2f, -1f};
    private static final float[] F = {0f, 1f};
    // softplus(-2) = 0.1269280110, softplus(1) = 1.3132616875, softplus(0) = ln 2 = 0.6931471806, softplus(-1) = 0.3132616875
    // sigma(-2) = 0.1192029220, sigma(1) = 0.7310585786, sigma(0) = 0.5, sigma(-1) = 0.2689414214

    /** Extreme outputs: |z| = 100 and 1e4, both signs. */
    private static final float[] EXTREME = {100f, -100f, 1e4f, -1e4f};

    @Test
    void minimaxMatchesHandComputedValuesAndGradients() {
        // D real: (softplus(-2) + softplus(1)) / 2; d/dr_i = -sigma(-r_i) / 2
        check(MINIMAX::discriminatorReal, R, 0.7200948493, -0.0596014610, -0.3655292893);
        // D fake: (softplus(0) + softplus(1)) / 2; d/df_i = sigma(f_i) / 2
        check(MINIMAX::discriminatorFake, F, 1.0032044340, 0.25, 0.3655292893);
        // G: -(softplus(0) + softplus(1)) / 2 = mean log(1 - sigma(f))
        check(MINIMAX::generator, F, -1.0032044340, -0.25, -0.3655292893);
    }

    @Test
    void nonSaturatingSharesDsLossAndHasItsOwnGeneratorLoss() {
        check(NON_SATURATING::discriminatorReal, R, 0.7200948493, -0.0596014610, -0.3655292893);
        check(NON_SATURATING::discriminatorFake, F, 1.0032044340, 0.25, 0.3655292893);
        // G: (softplus(-0) + softplus(-1)) / 2 = -mean log sigma(f); d/df_i = -sigma(-f_i) / 2
        check(NON_SATURATING::generator, F, 0.5032044340, -0.25, -0.1344707107);
    }

    @Test
    void wassersteinMatchesHandComputedValuesAndGradients() {
        check(WASSERSTEIN::discriminatorReal, R, -0.5, -0.5, -0.5);   // -(2 - 1) / 2
        check(WASSERSTEIN::discriminatorFake, F, 0.5, 0.5, 0.5);      // (0 + 1) / 2
        check(WASSERSTEIN::generator, F, -0.5, -0.5, -0.5);
    }

    @Test
    void hingeMatchesHandComputedValuesAndGradients() {
        float[] r = {2f, -1f, 0.5f}, f = {0f, 1f, -3f};
        // relu(1 - r) = [0, 2, 0.5]: mean 2.5 / 3; the first sample is past the margin and gets no gradient
        check(HINGE::discriminatorReal, r, 2.5 / 3, 0, -1.0 / 3, -1.0 / 3);
        // relu(1 + f) = [1, 2, 0]: mean 1
        check(HINGE::discriminatorFake, f, 1.0, 1.0 / 3, 1.0 / 3, 0);
        // -mean f = 2 / 3
        check(HINGE::generator, f, 2.0 / 3, -1.0 / 3, -1.0 / 3, -1.0 / 3);
    }

    @Test
    void leastSquaresMatchesHandComputedValuesAndGradients() {
        // 1/2 mean ((2 - 1)^2, (-1 - 1)^2) = 1.25; d/dr_i = (r_i - 1) / 2
        check(LEAST_SQUARES::discriminatorReal, R, 1.25, 0.5, -1.0);
        // 1/2 mean (0^2, 1^2) = 0.25; d/df_i = f_i / 2
        check(LEAST_SQUARES::discriminatorFake, F, 0.25, 0.0, 0.5);
        // 1/2 mean ((0 - 1)^2, (1 - 1)^2) = 0.25; d/df_i = (f_i - 1) / 2
        check(LEAST_SQUARES::generator, F, 0.25, -0.5, 0.0);
    }

    @Test
    void leastSquaresWithOtherTargets() {
        LeastSquaresLoss chi2 = new LeastSquaresLoss(-1f, 1f, 0f);
        check(chi2::discriminatorReal, R, 1.25, 0.5, -1.0);            // b = 1 as before
        check(chi2::discriminatorFake, F, 1.25, 0.5, 1.0);             // 1/2 mean (1^2, 2^2)
        check(chi2::generator, F, 0.25, 0.0, 0.5);                     // 1/2 mean (0^2, 1^2)
        assertThat(chi2.name()).isEqualTo("least-squares(a=-1.0, b=1.0, c=0.0)");
        assertThat(LEAST_SQUARES.name()).isEqualTo("least-squares");
    }

    /**
     * At |z| = 100 and 1e4 the logistic losses are linear in z (softplus(z) = z for large z, ~0 for very
     * negative z) and every gradient is 0 or -+1/N: no inf or NaN, no lost gradient where log(sigmoid) would
     * have given log(0).
     */
    @Test
    void extremeLogitsGiveFiniteValuesAndGradients() {
        // softplus of [-100, 100, -1e4, 1e4] = [~3.7e-44, 100, 0, 1e4]: mean 10100 / 4
        check(MINIMAX::discriminatorReal, EXTREME, 2525, 0, -0.25, 0, -0.25);
        check(MINIMAX::discriminatorFake, EXTREME, 2525, 0.25, 0, 0.25, 0);
        check(MINIMAX::generator, EXTREME, -2525, -0.25, 0, -0.25, 0);
        check(NON_SATURATING::generator, EXTREME, 2525, 0, -0.25, 0, -0.25);
        // linear: the outputs sum to 0
        check(WASSERSTEIN::discriminatorReal, EXTREME, 0, -0.25, -0.25, -0.25, -0.25);
        check(WASSERSTEIN::discriminatorFake, EXTREME, 0, 0.25, 0.25, 0.25, 0.25);
        check(WASSERSTEIN::generator, EXTREME, 0, -0.25, -0.25, -0.25, -0.25);
        // relu(1 - r) = [0, 101, 0, 10001], relu(1 + f) = [101, 0, 10001, 0]
        check(HINGE::discriminatorReal, EXTREME, 2525.5, 0, -0.25, 0, -0.25);
        check(HINGE::discriminatorFake, EXTREME, 2525.5, 0.25, 0, 0.25, 0);
        check(HINGE::generator, EXTREME, 0, -0.25, -0.25, -0.25, -0.25);
        // 1/2 mean (z - 1)^2 = (9801 + 10201 + 99980001 + 100020001) / 8; gradient (z - 1) / 4
        check(LEAST_SQUARES::discriminatorReal, EXTREME, 25002500.5, 24.75, -25.25, 2499.75, -2500.25);
        // 1/2 mean z^2 = (2e4 + 2e8) / 8; gradient z / 4
        check(LEAST_SQUARES::discriminatorFake, EXTREME, 25002500, 25, -25, 2500, -2500);
        check(LEAST_SQUARES::generator, EXTREME, 25002500.5, 24.75, -25.25, 2499.75, -2500.25);
    }

    @Test
    void discriminatorIsTheSumOfItsHalvesOnBatchesOfDifferentSizes() {
        Tensor r = Tensor.of(new float[] {2f, -1f}, 2, 1), f = Tensor.of(new float[] {0f, 1f, -3f}, 3, 1);
        for (AdversarialLoss loss : ALL)
            assertThat(loss.discriminator(r, f).item()).as(loss.name())
                    .isEqualTo(loss.discriminatorReal(r).item() + loss.discriminatorFake(f).item());
        assertThat(MINIMAX.discriminator(r, Tensor.vector(0f, 1f)).item()).isCloseTo(0.7200948f + 1.0032044f, within(1e-6f));
    }

    /** Second-order finite differences too: a scheme may differentiate a loss twice (unrolled D steps). */
    @Test
    void gradientsOfEveryLossMatchFiniteDifferencesToSecondOrder() {
        Tensor x = Tensor.of(new float[] {1.5f, -0.7f, 0.3f, 2.4f, -1.9f}, 5, 1); // away from the hinges at +-1
        for (AdversarialLoss loss : ALL) {
            GradCheck.gradgradcheck(in -> loss.discriminatorReal(in.get(0)).reshape(1), x);
            GradCheck.gradgradcheck(in -> loss.discriminatorFake(in.get(0)).reshape(1), x);
            GradCheck.gradgradcheck(in -> loss.generator(in.get(0)).reshape(1), x);
        }
    }

    @Test
    void outputsThatAreNotOneValuePerSampleAreRefused() {
        Tensor[] bad = {Tensor.scalar(1f), Tensor.zeros(0), Tensor.zeros(0, 1), Tensor.zeros(4, 3), Tensor.zeros(4, 1, 1)};
        for (AdversarialLoss loss : ALL)
            for (Tensor t : bad) {
                String shape = java.util.Arrays.toString(t.shape());
                assertThatThrownBy(() -> loss.discriminatorReal(t)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(loss.name() + " loss, discriminatorReal: realOut must hold one value per sample")
                        .hasMessageEndingWith("got " + shape);
                assertThatThrownBy(() -> loss.discriminatorFake(t)).hasMessageContaining(loss.name() + " loss, discriminatorFake: fakeOut")
                        .hasMessageEndingWith("got " + shape);
                assertThatThrownBy(() -> loss.generator(t)).hasMessageContaining(loss.name() + " loss, generator: fakeOut")
                        .hasMessageEndingWith("got " + shape);
                assertThatThrownBy(() -> loss.discriminator(Tensor.zeros(2), t)).hasMessageContaining("discriminatorFake");
            }
    }

    @Test
    void leastSquaresTargetsAreValidated() {
        assertThatThrownBy(() -> new LeastSquaresLoss(Float.NaN, 1f, 1f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LeastSquaresLoss: targets must be finite, got a=NaN b=1.0 c=1.0");
        assertThatThrownBy(() -> new LeastSquaresLoss(0f, 1f, Float.POSITIVE_INFINITY)).hasMessageContaining("c=Infinity");
        assertThatThrownBy(() -> new LeastSquaresLoss(1f, 1f, 0f))
                .hasMessage("LeastSquaresLoss: the fake target a and the real target b must differ, got a=b=1.0");
    }

    @Test
    void factoriesNameTheirLosses() {
        assertThat(ALL).extracting(AdversarialLoss::name)
                .containsExactly("minimax", "non-saturating", "wasserstein", "hinge", "least-squares");
        assertThat(ALL).extracting(Object::getClass).containsExactly(
                MinimaxLoss.class, NonSaturatingLoss.class, WassersteinLoss.class, HingeLoss.class, LeastSquaresLoss.class);
    }

    /**
     * Runs {@code loss} on {@code out} as an [N, 1] column and compares the value and d loss / d out with the
     * expected ones (relative tolerance 1e-6 around the float32 rounding of the inputs' sums).
     */
    private static void check(Function<Tensor, Tensor> loss, float[] out, double value, double... grad) {
        Tensor x = Tensor.of(out.clone(), out.length, 1).requiresGrad(true);
        Tensor l = loss.apply(x);
        assertThat(l.shape()).isEmpty();
        assertThat((double) l.item()).isCloseTo(value, within(1e-6 + 1e-6 * Math.abs(value)));
        float[] g = Autograd.grad(l, List.of(x), false).get(0).toArray();
        assertThat(g).hasSize(grad.length);
        for (int i = 0; i < g.length; i++) {
            assertThat(Float.isFinite(g[i])).as("gradient element %d is finite", i).isTrue();
            assertThat((double) g[i]).as("gradient element %d", i).isCloseTo(grad[i], within(1e-6 + 1e-6 * Math.abs(grad[i])));
        }
    }
}
