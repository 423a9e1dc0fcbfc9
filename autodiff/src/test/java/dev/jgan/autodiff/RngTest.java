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

    /** Every draw jgan uses, interleaved, against the JDK's own L64X128MixRandom, over seeds that stress the seeding rule. */
    @Test
    void drawsExactlyTheJdkSequence() {
        for (long seed : new long[] {0, 1, -1, 42, 2024, Long.MIN_VALUE, Long.MAX_VALUE, 0x6A09E667F3BCC909L}) {
            Rng ours = new Rng(seed);
            RandomGenerator theirs = jdk(seed);
            for (int i = 0; i < 2000; i++) {
                assertThat(ours.nextLong()).as("seed %d draw %d", seed, i).isEqualTo(theirs.nextLong());
                assertThat(ours.nextFloat()).isEqualTo(theirs.nextFloat());
                assertThat(ours.nextGaussian()).isEqualTo((float) theirs.nextGaussian());
                int bound = 1 + i % 1000;
                assertThat(ours.nextInt(bound)).isEqualTo(theirs.nextInt(bound));
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
            assertThat(ours.nextGaussian()).isEqualTo((float) theirs.nextGaussian());
            ours = a.split();
            theirs = b.split();
        }
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
    }

    @Test
    void permutationIsAPermutation() {
        int[] p = new Rng(3).permutation(100);
        assertThat(p).containsExactlyInAnyOrder(java.util.stream.IntStream.range(0, 100).toArray());
        assertThat(p).isNotEqualTo(java.util.stream.IntStream.range(0, 100).toArray());
    }
}
