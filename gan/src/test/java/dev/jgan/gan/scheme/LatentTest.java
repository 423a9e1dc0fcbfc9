package dev.jgan.gan.scheme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Latent's sampling tools: slerp and walks against hand-computed points (norms, angles, endpoints, degenerate pairs),
 * and BigGAN's truncation against its definition (bounds, the filtered stream, the truncated normal's variance), with
 * the untruncated streams unchanged.
 */
class LatentTest {
    private static final float TOL = 1e-6f;
    private final Latent two = Latent.normal(new Rng(1), 2);

    private static Tensor v(float... values) {
        return Tensor.vector(values);
    }

    private static double angle(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return Math.acos(dot / Math.sqrt(na * nb));
    }

    private static double norm(float[] a) {
        double s = 0;
        for (float x : a) s += (double) x * x;
        return Math.sqrt(s);
    }

    // ---------------------------------------------------------------- the untouched streams

    @Test
    void sampleIsStillTheGeneratorsNormalOrUniformStream() {
        assertThat(Latent.normal(new Rng(5), 3, 1, 1).sample(4).toArray()).containsExactly(Tensor.randn(new Rng(5), 4, 3, 1, 1).toArray());
        assertThat(Latent.uniform(new Rng(5), 7).sample(3).toArray()).containsExactly(Tensor.uniform(new Rng(5), -1f, 1f, 3, 7).toArray());
        Latent z = Latent.normal(new Rng(5), 3);
        assertThat(z.sample(2).shape()).containsExactly(2, 3);
        assertThat(z.distribution()).isEqualTo(Latent.Distribution.NORMAL);
        assertThat(Latent.uniform(new Rng(5), 3).distribution()).isEqualTo(Latent.Distribution.UNIFORM);
    }

    // ---------------------------------------------------------------- slerp

    @Test
    void slerpFollowsTheGreatCircle() {
        // (1, 0) -> (0, 1) over a quarter turn: at t = 1/3 the point at 30 degrees
        float[] p = two.slerp(v(1, 0), v(0, 1), 1f / 3).toArray();
        assertThat(p[0]).isCloseTo(0.8660254f, within(TOL));
        assertThat(p[1]).isCloseTo(0.5f, within(TOL));
        // radius 2 kept: the midpoint is (sqrt 2, sqrt 2), where a straight line would give (1, 1)
        float[] m = two.slerp(v(2, 0), v(0, 2), 0.5f).toArray();
        assertThat(m[0]).isCloseTo(1.4142135f, within(TOL));
        assertThat(m[1]).isCloseTo(1.4142135f, within(TOL));
        // unequal norms: the formula as written, sin(pi/4) / sin(pi/2) = 0.7071068 on each endpoint
        float[] u = two.slerp(v(1, 0), v(0, 3), 0.5f).toArray();
        assertThat(u[0]).isCloseTo(0.7071068f, within(TOL));
        assertThat(u[1]).isCloseTo(2.1213203f, within(TOL));
    }

    @Test
    void equalNormEndpointsKeepTheirNormAndTurnByTTheta() {
        Latent z = Latent.normal(new Rng(2), 64);
        float[] a = z.sample(1).toArray(), b = z.sample(1).toArray();
        double scale = norm(a) / norm(b);
        for (int i = 0; i < b.length; i++) b[i] = (float) (b[i] * scale);
        double theta = angle(a, b);
        assertThat(theta).isBetween(1.0, 2.2); // two independent draws in 64 dimensions: about 90 degrees apart
        for (float t : new float[] {0.1f, 0.3f, 0.5f, 0.85f}) {
            float[] r = z.slerp(Tensor.of(a, 64), Tensor.of(b, 64), t).toArray();
            assertThat(norm(r)).isCloseTo(norm(a), within(1e-5 * norm(a)));
            assertThat(angle(a, r)).isCloseTo(t * theta, within(1e-5));
            assertThat(angle(r, b)).isCloseTo((1 - t) * theta, within(1e-5));
        }
    }

    @Test
    void endpointsAreExactCopies() {
        Latent z = Latent.normal(new Rng(3), 5);
        Tensor a = z.sample(3), b = z.sample(3);
        assertThat(z.slerp(a, b, 0f).toArray()).containsExactly(a.toArray());
        assertThat(z.slerp(a, b, 1f).toArray()).containsExactly(b.toArray());
        Tensor minus = a.neg();                                   // even for a pair with no great circle
        assertThat(z.slerp(a, minus, 1f).toArray()).containsExactly(minus.toArray());
        assertThat(z.slerp(a, b, 0f)).isNotSameAs(a);
    }

