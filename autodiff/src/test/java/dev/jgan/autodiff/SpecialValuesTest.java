package dev.jgan.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * NaN, infinities and signed zeros through the activations, clamp, maximum/minimum and the max/min reductions, forward
 * and backward, on the active kernel path. The expected values are PyTorch 1.13's (CPU, float32), taken with
 * {@code y.backward(torch.ones_like(y))} on the same inputs, except where docs/autodiff.md says why not.
 */
class SpecialValuesTest {
    static final float NAN = Float.NaN, INF = Float.POSITIVE_INFINITY;
    /** NaN, +inf, -inf, -0, +0, 1, -1; 10 times over (70 elements), so the vector kernels' bodies see them too. */
    static final float[] X = {NAN, INF, -INF, -0f, 0f, 1f, -1f};
    static final int REPEAT = 10;

    static Tensor input() {
        float[] d = new float[X.length * REPEAT];
        for (int i = 0; i < d.length; i++) d[i] = X[i % X.length];
        return Tensor.vector(d).requiresGrad(true);
    }

    /** Bitwise for NaN, infinities and zeros (the sign of a zero counts), within 1e-6 otherwise. */
    static void assertSame(String what, float[] expected, float[] actual) {
        for (int i = 0; i < actual.length; i++) {
            float e = expected[i % expected.length], a = actual[i];
            boolean exact = Float.isNaN(e) || Float.isInfinite(e) || e == 0f;
            if (exact ? Float.floatToIntBits(e) != Float.floatToIntBits(a) : !(Math.abs(e - a) <= 1e-6f))
                fail(what + " at " + i + " (x = " + X[i % X.length] + "): expected " + e + " got " + a);
        }
    }

    /** f's values and its gradient for an output gradient of ones. */
    static void check(String name, Function<Tensor, Tensor> f, float[] values, float[] gradient) {
        Tensor x = input();
        Tensor y = f.apply(x);
        assertSame(name, values, y.toArray());
        y.backward(Tensor.onesLike(y), false);
        assertSame(name + " gradient", gradient, x.grad().toArray());
    }

    static float sigmoid(double v) {
        return (float) (1 / (1 + Math.exp(-v)));
    }

    @Test
    void reluPropagatesNaNAndItsGradientAtNaNIsOne() {
        // torch.relu(NaN) is NaN and threshold_backward passes the gradient where not x <= 0: at NaN too.
        check("relu", Tensor::relu, new float[] {NAN, INF, 0f, -0f, 0f, 1f, 0f}, new float[] {1f, 1f, 0f, 0f, 0f, 1f, 0f});
    }

    @Test
    void reluGradientSelectsRatherThanMultiplies() {
        // torch: a NaN in the output gradient does not reach the input where relu is flat.
        Tensor x = Tensor.vector(NAN, -2f, 2f).requiresGrad(true);
        x.relu().backward(Tensor.vector(5f, NAN, 3f), false);
        assertThat(x.grad().toArray()).containsExactly(5f, 0f, 3f);
    }

    @Test
    void leakyReluEluAndSoftplus() {
        check("leakyRelu", x -> x.leakyRelu(0.2f), new float[] {NAN, INF, -INF, -0f, 0f, 1f, -0.2f},
                new float[] {0.2f, 1f, 0.2f, 0.2f, 0.2f, 1f, 0.2f});
        // elu(-0) = alpha expm1(-0) = -0 (torch: +0); at NaN the gradient is NaN (torch: 1 in its scalar loop, NaN in
        // its vectorised one).
        check("elu", x -> x.elu(1f), new float[] {NAN, INF, -1f, -0f, 0f, 1f, (float) Math.expm1(-1)},
                new float[] {NAN, 1f, 0f, 1f, 1f, 1f, (float) Math.exp(-1)});
        float log2 = (float) Math.log(2);
        check("softplus", Tensor::softplus, new float[] {NAN, INF, 0f, log2, log2, (float) Math.log1p(Math.E), (float) Math.log1p(1 / Math.E)},
                new float[] {NAN, 1f, 0f, 0.5f, 0.5f, sigmoid(1), sigmoid(-1)});
    }

