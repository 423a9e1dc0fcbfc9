package dev.jgan.gan.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.data.ToyBatches;
import dev.jgan.gan.nets.Mlp;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.Optimizers;
import dev.jgan.gan.scheme.Scheme;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.scheme.StepResult;
import dev.jgan.gan.scheme.Wgan;
import dev.jgan.gan.train.Monitor.Event;
import dev.jgan.gan.train.Monitor.Kind;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.io.TrainingCheckpoint;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Tanh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each detector on hand-made sequences (the exact iteration where it fires, not one earlier, and its values); runs of
 * the 8-Gaussians toy setting of docs/gan.md scaled down for CI (G 16-64-64-2, D 2-64-64-1 with ReLU, batch 64, the
 * non-saturating loss, Adam(beta1 0.5), lr 1e-4): two deliberately broken ones are flagged and the healthy one is not;
 * stopping, the metrics file, the log, and resumption.
 */
class MonitorTest {
    static final int NOISE = 16, HIDDEN = 64, BATCH = 64;
    static final float TOY_LR = 1e-4f;

    // ---------------------------------------------------------------- helpers

    /** The scaled-down toy setting with the given learning rates, from fixed seeds. */
    static Trainer toyRun(float lrG, float lrD) {
        Rng seed = new Rng(42);
        Module g = Mlp.of(new int[] {NOISE, HIDDEN, HIDDEN, 2}, ReLU::new, seed.split());
        Module d = Mlp.of(new int[] {2, HIDDEN, HIDDEN, 1}, ReLU::new, seed.split());
        StandardGan s = StandardGan.builder(g, d, Latent.normal(seed.split(), NOISE))
                .optimizers(Optimizers.adam(g, lrG, 0.5f, 0.999f), Optimizers.adam(d, lrD, 0.5f, 0.999f)).build();
        return new Trainer(s, new ToyBatches(GaussianMixture.ring8(), seed.split(), BATCH));
    }

    /** A scheme for hand-made sequences: G is a 2x2 linear map (set by {@link #scaleGenerator}) of 2-D noise. */
    static StandardGan tinyScheme() {
        Rng init = new Rng(5);
        return StandardGan.builder(new Linear(2, 2, init), new Linear(2, 1, init), Latent.normal(new Rng(6), 2)).build();
    }

    /** G(z) = s z exactly (s a power of two), so the diversity of its samples is s times the noise's. */
    static void scaleGenerator(Scheme scheme, float s) {
        try (GradMode.Scope sc = GradMode.noGrad()) {
            scheme.generator().parameter("weight").copyInPlace(Tensor.of(new float[] {s, 0, 0, s}, 2, 2));
            scheme.generator().parameter("bias").copyInPlace(Tensor.zeros(2));
        }
    }

    static StepResult step(float dLoss, float gLoss, float dNorm, float gNorm) {
        return new StepResult(dLoss, gLoss, dNorm, gNorm, 1, 1, Map.of());
    }

    static StepResult dLoss(float v) {
        return step(v, 1f, 1f, 1f);
    }

    /** Feeds {@code results} as iterations first, first + 1, ...; returns the iterations at which events fired. */
    static List<Long> feed(Monitor m, Scheme s, long first, StepResult... results) {
        List<Long> fired = new ArrayList<>();
        for (int k = 0; k < results.length; k++)
            for (Event e : m.observe(first + k, results[k], s)) fired.add(e.iteration());
        return fired;
    }

    static StepResult[] repeat(int n, StepResult r) {
        StepResult[] out = new StepResult[n];
        Arrays.fill(out, r);
        return out;
    }

    /** The scheme's and the data's state only (what a monitor must not change), as bytes. */
    static byte[] runState(Trainer t, Path file) throws Exception {
        TrainingCheckpoint.Parts parts = new TrainingCheckpoint.Parts();
        t.scheme().registerState(parts.within("scheme"));
        t.data().registerState(parts.within("data"));
        TrainingCheckpoint.save(file, parts, Map.of());
        return Files.readAllBytes(file);
    }

