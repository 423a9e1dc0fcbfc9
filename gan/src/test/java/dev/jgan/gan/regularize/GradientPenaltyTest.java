package dev.jgan.gan.regularize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Autograd;
import dev.jgan.autodiff.GradCheck;
import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Functional;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.Flatten;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * WGAN-GP's penalty against its closed form on a linear critic, against a per-sample loop and finite
 * differences on a conv critic, and the two mistakes public implementations make: an interpolation factor
 * per element instead of per sample, and a norm over the wrong axes.
 */
class GradientPenaltyTest {
    private static final float[] W = {0.3f, -1.2f, 0.4f, 2.0f, 0.5f, -0.1f, 0.2f, 0.7f, -0.6f, 0.9f, 0.05f, -0.3f};

    /** A linear critic D(x) = flatten(x) w^T + b on [N, 3, 2, 2] samples, with w = W scaled by {@code scale}. */
    private static Linear linearCritic(float scale) {
        Linear d = new Linear(12, 1, new Rng(1));
        float[] w = W.clone();
        for (int i = 0; i < w.length; i++) w[i] *= scale;
        try (GradMode.Scope s = GradMode.noGrad()) {
            d.parameter("weight").copyInPlace(Tensor.of(w, 1, 12));
            d.parameter("bias").fillInPlace(0.7f);
        }
        return d;
    }

    /** Conv2d(2 -> 3, k3 s2 p1) -> tanh -> flatten -> Linear(12 -> 1) on [N, 2, 4, 4]: smooth, so finite differences hold. */
    private static Sequential convCritic() {
        Rng rng = new Rng(21);
        return new Sequential(new Conv2d(2, 3, 3, 2, 1, rng), new Tanh(), new Flatten(), new Linear(12, 1, rng));
    }

    private static double norm(float[] w) {
        double s = 0;
        for (float v : w) s += (double) v * v;
        return Math.sqrt(s);
    }

    /**
     * For D(x) = x w^T + b every sample's input gradient is w (over all 12 non-batch elements), whatever the
     * interpolation: GP = lambda (|w| - 1)^2, d GP / d w = 2 lambda (|w| - 1) w / |w|, and b is not involved.
     */
    @Test
    void linearCriticHasTheClosedFormPenaltyAndGradient() {
        Linear d = linearCritic(1f);
        Rng rng = new Rng(3);
        Tensor real = Tensor.randn(rng, 5, 3, 2, 2), fake = Tensor.randn(rng, 5, 3, 2, 2);
        GradientPenalty.Result r = new GradientPenalty().compute(x -> d.forward(x.flatten(1)), real, fake, rng);
        double n = norm(W), lambda = 10;
        assertThat((double) r.penalty().item()).isCloseTo(lambda * (n - 1) * (n - 1), within(1e-5 * lambda * (n - 1) * (n - 1)));
        assertThat(r.gradNorms().shape()).containsExactly(5);
        for (float g : r.gradNorms().toArray()) assertThat((double) g).isCloseTo(n, within(1e-6 * n));
        assertThat(r.gradNorms().requiresGrad()).isFalse();

        r.penalty().backward();
        float[] gw = d.parameter("weight").grad().toArray();
        for (int i = 0; i < W.length; i++)
            assertThat((double) gw[i]).as("dGP/dw[%d]", i).isCloseTo(2 * lambda * (n - 1) * W[i] / n, within(1e-5 * lambda));
        assertThat(d.parameter("bias").grad()).isNull();
    }

    @Test
    void oneSidedPenaltyIsZeroBelowNormOneAndTheTwoSidedOneAbove() {
        Rng rng = new Rng(4);
        Tensor real = Tensor.randn(rng, 4, 3, 2, 2), fake = Tensor.randn(rng, 4, 3, 2, 2);
        GradientPenalty oneSided = new GradientPenalty(10f, true);

        Linear small = linearCritic(0.5f / (float) norm(W)); // |w| = 0.5
        GradientPenalty.Result below = oneSided.compute(x -> small.forward(x.flatten(1)), real, fake, new Rng(9));
        assertThat(below.penalty().item()).isEqualTo(0f);
        assertThat((double) below.gradNorms().toArray()[0]).isCloseTo(0.5, within(1e-6));
        below.penalty().backward();
        assertThat(small.parameter("weight").grad().toArray()).containsOnly(0f);

        Linear large = linearCritic(1f); // |w| = 2.93...
        float twoSided = new GradientPenalty().compute(x -> large.forward(x.flatten(1)), real, fake, new Rng(9)).penalty().item();
        assertThat(oneSided.compute(x -> large.forward(x.flatten(1)), real, fake, new Rng(9)).penalty().item()).isEqualTo(twoSided);
    }