    @Test
    void tanhAndSigmoid() {
        float t = (float) Math.tanh(1), s = sigmoid(1);
        check("tanh", Tensor::tanh, new float[] {NAN, 1f, -1f, -0f, 0f, t, -t}, new float[] {NAN, 0f, 0f, 1f, 1f, 1 - t * t, 1 - t * t});
        check("sigmoid", Tensor::sigmoid, new float[] {NAN, 1f, 0f, 0.5f, 0.5f, s, 1 - s},
                new float[] {NAN, 0f, 0f, 0.25f, 0.25f, s * (1 - s), s * (1 - s)});
    }

    @Test
    void clampPropagatesNaNWithZeroGradient() {
        check("clamp", x -> x.clamp(-0.5f, 0.5f), new float[] {NAN, 0.5f, -0.5f, -0f, 0f, 0.5f, -0.5f}, new float[] {0f, 0f, 0f, 1f, 1f, 0f, 0f});
        // clamp(-0, 0, ..) is +0 (-0 < +0, as in maximum; torch's CPU kernel keeps -0).
        check("clamp", x -> x.clamp(0f, 0.5f), new float[] {NAN, 0.5f, 0f, 0f, 0f, 0.5f, 0f}, new float[] {0f, 0f, 0f, 1f, 1f, 0f, 0f});
    }

    @Test
    void maximumAndMinimumGiveTheWholeGradientToBothSidesOfANaN() {
        // maximum(x, 0) and minimum(x, 0): ties (-0 == 0) share the gradient; -0 < +0 in the values.
        check("maximum", x -> x.maximum(Tensor.zeros(X.length * REPEAT)), new float[] {NAN, INF, 0f, 0f, 0f, 1f, 0f},
                new float[] {1f, 1f, 0f, 0.5f, 0.5f, 1f, 0f});
        check("minimum", x -> x.minimum(Tensor.zeros(X.length * REPEAT)), new float[] {NAN, 0f, -INF, -0f, 0f, 0f, -1f},
                new float[] {1f, 0f, 1f, 0.5f, 0.5f, 0f, 1f});
        for (boolean max : new boolean[] {true, false}) {
            Tensor a = Tensor.vector(NAN, 1f, 2f).requiresGrad(true), b = Tensor.vector(1f, NAN, 2f).requiresGrad(true);
            (max ? a.maximum(b) : a.minimum(b)).sum().backward();
            assertThat(a.grad().toArray()).as("max %b", max).containsExactly(1f, 1f, 0.5f);
            assertThat(b.grad().toArray()).as("max %b", max).containsExactly(1f, 1f, 0.5f);
        }
    }

    @Test
    void maxAndMinReductionsGiveTheirGradientToTheNaNs() {
        // torch.max() and torch.max(dim) route the gradient to the NaN they return (torch.amax: NaN everywhere).
        Tensor x = Tensor.vector(1f, NAN, 3f, NAN).requiresGrad(true);
        Tensor m = x.max();
        assertThat(m.item()).isNaN();
        m.backward();
        assertThat(x.grad().toArray()).containsExactly(0f, 0.5f, 0f, 0.5f);
        x.setGrad(null);
        x.min(new int[0], false).backward();
        assertThat(x.grad().toArray()).containsExactly(0f, 0.5f, 0f, 0.5f);

        // Along an axis: rows with a NaN, with -0 and +0 (a tie), with +inf; the other rows keep their gradients.
        Tensor r = Tensor.of(new float[] {1f, NAN, 3f, -0f, 0f, -1f, 2f, INF, 5f}, 3, 3).requiresGrad(true);
        Tensor rowMax = r.max(1, false);
        assertSame("max rows", new float[] {NAN, 0f, INF}, rowMax.toArray());
        rowMax.sum().backward();
        assertThat(r.grad().toArray()).containsExactly(0f, 1f, 0f, 0.5f, 0.5f, 0f, 0f, 1f, 0f);
        assertSame("min rows", new float[] {NAN, -1f, 2f}, r.min(new int[] {1}, false).toArray());
        assertSame("max of -0 and +0", new float[] {0f}, Tensor.vector(-0f, 0f).max().toArray());
        assertSame("min of -0 and +0", new float[] {-0f}, Tensor.vector(0f, -0f).min(new int[0], false).toArray());
    }

    @Test
    void argmaxTakesTheFirstNaN() {
        assertThat(Tensor.of(new float[] {1f, NAN, 3f, NAN, 2f, INF, -INF, 0f}, 2, 4).argmaxRows()).containsExactly(1, 1);
    }
}