    /** A detector's test case: a monitor, the sequence fed to it from iteration 1, and G's scale before each iteration. */
    record Case(Supplier<Monitor> monitor, StepResult[] results, IntFunction<Float> generatorScale) {
        /** Feeds iterations from..to (1-based, inclusive) to {@code m} on {@code s}; returns the events. */
        List<Event> run(Monitor m, StandardGan s, int from, int to) {
            List<Event> out = new ArrayList<>();
            for (int i = from; i <= to; i++) {
                scaleGenerator(s, generatorScale.apply(i));
                out.addAll(m.observe(i, results[i - 1], s));
            }
            return out;
        }

        List<Long> firedAt() {
            return run(monitor.get(), tinyScheme(), 1, results.length).stream().map(Event::iteration).toList();
        }
    }

    // ---------------------------------------------------------------- the detectors on hand-made sequences

    /**
     * 1: far; 2-5: four near zero; 6: far again (the run restarts); 7-11: five near zero, the last two negative (|loss|
     * counts): fires at 11; 12-15 stay near zero (same episode); 16 NaN ends it; 17-21: a new episode, fires at 21.
     */
    static final Case NEAR_ZERO = new Case(() -> Monitor.builder().detect(Kind.D_LOSS_NEAR_ZERO).dLossNearZero(0.01f, 5).build(),
            new StepResult[] {dLoss(1f), dLoss(0.005f), dLoss(0.005f), dLoss(0.005f), dLoss(0.005f), dLoss(0.5f),
                    dLoss(0.001f), dLoss(0.009f), dLoss(0.002f), dLoss(-0.003f), dLoss(-0.0005f),
                    dLoss(0.001f), dLoss(0.001f), dLoss(0.001f), dLoss(0.001f), dLoss(Float.NaN),
                    dLoss(0f), dLoss(0f), dLoss(0f), dLoss(0f), dLoss(0f)}, i -> 1f);

    @Test
    void dLossNearZeroFiresWhenTheWindowFillsAndOncePerEpisode() {
        Monitor m = NEAR_ZERO.monitor().get();
        List<Event> events = NEAR_ZERO.run(m, tinyScheme(), 1, 21);
        assertThat(events).extracting(Event::iteration).containsExactly(11L, 21L);
        Event e = events.get(0);
        assertThat(e.kind()).isEqualTo(Kind.D_LOSS_NEAR_ZERO);
        assertThat(e.values()).containsExactly(Map.entry("d_loss", -0.0005f), Map.entry("max_abs_d_loss", 0.009f),
                Map.entry("threshold", 0.01f), Map.entry("window", 5f));
        assertThat(m.events()).isEqualTo(events);
        // At the threshold is not below it.
        Monitor edge = Monitor.builder().detect(Kind.D_LOSS_NEAR_ZERO).dLossNearZero(0.01f, 2).build();
        assertThat(feed(edge, tinyScheme(), 1, dLoss(0.01f), dLoss(0.01f), dLoss(0.0099f), dLoss(0.0099f))).containsExactly(4L);
    }

    @Test
    void dLossNearZeroIsNotLookedForWithAWassersteinCritic() {
        Rng init = new Rng(5);
        Wgan w = Wgan.builder(new Linear(2, 2, init), new Linear(2, 1, init), Latent.normal(new Rng(6), 2)).build();
        Monitor m = Monitor.builder().dLossNearZero(0.01f, 3).build();
        assertThat(feed(m, w, 1, repeat(10, step(0f, 0f, 0.5f, 0.5f)))).isEmpty();
        // The same losses from a cross-entropy GAN are flagged.
        assertThat(feed(Monitor.builder().dLossNearZero(0.01f, 3).build(), tinyScheme(), 1, repeat(10, step(0f, 0f, 0.5f, 0.5f))))
                .containsExactly(3L);
    }

    /**
     * 1: fine; 2: at the threshold, not above; 3: D above (fires); 4: still above (same episode); 5: back below; 6: G
     * above (fires); 7: no G step, whose NaN norm is no failure; 8: a NaN D norm is (fires).
     */
    static final Case GRADIENT = new Case(() -> Monitor.builder().detect(Kind.GRADIENT_NORM).gradientNorm(100f).build(),
            new StepResult[] {step(1f, 1f, 50f, 1f), step(1f, 1f, 100f, 100f), step(1f, 1f, 100.5f, 1f), step(1f, 1f, 150f, 1f),
                    step(1f, 1f, 20f, 1f), step(1f, 1f, 20f, 250f), new StepResult(1f, Float.NaN, 20f, Float.NaN, 1, 0, Map.of()),
                    step(Float.NaN, 1f, Float.NaN, 1f)}, i -> 1f);