    /**
     * A critic whose per-sample gradient norms straddle 1: D(x) = 1/2 |x|^2 per sample has gradient x, so with
     * real = fake the norms are the samples' own norms, [0.5, 2, 5].
     */
    @Test
    void perSampleNormsEnterThePenaltyOneByOne() {
        Tensor x = Tensor.of(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 1, 1, 1, 1, 3, 0, 0, 4}, 3, 2, 2);
        Function<Tensor, Tensor> critic = t -> t.square().flatten(1).sum(1, false).mul(0.5f);
        GradientPenalty.Result two = new GradientPenalty().compute(critic, x, x, new Rng(1));
        assertThat(two.gradNorms().toArray()).containsExactly(new float[] {0.5f, 2f, 5f}, within(1e-6f));
        // 10 * ((0.5 - 1)^2 + (2 - 1)^2 + (5 - 1)^2) / 3
        assertThat(two.penalty().item()).isCloseTo(10f * (0.25f + 1f + 16f) / 3f, within(1e-4f));
        // 10 * (0 + 1 + 16) / 3
        assertThat(new GradientPenalty(10f, true).compute(critic, x, x, new Rng(1)).penalty().item()).isCloseTo(170f / 3f, within(1e-4f));
    }

    /**
     * The norms against a loop that takes each sample alone through the critic, with its own gradient and
     * its norm over all of [C, H, W]. A norm over the wrong axes, or over the batch, would not match; nor
     * would x_hat built with other factors than {@link GradientPenalty#interpolate}'s.
     */
    @Test
    void normsMatchAPerSampleLoopOnAConvCritic() {
        Sequential d = convCritic();
        Rng rng = new Rng(5);
        Tensor real = Tensor.randn(rng, 4, 2, 4, 4), fake = Tensor.randn(rng, 4, 2, 4, 4);
        Tensor alpha = GradientPenalty.drawAlpha(rng, 4, 4);
        GradientPenalty.Result r = new GradientPenalty(3f, false).compute(d::forward, real, fake, alpha);

        Tensor xHat = GradientPenalty.interpolate(real, fake, alpha);
        float[] norms = r.gradNorms().toArray();
        double expected = 0;
        for (int i = 0; i < 4; i++) {
            Tensor xi = xHat.narrow(0, i, 1).detach().requiresGrad(true);      // [1, 2, 4, 4]
            float[] g = Autograd.grad(d.forward(xi).sum(), List.of(xi), false).get(0).toArray();
            double n = norm(g);
            assertThat((double) norms[i]).as("sample %d", i).isCloseTo(n, within(1e-5 * n));
            expected += 3.0 * (n - 1) * (n - 1) / 4;
        }
        assertThat((double) r.penalty().item()).isCloseTo(expected, within(1e-5 * expected));
        assertThat(norms[0]).isNotEqualTo(norms[1]); // distinct per sample, so a batch-wide norm would be caught
    }

    /** First and second order finite differences of the penalty with respect to every weight of a conv critic. */
    @Test
    void penaltyGradientOfAConvCriticMatchesFiniteDifferences() {
        Sequential d = convCritic();
        Rng rng = new Rng(6);
        Tensor real = Tensor.randn(rng, 3, 2, 4, 4), fake = Tensor.randn(rng, 3, 2, 4, 4);
        Tensor alpha = GradientPenalty.drawAlpha(rng, 3, 4);
        GradientPenalty gp = new GradientPenalty();
        String[] names = d.namedParameters().keySet().toArray(new String[0]);
        Tensor[] weights = new Tensor[names.length];
        for (int i = 0; i < names.length; i++) weights[i] = d.namedParameters().get(names[i]).detach().copy();
        Function<List<Tensor>, Tensor> penalty = p -> {
            Map<String, Tensor> sub = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) sub.put(names[i], p.get(i));
            return gp.compute(x -> Functional.call(d, sub, x), real, fake, alpha).penalty().reshape(1);
        };
        GradCheck c = GradCheck.of(1e-2f, 2e-3f, 2e-2f);
        c.first(penalty, weights);
        c.second(penalty, weights);
    }

    @Test
    void alphaIsDrawnPerSample() {
        Tensor alpha = GradientPenalty.drawAlpha(new Rng(8), 5, 4);
        assertThat(alpha.shape()).containsExactly(5, 1, 1, 1);
        Rng reference = new Rng(8);
        for (float a : alpha.toArray()) assertThat(a).isEqualTo(reference.nextFloat()).isBetween(0f, 1f).isNotEqualTo(1f);

        // Each sample of x_hat lies on its segment at its own a: x_hat - fake = a_n (real - fake) in every element.
        Rng rng = new Rng(9);
        Tensor real = Tensor.randn(rng, 5, 2, 3, 3), fake = Tensor.randn(rng, 5, 2, 3, 3);
        float[] x = GradientPenalty.interpolate(real, fake, alpha).toArray(), re = real.toArray(), fa = fake.toArray(), a = alpha.toArray();
        for (int i = 0; i < x.length; i++)
            assertThat(x[i]).isCloseTo(a[i / 18] * re[i] + (1 - a[i / 18]) * fa[i], within(1e-6f));

        // compute(..., rng) uses exactly these factors (the same seed gives bitwise the same penalty) and draws
        // 5 values, not one per element: the generator's next draw is the reference's sixth.
        Sequential d = new Sequential(new Conv2d(2, 2, 3, 1, 1, new Rng(2)), new Tanh(), new Flatten(), new Linear(18, 1, new Rng(3)));
        GradientPenalty gp = new GradientPenalty();
        Rng drawing = new Rng(8);
        float drawn = gp.compute(d::forward, real, fake, drawing).penalty().item();
        assertThat(drawn).isEqualTo(gp.compute(d::forward, real, fake, alpha).penalty().item());
        assertThat(drawing.nextFloat()).isEqualTo(reference.nextFloat());

        assertThatThrownBy(() -> GradientPenalty.interpolate(real, fake, Tensor.rand(new Rng(8), 5, 2, 3, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GradientPenalty.interpolate: alpha must hold one factor per sample, shape [5, 1, ...] of rank 4, got [5, 2, 3, 3]"
                        + " for samples [5, 2, 3, 3]");
        assertThatThrownBy(() -> GradientPenalty.interpolate(real, fake, Tensor.rand(new Rng(8), 5))).hasMessageContaining("got [5] for samples");
    }

    @Test
    void noGradientReachesTheGeneratorAndNoGradScopesStillGetTheValue() {
        Linear d = linearCritic(1f);
        Rng rng = new Rng(10);
        Tensor real = Tensor.randn(rng, 3, 12);
        Tensor fakeSource = Tensor.randn(rng, 3, 12).requiresGrad(true);
        Tensor fake = fakeSource.tanh();
        GradientPenalty.Result r = new GradientPenalty().compute(d::forward, real, fake, new Rng(1));
        r.penalty().backward();
        assertThat(fakeSource.grad()).isNull();
        assertThat(d.parameter("weight").grad()).isNotNull();
        try (GradMode.Scope s = GradMode.noGrad()) {
            assertThat(new GradientPenalty().compute(d::forward, real, fake, new Rng(1)).penalty().item()).isEqualTo(r.penalty().item());
        }
    }

    @Test
    void badSettingsAndShapesAreRefused() {
        for (float lambda : new float[] {-1f, Float.NaN, Float.POSITIVE_INFINITY})
            assertThatThrownBy(() -> new GradientPenalty(lambda, false)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("GradientPenalty: lambda must be finite and >= 0, got lambda=" + lambda);
        GradientPenalty gp = new GradientPenalty();
        Tensor real = Tensor.zeros(3, 4);
        assertThatThrownBy(() -> gp.compute(x -> x.sum(1, false), real, Tensor.zeros(3, 5), new Rng(1)))
                .hasMessage("GradientPenalty: real [3, 4] and fake [3, 5] differ in shape");
        assertThatThrownBy(() -> gp.compute(x -> x.sum(1, false), Tensor.zeros(3), Tensor.zeros(3), new Rng(1)))
                .hasMessageContaining("samples must be [N, ...] with N >= 1").hasMessageEndingWith("got [3]");
        assertThatThrownBy(() -> gp.compute(x -> x, real, real, new Rng(1)))
                .hasMessage("GradientPenalty: the critic must return one value per sample, [3] or [3, 1], got [3, 4] for input [3, 4]");
        assertThatThrownBy(() -> gp.compute(x -> x.sum(0, false), real, real, new Rng(1)))
                .hasMessageContaining("one value per sample").hasMessageContaining("got [4]");
        Tensor p = Tensor.ones(3).requiresGrad(true);
        assertThatThrownBy(() -> gp.compute(x -> p.mul(2f), real, real, new Rng(1)))
                .hasMessage("GradientPenalty: the critic's output does not depend on its input [3, 4]");
        assertThatThrownBy(() -> gp.compute(x -> Tensor.zeros(3), real, real, new Rng(1)))
                .hasMessage("GradientPenalty: the critic's output does not depend on its input [3, 4]");
        assertThatThrownBy(() -> GradientPenalty.drawAlpha(new Rng(1), 0, 2)).hasMessageContaining("got batch=0 rank=2");
        assertThat(gp.toString()).isEqualTo("GradientPenalty(lambda=10.0)");
        assertThat(new GradientPenalty(1f, true).toString()).isEqualTo("GradientPenalty(lambda=1.0, one-sided)");
    }
}
