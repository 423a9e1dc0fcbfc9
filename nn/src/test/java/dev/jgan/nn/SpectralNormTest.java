package dev.jgan.nn;

import static dev.jgan.nn.TestUtil.assertValues;
import static dev.jgan.nn.TestUtil.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.GradCheck;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import dev.jgan.nn.layers.Embedding;
import dev.jgan.nn.layers.Linear;
import java.util.Map;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.Test;

class SpectralNormTest {
    private final Rng rng = new Rng(41);

    /** The largest singular value of t viewed as [rows, cols] after moving dimension dim to the front, by EJML's SVD. */
    private static double largestSingularValue(Tensor t, int dim) {
        Tensor m = dim == 0 ? t.reshape(t.size(0), -1) : t.transpose(0, dim).reshape(t.size(dim), -1);
        float[] f = m.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        SimpleMatrix sm = new SimpleMatrix(m.size(0), m.size(1), true, d);
        double max = 0;
        for (double s : sm.svd().getSingularValues()) max = Math.max(max, s);
        return max;
    }

    /** Trains the power iteration by forwards in training mode, then compares sigma with the SVD. */
    private void assertSigmaMatchesSvd(Module layer, Tensor x, int dim) {
        Tensor w = layer.parameter("weight").detach().copy();
        SpectralNorm.apply(layer, rng);
        for (int i = 0; i < 300; i++) layer.forward(x);
        double expected = largestSingularValue(w, dim);
        assertThat((double) SpectralNorm.sigma(layer, "weight")).isCloseTo(expected, within(1e-3 * expected));
    }

    @Test
    void sigmaMatchesTheLargestSingularValueFromEjml() {
        for (int trial = 0; trial < 3; trial++) {
            assertSigmaMatchesSvd(new Linear(7, 5, rng), Tensor.randn(rng, 2, 7), 0);
            assertSigmaMatchesSvd(new Conv2d(3, 4, 3, 1, 1, rng), Tensor.randn(rng, 1, 3, 3, 3), 0);
            assertSigmaMatchesSvd(new ConvTranspose2d(3, 4, 2, 2, 0, rng), Tensor.randn(rng, 1, 3, 2, 2), 1);
            Embedding e = new Embedding(6, 4, rng);
            Tensor w = e.parameter("weight").detach().copy();
            SpectralNorm.apply(e, "weight", 50, 1e-12f, rng);
            e.forward(0, 1);
            double expected = largestSingularValue(w, 0);
            assertThat((double) SpectralNorm.sigma(e, "weight")).isCloseTo(expected, within(1e-3 * expected));
        }
    }

    @Test
    void sigmaOfADiagonalMatrixIsItsLargestEntry() {
        Linear l = new Linear(3, 3, false, rng);
        set(l.parameter("weight"), 3, 0, 0, 0, -5, 0, 0, 0, 2);
        SpectralNorm.apply(l, "weight", 30, 1e-12f, rng);
        Tensor y = l.forward(Tensor.of(new float[] {1, 1, 1}, 1, 3));
        assertThat(SpectralNorm.sigma(l, "weight")).isCloseTo(5f, within(1e-4f));
        assertValues(y, new int[] {1, 3}, 1e-4f, 0.6f, -1f, 0.4f); // W / 5 applied to ones
    }

    @Test
    void stateFollowsPyTorchNamesAndSurvivesAStateDictRoundTrip() {
        Linear l = SpectralNorm.apply(new Linear(4, 3, rng), rng);
        assertThat(l.stateDict().keySet()).containsExactly("bias", "weight_orig", "weight_u", "weight_v");
        assertThat(l.stateDict().get("weight_u").shape()).containsExactly(3);
        assertThat(l.stateDict().get("weight_v").shape()).containsExactly(4);
        assertThat(l.namedParameters().keySet()).containsExactly("bias", "weight_orig");
        for (int i = 0; i < 5; i++) l.forward(Tensor.randn(rng, 2, 4));

        Linear copy = SpectralNorm.apply(new Linear(4, 3, new Rng(999)), new Rng(998));
        copy.loadStateDict(l.stateDict(), true);
        assertThat(copy.buffer("weight_u").toArray()).containsExactly(l.buffer("weight_u").toArray());
        assertThat(SpectralNorm.sigma(copy, "weight")).isEqualTo(SpectralNorm.sigma(l, "weight"));
        copy.eval();
        l.eval();
        Tensor x = Tensor.randn(rng, 2, 4);
        assertThat(copy.forward(x).toArray()).containsExactly(l.forward(x).toArray());
    }

    @Test
    void evalModeLeavesUAndVUntouched() {
        Conv2d c = SpectralNorm.apply(new Conv2d(2, 3, 3, 1, 1, rng), rng);
        Tensor x = Tensor.randn(rng, 1, 2, 4, 4);
        float[] u0 = c.buffer("weight_u").toArray(), v0 = c.buffer("weight_v").toArray();
        c.forward(x);
        float[] u1 = c.buffer("weight_u").toArray(), v1 = c.buffer("weight_v").toArray();
        assertThat(u1).isNotEqualTo(u0);
        assertThat(v1).isNotEqualTo(v0);
        c.eval();
        c.forward(x);
        c.forward(x);
        assertThat(c.buffer("weight_u").toArray()).containsExactly(u1);
        assertThat(c.buffer("weight_v").toArray()).containsExactly(v1);
    }