    @Test
    void gradientNormFiresWhenEitherNormCrossesTheThreshold() {
        List<Event> events = GRADIENT.run(GRADIENT.monitor().get(), tinyScheme(), 1, 8);
        assertThat(events).extracting(Event::iteration).containsExactly(3L, 6L, 8L);
        assertThat(events.get(0).values()).containsExactly(Map.entry("d_grad_norm", 100.5f), Map.entry("g_grad_norm", 1f),
                Map.entry("threshold", 100f));
        assertThat(events.get(1).value("g_grad_norm")).isEqualTo(250f);
        assertThat(events.get(2).value("d_grad_norm")).isNaN();
    }

    /**
     * Windows of 4: window 1 is wild (variance 0.25) but has no earlier windows (3 are needed); windows 2-4 calm
     * (0.0025); 5 wild: fires at 20, not at 19 in mid-window; 6 wild (same episode); 7 calm; 8 wild: fires at 32. The
     * median of the earlier windows stays at the calm 0.0025 while fewer than half are wild.
     */
    static final Case VARIANCE = new Case(
            () -> Monitor.builder().detect(Kind.D_LOSS_VARIANCE_SPIKE).dLossVarianceSpike(4, 10f, 1e-3f, 20, 3).build(),
            windows("wild", "calm", "calm", "calm", "wild", "wild", "calm", "wild"), i -> 1f);

    static StepResult[] windows(String... kinds) {
        List<StepResult> seq = new ArrayList<>();
        for (String k : kinds)
            seq.addAll(k.equals("calm") ? List.of(dLoss(1.0f), dLoss(1.1f), dLoss(1.0f), dLoss(1.1f))
                    : List.of(dLoss(0.5f), dLoss(1.5f), dLoss(0.5f), dLoss(1.5f)));
        return seq.toArray(StepResult[]::new);
    }

    @Test
    void varianceSpikeFiresAtTheEndOfTheFirstSpikingWindow() {
        List<Event> events = VARIANCE.run(VARIANCE.monitor().get(), tinyScheme(), 1, 32);
        assertThat(events).extracting(Event::iteration).containsExactly(20L, 32L);
        Event e = events.get(0);
        double calmMean = (1.0 + (double) 1.1f) / 2, calmVariance = ((double) 1.1f - calmMean) * ((double) 1.1f - calmMean);
        assertThat(e.values()).containsExactly(Map.entry("variance", 0.25f), Map.entry("median_variance", (float) calmVariance),
                Map.entry("factor", 10f), Map.entry("mean_d_loss", 1f), Map.entry("window", 4f));
    }

    @Test
    void varianceSpikesBelowTheFloorAreIgnored() {
        List<StepResult> seq = new ArrayList<>();
        for (int w = 0; w < 3; w++) seq.addAll(List.of(dLoss(1f), dLoss(1.002f)));   // variance ~1e-6
        seq.addAll(List.of(dLoss(1f), dLoss(1.02f)));                                // variance ~1e-4: 100x, below 1e-3
        StepResult[] results = seq.toArray(StepResult[]::new);
        Monitor floored = Monitor.builder().detect(Kind.D_LOSS_VARIANCE_SPIKE).dLossVarianceSpike(2, 10f, 1e-3f, 20, 3).build();
        assertThat(feed(floored, tinyScheme(), 1, results)).isEmpty();
        Monitor unfloored = Monitor.builder().detect(Kind.D_LOSS_VARIANCE_SPIKE).dLossVarianceSpike(2, 10f, 0f, 20, 3).build();
        assertThat(feed(unfloored, tinyScheme(), 1, results)).containsExactly(8L);
    }

    /**
     * Diversity every 2 iterations on 8 samples; G(z) = s z with s = 1/4 from iteration 3. The diversity has collapsed
     * (1/4 < 0.3 of the peak) at iteration 4, but G's loss has then fallen over one interval only: the event comes at 6,
     * after two falling intervals. It stays collapsed (no second event) until G's loss rises at 9-10, and fires again
     * at 14 after two more falls.
     */
    static Case diversityCase(float[] intervalLoss, boolean collapse) {
        StepResult[] results = new StepResult[2 * intervalLoss.length];
        for (int i = 0; i < results.length; i++) results[i] = step(1f, intervalLoss[i / 2], 1f, 1f);
        return new Case(() -> Monitor.builder().detect(Kind.DIVERSITY_COLLAPSE).diversityCollapse(2, 8, 0.3f, 2).build(), results,
                i -> collapse && i >= 3 ? 0.25f : 1f);
    }

