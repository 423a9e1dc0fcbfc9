package dev.jgan.nn.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.GradCheck;
import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.DType;
import dev.jgan.nn.Functional;
import dev.jgan.nn.Sequential;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** GaussianNoise: x + sigma eps from its (seed, forward) sequence in training, the identity otherwise; gradients; state. */
class GaussianNoiseTest {

    /** Forward k of a layer built with {@code new Rng(constructionSeed)}, replayed by hand: x_i + sigma * (k-th generator's i-th Gaussian). */
    private static float[] expected(long constructionSeed, long k, float sigma, float[] x) {
        Rng replay = new Rng(ForwardRng.forwardSeed(new Rng(constructionSeed).nextLong(), k));
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] + replay.nextGaussian() * sigma;
        return y;
    }

    private static float[] forwards(GaussianNoise n) {
        return n.buffer("forwards").toArray();
    }

    @Test
    void trainingForwardsAddTheSeedsSequence() {
        GaussianNoise n = new GaussianNoise(0.5f, new Rng(41));
        Tensor x = Tensor.arange(1f, 25f, 1f).reshape(2, 3, 4);
        Tensor first = n.forward(x), second = n.forward(x);
        assertThat(first.shape()).containsExactly(2, 3, 4);
        assertThat(first.toArray()).containsExactly(expected(41, 0, 0.5f, x.toArray()));
        assertThat(second.toArray()).containsExactly(expected(41, 1, 0.5f, x.toArray()));
        assertThat(forwards(n)).containsExactly(0f, 2f);
        // the noise is there and has the scale asked for: |y - x| <= 5 sigma on these 24 values, not all 0
        float[] a = first.toArray(), xs = x.toArray();
        double sum = 0;
        for (int i = 0; i < a.length; i++) sum += Math.abs(a[i] - xs[i]);
        assertThat(sum / a.length).isBetween(0.1, 0.8);                  // E|sigma eps| = 0.5 sqrt(2 / pi) = 0.40
        // a layer from the same seed replays the same sequence
        assertThat(new GaussianNoise(0.5f, new Rng(41)).forward(x).toArray()).containsExactly(first.toArray());
        assertThat(n.toString()).isEqualTo("GaussianNoise(sigma=0.5)");
    }

    @Test
    void evaluationIsTheIdentityAndDrawsNothing() {
        GaussianNoise n = new GaussianNoise(0.5f, new Rng(42));
        n.eval();
        Tensor x = Tensor.arange(1f, 9f, 1f);
        assertThat(n.forward(x)).isSameAs(x);
        assertThat(n.forward(x)).isSameAs(x);
        assertThat(forwards(n)).containsExactly(0f, 0f);
        n.train(true);                                                   // training resumes at forward 0
        assertThat(n.forward(x).toArray()).containsExactly(expected(42, 0, 0.5f, x.toArray()));
    }

    @Test
    void sigmaZeroIsTheInputItselfAndDrawsNothing() {
        GaussianNoise n = new GaussianNoise(0f, new Rng(43));
        Tensor x = Tensor.vector(-1.5f, 0f, 2.25f, Float.MIN_VALUE);
        assertThat(n.forward(x)).isSameAs(x);
        assertThat(forwards(n)).containsExactly(0f, 0f);
        assertThat(n.setSigma(0.25f).forward(x).toArray()).containsExactly(expected(43, 0, 0.25f, x.toArray()));
        assertThat(n.setSigma(-0f).forward(x)).isSameAs(x);              // -0 is 0
        assertThat(n.sigma()).isZero();
        assertThat(forwards(n)).containsExactly(0f, 1f);
        assertThat(n.setSigma(1f).forward(x).toArray()).containsExactly(expected(43, 1, 1f, x.toArray()));
    }

    @Test
    void theGradientPassesThroughUnchanged() {
        GaussianNoise n = new GaussianNoise(2f, new Rng(44));
        Tensor x = Tensor.randn(new Rng(1), 3, 5).requiresGrad(true);
        Tensor w = Tensor.randn(new Rng(2), 3, 5);
        n.forward(x).mul(w).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(w.toArray());     // d/dx <x + c, w> = w, exactly
    }

    /**
     * First and second order in the input and the weights of Linear -> noise -> tanh -> Linear: tanh after the noise
     * makes both orders depend on the noise's values. The count is put back before each evaluation, so every
     * evaluation of the finite differences sees the same noise.
     */
    @Test
    void gradcheckFirstAndSecondOrder() {
        Rng init = new Rng(45);
        GaussianNoise noise = new GaussianNoise(0.7f, init);
        Sequential net = new Sequential(new Linear(3, 4, init), noise, new Tanh(), new Linear(4, 2, init));
        Tensor x = Tensor.randn(new Rng(3), 2, 3);
        String[] names = {"0.weight", "0.bias", "3.weight"};
        Tensor[] inputs = new Tensor[names.length + 1];
        inputs[0] = x;
        for (int i = 0; i < names.length; i++) inputs[i + 1] = net.namedParameters().get(names[i]).detach().copy();
        Function<List<Tensor>, Tensor> f = in -> {
            try (GradMode.Scope s = GradMode.noGrad()) {
                noise.buffer("forwards").copyInPlace(Tensor.zeros(2));
            }
            Map<String, Tensor> sub = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) sub.put(names[i], in.get(i + 1));
            return Functional.call(net, sub, in.get(0));
        };
        GradCheck.gradgradcheck(f, inputs);
        // the noise took part: the same net without it (sigma 0) gives other outputs
        Tensor noisy = f.apply(List.of(inputs));
        noise.setSigma(0f);
        assertThat(f.apply(List.of(inputs)).toArray()).isNotEqualTo(noisy.toArray());
    }

    @Test
    void stateDictRoundTripContinuesTheSequence() {
        GaussianNoise n = new GaussianNoise(0.3f, new Rng(46));
        Tensor x = Tensor.ones(2, 16);
        n.forward(x);
        n.forward(x);
        n.setSigma(0.125f);
        Map<String, Tensor> saved = new LinkedHashMap<>();
        n.stateDict().forEach((k, v) -> saved.put(k, v.copy()));
        assertThat(saved.keySet()).containsExactly("seed", "forwards", "sigma");
        assertThat(n.stateDictDTypes()).containsExactly(Map.entry("seed", DType.I64), Map.entry("forwards", DType.I64), Map.entry("sigma", DType.F32));
        assertThat(saved.get("forwards").toArray()).containsExactly(0f, 2f);
        float[] next = n.forward(x).toArray();
        assertThat(next).containsExactly(expected(46, 2, 0.125f, x.toArray()));

        GaussianNoise other = new GaussianNoise(0f, new Rng(999));
        other.loadStateDict(saved, true);
        assertThat(other.sigma()).isEqualTo(0.125f);
        assertThat(other.forward(x).toArray()).containsExactly(next);
    }

    @Test
    void badSigmaIsRefusedByName() {
        for (float bad : new float[] {-0.1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
            assertThatThrownBy(() -> new GaussianNoise(bad, new Rng(1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("GaussianNoise: sigma must be >= 0 and finite, got sigma=" + bad);
        GaussianNoise n = new GaussianNoise(0.2f, new Rng(1));
        assertThatThrownBy(() -> n.setSigma(-1f)).hasMessage("GaussianNoise: sigma must be >= 0 and finite, got sigma=-1.0");
        assertThat(n.sigma()).isEqualTo(0.2f);                           // unchanged by the refused call
    }
}
