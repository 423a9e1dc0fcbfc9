package dev.jgan.gan.data;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.train.Batch;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.nn.io.TrainingCheckpoint;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Endless batches of an {@link ImageDataset} in epochs: each epoch visits the images in a fresh random order
 * ({@link Rng#permutation}) in batches of a fixed size, dropping the last incomplete batch (so every batch has the
 * same shape; an epoch is {@code N / batchSize} batches). Samples are [B, C, H, W] float32 in [-1, 1]; a labelled
 * dataset gives their labels with {@link #nextBatch()}.
 *
 * <p>With prefetch on (the default) a background thread gathers and scales the next batch while the caller trains
 * on this one. The order is decided on the caller's thread only (the thread merely copies the images of indices it
 * is given), so the batches are the same with prefetch on or off. {@link #close()} stops the thread; a source that
 * is not closed leaves a daemon thread idle until the JVM exits.
 *
 * <p>State ({@link #registerState}): the generator as it was before the current epoch's permutation was drawn, the
 * epoch and the batch within it, and a description of the dataset and batch size (checked on resume). The
 * permutation is drawn again from that generator on resume, so a resumed run sees bitwise the batches of the run
 * that never stopped.
 */
public final class ShuffledBatches implements BatchSource, AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ImageDataset data;
    private final int batchSize;
    private final int batchesPerEpoch;
    // Invariant: perm is the order of epoch `epoch`, drawn from epochStart's state; `rng` is the generator after that
    // draw, from which the next epoch's order comes; `position` in [0, batchesPerEpoch) is the next batch to serve.
    private final Rng epochStart;
    private Rng rng;
    private int[] perm;
    private long epoch;
    private long position;
    private String loadedDescription;
    private boolean stale;  // set by loading: perm must be drawn again from epochStart

    private final ExecutorService prefetcher;
    private Future<Batch> pending;
    private int[] pendingIndices;
    private boolean closed;

    /** Shuffled batches with prefetch; {@code rng} is this source's own from now on (it draws every epoch's order). */
    public ShuffledBatches(ImageDataset data, Rng rng, int batchSize) {
        this(data, rng, batchSize, true);
    }

    public ShuffledBatches(ImageDataset data, Rng rng, int batchSize, boolean prefetch) {
        if (data == null || rng == null) throw new IllegalArgumentException("ShuffledBatches: data and rng must be given");
        if (batchSize < 1 || batchSize > data.size())
            throw new IllegalArgumentException("ShuffledBatches: batchSize must be in 1.." + data.size() + " (the dataset's size), got " + batchSize);
        this.data = data;
        this.batchSize = batchSize;
        this.batchesPerEpoch = data.size() / batchSize;
        this.epochStart = Rng.fromState(rng.state());
        this.rng = rng;
        this.perm = rng.permutation(data.size());
        if (prefetch) {
            String name = "jgan-prefetch-" + THREADS.incrementAndGet();
            prefetcher = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        } else {
            prefetcher = null;
        }
    }

    /** The next batch's samples, [batchSize, C, H, W] in [-1, 1]. */
    @Override
    public Tensor next() {
        return nextBatch().samples();
    }

    /** The next batch with its labels ({@code null} for an unlabelled dataset). */
    @Override
    public Batch nextBatch() {
        if (closed) throw new IllegalStateException("ShuffledBatches: the source is closed");
        if (stale) redraw();
        int[] indices = indices();
        Batch batch = null;
        if (pending != null) {
            Future<Batch> f = pending;
            pending = null;
            if (Arrays.equals(pendingIndices, indices)) batch = await(f);
            else f.cancel(false); // a checkpoint was loaded since: this batch is not the next one
        }
        if (batch == null) batch = data.batch(indices);
        advance();
        if (prefetcher != null) {
            int[] ahead = indices();
            pendingIndices = ahead;
            pending = prefetcher.submit(() -> data.batch(ahead));
        }
        return batch;
    }

    private int[] indices() {
        int from = (int) position * batchSize;
        return Arrays.copyOfRange(perm, from, from + batchSize);
    }

    private void advance() {
        if (++position == batchesPerEpoch) {
            position = 0;
            epoch++;
            epochStart.restore(rng.state());
            perm = rng.permutation(data.size());
        }
    }

    private void redraw() {
        stale = false;
        if (loadedDescription != null && !loadedDescription.equals(description()))
            throw new IllegalStateException("ShuffledBatches: the checkpoint's data was " + loadedDescription + ", this source's is " + description());
        if (position < 0 || position >= batchesPerEpoch || epoch < 0)
            throw new IllegalStateException("ShuffledBatches: the checkpoint's epoch " + epoch + ", batch " + position + " does not fit "
                    + batchesPerEpoch + " batches per epoch");
        rng = Rng.fromState(epochStart.state());
        perm = rng.permutation(data.size());
    }

    private static Batch await(Future<Batch> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // finish the batch; the caller sees its interrupt afterwards
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    if (e.getCause() instanceof Error err) throw err;
                    throw new IllegalStateException("ShuffledBatches: prefetch failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private String description() {
        return "N=" + data.size() + ",shape=" + data.channels() + "x" + data.height() + "x" + data.width() + ",batch=" + batchSize;
    }

    @Override
    public void registerState(TrainingCheckpoint.Parts parts) {
        parts.rng("rng", epochStart)
                .counter("epoch", () -> epoch, v -> { epoch = v; stale = true; })
                .counter("batch", () -> position, v -> { position = v; stale = true; })
                .string("order", this::description, s -> { loadedDescription = s; stale = true; });
    }

    /** Stops the prefetch thread and waits for it (at most a batch's work); later calls of next fail. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pending = null;
        if (prefetcher == null) return;
        prefetcher.shutdownNow();
        boolean interrupted = false;
        try {
            while (!prefetcher.awaitTermination(1, TimeUnit.MINUTES)) {
                // a batch copy is milliseconds; keep waiting rather than leave a thread behind
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** The number of epochs completed. */
    public long epoch() {
        return epoch;
    }

    /** The batch within the current epoch that comes next, 0-based. */
    public long batchInEpoch() {
        return position;
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    public int batchSize() {
        return batchSize;
    }

    public ImageDataset data() {
        return data;
    }

    public boolean prefetching() {
        return prefetcher != null;
    }
}