    static final float[] FALLING = {1.0f, 0.9f, 0.8f, 0.7f, 0.75f, 0.6f, 0.5f}; // the G loss of each interval of 2 iterations

    @Test
    void diversityCollapseNeedsTheCollapseAndAFallingGeneratorLoss() {
        assertThat(diversityCase(FALLING, true).firedAt()).containsExactly(6L, 14L);
        // Controls: the same collapse with a flat G loss, and the same falling G loss without a collapse.
        assertThat(diversityCase(new float[] {1, 1, 1, 1, 1, 1, 1}, true).firedAt()).isEmpty();
        assertThat(diversityCase(FALLING, false).firedAt()).isEmpty();

        Case c = diversityCase(FALLING, true);
        Monitor m = c.monitor().get();
        StandardGan s = tinyScheme();
        Event e = c.run(m, s, 1, 6).get(0);
        double d0 = Monitor.meanPairwiseDistance(Latent.normal(new Rng(0), 2).sample(8)); // the noise batch of seed 0, s = 1
        assertThat(e.values()).containsExactly(Map.entry("diversity", (float) (d0 / 4)), Map.entry("peak_diversity", (float) d0),
                Map.entry("fraction", 0.3f), Map.entry("g_loss_mean", 0.8f), Map.entry("g_loss_mean_before", 1.0f), Map.entry("every", 2f));
        assertThat(m.lastDiversity()).isEqualTo((float) (d0 / 4));
        assertThat(s.generator().isTraining()).isTrue();
    }

    /**
     * Each detector's case cut in mid-episode (the near-zero run at 3 of 5, the variance window 5 half full, the
     * gradient above the threshold, the diversity between a collapse and the second falling interval), the monitor
     * saved and loaded into a fresh one: the rest of the sequence gives the same events as the uninterrupted run.
     */
    @Test
    void everyDetectorResumesInMidEpisode(@TempDir Path dir) throws Exception {
        Map<String, Object[]> cases = Map.of("near_zero", new Object[] {NEAR_ZERO, 9}, "gradient", new Object[] {GRADIENT, 3},
                "variance", new Object[] {VARIANCE, 18}, "diversity", new Object[] {diversityCase(FALLING, true), 5});
        for (Map.Entry<String, Object[]> entry : cases.entrySet()) {
            Case c = (Case) entry.getValue()[0];
            int split = (Integer) entry.getValue()[1], n = c.results().length;
            List<Event> straight = c.run(c.monitor().get(), tinyScheme(), 1, n);
            StandardGan s = tinyScheme();
            Monitor before = c.monitor().get();
            c.run(before, s, 1, split);
            Path file = dir.resolve(entry.getKey() + ".safetensors");
            TrainingCheckpoint.Parts saved = new TrainingCheckpoint.Parts();
            before.registerState(saved);
            TrainingCheckpoint.save(file, saved, Map.of());
            Monitor after = c.monitor().get();
            TrainingCheckpoint.Parts loaded = new TrainingCheckpoint.Parts();
            after.registerState(loaded);
            TrainingCheckpoint.load(file, loaded);
            List<Event> resumed = c.run(after, s, split + 1, n);
            assertThat(resumed).as(entry.getKey()).isNotEmpty()
                    .isEqualTo(straight.stream().filter(e -> e.iteration() > split).toList());
            // Without the state, the first event after the cut would be missed or come at another iteration.
            assertThat(c.run(c.monitor().get(), tinyScheme(), split + 1, n)).as(entry.getKey() + " from scratch").isNotEqualTo(resumed);
        }
    }

