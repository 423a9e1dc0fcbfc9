package dev.jgan.gan.train;

import dev.jgan.gan.scheme.Scheme;
import dev.jgan.gan.scheme.StepResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The training loop: iterations of a scheme on a source of real batches, with callbacks every N iterations (log,
 * sample, evaluate, checkpoint). The iteration count is the scheme's own, so a run loaded from a checkpoint picks up
 * where it stopped and its callbacks fire at the same iterations as the uninterrupted run's.
 * <pre>{@code
 * Trainer t = new Trainer(scheme, data).every(500, (i, r) -> System.out.println(i + ": " + r));
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

    public Scheme scheme() {
        return scheme;
    }

    public BatchSource data() {
        return data;
    }
}
