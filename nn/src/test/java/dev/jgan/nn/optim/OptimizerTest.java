package dev.jgan.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Optimizer steps against closed forms and hand computation on problems of one or two numbers. */
class OptimizerTest {

    /** Sets each parameter's gradient to the given values. */
    private static void grad(Tensor p, float... g) {
        p.setGrad(Tensor.of(g, p.shape()));
    }

    private static Tensor param(float... v) {
        return Tensor.vector(v).requiresGrad(true);
    }

    @Test
    void sgdOnAQuadraticFollowsTheClosedForm() {
        // f(x) = 0.5 a x^2, gradient a x: x_t = (1 - lr a)^t x_0
        Tensor x = param(2f, -1f);
        float[] a = {1f, 3f};
        SGD opt = new SGD(List.of(x), 0.1f);
        for (int t = 1; t <= 5; t++) {
            grad(x, a[0] * x.get(0), a[1] * x.get(1));
            opt.step();
            assertThat(x.get(0)).isCloseTo((float) (2 * Math.pow(0.9, t)), within(1e-6f));
            assertThat(x.get(1)).isCloseTo((float) (-Math.pow(0.7, t)), within(1e-6f));
        }
    }

    @Test
    void sgdMomentumWithConstantGradientSumsAGeometricSeries() {
        // b_t = sum_{k<t} m^k g, so x_t = x_0 - lr g sum_{s=1..t} (1 - m^s) / (1 - m)
        Tensor x = param(0f);
        SGD opt = new SGD(List.of(x), 0.1f, 0.5f);
        double expected = 0;
        for (int t = 1; t <= 6; t++) {
            grad(x, 2f);
            opt.step();
            expected -= 0.1 * 2 * (1 - Math.pow(0.5, t)) / 0.5;
            assertThat((double) x.item()).isCloseTo(expected, within(1e-6));
        }
    }

    @Test
    void sgdNesterovWithWeightDecayByHand() {
        // f(x) = x^2, x_0 = 1, lr 0.1, momentum 0.9, weight decay 0.1: worked out step by step in the test's comments
        Tensor x = param(1f);
        SGD opt = new SGD(List.of(ParamGroup.of(List.of(x), 0.1f)), 0.9f, 0f, 0.1f, true);
        grad(x, 2 * x.item());
        opt.step(); // g = 2 + 0.1 = 2.1, b = 2.1, g = 2.1 + 0.9 * 2.1 = 3.99, x = 1 - 0.399
        assertThat(x.item()).isCloseTo(0.601f, within(1e-6f));
        grad(x, 2 * x.item());
        opt.step(); // g = 1.2621, b = 1.89 + 1.2621 = 3.1521, g = 1.2621 + 2.83689 = 4.09899, x = 0.601 - 0.409899
        assertThat(x.item()).isCloseTo(0.191101f, within(1e-6f));
        assertThatThrownBy(() -> new SGD(List.of(ParamGroup.of(List.of(x), 0.1f)), 0f, 0f, 0f, true)).hasMessageContaining("Nesterov");
    }

    @Test
    void adamWithConstantGradientMovesLrPerStep() {
        // With g constant the bias-corrected moments are exactly g and g^2, so every step is lr g / (|g| + eps).
        Tensor x = param(1f, 1f);
        Adam opt = new Adam(List.of(x), 0.01f, 0.5f, 0.999f);
        for (int t = 1; t <= 5; t++) {
            grad(x, 0.5f, -3f);
            opt.step();
            assertThat(x.get(0)).isCloseTo(1f - 0.01f * t, within(1e-6f));
            assertThat(x.get(1)).isCloseTo(1f + 0.01f * t, within(1e-6f));
        }
        assertThat(opt.state(0).step()).isEqualTo(5);
        assertThat(opt.state(0).names()).containsExactly("exp_avg", "exp_avg_sq");
    }

    @Test
    void adamAmsgradKeepsTheLargestSecondMoment() {
        Tensor x = param(0f);
        Adam opt = new Adam(List.of(ParamGroup.of(List.of(x), 0.1f)), 0.9f, 0.999f, 1e-8f, 0f, true);
        grad(x, 2f);
        opt.step(); // m = 0.2, v = 0.004, corrected 2 and 4: x = -0.1 (2 / (2 + 1e-8))
        assertThat(x.item()).isCloseTo(-0.1f, within(1e-6f));
        grad(x, 0.01f);
        opt.step();
        // m = 0.18 + 0.001 = 0.181, v = 0.003996 + 1e-7 < vmax = 0.004
        double m = 0.181, vmax = 0.004;
        double expected = -0.1 - 0.1 / (1 - 0.81) * m / (Math.sqrt(vmax) / Math.sqrt(1 - 0.998001) + 1e-8);
        assertThat((double) x.item()).isCloseTo(expected, within(1e-6));
        assertThat(opt.state(0).get("max_exp_avg_sq").item()).isCloseTo(0.004f, within(1e-7f)); // 1 - 0.999f is 0.00100005 in float
    }