    @Test
    void meanPairwiseDistanceIsTheMeanOverAllPairs() {
        // A 3-4-5 triangle: distances 3, 4 and 5.
        assertThat(Monitor.meanPairwiseDistance(Tensor.of(new float[] {0, 0, 3, 0, 0, 4}, 3, 2))).isEqualTo(4.0);
        // Samples of any shape are flattened: [2, 1, 2, 2], distance sqrt(4 * 1) = 2.
        assertThat(Monitor.meanPairwiseDistance(Tensor.of(new float[] {0, 0, 0, 0, 1, 1, 1, 1}, 2, 1, 2, 2))).isEqualTo(2.0);
        assertThat(Monitor.meanPairwiseDistance(Tensor.zeros(5, 3))).isZero();
        assertThatThrownBy(() -> Monitor.meanPairwiseDistance(Tensor.zeros(1, 3)))
                .hasMessage("Monitor.meanPairwiseDistance: needs at least 2 samples, got shape [1, 3]");
    }

    // ---------------------------------------------------------------- events out: the file, the log, stopping

    @Test
    void eventsAreAppendedToTheMetricsFileWithOneHeader(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("monitor.csv");
        StandardGan s = tinyScheme();
        Monitor m = Monitor.builder().detect(Kind.GRADIENT_NORM, Kind.D_LOSS_NEAR_ZERO).dLossNearZero(0.01f, 2).metricsFile(file).build();
        feed(m, s, 1, step(1f, 1f, 1f, 1f), step(0.005f, 1f, 150f, 1f), step(0.001f, 1f, 1f, 1f));
        assertThat(Files.readAllLines(file)).containsExactly(
                "iteration,event,name,value",
                "2,gradient_norm,d_grad_norm,150.0",
                "2,gradient_norm,g_grad_norm,1.0",
                "2,gradient_norm,threshold,100.0",
                "3,d_loss_near_zero,d_loss,0.001",
                "3,d_loss_near_zero,max_abs_d_loss,0.005",
                "3,d_loss_near_zero,threshold,0.01",
                "3,d_loss_near_zero,window,2.0");
        // A second monitor on the same file (a resumed run) appends without a second header.
        Monitor again = Monitor.builder().detect(Kind.GRADIENT_NORM).metricsFile(file).build();
        feed(again, s, 4, step(1f, 1f, 1f, 1e9f));
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(11).endsWith("4,gradient_norm,g_grad_norm,1.0E9", "4,gradient_norm,threshold,100.0");
        assertThat(lines.stream().filter(l -> l.startsWith("iteration"))).hasSize(1);
        // A file that is something else is refused, and left alone.
        Path other = dir.resolve("metrics.csv");
        Files.writeString(other, "scheme,step,d_loss\n");
        Monitor wrong = Monitor.builder().detect(Kind.GRADIENT_NORM).metricsFile(other).build();
        assertThatThrownBy(() -> wrong.observe(1, step(1f, 1f, 500f, 1f), s)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Monitor: the metrics file " + other + " begins with 'scheme,step,d_loss', not 'iteration,event,name,value': it is not"
                        + " a monitor's events file; give another file");
        assertThat(Files.readString(other)).isEqualTo("scheme,step,d_loss\n");
    }

