package dev.jgan.gan.tricks;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.scheme.Minibatch;
import dev.jgan.nn.io.TrainingCheckpoint;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Experience replay (ganhacks 8; Shrivastava et al. 2017, "Learning from Simulated and Unsupervised Images through
 * Adversarial Training", section 2.3): D's generated batch mixes G's current samples with samples G generated
 * earlier, so D keeps rejecting what G produced before and G cannot cycle back to it unnoticed.
 *
 * <p>At each D step on a generated batch of N: k = round(share N) of its samples (at most as many as the buffer
 * holds) are replaced by k distinct samples drawn uniformly from the buffer (Floyd's algorithm on this trick's
 * generator); the batch D sees is G's first N - k current samples followed by the k replayed ones, each with the class
 * label G was given when conditional. Then all N current samples (detached copies, with their labels) are pushed into
 * the buffer, which is a ring: it keeps the last {@code capacity} samples G produced, the oldest overwritten first.
 * A batch never replays its own samples. G's step is unchanged (it sees only its current samples).
 */
final class ExperienceReplay {
    final int capacity;
    final float share;
    final Rng rng;
    /** The ring: capacity samples of perSample floats each, allocated at the first push. */
    private float[] samples;
    private int[] sampleShape; // per sample
    private int[] labels;      // null for an unconditional G
    /** Samples pushed in all; slot of the next push = pushed mod capacity. */
    private long pushed;

    ExperienceReplay(int capacity, float share, Rng rng) {
        this.capacity = capacity;
        this.share = share;
        this.rng = rng;
    }

    /** Samples held: min(pushed, capacity). */
    int size() {
        return (int) Math.min(pushed, capacity);
    }

    /** D's batch: the current samples with k replaced by replayed ones; then the current samples go into the buffer. */
    Minibatch apply(Minibatch b) {
        Tensor fake = b.fake();
        int n = fake.size(0);
        int k = (int) Math.min(Math.round((double) share * n), size());
        Minibatch out = b;
        if (k > 0) {
            checkSample(fake, b.fakeLabels());
            int per = Shape.numel(sampleShape);
            int[] slots = distinctSlots(k, size());
            float[] old = new float[k * per];
            for (int i = 0; i < k; i++) System.arraycopy(samples, slots[i] * per, old, i * per, per);
            int[] shape = fake.shape().clone();
            shape[0] = k;
            // [N - k current | k replayed], the current part with G's graph if it had one
            Tensor mixed = Tensor.concat(List.of(fake.narrow(0, 0, n - k), Tensor.of(old, shape)), 0);
            int[] mixedLabels = null;
            if (labels != null) {
                mixedLabels = Arrays.copyOf(b.fakeLabels(), n);
                for (int i = 0; i < k; i++) mixedLabels[n - k + i] = labels[slots[i]];
            }
            out = b.withFake(mixed, mixedLabels);
        }
        push(fake, b.fakeLabels());
        return out;
    }

    /** k distinct slots of [0, size), uniformly (Floyd's algorithm: k draws, whatever the size). */
    private int[] distinctSlots(int k, int size) {
        Set<Integer> chosen = new LinkedHashSet<>();
        for (int j = size - k; j < size; j++) {
            int t = rng.nextInt(j + 1);
            chosen.add(chosen.contains(t) ? j : t);
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    private void push(Tensor fake, int[] fakeLabels) {
        if (samples == null) {
            sampleShape = Arrays.copyOfRange(fake.shape(), 1, fake.dim());
            samples = new float[Math.multiplyExact(capacity, Shape.numel(sampleShape))];
            if (fakeLabels != null) labels = new int[capacity];
        }
        checkSample(fake, fakeLabels);
        int per = Shape.numel(sampleShape);
        float[] values = fake.toArray();
        for (int i = 0; i < fake.size(0); i++) {
            int slot = (int) (pushed % capacity);
            System.arraycopy(values, i * per, samples, slot * per, per);
            if (labels != null) labels[slot] = fakeLabels[i];
            pushed++;
        }
    }

    /** The buffer holds one kind of sample: the same per-sample shape, labelled or not, throughout a run. */
    private void checkSample(Tensor fake, int[] fakeLabels) {
        int[] per = Arrays.copyOfRange(fake.shape(), 1, fake.dim());
        if (!Arrays.equals(per, sampleShape) || (fakeLabels == null) != (labels == null))
            throw new IllegalArgumentException("Tricks.experienceReplay: the buffer holds samples of shape " + Shape.str(sampleShape)
                    + (labels == null ? " without" : " with") + " labels, but G gave " + Shape.str(per) + (fakeLabels == null ? " without" : " with")
                    + " labels");
    }

    /**
     * The generator, the samples held ({@code samples} [size, ...], or [0] while empty), their labels ({@code labels}
     * [size] as floats, exact below 2^24; [0] when unconditional) and the push count.
     */
    void registerState(TrainingCheckpoint.Parts r) {
        r.rng("rng", rng)
                .tensor("samples", this::heldSamples, this::loadSamples)
                .tensor("labels", this::heldLabels, this::loadLabels)
                .counter("pushed", () -> pushed, this::loadPushed);
    }

    private Tensor heldSamples() {
        if (samples == null) return Tensor.zeros(0);
        int n = size(), per = Shape.numel(sampleShape);
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return Tensor.of(Arrays.copyOf(samples, n * per), shape);
    }

    private Tensor heldLabels() {
        if (labels == null) return Tensor.zeros(0);
        return Tensor.of(Arrays.copyOf(labels, size()), size());
    }

    // Loading: samples, then labels, then the count (registration order); the count checks that the three agree.
    private float[] loadedSamples;
    private int[] loadedShape;
    private int[] loadedLabels;

    private void loadSamples(Tensor t) {
        loadedShape = t.shape();
        loadedSamples = t.toArray();
    }

    private void loadLabels(Tensor t) {
        float[] f = t.toArray();
        loadedLabels = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            if (f[i] != (int) f[i] || f[i] < 0)
                throw new IllegalArgumentException("Tricks.experienceReplay: the checkpoint's label " + f[i] + " at index " + i
                        + " is not a class index");
            loadedLabels[i] = (int) f[i];
        }
    }

    private void loadPushed(long count) {
        int n = (int) Math.min(Math.max(count, 0), capacity);
        boolean empty = loadedShape.length == 1 && loadedShape[0] == 0;
        if (count < 0 || (empty ? n != 0 : loadedShape[0] != n) || (loadedLabels.length != 0 && loadedLabels.length != n))
            throw new IllegalArgumentException("Tricks.experienceReplay: the checkpoint's buffer holds " + (empty ? 0 : loadedShape[0])
                    + " samples and " + loadedLabels.length + " labels after " + count + " pushes into a buffer of capacity " + capacity
                    + "; expected " + n + " (is the capacity the saved run's?)");
        pushed = count;
        if (empty) {
            samples = null;
            sampleShape = null;
            labels = null;
            return;
        }
        sampleShape = Arrays.copyOfRange(loadedShape, 1, loadedShape.length);
        samples = Arrays.copyOf(loadedSamples, Math.multiplyExact(capacity, Shape.numel(sampleShape)));
        labels = loadedLabels.length == 0 ? null : Arrays.copyOf(loadedLabels, capacity);
    }

    String describe() {
        return "experience replay " + Math.round(share * 100f) + "% from a ring of " + capacity;
    }
}
