package dev.jgan.gan.tricks;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.loss.MinimaxLoss;
import dev.jgan.gan.loss.NonSaturatingLoss;
import dev.jgan.gan.scheme.Minibatch;
import dev.jgan.gan.scheme.Scheme;
import dev.jgan.gan.train.Stateful;
import dev.jgan.nn.Module;
import dev.jgan.nn.io.TrainingCheckpoint;
import dev.jgan.nn.layers.GaussianNoise;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training tricks of the NIPS 2016 workshop "How to train a GAN" (https://github.com/soumith/ganhacks) and the
 * papers behind them, as options of any scheme, each off unless set:
 * <ul>
 *   <li>D's targets in a cross-entropy loss: {@link #oneSidedLabelSmoothing}, {@link #softLabels}, {@link #labelFlipping};
 *   <li>D's inputs: {@link #instanceNoise}, {@link #experienceReplay}, {@link #jointBatches};
 *   <li>the networks: {@link #generatorLayerNoise}, annealed noise on G's {@link GaussianNoise} layers;
 *       {@link #swapGenerator} / {@link #swapDiscriminator} with stored earlier copies, and {@link #generatorAverage},
 *       an exponential moving average of G's weights to sample from.
 * </ul>
 * A scheme calls the hooks below at fixed points of its iteration; with every option off each hook returns its input
 * unchanged, so the step is bitwise the plain one. Everything a trick changes from step to step (its random generator,
 * the replay buffer, stored copies, the average) is declared in {@link #registerState}, so a resumed run continues
 * bitwise. Each trick draws from its own generator, so switching one on does not change another's draws. The options
 * are fixed once a scheme is built with them, and a Tricks serves one scheme (it holds that run's state).
 * <pre>{@code
 * Rng seed = new Rng(42);
 * Tricks tricks = Tricks.none().oneSidedLabelSmoothing(0.9f).instanceNoise(InstanceNoise.linear(0.1f, 2000, seed.split()))
 *         .experienceReplay(4096, 0.5f, seed.split()).generatorAverage(Mlp.toyGenerator(seed.split()), 0.999f, 1000);
 * StandardGan gan = StandardGan.builder(g, d, latent).tricks(tricks).build();
 * }</pre>
 */
public final class Tricks implements Stateful {
    private final LabelTargets targets = new LabelTargets();
    private InstanceNoise instanceNoise;
    /** The schedule of the noise on G's layers, and those layers (found when the tricks are bound to a scheme). */
    private InstanceNoise layerNoise;
    private List<GaussianNoise> noiseLayers = List.of();
    private ExperienceReplay replay;
    private PastSwaps generatorSwaps, discriminatorSwaps;
    private GeneratorAverage average;
    private boolean jointBatches;
    /** The scheme built with these tricks (set by {@link #check}, which fixes the options) and the one that runs them (first iteration). */
    private String scheme;
    private Scheme bound;

    private Tricks() {}

    /** Every trick off. */
    public static Tricks none() {
        return new Tricks();
    }

    // ---------------------------------------------------------------- D's targets

    /**
     * One-sided label smoothing (Salimans et al. 2016, "Improved Techniques for Training GANs", section 3.4): D's target
     * for real samples is {@code alpha} (e.g. 0.9) instead of 1; generated samples keep 0 ("smoothing only the positive
     * labels", as smoothing the negative ones would reward D's mistakes). Only with a cross-entropy D loss (minimax or
     * non-saturating); not together with {@link #softLabels}. Off by default.
     */
    public Tricks oneSidedLabelSmoothing(float alpha) {
        requireOpen();
        if (!(alpha > 0f && alpha < 1f))
            throw new IllegalArgumentException("Tricks.oneSidedLabelSmoothing: alpha must be in (0, 1) (1 is no smoothing), got alpha=" + alpha);
        targets.smoothing = alpha;
        return this;
    }

    /** {@link #softLabels(float, float, float, float, Rng)} with ganhacks' ranges: real targets in [0.7, 1.2], fake in [0, 0.3]. */
    public Tricks softLabels(Rng rng) {
        return softLabels(0.7f, 1.2f, 0f, 0.3f, rng);
    }

    /**
     * Random soft labels (ganhacks 6, "use soft and noisy labels"): D's target for each real sample is drawn uniformly
     * from [realLow, realHigh] and for each generated sample from [fakeLow, fakeHigh], per sample at every D step,
     * from {@code rng} (this trick's own). Only with a cross-entropy D loss; not together with
     * {@link #oneSidedLabelSmoothing}. Off by default.
     */
    public Tricks softLabels(float realLow, float realHigh, float fakeLow, float fakeHigh, Rng rng) {
        requireOpen();
        if (!Float.isFinite(realLow) || !Float.isFinite(realHigh) || !Float.isFinite(fakeLow) || !Float.isFinite(fakeHigh) || realLow > realHigh
                || fakeLow > fakeHigh)
            throw new IllegalArgumentException("Tricks.softLabels: each range must be finite with low <= high, got real [" + realLow + ", "
                    + realHigh + "] fake [" + fakeLow + ", " + fakeHigh + "]");
        if (rng == null) throw new IllegalArgumentException("Tricks.softLabels: rng must be given");
        targets.realLow = realLow;
        targets.realHigh = realHigh;
        targets.fakeLow = fakeLow;
        targets.fakeHigh = fakeHigh;
        targets.softRng = rng;
        return this;
    }

    /**
     * Label flipping (ganhacks 6, "occasionally flip the labels when training the discriminator"): at every D step each
     * sample's target is swapped with probability {@code p} (a real sample gets the fake target, a generated one the
     * real target, smoothed or soft if those are on), drawn from {@code rng} (this trick's own). Only with a
     * cross-entropy D loss. Off by default.
     */
    public Tricks labelFlipping(float p, Rng rng) {
        requireOpen();
        if (!(p > 0f && p <= 1f)) throw new IllegalArgumentException("Tricks.labelFlipping: p must be in (0, 1], got p=" + p);
        if (rng == null) throw new IllegalArgumentException("Tricks.labelFlipping: rng must be given");
        targets.flipProbability = p;
        targets.flipRng = rng;
        return this;
    }

    // ---------------------------------------------------------------- D's inputs

    /**
     * Instance noise on every input of D, real and generated, in D's steps and G's (see {@link InstanceNoise}: linear
     * decay to 0 over T iterations, or constant). Off by default.
     */
    public Tricks instanceNoise(InstanceNoise noise) {
        requireOpen();
        if (noise == null) throw new IllegalArgumentException("Tricks.instanceNoise: noise must be given (InstanceNoise.linear or .constant)");
        this.instanceNoise = noise;
        return this;
    }

    /**
     * Experience replay (ganhacks 8; Shrivastava et al. 2017, section 2.3, who replay half the batch): at each D step
     * round({@code share} N) of the N generated samples D sees are replaced by samples drawn from a ring buffer of
     * the last {@code capacity} samples G produced (with their labels when conditional), into which the current ones
     * are then pushed; draws from {@code rng} (this trick's own). G's step is unchanged. Off by default.
     */
    public Tricks experienceReplay(int capacity, float share, Rng rng) {
        requireOpen();
        if (capacity < 1) throw new IllegalArgumentException("Tricks.experienceReplay: capacity must be >= 1, got capacity=" + capacity);
        if (!(share > 0f && share <= 1f)) throw new IllegalArgumentException("Tricks.experienceReplay: share must be in (0, 1], got share=" + share);
        if (rng == null) throw new IllegalArgumentException("Tricks.experienceReplay: rng must be given");
        this.replay = new ExperienceReplay(capacity, share, rng);
        return this;
    }

    /**
     * Real and fake samples through D as one joint batch (one forward over both, concatenated) instead of two
     * separate ones. This matters with batch norm in D: separate batches normalise each with its own statistics,
     * which the workshop recommends (trick 4, "construct different mini-batches for real and fake"); a joint batch
     * mixes them. Off: separate batches.
     */
    public Tricks jointBatches(boolean on) {
        requireOpen();
        this.jointBatches = on;
        return this;
    }

    // ---------------------------------------------------------------- the networks

    /**
     * Noise on every layer of G (ganhacks 13: "adding gaussian noise to every layer of generator", after Zhao et al.
     * 2017, "Energy-based Generative Adversarial Network"), annealed with {@code schedule}: at the start of iteration t
     * every {@link GaussianNoise} module of G gets {@code sigma_t = schedule.sigma(t)} (linear decay to 0 over T
     * iterations, or constant; see {@link InstanceNoise}). G needs such layers ({@code
     * Dcgan.Options.withGeneratorLayerNoise(true)}, {@code Mlp.Options.withLayerNoise(true)}, or placed by hand); one
     * without any is refused at the first step.
     *
     * <p>The layers draw, not this trick: each from its own seed and forward count, buffers of G, so the noise is
     * part of G's state dict and of the run checkpoint, a held-out Wasserstein estimate (which puts G's buffers back)
     * leaves the run unchanged, and sampling in evaluation mode draws nothing. The schedule's {@code Rng} is not drawn
     * from, so the instance noise's schedule can be given here too. Off by default.
     */
    public Tricks generatorLayerNoise(InstanceNoise schedule) {
        requireOpen();
        if (schedule == null)
            throw new IllegalArgumentException("Tricks.generatorLayerNoise: schedule must be given (InstanceNoise.linear or .constant)");
        this.layerNoise = schedule;
        return this;
    }

    /**
     * Swaps G with a stored earlier copy of itself now and then (ganhacks 8: "keep checkpoints from the past of G and D
     * and occasionally swap them out for a few iterations"). G's state here is its parameters and buffers. At the start
     * of iteration t, in this order:
     * <ol>
     *   <li>if a swap ends at t, G gets back exactly the state it had when the swap began (what the copy learned is
     *       dropped; the optimizer's state is left as it is);
     *   <li>if no swap runs and a copy is stored, one uniform u is drawn; if u &lt; {@code probability} a swap begins: a
     *       stored copy chosen uniformly (one more draw) is loaded and G runs (and trains) with it for iterations
     *       t .. t + {@code duration} - 1;
     *   <li>if t &gt; 0 and t is a multiple of {@code period}, a copy of G's own state is stored (during a swap, the one
     *       put aside), the oldest replaced once {@code keep} are stored.
     * </ol>
     * Draws from {@code rng} (this trick's own). While G runs with a copy, {@link #generatorAverage} is not updated.
     * Off by default.
     */
    public Tricks swapGenerator(long period, int keep, float probability, int duration, Rng rng) {
        requireOpen();
        this.generatorSwaps = swaps("swapGenerator", "generator", period, keep, probability, duration, rng);
        return this;
    }

    /** As {@link #swapGenerator}, for D (handled after G at the start of an iteration). */
    public Tricks swapDiscriminator(long period, int keep, float probability, int duration, Rng rng) {
        requireOpen();
        this.discriminatorSwaps = swaps("swapDiscriminator", "discriminator", period, keep, probability, duration, rng);
        return this;
    }

    private static PastSwaps swaps(String option, String network, long period, int keep, float probability, int duration, Rng rng) {
        if (period < 1) throw new IllegalArgumentException("Tricks." + option + ": period must be >= 1, got period=" + period);
        if (keep < 1) throw new IllegalArgumentException("Tricks." + option + ": keep must be >= 1, got keep=" + keep);
        if (!(probability > 0f && probability <= 1f))
            throw new IllegalArgumentException("Tricks." + option + ": probability must be in (0, 1], got probability=" + probability);
        if (duration < 1) throw new IllegalArgumentException("Tricks." + option + ": duration must be >= 1, got duration=" + duration);
        if (rng == null) throw new IllegalArgumentException("Tricks." + option + ": rng must be given");
        return new PastSwaps(network, period, keep, probability, duration, rng);
    }

    /**
     * An exponential moving average of G's weights, to sample from (Yazici et al. 2019, "The Unusual Effectiveness of
     * Averaging in GAN Training"; StudioGAN: decay 0.9999): {@code average} is a second module of G's architecture
     * (e.g. built by the same builder), set to G at the start of the run and, after G's step s, to G itself while
     * s &lt; {@code startStep} and to {@code decay average + (1 - decay) G} (per parameter, in float32) from then on;
     * its buffers (batch-norm statistics) are copied from G after every step, as StudioGAN does. A module of another
     * architecture is refused at the first step. Off by default.
     */
    public Tricks generatorAverage(Module average, float decay, long startStep) {
        requireOpen();
        if (average == null) throw new IllegalArgumentException("Tricks.generatorAverage: the average module must be given");
        if (!(decay >= 0f && decay < 1f)) throw new IllegalArgumentException("Tricks.generatorAverage: decay must be in [0, 1), got decay=" + decay);
        if (startStep < 0) throw new IllegalArgumentException("Tricks.generatorAverage: startStep must be >= 0, got startStep=" + startStep);
        this.average = new GeneratorAverage(average, decay, startStep);
        return this;
    }

    /** The moving average of G ({@link #generatorAverage}), or null when that trick is off. */
    public Module generatorAverage() {
        return average == null ? null : average.average;
    }

    // ---------------------------------------------------------------- what D saw

    /** D's targets for the real batch at its last step (a copy), or null when no target trick is on or before the first step. */
    public float[] realTargets() {
        return targets.on() && targets.real() != null ? targets.real().clone() : null;
    }

    /** D's targets for the generated batch at its last step (a copy), or null as for {@link #realTargets}. */
    public float[] fakeTargets() {
        return targets.on() && targets.fake() != null ? targets.fake().clone() : null;
    }

    // ---------------------------------------------------------------- hooks, called by the schemes

    /** Whether D sees real and generated samples as one batch. */
    public boolean jointBatches() {
        return jointBatches;
    }

    /**
     * Checks the options against the scheme being built, named {@code scheme}; {@code targetsCanChange} tells
     * whether its D loss has targets (label smoothing, soft labels and flipping need them). Fixes the options.
     */
    public void check(String scheme, boolean targetsCanChange) {
        if (targets.on() && !targetsCanChange)
            throw new IllegalArgumentException(scheme + ": the label tricks (" + targets.describe() + ") need the targets of a cross-entropy D loss,"
                    + " which " + scheme + " does not have (use them with GAN or Unrolled GAN and the minimax or non-saturating loss)");
        if (!Float.isNaN(targets.smoothing) && targets.softRng != null)
            throw new IllegalArgumentException(scheme + ": oneSidedLabelSmoothing(" + targets.smoothing
                    + ") and softLabels both set D's real targets; use one");
        Map<Rng, String> owners = new IdentityHashMap<>();
        for (Map.Entry<String, Rng> e : rngs().entrySet()) {
            String other = owners.put(e.getValue(), e.getKey());
            if (other != null)
                throw new IllegalArgumentException(scheme + ": Tricks." + other + " and Tricks." + e.getKey() + " were given the same Rng; give each"
                        + " trick its own (e.g. rng.split()) so that one trick's draws do not shift another's");
        }
        this.scheme = scheme;
    }

    /**
     * D's cross-entropy loss with the targets of the label tricks, for a scheme to use in place of {@code loss}; the
     * loss itself when none is on (so its D step is bitwise the plain one). G's loss is never changed. The targets are
     * drawn at each D step ({@link #discriminatorBatch}); a look-ahead D step that reuses a D step's batch (Unrolled
     * GAN) reuses its targets.
     *
     * @throws IllegalArgumentException if a label trick is on and {@code loss} is not minimax or non-saturating
     */
    public AdversarialLoss targets(String scheme, AdversarialLoss loss) {
        if (!targets.on()) return loss;
        if (!(loss instanceof MinimaxLoss || loss instanceof NonSaturatingLoss))
            throw new IllegalArgumentException(scheme + ": the label tricks (" + targets.describe() + ") need the targets of a cross-entropy D loss,"
                    + " which the " + loss.name() + " loss does not have (use AdversarialLoss.minimax() or nonSaturating())");
        return new TargetedLoss(loss, targets);
    }

    /**
     * Before each iteration (before its first D step): the first time, binds these tricks to {@code scheme} and checks
     * the average's architecture and G's noise layers; sets the average to G at iteration 0; then swaps G and D in and
     * out (G first); then sets sigma_t on G's noise layers (after the swaps, which load a stored copy's sigma with its
     * buffers).
     */
    public void beforeIteration(Scheme scheme) {
        if (bound == null) bind(scheme);
        else if (bound != scheme)
            throw new IllegalStateException("Tricks: these tricks run another scheme (" + bound.describe() + "); each scheme needs its own");
        long t = scheme.iterations();
        if (average != null && t == 0) average.copyFrom(scheme.generator());
        if (generatorSwaps != null) generatorSwaps.beforeIteration(scheme.generator(), t);
        if (discriminatorSwaps != null) discriminatorSwaps.beforeIteration(scheme.discriminator(), t);
        if (layerNoise != null) {
            float sigma = layerNoise.sigma(t);
            for (GaussianNoise n : noiseLayers) n.setSigma(sigma);
        }
    }

    private void bind(Scheme scheme) {
        String who = this.scheme == null ? "Tricks" : this.scheme;
        if (average != null) average.check(who, scheme.generator());
        if (layerNoise != null) noiseLayers = noiseLayers(who, scheme.generator());
        for (Map.Entry<String, Rng> e : rngs().entrySet())
            if (e.getValue() == scheme.latent().rng())
                throw new IllegalArgumentException(who + ": Tricks." + e.getKey() + " was given the noise's Rng (the Latent's); give each"
                        + " trick its own (e.g. rng.split())");
        bound = scheme;
    }

    /** G's {@link GaussianNoise} modules, at any depth; refuses a G without any, whose layers the trick could not reach. */
    private static List<GaussianNoise> noiseLayers(String who, Module generator) {
        List<GaussianNoise> layers = new ArrayList<>();
        for (Module m : generator.namedModules().values()) if (m instanceof GaussianNoise n) layers.add(n);
        if (layers.isEmpty())
            throw new IllegalArgumentException(who + ": Tricks.generatorLayerNoise anneals the GaussianNoise layers of the generator, which has none"
                    + " (build it with Dcgan.Options.withGeneratorLayerNoise(true) or Mlp.Options.withLayerNoise(true), or add"
                    + " dev.jgan.nn.layers.GaussianNoise layers)");
        return layers;
    }

    /**
     * The batch D's step sees, from the real batch and G's samples of {@code b}, at iteration {@code iteration}
     * (0-based): replay mixes in earlier samples, then instance noise is added to both batches, then the label
     * tricks draw this step's targets.
     */
    public Minibatch discriminatorBatch(Minibatch b, long iteration) {
        Minibatch out = b;
        if (replay != null) out = replay.apply(out);
        if (instanceNoise != null) {
            Tensor noisyReal = instanceNoise.apply(out.real(), iteration);
            out = out.withReal(noisyReal).withFake(instanceNoise.apply(out.fake(), iteration), out.fakeLabels());
        }
        if (targets.on()) targets.draw(out.real().size(0), out.fake().size(0));
        return out;
    }

    /** The batch G's step sees ({@code g.fake()} with G's graph): with instance noise, G's samples plus fresh noise. */
    public Minibatch generatorBatch(Minibatch g, long iteration) {
        if (instanceNoise == null) return g;
        return g.withFake(instanceNoise.apply(g.fake(), iteration), g.fakeLabels());
    }

    /** After each generator optimizer step: the moving average of G, unless G runs with a stored copy. */
    public void afterGeneratorStep(Scheme scheme) {
        if (average != null && !(generatorSwaps != null && generatorSwaps.swapping()))
            average.update(scheme.generator(), scheme.generatorSteps() - 1);
    }

    /** Each trick's generator under the option's name, for the checks of {@link #check}. */
    private Map<String, Rng> rngs() {
        Map<String, Rng> m = new LinkedHashMap<>();
        if (targets.softRng != null) m.put("softLabels", targets.softRng);
        if (targets.flipRng != null) m.put("labelFlipping", targets.flipRng);
        if (instanceNoise != null) m.put("instanceNoise", instanceNoise.rng());
        if (replay != null) m.put("experienceReplay", replay.rng);
        if (generatorSwaps != null) m.put("swapGenerator", generatorSwaps.rng);
        if (discriminatorSwaps != null) m.put("swapDiscriminator", discriminatorSwaps.rng);
        return m;
    }

    /**
     * Declares the state of the tricks that are on (none when all are off, so a plain run's checkpoint is unchanged):
     * {@code soft_labels} and {@code label_flipping} (generators), {@code instance_noise} (generator),
     * {@code replay/...} (generator, samples, labels, push count), {@code generator_swaps/...} and
     * {@code discriminator_swaps/...} (generator, stored copies, their count, the own state during a swap, the swap's
     * end), {@code generator_average} (the average module). The noise on G's layers has no state here: its seeds, counts
     * and sigma are buffers of G, saved with it.
     */
    @Override
    public void registerState(TrainingCheckpoint.Parts parts) {
        if (targets.softRng != null) parts.rng("soft_labels", targets.softRng);
        if (targets.flipRng != null) parts.rng("label_flipping", targets.flipRng);
        if (instanceNoise != null) parts.rng("instance_noise", instanceNoise.rng());
        if (replay != null) replay.registerState(parts.within("replay"));
        if (generatorSwaps != null) generatorSwaps.registerState(parts.within("generator_swaps"));
        if (discriminatorSwaps != null) discriminatorSwaps.registerState(parts.within("discriminator_swaps"));
        if (average != null) parts.module("generator_average", average.average);
    }

    /** The options that are on, e.g. {@code "one-sided label smoothing 0.9, joint batches"}; empty when none is. */
    public String describe() {
        List<String> on = new ArrayList<>();
        if (targets.on()) on.add(targets.describe());
        if (instanceNoise != null) on.add(instanceNoise.describe());
        if (layerNoise != null) on.add("noise on G's layers " + layerNoise.describeSchedule());
        if (replay != null) on.add(replay.describe());
        if (jointBatches) on.add("joint batches");
        if (generatorSwaps != null) on.add(generatorSwaps.describe());
        if (discriminatorSwaps != null) on.add(discriminatorSwaps.describe());
        if (average != null) on.add(average.describe());
        return String.join(", ", on);
    }

    /** Whether a swap is running for G (or D): for tests. */
    boolean swapping(boolean generator) {
        PastSwaps s = generator ? generatorSwaps : discriminatorSwaps;
        return s != null && s.swapping();
    }

    private void requireOpen() {
        if (scheme != null)
            throw new IllegalStateException("Tricks: the options are fixed once a scheme is built with them (these were given to a " + scheme + ")");
    }

    @Override
    public String toString() {
        String d = describe();
        return d.isEmpty() ? "no tricks" : d;
    }
}
