package dev.jgan.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

class RngTest {
    private static RandomGenerator.SplittableGenerator jdk(long seed) {
        return (RandomGenerator.SplittableGenerator) RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /** The JDK's draws, interleaved, against its own L64X128MixRandom, over seeds that stress the seeding rule. */
    @Test
    void drawsExactlyTheJdkSequence() {
        for (long seed : new long[] {0, 1, -1, 42, 2024, Long.MIN_VALUE, Long.MAX_VALUE, 0x6A09E667F3BCC909L}) {
            Rng ours = new Rng(seed);
            RandomGenerator theirs = jdk(seed);
            for (int i = 0; i < 2000; i++) {
                assertThat(ours.nextLong()).as("seed %d draw %d", seed, i).isEqualTo(theirs.nextLong());
                assertThat(ours.nextFloat()).isEqualTo(theirs.nextFloat());
                int bound = 1 + i % 1000;
                assertThat(ours.nextInt(bound)).isEqualTo(theirs.nextInt(bound));
                int large = Integer.MAX_VALUE - i * 1_000_003; // rejection is frequent near 2^31
                assertThat(ours.nextInt(large)).isEqualTo(theirs.nextInt(large));
                assertThat(ours.nextInt(1 << (i % 31))).isEqualTo(theirs.nextInt(1 << (i % 31)));
            }
        }
    }

    @Test
    void splitsExactlyAsTheJdk() {
        Rng ours = new Rng(7);
        RandomGenerator.SplittableGenerator theirs = jdk(7);
        for (int depth = 0; depth < 5; depth++) {
            Rng a = ours.split();
            RandomGenerator.SplittableGenerator b = theirs.split();
            for (int i = 0; i < 100; i++) assertThat(a.nextLong()).isEqualTo(b.nextLong());
            assertThat(ours.nextFloat()).isEqualTo(theirs.nextFloat());
            ours = a.split();
            theirs = b.split();
        }
    }

    /**
     * The ziggurat's shape: a chi-square test of two million draws in 44 bins of width 0.25 over [-5.5, 5.5] (and the
     * two tails beyond), against the normal's probabilities integrated here by Simpson's rule. With 45 degrees of
     * freedom the statistic is below 80 with probability 0.999; a ziggurat with a wrong layer or wedge test shows up
     * as a statistic in the hundreds or thousands (a test seen to fail when the wedge test was dropped).
     */
    @Test
    void gaussianFollowsTheNormalDensity() {
        int bins = 44, n = 2_000_000;
        double lo = -5.5, width = 0.25;
        long[] count = new long[bins + 2];                    // [0]: below lo, [bins + 1]: above lo + bins * width
        Rng rng = new Rng(7);
        for (int i = 0; i < n; i++) {
            double z = rng.nextGaussian();
            int bin = z < lo ? 0 : Math.min(bins + 1, 1 + (int) ((z - lo) / width));
            count[bin]++;
        }
        double[] p = new double[bins + 2];
        double inside = 0;
        for (int b = 1; b <= bins; b++) inside += p[b] = normalMass(lo + (b - 1) * width, lo + b * width);
        p[0] = p[bins + 1] = (1 - inside) / 2;
        double chi2 = 0;
        for (int b = 0; b < bins + 2; b++) {
            double expected = n * p[b];
            chi2 += (count[b] - expected) * (count[b] - expected) / Math.max(expected, 1);
        }
        assertThat(chi2).as("chi-square over %d bins", bins + 2).isLessThan(80);
    }

    /** The standard normal's probability of [a, b], by Simpson's rule on 200 intervals. */
    private static double normalMass(double a, double b) {
        int k = 200;
        double h = (b - a) / k, sum = 0;
        for (int i = 0; i <= k; i++) {
            double x = a + i * h, w = i == 0 || i == k ? 1 : i % 2 == 1 ? 4 : 2;
            sum += w * Math.exp(-x * x / 2);
        }
        return sum * h / 3 / Math.sqrt(2 * Math.PI);
    }

    /**
     * The moments and tails of a standard normal over two million draws: mean 0 and variance 1 within 4 standard
     * errors, P(|z| > 2) = 0.0455, P(|z| > 3) = 0.0027 and P(|z| > 3.4426) = 0.000576 (the ziggurat's tail, drawn by
     * its own method) within 5%, every value finite.
     */
    @Test
    void gaussianHasTheNormalsMomentsAndTails() {
        Rng rng = new Rng(2024);
        int n = 2_000_000, beyond2 = 0, beyond3 = 0, inTail = 0;
        double sum = 0, sumSq = 0, max = 0;
        for (int i = 0; i < n; i++) {
            double z = rng.nextGaussian();
            sum += z;
            sumSq += z * z;
            max = Math.max(max, Math.abs(z));
            if (Math.abs(z) > 2) beyond2++;
            if (Math.abs(z) > 3) beyond3++;
            if (Math.abs(z) > 3.442619855899) inTail++;
        }
        double mean = sum / n, variance = sumSq / n - mean * mean;
        assertThat(mean).isCloseTo(0, org.assertj.core.data.Offset.offset(4 / Math.sqrt(n)));
        assertThat(variance).isCloseTo(1, org.assertj.core.data.Offset.offset(4 * Math.sqrt(2.0 / n)));
        assertThat(beyond2 / (double) n).isCloseTo(0.0455003, org.assertj.core.data.Percentage.withPercentage(5));
        assertThat(beyond3 / (double) n).isCloseTo(0.0026998, org.assertj.core.data.Percentage.withPercentage(5));
        assertThat(inTail / (double) n).isCloseTo(5.7611e-4, org.assertj.core.data.Percentage.withPercentage(5));
        assertThat(max).isLessThan(Double.POSITIVE_INFINITY);
    }

    /**
     * The same seed draws the same Gaussians on every JDK: the SHA-256 of Rng(1)'s first four million Gaussians'
     * bits, pinned (CI runs this on JDK 17 and JDK 25; the JDK's own ziggurat gave different streams on the two).
     */
    @Test
    void gaussianStreamIsPinned() throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        Rng rng = new Rng(1);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * 1024);
        for (int block = 0; block < 4096; block++) {
            b.clear();
            for (int i = 0; i < 1024; i++) b.putInt(Float.floatToRawIntBits(rng.nextGaussian()));
            sha.update(b.array());
        }
        assertThat(java.util.HexFormat.of().formatHex(sha.digest())).isEqualTo("c73014a45c81f78eb4a93e271e5ea45a21843b33f835c39d0b2474bf4eb02798");
    }

    /**
     * The ziggurat's wedge test decides as exp does: for every layer, at points spread over the wedge and at points
     * within a few ulps of the curve (where the bounding lines cannot decide), {@code underCurve} agrees with
     * {@code y < StrictMath.exp(-0.5 ax^2)}.
     */
    @Test
    void wedgeSqueezeDecidesAsExp() {
        Rng rng = new Rng(5);
        for (int i = 1; i < 128; i++) {
            double lo = Rng.layerEdge(i + 1), hi = Rng.layerEdge(i);
            double fLo = StrictMath.exp(-0.5 * hi * hi), fHi = StrictMath.exp(-0.5 * lo * lo);
            for (int k = 0; k <= 400; k++) {
                double ax = k < 400 ? lo + (hi - lo) * k / 400 : hi;
                double e = StrictMath.exp(-0.5 * ax * ax);
                for (int u = -3; u <= 3; u++) {
                    double y = e + u * Math.ulp(e);
                    assertThat(Rng.underCurve(i, ax, y)).as("layer %d, ax %s, y %s", i, ax, y).isEqualTo(y < e);
                }
                double y = fLo + (rng.nextLong() >>> 11) * 0x1.0p-53 * (fHi - fLo);
                assertThat(Rng.underCurve(i, ax, y)).as("layer %d, ax %s, y %s", i, ax, y).isEqualTo(y < e);
            }
        }
    }

    /** fillGaussian writes mean + std * nextGaussian(), bit for bit, and leaves the generator where the draws would. */
    @Test
    void fillGaussianIsNextGaussianInBulk() {
        for (long seed : new long[] {1, 7, -3}) {
            Rng bulk = new Rng(seed), one = new Rng(seed);
            float[] out = new float[200_003];
            out[0] = 42f;
            bulk.fillGaussian(out, 1, out.length - 2, 0.5f, 3f);
            assertThat(out[0]).isEqualTo(42f);
            assertThat(out[out.length - 1]).isZero();
            for (int i = 1; i < out.length - 1; i++) {
                float expected = 0.5f + 3f * one.nextGaussian();
                if (Float.floatToRawIntBits(out[i]) != Float.floatToRawIntBits(expected))
                    throw new AssertionError("seed " + seed + ", value " + i + ": " + out[i] + " != " + expected);
            }
            assertThat(bulk.state()).containsExactly(one.state());
        }
        assertThatThrownBy(() -> new Rng(1).fillGaussian(new float[4], 2, 3, 0f, 1f)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** A generator restored from a state draws what the original draws next; the state is a copy, not a view. */
    @Test
    void stateRoundTrips() {
        Rng rng = new Rng(99);
        for (int i = 0; i < 37; i++) rng.nextGaussian();
        long[] state = rng.state();
        Rng copy = Rng.fromState(state);
        Rng other = new Rng(5);
        other.restore(state);
        state[1] ^= 1; // mutating the returned array changes nothing
        for (int i = 0; i < 500; i++) {
            float expected = rng.nextGaussian();
            assertThat(copy.nextGaussian()).isEqualTo(expected);
            assertThat(other.nextGaussian()).isEqualTo(expected);
        }
        assertThat(rng.split().nextLong()).isEqualTo(copy.split().nextLong());
    }

    @Test
    void refusesStatesItCannotBeIn() {
        assertThatThrownBy(() -> Rng.fromState(new long[3])).hasMessageContaining("a state is 4 longs");
        assertThatThrownBy(() -> Rng.fromState(new long[] {2, 0, 1, 1})).hasMessageContaining("the first long must be odd");
        assertThatThrownBy(() -> new Rng(1).restore(new long[] {1, 0, 0, 0})).hasMessageContaining("not both zero");
        assertThatThrownBy(() -> new Rng(1).nextInt(0)).hasMessageContaining("bound must be positive, got 0");
    }

    @Test
    void permutationIsAPermutation() {
        int[] p = new Rng(3).permutation(100);
        assertThat(p).containsExactlyInAnyOrder(java.util.stream.IntStream.range(0, 100).toArray());
        assertThat(p).isNotEqualTo(java.util.stream.IntStream.range(0, 100).toArray());
    }
}
