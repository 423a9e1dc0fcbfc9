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
 * sample, evaluate, checkpoint) and optionally a failure {@link Monitor} that sees every iteration. The iteration
 * count is the scheme's own, so a run loaded from a checkpoint picks up where it stopped and its callbacks fire at
 * the same iterations as the uninterrupted run's. A run ends early on {@link #requestStop} (from a callback, the
 * monitor or another thread).
 * <pre>{@code
 * Trainer t = new Trainer(scheme, data).every(500, (i, r) -> System.out.println(i + ": " + r))
 *         .monitor(Monitor.builder().stopOn(Monitor.Kind.GRADIENT_NORM).build())
 *         .checkpointEvery(1000, Path.of("run.safetensors"));
 * t.trainUntil(10_000);
 * }</pre>
 */
public final class Trainer {
    private final Scheme scheme;
    private final BatchSource data;
    private final List<Every> callbacks = new ArrayList<>();
    private Monitor monitor;
    private volatile boolean stopRequested;

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

    /**
     * Watches every iteration with {@code monitor}, before the callbacks, and requests a stop (see {@link #requestStop})
     * on an event of a kind it {@link Monitor#stopsOn stops on}. Its state becomes part of the run checkpoint (group
     * {@code monitor}), so a trainer that loads a checkpoint saved with a monitor needs one built the same way; to
     * add a monitor to a run saved without one, attach it after {@link #load}.
     */
    public Trainer monitor(Monitor monitor) {
        if (monitor == null) throw new IllegalArgumentException("Trainer.monitor: monitor must be given");
        if (this.monitor != null) throw new IllegalArgumentException("Trainer.monitor: this trainer already has a monitor");
        this.monitor = monitor;
        return this;
    }

    /** One iteration, then the monitor's look at it, then the callbacks due. */
    public StepResult step() {
        StepResult result = scheme.step(data);
        long i = scheme.iterations();
        if (monitor != null)
            for (Monitor.Event e : monitor.observe(i, result, scheme)) if (monitor.stopsOn(e.kind())) requestStop();
        for (Every e : callbacks) if (i % e.period() == 0) call(e, i, result);
        return result;
    }

    /**
     * Iterates until the scheme has done {@code iterations} in all (none if it already has), or until a stop is
     * requested ({@link #requestStop}), which ends the run after the iteration in progress; either way, callbacks
     * whose period does not divide the final count run once more after it. A stop requested before this call starts
     * is cleared; one requested during it stays visible through {@link #stopRequested} until the next call. Returns
     * the last result, or null if none ran.
     */
    public StepResult trainUntil(long iterations) {
        stopRequested = false;
        StepResult last = null;
        while (scheme.iterations() < iterations && !stopRequested) last = step();
        if (last != null) {
            long i = scheme.iterations();
            for (Every e : callbacks) if (i % e.period() != 0) call(e, i, last);
        }
        return last;
    }

    /**
     * Asks {@link #trainUntil} to return after the iteration in progress (its callbacks due still run). Safe to call
     * from a callback, from the monitor and from another thread; {@link #step} ignores it.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /** Whether a stop was requested during the current or last {@link #trainUntil}: true after a run that ended early. */
    public boolean stopRequested() {
        return stopRequested;
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
     * counters), the data source's and the monitor's (its windows and counts), as one training checkpoint: one file,
     * written atomically, so a crash leaves the previous checkpoint whole. A trainer built the same way and
     * {@link #load}ed from it continues bitwise.
     */
    public void save(Path file) throws IOException {
        TrainingCheckpoint.save(file, parts(), Map.of("scheme", scheme.describe(), "iterations", Long.toString(scheme.iterations())));
    }

    /**
     * Restores a file written by {@link #save} into this trainer's scheme, data source and monitor, which must be built
     * as the saved run's were (same networks, optimizers, schedule, monitor settings); everything is checked before
     * anything changes.
     */
    public void load(Path file) throws IOException {
        TrainingCheckpoint.load(file, parts());
    }

    private TrainingCheckpoint.Parts parts() {
        TrainingCheckpoint.Parts parts = new TrainingCheckpoint.Parts();
        scheme.registerState(parts.within("scheme"));
        data.registerState(parts.within("data"));
        if (monitor != null) monitor.registerState(parts.within("monitor"));
        return parts;
    }

    public Scheme scheme() {
        return scheme;
    }

    public BatchSource data() {
        return data;
    }
}
