package dev.jgan.gan.tricks;

import static dev.jgan.gan.tricks.TrickTesting.BATCH;
import static dev.jgan.gan.tricks.TrickTesting.NOISE;
import static dev.jgan.gan.tricks.TrickTesting.d;
import static dev.jgan.gan.tricks.TrickTesting.data;
import static dev.jgan.gan.tricks.TrickTesting.g;
import static dev.jgan.gan.tricks.TrickTesting.realBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.train.Batch;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.gan.tricks.TrickTesting.Recorder;
import dev.jgan.nn.Conditional;
import dev.jgan.nn.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Experience replay: D's generated batch is G's first N - k current samples and k samples drawn (Floyd's algorithm) from
 * a ring of the last C samples G produced, the current ones pushed after; real batch and G's step untouched.
 */
class ExperienceReplayTest {
    static final int CAPACITY = 12;

    /** The rule by hand: a ring of C rows (with labels), pushed after each draw. */
    static final class Ring {
        final float[][] rows = new float[CAPACITY][];
        final int[] labels = new int[CAPACITY];
        long pushed;

        int size() {
            return (int) Math.min(pushed, CAPACITY);
        }

        void push(float[] batch, int[] batchLabels) {
            for (int i = 0; i < BATCH; i++) {
                int slot = (int) (pushed++ % CAPACITY);
                rows[slot] = Arrays.copyOfRange(batch, 2 * i, 2 * i + 2);
                if (batchLabels != null) labels[slot] = batchLabels[i];
            }
        }

        /** Floyd's algorithm: k distinct of [0, size) in k draws. */
        static int[] floyd(Rng rng, int k, int size) {
            Set<Integer> chosen = new LinkedHashSet<>();
            for (int j = size - k; j < size; j++) {
                int t = rng.nextInt(j + 1);
                chosen.add(chosen.contains(t) ? j : t);
            }
            return chosen.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    @Test
    void discriminatorsFakeBatchMixesCurrentAndReplayedSamples() {
        Recorder d = new Recorder(d(2));
        StandardGan gan = StandardGan.builder(g(1), d, Latent.normal(new Rng(7), NOISE))
                .tricks(Tricks.none().experienceReplay(CAPACITY, 0.5f, new Rng(21))).build();
        BatchSource data = data(9);
        Rng xs = new Rng(9), replayRng = new Rng(21);
        Ring ring = new Ring();
        int replayedTotal = 0;
        for (int it = 0; it < 5; it++) {
            d.clear();
            gan.step(data);
            // D(x) and D(fake) in D's step, D(G(z)) in G's step: G's step sees the current samples (the batch G generated)
            assertThat(d.inputs).hasSize(3);
            assertThat(d.inputs.get(0)).as("the real batch").containsExactly(realBatch(xs).toArray());
            float[] current = d.inputs.get(2), seen = d.inputs.get(1);
            assertThat(d.shapes.get(1)).containsExactly(BATCH, 2);
            int k = Math.min(Math.round(0.5f * BATCH), ring.size());   // 0 at first (empty buffer), then 4
            int[] slots = Ring.floyd(replayRng, k, ring.size());
            float[] expected = current.clone();
            for (int i = 0; i < k; i++) System.arraycopy(ring.rows[slots[i]], 0, expected, 2 * (BATCH - k + i), 2);
            assertThat(seen).as("iteration %d", it).containsExactly(expected);
            ring.push(current, null);
            replayedTotal += k;
        }
        assertThat(replayedTotal).isEqualTo(16);
        assertThat(gan.describe()).isEqualTo("GAN(non-saturating loss, 1:1, experience replay 50% from a ring of 12)");
    }

    /** G(z, y): an MLP of z shifted by y along the first coordinate. */
    static final class ConditionalG extends Module implements Conditional {
        final Module inner = registerModule("inner", g(1));

        @Override
        public Tensor forward(Tensor z, int[] labels) {
            float[] shift = new float[2 * labels.length];
            for (int i = 0; i < labels.length; i++) shift[2 * i] = labels[i];
            return inner.forward(z).add(Tensor.of(shift, labels.length, 2));
        }

        @Override
        public int numClasses() {
            return 3;
        }
    }

    /** D(x, y) = D(x) + 0.1 y, recording its inputs and labels. */
    static final class ConditionalD extends Module implements Conditional {
        final Module inner = registerModule("inner", d(2));
        final List<float[]> inputs = new ArrayList<>();
        final List<int[]> labels = new ArrayList<>();

        @Override
        public Tensor forward(Tensor x, int[] y) {
            inputs.add(x.toArray());
            labels.add(y.clone());
            float[] shift = new float[y.length];
            for (int i = 0; i < y.length; i++) shift[i] = 0.1f * y[i];
            return inner.forward(x).add(Tensor.of(shift, y.length, 1));
        }

        @Override
        public int numClasses() {
            return 3;
        }
    }

    /** A replayed sample keeps the label G was given when it generated it. */
    @Test
    void replayedSamplesKeepTheirLabels() {
        ConditionalD d = new ConditionalD();
        StandardGan gan = StandardGan.builder(new ConditionalG(), d, Latent.normal(new Rng(7), NOISE))
                .tricks(Tricks.none().experienceReplay(CAPACITY, 0.25f, new Rng(22))).build();
        Rng xs = new Rng(9);
        BatchSource data = new BatchSource() {
            @Override
            public Tensor next() {
                return nextBatch().samples();
            }

            @Override
            public Batch nextBatch() {
                int[] y = new int[BATCH];
                for (int i = 0; i < BATCH; i++) y[i] = i % 3;
                return new Batch(realBatch(xs), y);
            }
        };
        Rng replayRng = new Rng(22);
        Ring ring = new Ring();
        for (int it = 0; it < 4; it++) {
            d.inputs.clear();
            d.labels.clear();
            gan.step(data);
            float[] current = d.inputs.get(2);
            int[] currentLabels = d.labels.get(2);
            int k = Math.min(Math.round(0.25f * BATCH), ring.size());
            int[] slots = Ring.floyd(replayRng, k, ring.size());
            float[] expected = current.clone();
            int[] expectedLabels = currentLabels.clone();
            for (int i = 0; i < k; i++) {
                System.arraycopy(ring.rows[slots[i]], 0, expected, 2 * (BATCH - k + i), 2);
                expectedLabels[BATCH - k + i] = ring.labels[slots[i]];
            }
            assertThat(d.inputs.get(1)).as("iteration %d", it).containsExactly(expected);
            assertThat(d.labels.get(1)).as("iteration %d", it).containsExactly(expectedLabels);
            assertThat(d.labels.get(0)).containsExactly(0, 1, 2, 0, 1, 2, 0, 1);
            ring.push(current, currentLabels);
        }
    }

    @Test
    void badOptionsAreRejected() {
        assertThatThrownBy(() -> Tricks.none().experienceReplay(0, 0.5f, new Rng(1)))
                .hasMessage("Tricks.experienceReplay: capacity must be >= 1, got capacity=0");
        assertThatThrownBy(() -> Tricks.none().experienceReplay(10, 0f, new Rng(1)))
                .hasMessage("Tricks.experienceReplay: share must be in (0, 1], got share=0.0");
        assertThatThrownBy(() -> Tricks.none().experienceReplay(10, 1.5f, new Rng(1))).hasMessageContaining("got share=1.5");
        assertThatThrownBy(() -> Tricks.none().experienceReplay(10, Float.NaN, new Rng(1))).hasMessageContaining("got share=NaN");
        assertThatThrownBy(() -> Tricks.none().experienceReplay(10, 0.5f, null)).hasMessage("Tricks.experienceReplay: rng must be given");
    }
}