    @Test
    void parallelEndpointsTakeTheStraightLine() {
        float[] p = two.slerp(v(1, 2), v(2, 4), 0.25f).toArray();
        assertThat(p).containsExactly(1.25f, 2.5f);
        float[] same = two.slerp(v(0.3f, -0.7f), v(0.3f, -0.7f), 0.6f).toArray();
        assertThat(same[0]).isCloseTo(0.3f, within(TOL));
        assertThat(same[1]).isCloseTo(-0.7f, within(TOL));
    }

    @Test
    void antiparallelAndZeroEndpointsAreRefused() {
        assertThatThrownBy(() -> two.slerp(v(1, 2), v(-1, -2), 0.5f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("antiparallel").hasMessageContaining("no unique great circle");
        assertThatThrownBy(() -> two.slerp(v(0, 0), v(1, 2), 0.5f)).hasMessageContaining("z0 is zero");
        assertThatThrownBy(() -> two.slerp(v(1, 2), v(0, 0), 0.5f)).hasMessageContaining("z1 is zero");
        // Nearly antiparallel but beyond the tolerance (0.01 rad from pi): the midpoint is the circle's top, (0, 1.0000375)
        float[] top = two.slerp(v(1, 0), v(-1, 0.01f), 0.5f).toArray();
        assertThat(top[0]).isEqualTo(0f);
        assertThat(top[1]).isCloseTo(1.0000375f, within(1e-5f));
    }

    @Test
    void batchesAreInterpolatedSampleBySample() {
        Tensor a = Tensor.of(new float[] {1, 0, 1, 2, 2, 0}, 3, 2), b = Tensor.of(new float[] {0, 1, 2, 4, 0, 2}, 3, 2);
        float[] r = two.slerp(a, b, 0.5f).toArray();
        float[] expected = {0.70710677f, 0.70710677f, 1.5f, 3f, 1.4142135f, 1.4142135f};
        for (int i = 0; i < 6; i++) assertThat(r[i]).as("element %d", i).isCloseTo(expected[i], within(TOL));
        Tensor bad = Tensor.of(new float[] {0, 1, -1, -2, 0, 2}, 3, 2);
        assertThatThrownBy(() -> two.slerp(a, bad, 0.5f)).hasMessageContaining("z0 and z1 of sample 1 are antiparallel");
        // a latent of shape [2, 1, 1]: one z is [2, 1, 1], a batch [N, 2, 1, 1]
        Latent conv = Latent.normal(new Rng(1), 2, 1, 1);
        assertThat(conv.slerp(Tensor.of(new float[] {1, 0}, 2, 1, 1), Tensor.of(new float[] {0, 1}, 2, 1, 1), 0.5f).shape()).containsExactly(2, 1, 1);
        assertThat(conv.slerp(a.reshape(3, 2, 1, 1), b.reshape(3, 2, 1, 1), 0.5f).toArray()).containsExactly(r);
    }

    @Test
    void badSlerpArgumentsAreNamed() {
        assertThatThrownBy(() -> two.slerp(v(1, 0), v(0, 1), 1.5f)).hasMessageContaining("t must be in [0, 1], got t=1.5");
        assertThatThrownBy(() -> two.slerp(v(1, 0), v(0, 1), Float.NaN)).hasMessageContaining("got t=NaN");
        assertThatThrownBy(() -> two.slerp(v(1, 0, 0), v(0, 1, 0), 0.5f))
                .hasMessageContaining("z0 [3] and z1 [3] must both be one latent [2] or the same batch [N, 2]");
        assertThatThrownBy(() -> two.slerp(Tensor.zeros(2, 2), Tensor.zeros(3, 2), 0.5f)).hasMessageContaining("z0 [2, 2] and z1 [3, 2]");
    }

    // ---------------------------------------------------------------- walks

    @Test
    void aWalkOfKStepsHasKPlusOnePointsOnTheCircle() {
        Tensor w = two.walk(v(1, 0), Tensor.of(new float[] {0, 1}, 1, 2), 4);
        assertThat(w.shape()).containsExactly(5, 2);
        float[] p = w.toArray();
        for (int k = 0; k <= 4; k++) {
            assertThat(p[2 * k]).as("step %d", k).isCloseTo((float) Math.cos(k * Math.PI / 8), within(TOL));
            assertThat(p[2 * k + 1]).as("step %d", k).isCloseTo((float) Math.sin(k * Math.PI / 8), within(TOL));
        }
        assertThat(new float[] {p[0], p[1], p[8], p[9]}).containsExactly(1f, 0f, 0f, 1f); // both ends exact
        Latent z = Latent.normal(new Rng(4), 8, 1, 1);
        Tensor a = z.sample(1), b = z.sample(1);
        Tensor walk = z.walk(a, b, 3);
        assertThat(walk.shape()).containsExactly(4, 8, 1, 1);
        assertThat(walk.narrow(0, 0, 1).toArray()).containsExactly(a.toArray());
        assertThat(walk.narrow(0, 3, 1).toArray()).containsExactly(b.toArray());
        assertThat(walk.narrow(0, 1, 1).toArray()).containsExactly(z.slerp(a, b, 1f / 3).toArray());
    }

    @Test
    void badWalksAreNamed() {
        assertThatThrownBy(() -> two.walk(v(1, 0), v(0, 1), 0)).hasMessageContaining("steps must be >= 1, got steps=0");
        assertThatThrownBy(() -> two.walk(Tensor.zeros(2, 2), v(0, 1), 3)).hasMessageContaining("from must be one latent [2] or [1, 2], got [2, 2]");
    }

    // ---------------------------------------------------------------- truncation

    @Test
    void truncatedValuesAreTheStreamWithTheValuesBeyondTheThresholdLeftOut() {
        Tensor t = Latent.normal(new Rng(6), 10).sampleTruncated(400, 0.5f);
        assertThat(t.shape()).containsExactly(400, 10);
        float[] kept = t.toArray();
        float[] stream = Latent.normal(new Rng(6), 10).sample(2000).toArray(); // P(|z| <= 0.5) = 0.38: about 7,700 of 20,000 kept, 4,000 needed
        int j = 0;
        for (float s : stream) {
            if (Math.abs(s) > 0.5f) continue;
            if (j == kept.length) break;
            assertThat(kept[j]).as("value %d", j).isEqualTo(s);
            j++;
        }
        assertThat(j).isEqualTo(kept.length);
        for (float x : kept) assertThat(Math.abs(x)).isLessThanOrEqualTo(0.5f);
    }

    @Test
    void truncatedValuesHaveTheTruncatedNormalsVariance() {
        // Var of N(0, 1) truncated to [-t, t]: 1 - 2 t phi(t) / (2 Phi(t) - 1); 0.2911251 at t = 1, 0.7737413 at t = 2.
        // With 200,000 values the sample variance's standard error is about 0.001.
        for (float[] c : new float[][] {{1f, 0.2911251f}, {2f, 0.7737413f}}) {
            float[] z = Latent.normal(new Rng(7), 100).sampleTruncated(2000, c[0]).toArray();
            double mean = 0, sq = 0, max = 0;
            for (float x : z) {
                mean += x;
                sq += (double) x * x;
                max = Math.max(max, Math.abs(x));
            }
            mean /= z.length;
            assertThat(mean).isCloseTo(0.0, within(0.005));
            assertThat(sq / z.length - mean * mean).isCloseTo(c[1], within(0.006));
            assertThat(max).isLessThanOrEqualTo(c[0]).isGreaterThan(0.99 * c[0]);
        }
    }

    @Test
    void anInfiniteThresholdIsTheUntruncatedSample() {
        assertThat(Latent.normal(new Rng(8), 4, 1, 1).sampleTruncated(6, Float.POSITIVE_INFINITY).toArray())
                .containsExactly(Latent.normal(new Rng(8), 4, 1, 1).sample(6).toArray());
    }

    @Test
    void badTruncationsAreRefusedClearly() {
        Latent z = Latent.normal(new Rng(9), 3);
        assertThatThrownBy(() -> Latent.uniform(new Rng(9), 3).sampleTruncated(2, 1f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("this latent is uniform on [-1, 1), already bounded");
        for (float bad : new float[] {0f, -1f, Float.NaN, 1e-4f})
            assertThatThrownBy(() -> z.sampleTruncated(2, bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("threshold must be >= 0.001").hasMessageContaining("got threshold=" + bad);
        assertThatThrownBy(() -> z.sampleTruncated(0, 1f)).hasMessageContaining("batch size must be >= 1, got 0");
        for (float x : z.sampleTruncated(3, Latent.MIN_TRUNCATION).toArray()) assertThat(Math.abs(x)).isLessThanOrEqualTo(1e-3f);
    }
}
