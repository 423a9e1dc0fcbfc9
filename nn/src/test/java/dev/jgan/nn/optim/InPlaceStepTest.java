package dev.jgan.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Optimizer#step()} runs each optimizer's in-place form; it must be bitwise the tensor form that
 * {@link Optimizer#unrolled()} differentiates, from the first step on (whose formulas differ), on parameters long
 * enough for the vector kernels' full vectors and tails, and on gradients with exact and signed zeros, tiny and huge
 * values, where rounding and the safe square root matter.
 */
class InPlaceStepTest {
    /** Every optimizer with each option that changes its update. */
    private static List<Function<List<Tensor>, Optimizer>> optimizers() {
        return List.of(
                ps -> new SGD(ps, 0.05f),
                ps -> new SGD(List.of(ParamGroup.of(ps, 0.05f)), 0.9f, 0f, 0.01f, true),
                ps -> new SGD(List.of(ParamGroup.of(ps, 0.05f)), 0.5f, 0.1f, 0f, false),
                ps -> new Adam(ps, 1e-3f, 0.5f, 0.999f),
                ps -> new Adam(List.of(ParamGroup.of(ps, 0.01f)), 0f, 0.9f, 1e-8f, 0.01f, true),
                ps -> new Adam(List.of(ParamGroup.of(ps, 0.01f)), 0.9f, 0.99f, 0f, 0f, false),
                ps -> new RMSProp(ps, 0.01f),
                ps -> new RMSProp(List.of(ParamGroup.of(ps, 0.01f)), 0.9f, 1e-8f, 0.01f, 0.5f, true),
                ps -> new RMSProp(List.of(ParamGroup.of(ps, 0.01f)), 0.9f, 1e-6f, 0f, 0f, false));
    }

    /** Shapes of 1073, 5 and 1 elements: full vectors and tails at every vector width. */
    private static List<Tensor> parameters() {
        Rng rng = new Rng(4);
        return List.of(Tensor.randn(rng, 37, 29), Tensor.randn(rng, 5), Tensor.randn(rng, 1));
    }

    private static List<Tensor> leaves() {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : parameters()) out.add(p.requiresGrad(true));
        return out;
    }

    /** Gradients of step t: Gaussians with every seventh entry replaced by one of the special values. */
    private static List<Tensor> gradients(List<Tensor> params, int t) {
        float[] special = {0f, -0f, 1e-30f, -1e-30f, 3e15f, -2e-5f, 0f};
        Rng rng = new Rng(100 + t);
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : params) {
            float[] g = Tensor.randn(rng, p.shape()).toArray();
            for (int i = t % 7; i < g.length; i += 7) g[i] = special[(i / 7 + t) % special.length];
            out.add(Tensor.of(g, p.shape()));
        }
        return out;
    }

    @Test
    void inPlaceStepIsBitwiseTheTensorStep() {
        int checked = 0;
        for (Function<List<Tensor>, Optimizer> make : optimizers()) {
            List<Tensor> real = leaves(), twins = leaves();
            Optimizer opt = make.apply(real);
            UnrolledOptimizer tensorForm = make.apply(twins).unrolled();
            List<Tensor> values = parameters();
            for (int t = 0; t < 4; t++) {
                List<Tensor> grads = gradients(real, t);
                for (int i = 0; i < real.size(); i++) real.get(i).setGrad(grads.get(i));
                opt.step();
                values = tensorForm.step(values, grads);
                for (int i = 0; i < real.size(); i++)
                    assertThat(real.get(i).toArray()).as("%s, step %d, parameter %d", opt.getClass().getSimpleName(), t + 1, i)
                            .containsExactly(values.get(i).toArray());
            }
            checked++;
        }
        assertThat(checked).isEqualTo(9);
    }

    @Test
    void inPlaceStateIsTheTensorStateAndIsNotShared() {
        List<Tensor> real = leaves();
        Adam adam = new Adam(List.of(ParamGroup.of(real, 0.01f)), 0.5f, 0.9f, 1e-8f, 0f, true);
        List<Tensor> grads = gradients(real, 0);
        for (int i = 0; i < real.size(); i++) real.get(i).setGrad(grads.get(i));
        adam.step();
        Optimizer.Snapshot snap = adam.snapshot();
        float[] m = adam.state(0).get("exp_avg").toArray();
        adam.step();                                   // writes the moments in place...
        adam.restore(snap);                            // ...which the snapshot did not share
        assertThat(adam.state(0).get("exp_avg").toArray()).containsExactly(m);
        assertThat(adam.state(0).names()).containsExactlyInAnyOrder("exp_avg", "exp_avg_sq", "max_exp_avg_sq");
        assertThat(adam.state(0).get("max_exp_avg_sq")).isNotSameAs(adam.state(0).get("exp_avg_sq"));
    }
}
