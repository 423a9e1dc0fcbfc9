package dev.jgan.gan.train;

import dev.jgan.gan.scheme.Scheme;
import dev.jgan.gan.scheme.StepResult;
import dev.jgan.nn.io.TrainingCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training loop: iterations of a scheme on a source of real batches, with callbacks every N iterations (log,
 * sample, evaluate, checkpoint). The iteration count is the scheme's own, so a run loaded from a checkpoint picks up
 * where it stopped and its callbacks fire at the same iterations as the uninterrupted run's.
 * <pre>{@code
 * Trainer t = new Trainer(scheme, data).every(500, (i, r) -> System.out.println(i + ": " + r))
 *         .checkpointEvery(1000, Path.of("run.safetensors"));
 * t.trainUntil(10_000);
 * }</pre>
 */
public final class Trainer {
    private final Scheme scheme;
    private final BatchSource data;
    private final List<Every> callbacks = new ArrayList<>();

    private record Every(long period, Callback callback) {}

    public Trainer(Scheme scheme, BatchSource data) {
        if (scheme == null || data == null) throw new IllegalArgumentException("Trainer: scheme and data must be given");
        this.scheme = scheme;
        this.data = data;
    }

    /** Calls {@code callback} after every {@code period}-th iteration (and after the last one of {@link #trainUntil}). */
    public Trainer every(long period, Callback callback) {
        if (period < 1) throw new IllegalArgumentException("Trainer.every: period must be >= 1, got " + period);
        if (callback == null) throw new IllegalArgumentException("Trainer.every: callback must be given");
        callbacks.add(new Every(period, callback));
        return this;
    }

    /** Saves a run checkpoint (see {@link #save}) to {@code file} every {@code period} iterations, replacing the previous one. */
    public Trainer checkpointEvery(long period, Path file) {
        return every(period, (iteration, result) -> save(file));
    }

    /** One iteration, then the callbacks due. */
    public StepResult step() {
        StepResult result = scheme.step(data);
        long i = scheme.iterations();
        for (Every e : callbacks) if (i % e.period() == 0) call(e, i, result);
        return result;
    }

    /**
     * Iterates until the scheme has done {@code iterations} in all (none if it already has); callbacks whose period
     * does not divide the final count run once more after it. Returns the last result, or null if none ran.
     */
    public StepResult trainUntil(long iterations) {
        StepResult last = null;
        while (scheme.iterations() < iterations) last = step();
        if (last != null) {
            long i = scheme.iterations();
            for (Every e : callbacks) if (i % e.period() != 0) call(e, i, last);
        }
        return last;
    }

    private static void call(Every e, long iteration, StepResult result) {
        try {
            e.callback().after(iteration, result);
        } catch (IOException ex) {
            throw new UncheckedIOException("callback after iteration " + iteration + ": " + ex.getMessage(), ex);
        } catch (RuntimeException ex) {
            throw ex;
        } catch (Exception ex) {
            throw new IllegalStateException("callback after iteration " + iteration + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Saves everything that changes from step to step, the scheme's (networks, optimizers, random generators,
     * counters) and the data source's, as one training checkpoint: one file, written atomically, so a crash leaves
     * the previous checkpoint whole. A trainer built the same way and {@link #load}ed from it continues bitwise.
     */
    public void save(Path file) throws IOException {
        TrainingCheckpoint.save(file, parts(), Map.of("scheme", scheme.describe(), "iterations", Long.toString(scheme.iterations())));
    }

    /**
     * Restores a file written by {@link #save} into this trainer's scheme and data source, which must be built as
     * the saved run's were (same networks, optimizers, schedule); everything is checked before anything changes.
     */
    public void load(Path file) throws IOException {
        TrainingCheckpoint.load(file, parts());
    }

    private TrainingCheckpoint.Parts parts() {
        TrainingCheckpoint.Parts parts = new TrainingCheckpoint.Parts();
        scheme.registerState(parts.within("scheme"));
        data.registerState(parts.within("data"));
        return parts;
    }

    public Scheme scheme() {
        return scheme;
    }

    public BatchSource data() {
        return data;
    }
}
