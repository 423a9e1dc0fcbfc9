package dev.jgan.gan.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.gan.train.Batch;
import dev.jgan.nn.io.TrainingCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shuffled batches: the order is the generator's permutations, prefetch changes nothing, resume is bitwise. */
class ShuffledBatchesTest {
    /** 10 images of 1 x 1 x 2 whose pixels are (2i, 2i + 1) * 10, labelled i % 3: an image names its index. */
    static ImageDataset tenImages() {
        byte[] px = new byte[20];
        for (int i = 0; i < 20; i++) px[i] = (byte) (i * 10);
        int[] labels = new int[10];
        for (int i = 0; i < 10; i++) labels[i] = i % 3;
        return ImageDataset.ofUnsignedBytes(px, 10, 1, 1, 2, labels);
    }

    /** The index of each image of a batch, read back from its first pixel. */
    static int[] indicesOf(Batch b) {
        float[] x = b.samples().toArray();
        int[] out = new int[x.length / 2];
        for (int k = 0; k < out.length; k++) {
            int v = Math.round((x[2 * k] + 1f) * 127.5f);
            assertThat(x[2 * k + 1]).isEqualTo(ImageDataset.toUnit(v + 10));
            out[k] = v / 20;
        }
        return out;
    }

    @Test
    void epochsArePermutationsInBatchesDroppingTheLast() {
        Rng expected = new Rng(5);
        int[] p1 = expected.permutation(10), p2 = expected.permutation(10);
        try (ShuffledBatches s = new ShuffledBatches(tenImages(), new Rng(5), 3, false)) {
            assertThat(s.batchesPerEpoch()).isEqualTo(3);
            for (int[] p : new int[][] {p1, p2}) {
                for (int b = 0; b < 3; b++) {
                    assertThat(s.batchInEpoch()).isEqualTo(b);
                    Batch batch = s.nextBatch();
                    assertThat(batch.samples().shape()).containsExactly(3, 1, 1, 2);
                    int[] idx = indicesOf(batch);
                    assertThat(idx).containsExactly(Arrays.copyOfRange(p, 3 * b, 3 * b + 3));
                    for (int k = 0; k < 3; k++) assertThat(batch.labels()[k]).isEqualTo(idx[k] % 3);
                }
            }
            assertThat(s.epoch()).isEqualTo(2);
            assertThat(p1).isNotEqualTo(p2);
        }
    }

    private static List<Batch> draw(ShuffledBatches s, int n) {
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(s.nextBatch());
        return out;
    }

    private static void assertSame(List<Batch> a, List<Batch> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).samples().toArray()).as("batch %d", i).containsExactly(b.get(i).samples().toArray());
            assertThat(a.get(i).labels()).as("labels %d", i).containsExactly(b.get(i).labels());
        }
    }

    @Test
    void prefetchGivesTheSameBatches() {
        try (ShuffledBatches on = new ShuffledBatches(tenImages(), new Rng(9), 4, true);
             ShuffledBatches off = new ShuffledBatches(tenImages(), new Rng(9), 4, false)) {
            assertThat(on.prefetching()).isTrue();
            assertSame(draw(on, 25), draw(off, 25));
        }
    }

    @Test
    void resumeIsBitwiseAtEveryPointOfAnEpoch(@TempDir Path dir) throws Exception {
        for (boolean prefetch : new boolean[] {false, true})
            for (int k = 0; k <= 7; k++) {   // 3 batches per epoch: mid-epoch, on boundaries, later epochs
                List<Batch> straight;
                try (ShuffledBatches a = new ShuffledBatches(tenImages(), new Rng(11), 3, prefetch)) {
                    draw(a, k);
                    TrainingCheckpoint.Parts parts = new TrainingCheckpoint.Parts();
                    a.registerState(parts);
                    TrainingCheckpoint.save(dir.resolve("d.safetensors"), parts, Map.of());
                    straight = draw(a, 8);
                }
                try (ShuffledBatches b = new ShuffledBatches(tenImages(), new Rng(99), 3, prefetch)) {
                    draw(b, 2); // a prefetched batch in flight that loading must discard
                    TrainingCheckpoint.Parts into = new TrainingCheckpoint.Parts();
                    b.registerState(into);
                    TrainingCheckpoint.load(dir.resolve("d.safetensors"), into);
                    assertSame(draw(b, 8), straight);
                    assertThat(b.epoch()).isEqualTo((k + 8) / 3);
                }
            }
    }

    @Test
    void aCheckpointOfOtherDataIsRefused(@TempDir Path dir) throws Exception {
        try (ShuffledBatches a = new ShuffledBatches(tenImages(), new Rng(1), 3, false);
             ShuffledBatches b = new ShuffledBatches(tenImages(), new Rng(1), 2, false)) {
            TrainingCheckpoint.Parts parts = new TrainingCheckpoint.Parts();
            a.registerState(parts);
            TrainingCheckpoint.save(dir.resolve("d.safetensors"), parts, Map.of());
            TrainingCheckpoint.Parts into = new TrainingCheckpoint.Parts();
            b.registerState(into);
            TrainingCheckpoint.load(dir.resolve("d.safetensors"), into);
            assertThatThrownBy(b::nextBatch).isInstanceOf(IllegalStateException.class)
                    .hasMessage("ShuffledBatches: the checkpoint's data was N=10,shape=1x1x2,batch=3, this source's is N=10,shape=1x1x2,batch=2");
        }
    }

    private static Set<Thread> prefetchThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("jgan-prefetch-")).collect(Collectors.toSet());
    }

    @Test
    void closeStopsThePrefetchThread() throws InterruptedException {
        Set<Thread> before = prefetchThreads();
        ShuffledBatches s = new ShuffledBatches(tenImages(), new Rng(2), 3);
        s.nextBatch();
        Set<Thread> mine = prefetchThreads();
        mine.removeAll(before);
        assertThat(mine).hasSize(1);
        Thread t = mine.iterator().next();
        assertThat(t.isDaemon()).isTrue();
        s.close();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        s.close(); // idempotent
        assertThatThrownBy(s::nextBatch).isInstanceOf(IllegalStateException.class).hasMessage("ShuffledBatches: the source is closed");
    }

    @Test
    void unlabelledDataGivesNoLabelsAndBadSettingsAreRefused() {
        ImageDataset d = ImageDataset.ofUnsignedBytes(new byte[] {0, (byte) 255}, 2, 1, 1, 1, null);
        try (ShuffledBatches s = new ShuffledBatches(d, new Rng(3), 2, false)) {
            Batch b = s.nextBatch();
            assertThat(b.labels()).isNull();
            assertThat(b.samples().toArray()).containsExactlyInAnyOrder(-1f, 1f);
        }
        assertThatThrownBy(() -> new ShuffledBatches(d, new Rng(3), 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ShuffledBatches: batchSize must be in 1..2 (the dataset's size), got 3");
        assertThatThrownBy(() -> ImageDataset.ofUnsignedBytes(new byte[3], 2, 1, 1, 1, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ImageDataset: 3 pixel bytes for 2 x 1 x 1 x 1");
    }
}
