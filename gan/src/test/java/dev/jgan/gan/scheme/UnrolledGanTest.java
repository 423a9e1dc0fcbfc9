package dev.jgan.gan.scheme;

import static dev.jgan.gan.scheme.SchemeAlgorithmTest.BATCH;
import static dev.jgan.gan.scheme.SchemeAlgorithmTest.NOISE;
import static dev.jgan.gan.scheme.SchemeAlgorithmTest.assertSameParameters;
import static dev.jgan.gan.scheme.SchemeAlgorithmTest.data;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.Autograd;
import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.scheme.SchemeAlgorithmTest.Nets;
import dev.jgan.nn.Functional;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import dev.jgan.nn.optim.SGD;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnrolledGanTest {
    static Adam adam(Module m) {
        return new Adam(m.parameters(), 1e-3f, 0.5f, 0.999f);
    }

    static List<float[]> optimizerState(Adam opt) {
        List<float[]> s = new ArrayList<>();
        opt.stateDict().tensors().values().forEach(t -> s.add(t.toArray()));
        return s;
    }

    @Test
    void zeroStepsIsThePlainGanStepBitwise() {
        for (boolean secondOrder : new boolean[] {true, false}) {
            Nets a = Nets.of(5), b = Nets.of(5);
            UnrolledGan unrolled = UnrolledGan.builder(a.g(), a.d(), Latent.normal(new Rng(7), NOISE)).unrollSteps(0).secondOrder(secondOrder)
                    .optimizers(adam(a.g()), adam(a.d())).build();
            StandardGan plain = StandardGan.builder(b.g(), b.d(), Latent.normal(new Rng(7), NOISE)).optimizers(adam(b.g()), adam(b.d())).build();
            var da = data(new Rng(9));
            var db = data(new Rng(9));
            for (int i = 0; i < 3; i++) {
                StepResult ra = unrolled.step(da), rb = plain.step(db);
                assertThat(ra.gLoss()).isEqualTo(rb.gLoss());
            }
            assertSameParameters(a.g(), b.g());
            assertSameParameters(a.d(), b.d());
        }
    }

    /**
     * D takes one real step per iteration in both forms: it ends where the plain GAN's D ends, optimizer state included;
     * G does not. G steps with SGD here: Adam's first step is lr times the sign of each gradient (to within eps), so
     * two G gradients of the same signs would give bitwise the same G.
     */
    @Test
    void discriminatorStaysAtItsPostFirstStepState() {
        for (boolean secondOrder : new boolean[] {false, true}) {
            Nets a = Nets.of(6), b = Nets.of(6);
            Adam oda = adam(a.d()), odb = adam(b.d());
            UnrolledGan unrolled = UnrolledGan.builder(a.g(), a.d(), Latent.normal(new Rng(7), NOISE)).unrollSteps(3).secondOrder(secondOrder)
                    .optimizers(new SGD(a.g().parameters(), 0.1f), oda).build();
            StandardGan plain = StandardGan.builder(b.g(), b.d(), Latent.normal(new Rng(7), NOISE))
                    .optimizers(new SGD(b.g().parameters(), 0.1f), odb).build();
            StepResult r = unrolled.step(data(new Rng(9)));
            plain.step(data(new Rng(9)));
            assertThat(r.dSteps()).isEqualTo(1);
            assertThat(r.extra("unroll_steps")).isEqualTo(3f);
            assertThat(unrolled.discriminatorSteps()).isEqualTo(1);
            assertSameParameters(a.d(), b.d());
            List<float[]> sa = optimizerState(oda), sb = optimizerState(odb);
            for (int i = 0; i < sa.size(); i++) assertThat(sa.get(i)).containsExactly(sb.get(i));
            assertThat(oda.state(0).step()).isEqualTo(1);
            assertThat(a.g().parameters().get(0).toArray()).as("G trained against the look-ahead D").isNotEqualTo(b.g().parameters().get(0).toArray());
        }
    }

    /** A tiny smooth G and D for finite differences. */
    static Nets tiny(long seed) {
        Rng init = new Rng(seed);
        return new Nets(new Sequential(new Linear(2, 3, init), new Tanh(), new Linear(3, 2, init)),
                new Sequential(new Linear(2, 4, init), new Tanh(), new Linear(4, 1, init)));
    }

    static final int K = 2, N = 6;
    static final float D_LR = 0.5f;

    /**
     * The unrolled objective f(theta_G) = loss_G(D_{theta^(1+K)}(G(z))), where theta^(1+K) is K SGD steps of D from
     * theta^1 on (x, lookAheadFake), evaluated directly (no scheme code). With {@code lookAheadFake} null the steps
     * see G(z) of G's current parameters (the second-order objective); given, they see that fixed batch (the look-ahead
     * the first-order form takes as constant).
     */
    static float unrolledObjective(Nets n, Map<String, Tensor> theta1, Tensor x, Tensor z, Tensor lookAheadFake) {
        AdversarialLoss loss = AdversarialLoss.nonSaturating();
        Tensor fake = n.g().forward(z);
        Tensor seen = lookAheadFake == null ? fake : lookAheadFake;
        Map<String, Tensor> theta = new LinkedHashMap<>(theta1);
        for (int k = 0; k < K; k++) {
            Map<String, Tensor> at = theta;
            List<Tensor> ws = new ArrayList<>(at.values());
            Tensor lossD = Functional.call(n.d(), at, () -> loss.discriminator(n.d().forward(x), n.d().forward(seen)));
            List<Tensor> grads = Autograd.grad(List.of(lossD), ws, null, false, true, false);
            Map<String, Tensor> next = new LinkedHashMap<>();
            int i = 0;
            for (String name : at.keySet()) next.put(name, ws.get(i).sub(grads.get(i++).mul(D_LR)).detach().requiresGrad(true));
            theta = next;
        }
        Map<String, Tensor> ahead = theta;
        return Functional.call(n.d(), ahead, () -> loss.generator(n.d().forward(fake))).item();
    }

    /** G's gradient from one second-order step (read from G's parameters after the step), and theta^1, x, z of that step. */
    record Observed(List<Tensor> gradient, Map<String, Tensor> theta1, Tensor x, Tensor z, List<float[]> gBefore) {}

    static Observed observe(Nets n, boolean secondOrder) {
        List<float[]> before = new ArrayList<>();
        for (Tensor p : n.g().parameters()) before.add(p.toArray());
        UnrolledGan s = UnrolledGan.builder(n.g(), n.d(), Latent.normal(new Rng(17), 2)).unrollSteps(K).secondOrder(secondOrder)
                .optimizers(new SGD(n.g().parameters(), 1e-3f), new SGD(n.d().parameters(), D_LR)).build();
        s.step(() -> Tensor.randn(new Rng(19), N, 2).add(1f));
        List<Tensor> grad = new ArrayList<>();
        for (Tensor p : n.g().parameters()) grad.add(p.grad().copy());
        Map<String, Tensor> theta1 = new LinkedHashMap<>();
        n.d().namedParameters().forEach((k, v) -> theta1.put(k, v.detach().copy().requiresGrad(true)));
        return new Observed(grad, theta1, Tensor.randn(new Rng(19), N, 2).add(1f), Tensor.randn(new Rng(17), N, 2), before);
    }

    static void setG(Nets n, List<float[]> values) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            List<Tensor> ps = n.g().parameters();
            for (int i = 0; i < ps.size(); i++) ps.get(i).copyInPlace(Tensor.of(values.get(i), ps.get(i).shape()));
        }
    }

    /**
     * Central differences of the unrolled objective w.r.t. every G parameter, at G's parameters before the step; with
     * {@code throughSteps} false the look-ahead steps see the generated batch of those parameters throughout.
     */
    static List<float[]> finiteDifferences(Nets n, Observed o, boolean throughSteps) {
        setG(n, o.gBefore());
        Tensor fixedFake;
        try (GradMode.Scope s = GradMode.noGrad()) {
            fixedFake = n.g().forward(o.z());
        }
        Tensor lookAhead = throughSteps ? null : fixedFake;
        float h = 1e-2f;
        List<float[]> fd = new ArrayList<>();
        for (int i = 0; i < o.gBefore().size(); i++) {
            float[] g = new float[o.gBefore().get(i).length];
            for (int j = 0; j < g.length; j++) {
                List<float[]> plus = copy(o.gBefore()), minus = copy(o.gBefore());
                plus.get(i)[j] += h;
                minus.get(i)[j] -= h;
                setG(n, plus);
                float fp = unrolledObjective(n, o.theta1(), o.x(), o.z(), lookAhead);
                setG(n, minus);
                float fm = unrolledObjective(n, o.theta1(), o.x(), o.z(), lookAhead);
                g[j] = (fp - fm) / (2 * h);
            }
            fd.add(g);
        }
        return fd;
    }

    static List<float[]> copy(List<float[]> a) {
        List<float[]> c = new ArrayList<>();
        for (float[] v : a) c.add(v.clone());
        return c;
    }

    @Test
    void secondOrderGradientIsTheUnrolledObjectivesGradient() {
        Nets n = tiny(23);
        Observed o = observe(n, true);
        List<float[]> fd = finiteDifferences(n, o, true);
        double maxDiff = 0, maxFirstOrderGap = 0;
        List<float[]> fdFirst = finiteDifferences(n, o, false);
        for (int i = 0; i < fd.size(); i++) {
            float[] analytic = o.gradient().get(i).toArray();
            for (int j = 0; j < analytic.length; j++) {
                assertThat(analytic[j]).as("dF/dtheta_G[%d][%d]", i, j).isCloseTo(fd.get(i)[j], org.assertj.core.data.Offset.offset(2e-3f + 0.02f * Math.abs(fd.get(i)[j])));
                maxDiff = Math.max(maxDiff, Math.abs(analytic[j] - fd.get(i)[j]));
                maxFirstOrderGap = Math.max(maxFirstOrderGap, Math.abs(fdFirst.get(i)[j] - fd.get(i)[j]));
            }
        }
        // The dependence of theta^(1+K) on G is not negligible here: ignoring it changes the gradient by far more than the check's error.
        assertThat(maxFirstOrderGap).isGreaterThan(20 * maxDiff);
    }

    @Test
    void firstOrderGradientIgnoresTheLookAheadsDependenceOnG() {
        Nets n = tiny(23);
        Observed o = observe(n, false);
        List<float[]> fdFirst = finiteDifferences(n, o, false);
        Nets m = tiny(23);
        Observed second = observe(m, true);
        double gap = 0;
        for (int i = 0; i < fdFirst.size(); i++) {
            float[] analytic = o.gradient().get(i).toArray(), other = second.gradient().get(i).toArray();
            for (int j = 0; j < analytic.length; j++) {
                assertThat(analytic[j]).isCloseTo(fdFirst.get(i)[j], org.assertj.core.data.Offset.offset(2e-3f + 0.02f * Math.abs(fdFirst.get(i)[j])));
                gap = Math.max(gap, Math.abs(analytic[j] - other[j]));
            }
        }
        assertThat(gap).as("first and second order differ").isGreaterThan(1e-2);
    }
}