    @Test
    void eventsAreLoggedAtWarning() {
        Logger logger = Logger.getLogger(Monitor.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(capture);
        try {
            Monitor m = Monitor.builder().detect(Kind.GRADIENT_NORM).gradientNorm(10f).build();
            feed(m, tinyScheme(), 1, step(1f, 1f, 1f, 1f), step(1f, 1f, 12.5f, 1f));
        } finally {
            logger.removeHandler(capture);
        }
        assertThat(records).hasSize(1);
        assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
        assertThat(records.get(0).getMessage()).isEqualTo("training monitor: iteration 2: gradient norm above the threshold (updates blowing"
                + " up): d_grad_norm=12.5, g_grad_norm=1.0, threshold=10.0");
    }

    @Test
    void settingsAreCheckedAndNamed() {
        assertThatThrownBy(() -> Monitor.builder().dLossNearZero(0f, 50))
                .hasMessage("Monitor.dLossNearZero: threshold must be finite and > 0, got threshold=0.0");
        assertThatThrownBy(() -> Monitor.builder().dLossNearZero(0.01f, 0))
                .hasMessage("Monitor.dLossNearZero: window must be >= 1, got window=0");
        assertThatThrownBy(() -> Monitor.builder().gradientNorm(Float.NaN))
                .hasMessage("Monitor.gradientNorm: threshold must be finite and > 0, got threshold=NaN");
        assertThatThrownBy(() -> Monitor.builder().dLossVarianceSpike(1, 10f, 0f, 20, 3))
                .hasMessage("Monitor.dLossVarianceSpike: window must be >= 2, got window=1");
        assertThatThrownBy(() -> Monitor.builder().dLossVarianceSpike(50, 10f, -1f, 20, 3))
                .hasMessage("Monitor.dLossVarianceSpike: floor must be finite and >= 0, got floor=-1.0");
        assertThatThrownBy(() -> Monitor.builder().dLossVarianceSpike(50, 10f, 0f, 2, 3))
                .hasMessage("Monitor.dLossVarianceSpike: history must be >= 3, got history=2");
        assertThatThrownBy(() -> Monitor.builder().diversityCollapse(50, 1, 0.3f, 3))
                .hasMessage("Monitor.diversityCollapse: batch must be >= 2, got batch=1");
        assertThatThrownBy(() -> Monitor.builder().diversityCollapse(50, 64, 1f, 3))
                .hasMessage("Monitor.diversityCollapse: fraction must be in (0, 1), got fraction=1.0");
        assertThatThrownBy(() -> Monitor.builder().diversityCollapse(50, 64, 0.3f, 0))
                .hasMessage("Monitor.diversityCollapse: fallingIntervals must be >= 1, got fallingIntervals=0");
        assertThatThrownBy(() -> Monitor.builder().detect()).hasMessage("Monitor: detect needs at least one kind, got none");
        assertThatThrownBy(() -> Monitor.builder().metricsFile(null)).hasMessage("Monitor: metricsFile must be given");
        Monitor m = Monitor.builder().build();
        StandardGan s = tinyScheme();
        m.observe(5, dLoss(1f), s);
        assertThatThrownBy(() -> m.observe(5, dLoss(1f), s))
                .hasMessage("Monitor.observe: iteration 5 does not come after the last one observed, 5 (one monitor watches one run, in order)");
        assertThat(m.detects()).containsExactly(Kind.values());
        assertThat(m.stopsOn(Kind.GRADIENT_NORM)).isFalse();
    }

    // ---------------------------------------------------------------- runs

    /**
     * The toy setting with D's learning rate 100x too high (1e-2 against G's 1e-4): D wins within 25 iterations (its
     * loss below 0.01 from iteration 23, G's above 5) and stays there for about 80, which the default
     * D_LOSS_NEAR_ZERO (0.01 for 50 iterations) flags at the 50th, iteration 72.
     */
    @Test
    void dLearningRate100xTooHighIsFlagged() {
        Monitor m = Monitor.builder().build();
        Trainer t = toyRun(TOY_LR, 100 * TOY_LR).monitor(m);
        t.trainUntil(100);
        assertThat(m.events()).isNotEmpty();
        Event first = m.events().get(0);
        assertThat(first.kind()).isEqualTo(Kind.D_LOSS_NEAR_ZERO);
        assertThat(first.iteration()).isBetween(60L, 90L);
        assertThat(first.value("max_abs_d_loss")).isLessThan(0.01f);
    }

    /**
     * A D that wins at once: G frozen (learning rate 1e-9: its samples stay a small blob at the origin) against D at
     * 2e-3, which separates the blob from the ring: its loss is below 0.01 from iteration 117 on (flagged at 166).
     */
    @Test
    void dThatWinsAtOnceIsFlagged() {
        Monitor m = Monitor.builder().build();
        Trainer t = toyRun(1e-9f, 20 * TOY_LR).monitor(m);
        t.trainUntil(200);
        assertThat(m.events()).extracting(Event::kind).containsExactly(Kind.D_LOSS_NEAR_ZERO);
        assertThat(m.events().get(0).iteration()).isBetween(130L, 200L);
    }

    /**
     * The toy setting itself over 300 iterations is healthy, and every detector stays quiet: D's loss stays between
     * 0.86 and 1.41 (near 2 log 2, neither side winning), the gradient norms below 1, the variance of D's loss per
     * window of 50 within a few times its median, and G's samples of the fixed batch spread out (diversity 0.13 at
     * iteration 25, 0.69 at its highest, 0.57 at 300: well above 0.3 of the peak) rather than collapse. (The standard GAN
     * collapses onto a mode or two on this ring only over thousands of iterations: docs/gan.md.)
     */
    @Test
    void healthyRunStaysQuiet() {
        Monitor m = Monitor.builder().build();
        Trainer t = toyRun(TOY_LR, TOY_LR).monitor(m);
        t.trainUntil(300);
        assertThat(m.events()).isEmpty();
        assertThat(m.lastDiversity()).isGreaterThan(0.3f); // measured, and spread out
    }

    @Test
    void stopOnEventEndsTheRunAtThatIteration() {
        Monitor m = Monitor.builder().stopOn(Kind.D_LOSS_NEAR_ZERO).build();
        List<Long> endOfRun = new ArrayList<>();
        Trainer t = toyRun(TOY_LR, 100 * TOY_LR).monitor(m).every(1000, (i, r) -> endOfRun.add(i));
        StepResult last = t.trainUntil(400);
        long at = m.events().get(0).iteration();
        assertThat(t.scheme().iterations()).isEqualTo(at);
        assertThat(t.stopRequested()).isTrue();
        assertThat(last.dLoss()).isEqualTo(m.events().get(0).value("d_loss"));
        assertThat(endOfRun).containsExactly(at); // the end-of-run callbacks ran at the stop
        // The next call starts afresh and runs on; the episode goes on, so no new event stops it.
        t.trainUntil(at + 5);
        assertThat(t.scheme().iterations()).isEqualTo(at + 5);
        assertThat(t.stopRequested()).isFalse();
        // A kind not chosen does not stop the run.
        Monitor reportOnly = Monitor.builder().stopOn(Kind.GRADIENT_NORM).build();
        Trainer u = toyRun(TOY_LR, 100 * TOY_LR).monitor(reportOnly);
        u.trainUntil(at + 5);
        assertThat(reportOnly.events()).isNotEmpty();
        assertThat(u.scheme().iterations()).isEqualTo(at + 5);
    }

    /**
     * Monitoring changes nothing: G has batch norm (a forward in training mode would move its running statistics) and
     * a module already in eval mode; the diversity is measured every 2 iterations; the scheme's and the data's state
     * after 12 iterations is bitwise that of the unmonitored run, and G's modes are as they were. The check is
     * sensitive: one training-mode forward of G on the side does change the state.
     */
    @Test
    void monitoredRunIsBitwiseTheUnmonitoredOne(@TempDir Path dir) throws Exception {
        Trainer plain = batchNormRun();
        plain.trainUntil(12);
        Trainer watched = batchNormRun();
        Monitor m = Monitor.builder().diversityCollapse(2, 8, 0.3f, 1).build();
        watched.monitor(m).trainUntil(12);
        assertThat(m.lastDiversity()).isPositive();
        assertThat(runState(watched, dir.resolve("b"))).isEqualTo(runState(plain, dir.resolve("a")));
        Module g = watched.scheme().generator();
        assertThat(g.isTraining()).isTrue();
        assertThat(g.module("1").isTraining()).isTrue();
        assertThat(g.module("3").isTraining()).isFalse();

        Trainer meddled = batchNormRun();
        meddled.every(2, (i, r) -> {
            try (GradMode.Scope s = GradMode.noGrad()) {
                meddled.scheme().generator().forward(Tensor.zeros(8, 4).add(1f));
            }
        }).trainUntil(12);
        assertThat(runState(meddled, dir.resolve("c"))).isNotEqualTo(runState(plain, dir.resolve("a")));
    }

    static Trainer batchNormRun() {
        Rng init = new Rng(1);
        Module g = new Sequential(new Linear(4, 16, init), new BatchNorm1d(16), new Tanh(), new Linear(16, 2, init));
        g.module("3").eval();
        Module d = new Sequential(new Linear(2, 16, init), new LeakyReLU(0.2f), new Linear(16, 1, init));
        StandardGan s = StandardGan.builder(g, d, Latent.normal(new Rng(2), 4)).build();
        return new Trainer(s, new ToyBatches(GaussianMixture.ring8(), new Rng(3), 16));
    }

    /**
     * A monitor set to fire often (small windows, low thresholds) on the broken toy run, straight to
     * 130 iterations and as 65 + save + load into fresh objects + 65: the same events after the checkpoint (kinds,
     * iterations, values), byte-identical final checkpoints (the monitor's state included) and the same metrics file.
     */
    @Test
    void resumedRunReportsTheSameEvents(@TempDir Path dir) throws Exception {
        int n = 130, half = 65;
        Monitor straightMonitor = busyMonitor(dir.resolve("straight.csv"));
        Trainer straight = toyRun(TOY_LR, 100 * TOY_LR).monitor(straightMonitor);
        straight.trainUntil(n);
        straight.save(dir.resolve("straight.safetensors"));

        Trainer first = toyRun(TOY_LR, 100 * TOY_LR).monitor(busyMonitor(dir.resolve("resumed.csv")));
        first.trainUntil(half);
        first.save(dir.resolve("half.safetensors"));
        Monitor resumedMonitor = busyMonitor(dir.resolve("resumed.csv"));
        Trainer resumed = toyRun(TOY_LR, 100 * TOY_LR).monitor(resumedMonitor);
        resumed.load(dir.resolve("half.safetensors"));
        resumed.trainUntil(n);
        resumed.save(dir.resolve("resumed.safetensors"));

        List<Event> after = straightMonitor.events().stream().filter(e -> e.iteration() > half).toList();
        // D's loss is near zero from iteration 23: its window of 50 spans the checkpoint.
        assertThat(after).extracting(Event::kind).contains(Kind.D_LOSS_NEAR_ZERO, Kind.GRADIENT_NORM, Kind.D_LOSS_VARIANCE_SPIKE);
        assertThat(resumedMonitor.events()).isEqualTo(after);
        assertThat(Files.readAllBytes(dir.resolve("resumed.safetensors"))).isEqualTo(Files.readAllBytes(dir.resolve("straight.safetensors")));
        assertThat(Files.readAllLines(dir.resolve("resumed.csv"))).isEqualTo(Files.readAllLines(dir.resolve("straight.csv")));
        // The monitor's state is part of the checkpoint: a trainer without a monitor refuses it.
        assertThatThrownBy(() -> toyRun(TOY_LR, 100 * TOY_LR).load(dir.resolve("half.safetensors"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("monitor/");
    }

    static Monitor busyMonitor(Path file) {
        return Monitor.builder().gradientNorm(10f).dLossVarianceSpike(10, 3f, 1e-4f, 20, 3)
                .diversityCollapse(10, 32, 0.9f, 1).metricsFile(file).build();
    }

    /** The example of the user guide's monitor section (notes for docs/gan.md), as written there but for the paths and counts. */
    @Test
    void docsExample(@TempDir Path dir) throws Exception {
        Trainer base = toyRun(TOY_LR, 100 * TOY_LR);
        Scheme scheme = base.scheme();
        BatchSource data = base.data();
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8);
        // --- (run/ -> dir, 10_000 -> 300, every 500 -> every 50, System.out -> out)
        Monitor monitor = Monitor.builder()
                .metricsFile(dir.resolve("monitor.csv"))
                .stopOn(Monitor.Kind.D_LOSS_NEAR_ZERO, Monitor.Kind.GRADIENT_NORM)
                .build();
        Trainer trainer = new Trainer(scheme, data).monitor(monitor)
                .every(50, (step, r) -> out.printf("%d: D %.3f G %.3f diversity %.3f%n", step, r.dLoss(), r.gLoss(), monitor.lastDiversity()))
                .checkpointEvery(1000, dir.resolve("run.safetensors"));
        trainer.trainUntil(300);
        if (trainer.stopRequested()) out.println("stopped: " + monitor.events());
        // ---
        // Stopped at the event (the end-of-run callback prints 72 too), diversity measured every 50 iterations.
        assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines()).satisfiesExactly(
                l -> assertThat(l).matches("50: D 0\\.00\\d G \\d\\.\\d{3} diversity 0\\.\\d{3}"),
                l -> assertThat(l).matches("72: D 0\\.00\\d G \\d\\.\\d{3} diversity 0\\.\\d{3}"),
                l -> assertThat(l).startsWith("stopped: [iteration 72: D loss near zero (D wins; G gets no useful gradient): d_loss=")
                        .endsWith(", threshold=0.01, window=50.0]"));
        assertThat(Files.readAllLines(dir.resolve("monitor.csv"))).hasSize(5).startsWith("iteration,event,name,value")
                .allMatch(l -> l.startsWith("iteration") || l.startsWith("72,d_loss_near_zero,"));
        assertThat(Files.exists(dir.resolve("run.safetensors"))).isTrue(); // the end-of-run save at the stop
    }
}
