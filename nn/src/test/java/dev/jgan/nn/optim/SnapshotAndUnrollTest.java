package dev.jgan.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.GradCheck;
import dev.jgan.autodiff.Losses;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Functional;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.SpectralNorm;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.Dropout;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Snapshots restore exactly; the differentiable step equals the ordinary one and differentiates correctly. */
class SnapshotAndUnrollTest {
    private final Tensor x = Tensor.randn(new Rng(51), 6, 3);
    private final Tensor y = Tensor.randn(new Rng(52), 6, 1);

    private static Module net(long seed) {
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(3, 4, rng), new Tanh(), new Linear(4, 1, rng));
    }

    /** The optimizers under test, each with every option that changes its update switched on. */
    private static List<Function<Module, Optimizer>> optimizers() {
        return List.of(
                m -> new SGD(List.of(ParamGroup.of(m.parameters(), 0.05f)), 0.9f, 0f, 0.01f, true),
                m -> new SGD(List.of(ParamGroup.of(m.parameters(), 0.05f)), 0.5f, 0.1f, 0f, false),
                m -> new Adam(List.of(ParamGroup.of(m.parameters(), 0.01f)), 0.5f, 0.99f, 1e-8f, 0.01f, true),
                m -> new Adam(m.parameters(), 0.01f),
                m -> new RMSProp(List.of(ParamGroup.of(m.parameters(), 0.01f)), 0.9f, 1e-8f, 0.01f, 0.5f, true),
                m -> new RMSProp(m.parameters(), 0.01f));
    }

    private void ordinaryStep(Module m, Optimizer opt) {
        opt.zeroGrad();
        Losses.mse(m.forward(x), y).backward();
        opt.step();
    }

    private static List<float[]> values(Module m) {
        List<float[]> out = new ArrayList<>();
        for (Tensor p : m.parameters()) out.add(p.toArray());
        return out;
    }

    private static void assertBitwiseEqual(List<float[]> a, List<float[]> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) assertThat(a.get(i)).as("parameter %d", i).containsExactly(b.get(i));
    }

    @Test
    void restoreBringsBackParametersStateAndLearningRateExactly() {
        for (Function<Module, Optimizer> make : optimizers()) {
            Module m = net(1);
            Optimizer opt = make.apply(m);
            for (int i = 0; i < 3; i++) ordinaryStep(m, opt);
            List<float[]> atSnapshot = values(m);
            Optimizer.Snapshot snap = opt.snapshot();
            float lr = opt.groups().get(0).lr();
            List<List<float[]>> firstRun = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ordinaryStep(m, opt);
                firstRun.add(values(m));
            }
            opt.groups().get(0).setLr(lr * 3);
            opt.restore(snap);
            assertBitwiseEqual(values(m), atSnapshot);
            assertThat(opt.groups().get(0).lr()).isEqualTo(lr);
            for (int round = 0; round < 2; round++) { // a snapshot can be restored more than once
                for (int i = 0; i < 4; i++) {
                    ordinaryStep(m, opt);
                    assertBitwiseEqual(values(m), firstRun.get(i));
                }
                opt.restore(snap);
            }
            assertThatThrownBy(() -> make.apply(net(1)).restore(snap)).hasMessageContaining("another optimizer");
        }
    }

    @Test
    void snapshotWithModulesRestoresTheirBuffersBitwise() {
        Rng rng = new Rng(6);
        Module d = new Sequential(SpectralNorm.apply(new Linear(3, 4, rng), rng), new BatchNorm1d(4), new Dropout(0.3f, rng),
                new Tanh(), SpectralNorm.apply(new Linear(4, 1, rng), rng));
        Adam opt = new Adam(d.parameters(), 0.01f, 0.5f, 0.999f);
        for (int i = 0; i < 2; i++) ordinaryStep(d, opt);
        Map<String, float[]> before = new LinkedHashMap<>();
        d.stateDict().forEach((k, v) -> before.put(k, v.toArray()));
        Optimizer.Snapshot snap = opt.snapshot(d);
        for (int i = 0; i < 3; i++) ordinaryStep(d, opt); // training mode: every buffer moves
        Map<String, Tensor> after = d.stateDict();
        assertThat(after.get("1.num_batches_tracked").item()).isEqualTo(5f);
        assertThat(after.get("0.weight_u").toArray()).isNotEqualTo(before.get("0.weight_u"));
        opt.restore(snap);
        Map<String, Tensor> restored = d.stateDict();
        assertThat(restored.keySet()).containsExactlyElementsOf(before.keySet());
        for (String k : before.keySet()) assertThat(restored.get(k).toArray()).as(k).containsExactly(before.get(k));
        assertThat(((BatchNorm1d) d.module("1")).numBatchesTracked()).isEqualTo(2);
    }

    @Test
    void differentiableStepEqualsOrdinaryStep() {
        for (Function<Module, Optimizer> make : optimizers()) {
            Module a = net(2), b = net(2);
            Optimizer optA = make.apply(a), optB = make.apply(b);
            ordinaryStep(a, optA); // start the unrolled copy from non-empty state
            ordinaryStep(b, optB);
            UnrolledOptimizer unrolled = optB.unrolled();
            Map<String, Tensor> w = b.namedParameters();
            List<float[]> before = values(b);
            for (int i = 0; i < 3; i++) {
                ordinaryStep(a, optA);
                Tensor loss = Functional.call(b, w, () -> Losses.mse(b.forward(x), y));
                w = unrolled.step(b, w, loss);
                List<float[]> unrolledValues = new ArrayList<>();
                for (Tensor t : w.values()) unrolledValues.add(t.toArray());
                assertBitwiseEqual(unrolledValues, values(a));
                assertThat(w.values()).allMatch(Tensor::requiresGrad);
            }
            assertBitwiseEqual(values(b), before); // the real parameters and optimizer did not move
            assertThat(optB.state(0).step()).isEqualTo(1);
        }
    }

    /** A parameter the loss does not use has no gradient: the unrolled step leaves it as it is, like step(). */
    @Test
    void unusedParametersAreLeftAlone() {
        Module m = net(2);
        Adam opt = new Adam(m.parameters(), 0.1f);
        UnrolledOptimizer unrolled = opt.unrolled();
        Map<String, Tensor> w = m.namedParameters();
        String first = w.keySet().iterator().next();
        Tensor loss = w.get(first).square().sum(); // uses one parameter only
        Map<String, Tensor> next = unrolled.step(m, w, loss);
        for (String name : w.keySet())
            if (name.equals(first)) assertThat(next.get(name)).isNotSameAs(w.get(name));
            else assertThat(next.get(name)).isSameAs(w.get(name));
    }

    /**
     * The second-order use: a generator-side input z, one unrolled critic step on a loss of z, and the critic's
     * output after the step. Its gradient in z passes through the step's gradient (a double backward).
     */
    @Test
    void gradientThroughUnrolledStepsMatchesFiniteDifferences() {
        for (Function<Module, Optimizer> make : optimizers()) {
            Module d = net(3);
            Optimizer opt = make.apply(d);
            ordinaryStep(d, opt);
            Function<List<Tensor>, Tensor> f = in -> {
                Tensor z = in.get(0);
                UnrolledOptimizer u = opt.unrolled();
                Map<String, Tensor> w = d.namedParameters();
                for (int k = 0; k < 2; k++) {
                    Tensor lossD = Functional.call(d, w, () -> d.forward(z).square().mean());
                    w = u.step(d, w, lossD);
                }
                return Functional.call(d, w, z);
            };
            GradCheck.gradcheck(f, Tensor.randn(new Rng(53), 2, 3));
        }
    }
}