    @Test
    void adamWeightDecayAddsToTheGradient() {
        Tensor x = param(2f);
        Adam opt = new Adam(List.of(ParamGroup.of(List.of(x), 0.1f)), 0.9f, 0.999f, 1e-8f, 0.5f, false);
        grad(x, -0.5f); // g = -0.5 + 0.5 * 2 = 0.5 > 0: the step goes down despite the negative gradient
        opt.step();
        assertThat(x.item()).isCloseTo(1.9f, within(1e-6f));
    }

    @Test
    void rmspropFirstStepsByHand() {
        Tensor x = param(1f);
        RMSProp opt = new RMSProp(List.of(x), 0.01f);
        grad(x, 4f);
        opt.step(); // a = 0.01 * 16 = 0.16, d = 0.4 + 1e-8, x = 1 - 0.01 * 4 / 0.4
        assertThat(x.item()).isCloseTo(0.9f, within(1e-6f));

        Tensor y = param(1f);
        RMSProp centered = new RMSProp(List.of(ParamGroup.of(List.of(y), 0.01f)), 0.9f, 1e-8f, 0f, 0.5f, true);
        grad(y, 2f);
        centered.step(); // a = 0.4, c = 0.2, d = sqrt(0.4 - 0.04) = 0.6, b = 2 / 0.6, y = 1 - 0.01 b
        assertThat(y.item()).isCloseTo(1f - 0.01f * 2f / 0.6f, within(1e-6f));
        grad(y, 2f);
        centered.step(); // a = 0.76, c = 0.38, d = sqrt(0.76 - 0.1444), b = 0.5 b + 2 / d
        double b = 0.5 * (2 / 0.6) + 2 / Math.sqrt(0.76 - 0.1444);
        assertThat((double) y.item()).isCloseTo(1 - 0.01 * 2 / 0.6 - 0.01 * b, within(1e-6));
    }

    @Test
    void groupsHaveTheirOwnLearningRatesAndParametersWithoutGradientsStay() {
        Tensor a = param(1f), b = param(1f), c = param(1f);
        SGD opt = new SGD(List.of(ParamGroup.of(List.of(a, c), 0.1f), ParamGroup.of(List.of(b), 0.01f)), 0f, 0f, 0f, false);
        grad(a, 1f);
        grad(b, 1f);
        opt.step();
        assertThat(a.item()).isEqualTo(0.9f);
        assertThat(b.item()).isEqualTo(0.99f);
        assertThat(c.item()).isEqualTo(1f);
        assertThat(opt.parameters()).containsExactly(a, c, b);
        assertThat(opt.state(1).step()).isZero();
        opt.groups().get(1).setLr(0.5f);
        opt.step();
        assertThat(b.item()).isEqualTo(0.49f);
        opt.zeroGrad();
        assertThat(a.grad()).isNull();
    }

    @Test
    void refusesAnEmptyParameterList() {
        // torch.optim: "optimizer got an empty parameter list".
        assertThatThrownBy(() -> new Adam(List.of(), 1e-3f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Adam: optimizer got an empty parameter list");
        assertThatThrownBy(() -> new SGD(List.<Tensor>of(), 0.1f)).hasMessage("SGD: optimizer got an empty parameter list");
        assertThatThrownBy(() -> new RMSProp(List.of(), 1e-3f)).hasMessage("RMSProp: optimizer got an empty parameter list");
        assertThatThrownBy(() -> new Adam(List.of(ParamGroup.of(List.of(), 0.1f), ParamGroup.of(List.of(), 0.2f)), 0.9f, 0.999f, 1e-8f, 0f, false))
                .hasMessage("Adam: optimizer got an empty parameter list");
        assertThatThrownBy(() -> new SGD(List.<ParamGroup>of(), 0f, 0f, 0f, false)).hasMessage("SGD: optimizer got an empty parameter list");
    }

    @Test
    void rejectsBadSettings() {
        Tensor a = param(1f);
        assertThatThrownBy(() -> new Adam(List.of(ParamGroup.of(List.of(a), 0.1f)), 1f, 0.9f, 1e-8f, 0f, false)).hasMessageContaining("beta1");
        assertThatThrownBy(() -> new SGD(List.of(ParamGroup.of(List.of(a, a), 0.1f)), 0f, 0f, 0f, false)).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> ParamGroup.of(List.of(Tensor.ones(1)), 0.1f)).hasMessageContaining("requires grad");
        try (GradMode.Scope s = GradMode.noGrad()) {
            assertThatThrownBy(() -> ParamGroup.of(List.of(a), -1f)).hasMessageContaining("learning rate");
        }
    }
}