    /** n power iterations per forward run the same steps as n forwards of one iteration, and follow the textbook recurrence. */
    @Test
    void powerIterationsPerForwardAreConfigurable() {
        Linear three = new Linear(4, 3, new Rng(2)), one = new Linear(4, 3, new Rng(2));
        SpectralNorm.apply(three, "weight", 3, 1e-12f, new Rng(3));
        SpectralNorm.apply(one, "weight", 1, 1e-12f, new Rng(3));
        float[] w = three.parameter("weight_orig").toArray();
        double[] u = toDouble(three.buffer("weight_u").toArray());
        Tensor x = Tensor.randn(rng, 2, 4);
        three.forward(x);
        for (int i = 0; i < 3; i++) one.forward(x);
        assertThat(three.buffer("weight_u").toArray()).containsExactly(one.buffer("weight_u").toArray());
        assertThat(three.buffer("weight_v").toArray()).containsExactly(one.buffer("weight_v").toArray());
        assertThat(SpectralNorm.sigma(three)).isEqualTo(SpectralNorm.sigma(one));
        // v = normalize(W^T u), u = normalize(W v), three times, in double
        double[] v = new double[4];
        for (int it = 0; it < 3; it++) {
            for (int c = 0; c < 4; c++) {
                v[c] = 0;
                for (int r = 0; r < 3; r++) v[c] += w[r * 4 + c] * u[r];
            }
            normalizeInPlace(v);
            for (int r = 0; r < 3; r++) {
                u[r] = 0;
                for (int c = 0; c < 4; c++) u[r] += w[r * 4 + c] * v[c];
            }
            normalizeInPlace(u);
        }
        double sigma = 0;
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) sigma += u[r] * w[r * 4 + c] * v[c];
        assertValues(three.buffer("weight_u"), new int[] {3}, 1e-5f, (float) u[0], (float) u[1], (float) u[2]);
        assertValues(three.buffer("weight_v"), new int[] {4}, 1e-5f, (float) v[0], (float) v[1], (float) v[2], (float) v[3]);
        assertThat((double) SpectralNorm.sigma(three)).isCloseTo(sigma, within(1e-5 * sigma));
        // the weight the forward used is weight_orig / sigma()
        three.eval();
        Tensor wNormalised = three.parameter("weight_orig").div(SpectralNorm.sigma(three));
        Tensor expected = x.matmul(wNormalised.t()).add(three.parameter("bias"));
        assertValues(three.forward(x), new int[] {2, 3}, 1e-6f, expected.toArray());
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static void normalizeInPlace(double[] a) {
        double n = 0;
        for (double x : a) n += x * x;
        n = Math.sqrt(n);
        for (int i = 0; i < a.length; i++) a[i] /= n;
    }

    @Test
    void zeroPowerIterationsAreRefused() {
        Linear l = new Linear(3, 2, rng);
        assertThatThrownBy(() -> SpectralNorm.apply(l, "weight", 0, 1e-12f, rng))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("iterations must be >= 1");
        assertThat(l.hasTensor("weight_orig")).isFalse();
    }

    @Test
    void twoForwardsInOneLossStillBackpropagate() {
        Linear d = SpectralNorm.apply(new Linear(3, 1, rng), rng);
        Tensor loss = d.forward(Tensor.randn(rng, 4, 3)).mean().sub(d.forward(Tensor.randn(rng, 4, 3)).mean());
        loss.backward();
        assertThat(d.parameter("weight_orig").grad()).isNotNull();
    }

    @Test
    void gradientThroughSigmaIsCorrect() {
        Linear l = SpectralNorm.apply(new Linear(3, 2, rng), rng);
        for (int i = 0; i < 10; i++) l.forward(Tensor.randn(rng, 1, 3));
        l.eval(); // fixed u and v: the function of weight_orig that the training forward differentiates
        GradCheck.gradgradcheck(in -> Functional.call(l, Map.of("weight_orig", in.get(1)), in.get(0)),
                Tensor.randn(rng, 2, 3), l.parameter("weight_orig").detach());
        ConvTranspose2d t = SpectralNorm.apply(new ConvTranspose2d(2, 3, 2, 1, 0, rng), rng);
        t.eval();
        GradCheck.gradcheck(in -> Functional.call(t, Map.of("weight_orig", in.get(0)), Tensor.ones(1, 2, 2, 2)), t.parameter("weight_orig").detach());
    }

    @Test
    void applyToAllCoversEveryWeightedLayerOnce() {
        Sequential net = new Sequential(new Conv2d(1, 2, 3, 1, 1, rng), new dev.jgan.nn.layers.ReLU(), new Linear(2, 1, rng));
        SpectralNorm.applyToAll(net, rng);
        assertThat(net.stateDict().keySet()).containsExactly("0.bias", "0.weight_orig", "0.weight_u", "0.weight_v",
                "2.bias", "2.weight_orig", "2.weight_u", "2.weight_v");
        SpectralNorm.applyToAll(net, rng); // idempotent
        assertThatThrownBy(() -> SpectralNorm.apply(net.get(0), rng)).hasMessageContaining("already has spectral norm");
    }
}
