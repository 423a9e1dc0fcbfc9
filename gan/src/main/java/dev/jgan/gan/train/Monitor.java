package dev.jgan.gan.train;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.Scheme;
import dev.jgan.gan.scheme.StepResult;
import dev.jgan.gan.scheme.WassersteinCritic;
import dev.jgan.nn.Conditional;
import dev.jgan.nn.Module;
import dev.jgan.nn.io.TrainingCheckpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Watches a training run for the failures listed under "Track failures early" (item 10) of the NIPS 2016 workshop
 * "How to train a GAN" (https://github.com/soumith/ganhacks) and reports each as an {@link Event}: D's loss near zero
 * for a window of iterations, a gradient norm above a threshold, a spike in the variance of D's loss, and G's loss
 * falling steadily while the diversity of its samples collapses. Every event is logged through {@link System.Logger}
 * at WARNING, appended to a metrics file when one is given, and, for the kinds chosen with
 * {@link Builder#stopOn}, makes {@link Trainer#trainUntil} return after the iteration.
 * <pre>{@code
 * Monitor monitor = Monitor.builder().metricsFile(Path.of("monitor.csv")).stopOn(Monitor.Kind.GRADIENT_NORM).build();
 * Trainer trainer = new Trainer(scheme, data).monitor(monitor);
 * trainer.trainUntil(10_000);
 * }</pre>
 *
 * <p>Each kind fires once when its condition starts to hold and again only after it has stopped holding, so a
 * failure that lasts gives one event, at its onset. Monitoring changes nothing in the run: the diversity is measured
 * on a fixed noise batch drawn from the monitor's own generator, with G in eval mode and without recording, and G's
 * modes are put back afterwards. The windows, counts and running figures are the monitor's state ({@link
 * #registerState}, part of the trainer's run checkpoint), so a resumed run reports the same events as the
 * uninterrupted one. One monitor watches one run.
 */
public final class Monitor implements Stateful {
    private static final System.Logger LOG = System.getLogger(Monitor.class.getName());

    /** The first line of a metrics file: one row per value of an event. */
    public static final String CSV_HEADER = "iteration,event,name,value";

    /** What went wrong. */
    public enum Kind {
        /**
         * |D loss| below a threshold for a window of consecutive iterations: D wins, G gets no useful gradient. Not
         * looked for in a {@link WassersteinCritic} scheme (WGAN, WGAN-GP), whose D loss is a negative distance
         * estimate (plus a penalty) that is near zero at the start and when G does well.
         */
        D_LOSS_NEAR_ZERO("D loss near zero (D wins; G gets no useful gradient)"),
        /** D's or G's global gradient norm above a threshold, or not finite: the updates are blowing up. */
        GRADIENT_NORM("gradient norm above the threshold (updates blowing up)"),
        /** The variance of D's loss over a window far above the median of the earlier windows': training is unstable. */
        D_LOSS_VARIANCE_SPIKE("spike in the variance of the D loss (unstable training)"),
        /** G's loss falling steadily while its samples' diversity collapses: G fools D with a few samples. */
        DIVERSITY_COLLAPSE("G loss falling while sample diversity collapses (mode collapse)");

        private final String meaning;

        Kind(String meaning) {
            this.meaning = meaning;
        }

        /** The name in the metrics file and the log: e.g. {@code d_loss_near_zero}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** One line saying what the event means. */
        public String meaning() {
            return meaning;
        }
    }

    /** A detection: its kind, the iteration (1 for the first) at which it fired, and the figures behind it by name. */
    public record Event(Kind kind, long iteration, Map<String, Float> values) {
        public Event {
            if (kind == null || values == null) throw new IllegalArgumentException("Monitor.Event: kind and values must be given");
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        /** A figure of the event, or NaN when it has none of that name. */
        public float value(String name) {
            Float v = values.get(name);
            return v == null ? Float.NaN : v;
        }

        /** E.g. {@code iteration 180: D loss near zero (D wins; ...): d_loss=3.1E-4, max_abs_d_loss=9.2E-4, ...}. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("iteration ").append(iteration).append(": ").append(kind.meaning()).append(':');
            String sep = " ";
            for (Map.Entry<String, Float> e : values.entrySet()) {
                sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
                sep = ", ";
            }
            return sb.toString();
        }
    }

    private final Set<Kind> detect, stopOn;
    private final Path metricsFile;
    private final NearZero nearZero;
    private final GradientNorm gradientNorm;
    private final VarianceSpike varianceSpike;
    private final DiversityCollapse diversity;
    private final List<Event> events = new ArrayList<>();
    private long lastIteration;

    private Monitor(Builder b) {
        this.detect = Collections.unmodifiableSet(EnumSet.copyOf(b.detect));
        this.stopOn = Collections.unmodifiableSet(EnumSet.copyOf(b.stopOn));
        this.metricsFile = b.metricsFile;
        this.nearZero = new NearZero(b.nearZeroThreshold, b.nearZeroWindow);
        this.gradientNorm = new GradientNorm(b.gradientThreshold);
        this.varianceSpike = new VarianceSpike(b.varianceWindow, b.varianceFactor, b.varianceFloor, b.varianceHistory, b.varianceMinHistory);
        this.diversity = new DiversityCollapse(b.diversityEvery, b.diversityBatch, b.diversityFraction, b.fallingIntervals, b.diversitySeed);
    }

    /** A builder with the defaults documented on each of its setters. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Looks at iteration {@code iteration} of {@code scheme}'s run, which gave {@code result}, and returns the events
     * it detected (usually none), after logging them and appending them to the metrics file. Every
     * {@link Builder#diversityCollapse diversity period} it also measures the diversity of {@code scheme}'s generator.
     * A {@link Trainer} with this monitor calls this after each of its iterations.
     *
     * @throws IllegalArgumentException if {@code iteration} does not come after the last one observed
     * @throws UncheckedIOException if the metrics file cannot be written
     */
    public List<Event> observe(long iteration, StepResult result, Scheme scheme) {
        if (result == null || scheme == null) throw new IllegalArgumentException("Monitor.observe: result and scheme must be given");
        if (iteration <= lastIteration)
            throw new IllegalArgumentException("Monitor.observe: iteration " + iteration + " does not come after the last one observed, "
                    + lastIteration + " (one monitor watches one run, in order)");
        lastIteration = iteration;
        List<Event> found = new ArrayList<>();
        if (detect.contains(Kind.D_LOSS_NEAR_ZERO) && !(scheme instanceof WassersteinCritic)) nearZero.observe(iteration, result, found);
        if (detect.contains(Kind.GRADIENT_NORM)) gradientNorm.observe(iteration, result, found);
        if (detect.contains(Kind.D_LOSS_VARIANCE_SPIKE)) varianceSpike.observe(iteration, result, found);
        if (detect.contains(Kind.DIVERSITY_COLLAPSE)) diversity.observe(iteration, result, scheme, found);
        for (Event e : found) {
            LOG.log(System.Logger.Level.WARNING, "training monitor: " + e);
            if (metricsFile != null) append(metricsFile, e);
            events.add(e);
        }
        return found;
    }

    /** Every event this monitor has reported, in order (since it was built: events before a loaded checkpoint are in the metrics file). */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /**
     * The diversity (mean pairwise distance, {@link #meanPairwiseDistance}) of G's samples of the fixed noise batch
     * at the last measurement, NaN before the first: a figure worth logging beside the losses.
     */
    public float lastDiversity() {
        return (float) diversity.last;
    }

    /** Whether an event of {@code kind} stops the run. */
    public boolean stopsOn(Kind kind) {
        return stopOn.contains(kind);
    }

    /** The kinds this monitor looks for. */
    public Set<Kind> detects() {
        return detect;
    }

    /** The file events are appended to, or null. */
    public Path metricsFile() {
        return metricsFile;
    }

    /**
     * Mean L2 distance over all pairs of samples of {@code samples} [N, ...] (N >= 2, each sample flattened),
     * accumulated in double: the diversity figure. 0 when all samples are equal.
     */
    public static double meanPairwiseDistance(Tensor samples) {
        int n = samples.shape().length == 0 ? 0 : samples.size(0);
        if (n < 2) throw new IllegalArgumentException("Monitor.meanPairwiseDistance: needs at least 2 samples, got shape "
                + Shape.str(samples.shape()));
        float[] x = samples.toArray();
        int dim = x.length / n;
        double total = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                double sq = 0;
                for (int k = 0; k < dim; k++) {
                    double d = (double) x[i * dim + k] - x[j * dim + k];
                    sq += d * d;
                }
                total += Math.sqrt(sq);
            }
        return total / ((double) n * (n - 1) / 2);
    }

    /**
     * Declares the detectors' windows, counts and running figures, and the last iteration observed. A checkpoint loads
     * only into a monitor with the same window and history sizes (the shapes of its tensors are checked); build the
     * resumed run's monitor with the saved run's settings.
     */
    @Override
    public void registerState(TrainingCheckpoint.Parts parts) {
        parts.counter("last_iteration", () -> lastIteration, v -> lastIteration = v);
        nearZero.registerState(parts.within("d_loss_near_zero"));
        gradientNorm.registerState(parts.within("gradient_norm"));
        varianceSpike.registerState(parts.within("d_loss_variance"));
        diversity.registerState(parts.within("diversity"));
    }

    // ---------------------------------------------------------------- the metrics file

    /** Appends the event's rows, after the header if the file is new or empty; refuses a file with another header. */
    private static void append(Path file, Event e) {
        try {
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            if (!fresh) {
                String first;
                try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    first = r.readLine();
                }
                if (!CSV_HEADER.equals(first))
                    throw new IllegalArgumentException("Monitor: the metrics file " + file + " begins with '" + first + "', not '" + CSV_HEADER
                            + "': it is not a monitor's events file; give another file");
            }
            StringBuilder rows = new StringBuilder(fresh ? CSV_HEADER + "\n" : "");
            for (Map.Entry<String, Float> v : e.values().entrySet())
                rows.append(e.iteration()).append(',').append(e.kind().id()).append(',').append(v.getKey()).append(',')
                        .append(v.getValue()).append('\n');
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                w.write(rows.toString());
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("Monitor: could not append the event of iteration " + e.iteration() + " to the metrics file " + file
                    + ": " + ex.getMessage(), ex);
        }
    }

    private static boolean flag(long v) {
        return v != 0;
    }

    // ---------------------------------------------------------------- the detectors

    /** D_LOSS_NEAR_ZERO: fires at the iteration where {@code |D loss| < threshold} has held for {@code window} iterations in a row. */
    private static final class NearZero {
        final float threshold;
        final int window;
        // Invariant: run = consecutive iterations so far with |D loss| < threshold; max = the largest |D loss| among them.
        long run;
        double max;

        NearZero(float threshold, int window) {
            this.threshold = threshold;
            this.window = window;
        }

        void observe(long iteration, StepResult r, List<Event> out) {
            float v = Math.abs(r.dLoss());
            if (!(v < threshold)) { // NaN ends the run too
                run = 0;
                max = 0;
                return;
            }
            max = run == 0 ? v : Math.max(max, v);
            run++;
            if (run == window)
                out.add(new Event(Kind.D_LOSS_NEAR_ZERO, iteration, values("d_loss", r.dLoss(), "max_abs_d_loss", (float) max,
                        "threshold", threshold, "window", window)));
        }

        void registerState(TrainingCheckpoint.Parts p) {
            p.counter("run", () -> run, v -> run = v).scalar("max", () -> max, v -> max = v);
        }
    }

    /** GRADIENT_NORM: fires at an iteration whose D or G gradient norm exceeds the threshold (or is NaN) after one that did not. */
    private static final class GradientNorm {
        final float threshold;
        boolean above;

        GradientNorm(float threshold) {
            this.threshold = threshold;
        }

        void observe(long iteration, StepResult r, List<Event> out) {
            // A NaN norm is a failure too; a G norm is NaN without failure only when G took no step.
            boolean now = (r.dSteps() > 0 && !(r.dGradNorm() <= threshold)) || (r.gSteps() > 0 && !(r.gGradNorm() <= threshold));
            if (now && !above)
                out.add(new Event(Kind.GRADIENT_NORM, iteration, values("d_grad_norm", r.dGradNorm(), "g_grad_norm", r.gGradNorm(),
                        "threshold", threshold)));
            above = now;
        }

        void registerState(TrainingCheckpoint.Parts p) {
            p.counter("above", () -> above ? 1 : 0, v -> above = flag(v));
        }
    }

    /**
     * D_LOSS_VARIANCE_SPIKE: D's losses in consecutive windows of {@code window} iterations; at the end of a window its
     * variance is compared with the median variance of up to {@code history} earlier windows (at least
     * {@code minHistory} of them), and a spike is a variance above {@code factor} times that median and above
     * {@code floor}. Fires at the end of a spiking window that follows a window that did not spike.
     */
    private static final class VarianceSpike {
        final int window, history, minHistory;
        final float factor, floor;
        // Invariant: buffer[0 .. filled) are the D losses of the current window; past[k % history] is the variance of
        // window k for the last min(windows, history) completed windows with a finite variance.
        final Tensor buffer, past;
        long filled, windows;
        boolean spiking;

        VarianceSpike(int window, float factor, float floor, int history, int minHistory) {
            this.window = window;
            this.factor = factor;
            this.floor = floor;
            this.history = history;
            this.minHistory = minHistory;
            this.buffer = Tensor.zeros(window);
            this.past = Tensor.zeros(history);
        }

        void observe(long iteration, StepResult r, List<Event> out) {
            float[] b = buffer.buffer();
            b[(int) filled++] = r.dLoss();
            buffer.markModified();
            if (filled < window) return;
            filled = 0;
            double mean = 0;
            for (float v : b) mean += v;
            mean /= window;
            double var = 0;
            for (float v : b) var += (v - mean) * (v - mean);
            float variance = (float) (var / window); // population variance
            // A NaN or infinite loss is the gradient detector's to report; it must not enter the median.
            if (!Float.isFinite(variance)) return;
            float[] p = past.buffer();
            int earlier = (int) Math.min(windows, history);
            boolean spike = false;
            float median = Float.NaN;
            if (earlier >= minHistory) {
                median = median(p, earlier);
                spike = variance > factor * median && variance > floor;
            }
            if (spike && !spiking)
                out.add(new Event(Kind.D_LOSS_VARIANCE_SPIKE, iteration, values("variance", variance, "median_variance", median,
                        "factor", factor, "mean_d_loss", (float) mean, "window", window)));
            spiking = spike;
            p[(int) (windows % history)] = variance;
            past.markModified();
            windows++;
        }

        private static float median(float[] values, int n) {
            float[] s = Arrays.copyOf(values, n);
            Arrays.sort(s);
            return n % 2 == 1 ? s[n / 2] : (float) (((double) s[n / 2 - 1] + s[n / 2]) / 2);
        }

        void registerState(TrainingCheckpoint.Parts p) {
            p.tensor("window", buffer).counter("filled", () -> filled, v -> filled = v)
                    .tensor("history", past).counter("windows", () -> windows, v -> windows = v)
                    .counter("spiking", () -> spiking ? 1 : 0, v -> spiking = flag(v));
        }
    }

    /**
     * DIVERSITY_COLLAPSE: every {@code every} iterations, the mean pairwise distance of G's samples of a fixed noise
     * batch, and the mean G loss over the iterations since the last measurement. A collapse is a diversity below
     * {@code fraction} of the highest measured so far while the mean G loss fell from each interval to the next over
     * the last {@code falling} intervals. Fires at a measurement that finds a collapse after one that did not.
     */
    private static final class DiversityCollapse {
        final int every, batch, falling;
        final float fraction;
        final long seed;
        // Invariant: gSum and gCount cover the finite G losses since the last measurement; means[k % (falling + 1)] is
        // the mean G loss of interval k for the last min(intervals, falling + 1) intervals; peak is the highest
        // diversity measured (NaN before the first).
        final Tensor means;
        double gSum, peak = Double.NaN, last = Double.NaN;
        long gCount, intervals;
        boolean collapsed;
        /** The fixed batch, drawn at the first measurement from a generator seeded with {@code seed}: not state. */
        Tensor noise;
        int[] labels;

        DiversityCollapse(int every, int batch, float fraction, int falling, long seed) {
            this.every = every;
            this.batch = batch;
            this.fraction = fraction;
            this.falling = falling;
            this.seed = seed;
            this.means = Tensor.zeros(falling + 1);
        }

        void observe(long iteration, StepResult r, Scheme scheme, List<Event> out) {
            if (r.gSteps() > 0 && Float.isFinite(r.gLoss())) {
                gSum += r.gLoss();
                gCount++;
            }
            if (iteration % every != 0) return;
            float[] m = means.buffer();
            int slots = falling + 1;
            m[(int) (intervals % slots)] = gCount == 0 ? Float.NaN : (float) (gSum / gCount);
            means.markModified();
            intervals++;
            gSum = 0;
            gCount = 0;
            double d = measure(scheme);
            last = d;
            if (Double.isNaN(d)) return;
            if (Double.isNaN(peak) || d > peak) peak = d;
            boolean fell = intervals >= slots;
            for (int k = 0; k < falling && fell; k++) // newest interval first: each lower than the one before it
                fell = m[(int) ((intervals - 1 - k) % slots)] < m[(int) ((intervals - 2 - k) % slots)];
            boolean collapse = fell && d < fraction * peak;
            if (collapse && !collapsed)
                out.add(new Event(Kind.DIVERSITY_COLLAPSE, iteration, values("diversity", (float) d, "peak_diversity", (float) peak,
                        "fraction", fraction, "g_loss_mean", m[(int) ((intervals - 1) % slots)],
                        "g_loss_mean_before", m[(int) ((intervals - 1 - falling) % slots)], "every", every)));
            collapsed = collapse;
        }

        /**
         * The diversity of G's samples of the fixed batch, generated in eval mode without recording; every module of
         * G is put back in the mode it was in, so the run goes on as if nothing had been measured.
         */
        double measure(Scheme scheme) {
            Module g = scheme.generator();
            Latent latent = scheme.latent();
            if (noise == null) {
                Rng rng = new Rng(seed);
                noise = new Latent(latent.distribution(), rng, latent.shape()).sample(batch);
                if (g instanceof Conditional c) { // classes in turn, so each is in the batch when batch >= classes
                    labels = new int[batch];
                    for (int i = 0; i < batch; i++) labels[i] = i % c.numClasses();
                }
            }
            Map<String, Module> modules = g.namedModules();
            boolean[] training = new boolean[modules.size()];
            int i = 0;
            for (Module m : modules.values()) training[i++] = m.isTraining();
            g.eval();
            try (GradMode.Scope s = GradMode.noGrad()) {
                Tensor x = labels != null ? ((Conditional) g).forward(noise, labels) : g.forward(noise);
                return meanPairwiseDistance(x);
            } finally {
                // Parents before children (namedModules is depth first), as train(boolean) recurses into children.
                i = 0;
                for (Module m : modules.values()) m.train(training[i++]);
            }
        }

        void registerState(TrainingCheckpoint.Parts p) {
            p.scalar("peak", () -> peak, v -> peak = v).scalar("last", () -> last, v -> last = v).scalar("g_loss_sum", () -> gSum, v -> gSum = v)
                    .counter("g_loss_count", () -> gCount, v -> gCount = v)
                    .tensor("g_loss_means", means).counter("intervals", () -> intervals, v -> intervals = v)
                    .counter("collapsed", () -> collapsed ? 1 : 0, v -> collapsed = flag(v));
        }
    }

    /** Alternating names and numbers as an ordered map. */
    private static Map<String, Float> values(Object... nameValue) {
        Map<String, Float> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) m.put((String) nameValue[i], ((Number) nameValue[i + 1]).floatValue());
        return m;
    }

    // ---------------------------------------------------------------- settings

    /** Settings of a {@link Monitor}; each setter checks its values and names the bad one. */
    public static final class Builder {
        private final EnumSet<Kind> detect = EnumSet.allOf(Kind.class);
        private final EnumSet<Kind> stopOn = EnumSet.noneOf(Kind.class);
        private Path metricsFile;
        private float nearZeroThreshold = 1e-2f;
        private int nearZeroWindow = 50;
        private float gradientThreshold = 100f;
        private int varianceWindow = 50, varianceHistory = 20, varianceMinHistory = 3;
        private float varianceFactor = 10f, varianceFloor = 1e-3f;
        private int diversityEvery = 50, diversityBatch = 64, fallingIntervals = 3;
        private float diversityFraction = 0.3f;
        private long diversitySeed = 0;

        private Builder() {}

        /** Looks only for these kinds (default all four). */
        public Builder detect(Kind... kinds) {
            if (kinds == null || kinds.length == 0) throw new IllegalArgumentException("Monitor: detect needs at least one kind, got none");
            detect.clear();
            for (Kind k : kinds) {
                if (k == null) throw new IllegalArgumentException("Monitor: detect got a null kind");
                detect.add(k);
            }
            return this;
        }

        /** Stops the run (see {@link Trainer#requestStop}) on an event of one of these kinds (default none: report only). */
        public Builder stopOn(Kind... kinds) {
            stopOn.clear();
            for (Kind k : kinds) {
                if (k == null) throw new IllegalArgumentException("Monitor: stopOn got a null kind");
                stopOn.add(k);
            }
            return this;
        }

        /** Appends every event to this CSV file ({@value Monitor#CSV_HEADER}, one row per value; the header once). Default none. */
        public Builder metricsFile(Path file) {
            if (file == null) throw new IllegalArgumentException("Monitor: metricsFile must be given");
            this.metricsFile = file;
            return this;
        }

        /**
         * D_LOSS_NEAR_ZERO fires when {@code |D loss| < threshold} for {@code window} consecutive iterations
         * (default 0.01 for 50): ganhacks' "D loss goes to 0: failure mode". With the cross-entropy losses 0.01 means D
         * puts about 0.5% probability on the wrong side on average; a healthy run's D loss is of order 1 (2 log 2 = 1.39
         * at equilibrium).
         */
        public Builder dLossNearZero(float threshold, int window) {
            positive("dLossNearZero", "threshold", threshold);
            atLeast("dLossNearZero", "window", window, 1);
            this.nearZeroThreshold = threshold;
            this.nearZeroWindow = window;
            return this;
        }

        /**
         * GRADIENT_NORM fires when D's or G's global gradient norm exceeds {@code threshold} (default 100): ganhacks'
         * "check norms of gradients: if they are over 100 things are screwing up".
         */
        public Builder gradientNorm(float threshold) {
            positive("gradientNorm", "threshold", threshold);
            this.gradientThreshold = threshold;
            return this;
        }

        /**
         * D_LOSS_VARIANCE_SPIKE fires when the variance of the D loss over a window of {@code window} iterations exceeds
         * {@code factor} times the median variance of up to {@code history} earlier windows (at least
         * {@code minHistory}) and also exceeds {@code floor} (default window 50, factor 10, floor 1e-3, history 20,
         * minHistory 3): ganhacks' "when things are working, D loss has low variance and goes down over time vs
         * having huge variance and spiking". The floor keeps jitter around a tiny variance from counting as a spike.
         */
        public Builder dLossVarianceSpike(int window, float factor, float floor, int history, int minHistory) {
            atLeast("dLossVarianceSpike", "window", window, 2);
            positive("dLossVarianceSpike", "factor", factor);
            if (!(floor >= 0) || !Float.isFinite(floor))
                throw new IllegalArgumentException("Monitor.dLossVarianceSpike: floor must be finite and >= 0, got floor=" + floor);
            atLeast("dLossVarianceSpike", "minHistory", minHistory, 1);
            atLeast("dLossVarianceSpike", "history", history, minHistory);
            this.varianceWindow = window;
            this.varianceFactor = factor;
            this.varianceFloor = floor;
            this.varianceHistory = history;
            this.varianceMinHistory = minHistory;
            return this;
        }

        /**
         * DIVERSITY_COLLAPSE: every {@code every} iterations the diversity (mean pairwise distance) of G's samples of a
         * fixed batch of {@code batch} noise vectors is measured, and the event fires when it is below {@code fraction}
         * of the highest measured so far while the mean G loss per interval between measurements fell in each of the
         * last {@code fallingIntervals} intervals (default every 50, batch 64, fraction 0.3, 3 intervals): ganhacks'
         * "if loss of generator steadily decreases, then it's fooling D with garbage", made specific by the diversity.
         */
        public Builder diversityCollapse(int every, int batch, float fraction, int fallingIntervals) {
            atLeast("diversityCollapse", "every", every, 1);
            atLeast("diversityCollapse", "batch", batch, 2);
            if (!(fraction > 0 && fraction < 1))
                throw new IllegalArgumentException("Monitor.diversityCollapse: fraction must be in (0, 1), got fraction=" + fraction);
            atLeast("diversityCollapse", "fallingIntervals", fallingIntervals, 1);
            this.diversityEvery = every;
            this.diversityBatch = batch;
            this.diversityFraction = fraction;
            this.fallingIntervals = fallingIntervals;
            return this;
        }

        /** The seed of the generator the fixed diversity batch is drawn from (default 0); the run's generators are not touched. */
        public Builder diversitySeed(long seed) {
            this.diversitySeed = seed;
            return this;
        }

        public Monitor build() {
            return new Monitor(this);
        }

        private static void positive(String who, String name, float v) {
            if (!(v > 0) || !Float.isFinite(v))
                throw new IllegalArgumentException("Monitor." + who + ": " + name + " must be finite and > 0, got " + name + "=" + v);
        }

        private static void atLeast(String who, String name, int v, int min) {
            if (v < min) throw new IllegalArgumentException("Monitor." + who + ": " + name + " must be >= " + min + ", got " + name + "=" + v);
        }
    }
}
