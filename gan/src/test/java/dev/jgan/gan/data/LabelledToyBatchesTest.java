package dev.jgan.gan.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.train.Batch;
import dev.jgan.nn.io.TrainingCheckpoint;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labelled toy batches: ToyBatches' samples with the index of the mode each was drawn from, resumable. */
class LabelledToyBatchesTest {
    @Test
    void samplesAreToyBatchesOwnAndLabelsTheirModes() {
        GaussianMixture ring = GaussianMixture.ring8();
        LabelledToyBatches labelled = new LabelledToyBatches(ring, new Rng(3), 500);
        ToyBatches plain = new ToyBatches(ring, new Rng(3), 500);
        float[][] modes = ring.modes();
        int[] seen = new int[8];
        for (int b = 0; b < 2; b++) {
            Batch batch = labelled.nextBatch();
            float[] xy = batch.samples().toArray();
            assertThat(xy).containsExactly(plain.next().toArray());
            for (int i = 0; i < 500; i++) {
                int k = batch.labels()[i];
                seen[k]++;
                // std 0.02, modes 1.5 apart: a sample lies within 5 std of the mode it is labelled with
                double dx = xy[2 * i] - modes[k][0], dy = xy[2 * i + 1] - modes[k][1];
                assertThat(Math.sqrt(dx * dx + dy * dy)).as("sample %d of batch %d, label %d", i, b, k).isLessThan(5 * 0.02);
            }
        }
        for (int k = 0; k < 8; k++) assertThat(seen[k]).as("mode %d", k).isBetween(80, 170);   // 125 expected of 1000
        assertThat(labelled.numClasses()).isEqualTo(8);
        assertThat(labelled.next().shape()).containsExactly(500, 2);
    }

    @Test
    void itsGeneratorIsItsState(@TempDir Path dir) throws Exception {
        LabelledToyBatches a = new LabelledToyBatches(GaussianMixture.grid25(), new Rng(1), 4);
        a.nextBatch();
        TrainingCheckpoint.Parts parts = new TrainingCheckpoint.Parts();
        a.registerState(parts);
        TrainingCheckpoint.save(dir.resolve("data.safetensors"), parts, Map.of());
        Batch expected = a.nextBatch();

        LabelledToyBatches b = new LabelledToyBatches(GaussianMixture.grid25(), new Rng(2), 4);
        TrainingCheckpoint.Parts into = new TrainingCheckpoint.Parts();
        b.registerState(into);
        TrainingCheckpoint.load(dir.resolve("data.safetensors"), into);
        Batch resumed = b.nextBatch();
        assertThat(resumed.samples().toArray()).containsExactly(expected.samples().toArray());
        assertThat(resumed.labels()).containsExactly(expected.labels());
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new LabelledToyBatches(GaussianMixture.ring8(), new Rng(1), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchSize must be >= 1, got 0");
        assertThatThrownBy(() -> new LabelledToyBatches(null, new Rng(1), 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mixture and rng must be given");
        assertThatThrownBy(() -> GaussianMixture.ring8().sample(new Rng(1), 3, new int[2])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ring8.sample: modes must have one entry per sample, n = 3, got 2");
        Tensor unchanged = GaussianMixture.ring8().sample(new Rng(1), 3, null);
        assertThat(unchanged.toArray()).containsExactly(GaussianMixture.ring8().sample(new Rng(1), 3).toArray());
    }
}
