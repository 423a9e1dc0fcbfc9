package dev.jgan.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's contract: accumulation, grad(), graph lifetime, no-grad, detach, in-place safety, higher orders. */
class AutogradTest {

    @Test
    void backwardAccumulatesIntoLeaves() {
        Tensor x = Tensor.vector(1, 2, 3).requiresGrad(true);
        Tensor w = Tensor.vector(4, 5, 6);
        x.mul(w).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(4, 5, 6);
        assertThat(w.grad()).isNull();
        x.square().sum().backward();
        assertThat(x.grad().toArray()).containsExactly(6, 9, 12);
        x.setGrad(null);
        assertThat(x.grad()).isNull();
    }

    @Test
    void gradLeavesGradFieldsAlone() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        List<Tensor> g = Autograd.grad(x.square().sum(), List.of(x), false);
        assertThat(g.get(0).toArray()).containsExactly(2, 4);
        assertThat(x.grad()).isNull();
        assertThat(g.get(0).requiresGrad()).isFalse();
    }

    @Test
    void gradWithRespectToAnIntermediate() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor h = x.mul(3f);
        Tensor y = h.square().sum();
        List<Tensor> g = Autograd.grad(List.of(y), List.of(h, x), null, false, false, false);
        assertThat(g.get(0).toArray()).containsExactly(6, 12);
        assertThat(g.get(1).toArray()).containsExactly(18, 36);
    }

    @Test
    void higherOrdersOfAPolynomial() {
        Tensor x = Tensor.scalar(2f).requiresGrad(true);
        Tensor y = x.pow(4f);                                              // x^4 = 16
        Tensor d1 = Autograd.grad(y, List.of(x), true).get(0);             // 4x^3 = 32
        Tensor d2 = Autograd.grad(d1, List.of(x), true).get(0);            // 12x^2 = 48
        Tensor d3 = Autograd.grad(d2, List.of(x), true).get(0);            // 24x = 48
        Tensor d4 = Autograd.grad(d3, List.of(x), true).get(0);            // 24
        assertThat(new float[] {d1.item(), d2.item(), d3.item(), d4.item()}).containsExactly(32, 48, 48, 24);
    }

    @Test
    void mixedSecondDerivative() {
        Tensor x = Tensor.scalar(1.5f).requiresGrad(true), y = Tensor.scalar(-2f).requiresGrad(true);
        Tensor f = x.mul(y).exp();                                         // e^(xy)
        Tensor dfdx = Autograd.grad(f, List.of(x), true).get(0);           // y e^(xy)
        Tensor d2 = Autograd.grad(dfdx, List.of(y), false).get(0);         // e^(xy) (1 + xy)
        assertThat(d2.item()).isCloseTo((float) (Math.exp(-3) * (1 - 3)), within(1e-6f));
    }

    @Test
    void secondBackwardThroughAFreedGraphFails() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.exp().sum();
        y.backward();
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("second time").hasMessageContaining("'sum'").hasMessageContaining("retainGraph");
    }

    @Test
    void retainedGraphCanBeWalkedAgain() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.exp().sum();
        y.backward(Tensor.scalar(1f), true);
        y.backward(Tensor.scalar(1f), false);
        assertThat(x.grad().get(0)).isCloseTo((float) (2 * Math.E), within(1e-5f));
    }

    @Test
    void gradOfATensorThatDoesNotRequireGrad() {
        Tensor x = Tensor.vector(1, 2);
        Tensor w = Tensor.vector(1, 1).requiresGrad(true);
        Tensor y = x.mul(w).sum();
        assertThatThrownBy(() -> Autograd.grad(y, List.of(x), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input 0").hasMessageContaining("does not require grad");
        assertThatThrownBy(() -> x.sum().backward())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not require grad");
    }

    @Test
    void unusedInputsFailUnlessAllowed() {
        Tensor a = Tensor.vector(1, 2).requiresGrad(true), b = Tensor.vector(3).requiresGrad(true);
        Tensor y = a.sum();
        assertThatThrownBy(() -> Autograd.grad(List.of(y), List.of(a, b), null, false, true, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input 1").hasMessageContaining("not used");
        List<Tensor> g = Autograd.grad(List.of(y), List.of(a, b), null, false, false, true);
        assertThat(g.get(0).toArray()).containsExactly(1, 1);
        assertThat(g.get(1)).isNull();
    }

    @Test
    void nonScalarOutputNeedsGradOutputs() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.mul(2f);
        assertThatThrownBy(() -> Autograd.grad(y, List.of(x), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2]").hasMessageContaining("gradOutputs");
        assertThatThrownBy(() -> Autograd.grad(List.of(y), List.of(x), List.of(Tensor.ones(3)), false, false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3]").hasMessageContaining("[2]");
        List<Tensor> g = Autograd.grad(List.of(y), List.of(x), List.of(Tensor.vector(1, -1)), false, false, false);
        assertThat(g.get(0).toArray()).containsExactly(2, -2);
    }

    @Test
    void noGradScopesNestAndRestore() {
        Tensor x = Tensor.vector(1).requiresGrad(true);
        try (GradMode.Scope outer = GradMode.noGrad()) {
            assertThat(x.mul(2f).requiresGrad()).isFalse();
            try (GradMode.Scope inner = GradMode.enableGrad()) {
                assertThat(x.mul(2f).requiresGrad()).isTrue();
            }
            assertThat(GradMode.isEnabled()).isFalse();
        }
        assertThat(GradMode.isEnabled()).isTrue();
        assertThat(x.mul(2f).requiresGrad()).isTrue();
    }

    @Test
    void detachStopsGradients() {
        Tensor x = Tensor.vector(3).requiresGrad(true);
        Tensor y = x.mul(x.detach()).sum(); // d/dx = x (only the first factor)
        assertThat(Autograd.grad(y, List.of(x), false).get(0).item()).isEqualTo(3f);
        assertThatThrownBy(() -> x.mul(2f).requiresGrad(false)).hasMessageContaining("detach");
    }

    @Test
    void inPlaceWritesAreGuarded() {
        Tensor w = Tensor.vector(1, 2).requiresGrad(true);
        assertThatThrownBy(() -> w.addInPlace(Tensor.vector(1, 1), 1f))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("noGrad");
        Tensor x = Tensor.vector(5, 6);
        Tensor y = w.mul(x).sum();
        x.fillInPlace(0f); // x was saved by mul for w's gradient
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'mul'").hasMessageContaining("modified in place");
        Tensor z = w.square().sum();
        try (GradMode.Scope s = GradMode.noGrad()) {
            w.addInPlace(Tensor.vector(1, 1), -0.5f); // an optimizer step
        }
        assertThat(w.toArray()).containsExactly(0.5f, 1.5f);
        assertThatThrownBy(z::backward).hasMessageContaining("'square'"); // the graph saw the old w
    }

    @Test
    void writingAnOutputThroughADetachedAliasIsCaught() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.exp();                 // exp's backward reads y
        y.detach().fillInPlace(0f);
        assertThatThrownBy(() -> y.backward(Tensor.ones(2), false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'exp'").hasMessageContaining("output was modified in place");
    }

    @Test
    void reshapeSharesStorageAndVersion() {
        Tensor x = Tensor.vector(1, 2, 3, 4);
        Tensor r = x.reshape(2, 2);
        x.setInPlace(9f, 0);
        assertThat(r.get(0, 0)).isEqualTo(9f);
    }

    @Test
    void deepGraphsDoNotOverflowTheStack() {
        Tensor x = Tensor.scalar(1f).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) y = y.add(0.001f);
        y.backward();
        assertThat(x.grad().item()).isEqualTo(1f);
    }

    @Test
    void anomalyModeNamesTheForwardOp() {
        Tensor x = Tensor.vector(1, -1).requiresGrad(true);
        try (GradMode.Scope a = AnomalyMode.enable()) {
            assertThatThrownBy(() -> x.log()).isInstanceOf(ArithmeticException.class)
                    .hasMessageContaining("forward of op 'log'").hasMessageContaining("NaN").hasMessageContaining("index 1");
        }
        assertThat(Float.isNaN(x.log().get(1))).isTrue(); // off again: no check
    }

    @Test
    void anomalyModeNamesTheBackwardOp() {
        Tensor x = Tensor.vector(0, 4).requiresGrad(true);
        try (GradMode.Scope a = AnomalyMode.enable()) {
            Tensor y = x.sqrt().sum();
            assertThatThrownBy(y::backward).isInstanceOf(ArithmeticException.class)
                    .hasMessageContaining("backward of op 'sqrt'").hasMessageContaining("Infinity");
        }
    }

    @Test
    void gradOfTheNormAtZeroIsZero() {
        Tensor x = Tensor.zeros(3).requiresGrad(true);
        x.norm(new int[0], false).backward();
        assertThat(x.grad().toArray()).containsExactly(0, 0, 0);
    }

    @Test
    void gradWithOptionFlags() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true), unused = Tensor.vector(3).requiresGrad(true);
        Tensor y = x.pow(3f);
        List<Tensor> g = Autograd.grad(List.of(y), List.of(x, unused), List.of(Tensor.vector(1, -1)), GradOption.CREATE_GRAPH, GradOption.ALLOW_UNUSED);
        assertThat(g.get(0).toArray()).containsExactly(3, -12);         // 3 x^2 gy
        assertThat(g.get(1)).isNull();
        assertThat(g.get(0).requiresGrad()).isTrue();                    // created a graph
        assertThat(Autograd.grad(g.get(0).sum(), List.of(x)).get(0).toArray()).containsExactly(6, -12); // 6 x gy
        // without flags: no graph, unused inputs refused, the graph freed after the walk
        Tensor z = x.square().sum();
        assertThat(Autograd.grad(z, List.of(x)).get(0).requiresGrad()).isFalse();
        assertThatThrownBy(() -> Autograd.grad(z, List.of(x))).hasMessageContaining("second time");
        assertThatThrownBy(() -> Autograd.grad(x.sum(), List.of(x, unused))).hasMessageContaining("allowUnused");
        Tensor w = x.square().sum();
        Autograd.grad(w, List.of(x), GradOption.RETAIN_GRAPH);
        assertThat(Autograd.grad(List.of(w), List.of(x), null).get(0).toArray()).containsExactly(2, 4);
    }
}
