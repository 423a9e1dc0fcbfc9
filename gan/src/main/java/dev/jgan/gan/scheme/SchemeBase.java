package dev.jgan.gan.scheme;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.loss.AuxiliaryClassifierLoss;
import dev.jgan.gan.nets.AuxiliaryClassifier;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.gan.train.Batch;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.gan.tricks.Tricks;
import dev.jgan.nn.Conditional;
import dev.jgan.nn.io.TrainingCheckpoint;
import dev.jgan.nn.Module;
import dev.jgan.nn.optim.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What every scheme shares: the iteration under its schedule (D steps, each on a fresh real batch and fresh noise,
 * then G steps), the optimizer updates with their gradient norms, the checks of shapes and settings, the counters and
 * the declaration of state. A scheme supplies its algorithm box as {@link #discriminatorStep} and {@link #generatorStep}.
 *
 * <p>Noise for the generator step: when D took a single step in the iteration, G's step reuses that step's noise and
 * generated batch (as PyTorch's DCGAN example does, which saves a forward pass through G; Unrolled GAN's look-ahead
 * needs exactly that minibatch); after several D steps (WGAN's critic loop) G draws fresh noise, as WGAN's
 * algorithm 1 does.
 */
public abstract class SchemeBase implements Scheme {
    protected final Module generator;
    protected final Module discriminator;
    protected final Optimizer generatorOptimizer;
    protected final Optimizer discriminatorOptimizer;
    protected final Latent latent;
    protected final Schedule schedule;
    protected final Tricks tricks;
    /** Classes of a conditional G (0 for an unconditional one); whether D takes the labels too. */
    private final int numClasses;
    private final boolean conditionalDiscriminator;
    /** AC-GAN: D's classifier head and its loss, or null when D has none. */
    private final AuxiliaryClassifier auxiliary;
    private final AuxiliaryClassifierLoss classLoss;
    private final long decayIterations;
    private final float[] generatorBaseRates, discriminatorBaseRates;
    private long iterations, generatorSteps, discriminatorSteps;

    /** Takes the builder's settings; a concrete builder fills in its paper's optimizers and schedule before calling this. */
    protected SchemeBase(Builder<?> b) {
        String who = name();
        if (b.generator == null || b.discriminator == null || b.latent == null || b.schedule == null)
            throw new IllegalArgumentException(who + ": generator, discriminator, latent and schedule must be given");
        if (b.generator.parameters().isEmpty()) throw new IllegalArgumentException(who + ": the generator has no parameters to train");
        if (b.discriminator.parameters().isEmpty()) throw new IllegalArgumentException(who + ": the discriminator has no parameters to train");
        Optimizers.requireTrains(who, "generator", b.generatorOptimizer, b.generator);
        Optimizers.requireTrains(who, "discriminator", b.discriminatorOptimizer, b.discriminator);
        this.generator = b.generator;
        this.discriminator = b.discriminator;
        this.latent = b.latent;
        this.schedule = b.schedule;
        this.generatorOptimizer = b.generatorOptimizer;
        this.discriminatorOptimizer = b.discriminatorOptimizer;
        this.tricks = b.tricks;
        this.numClasses = b.generator instanceof Conditional c ? c.numClasses() : 0;
        this.conditionalDiscriminator = b.discriminator instanceof Conditional;
        if (conditionalDiscriminator && ((Conditional) b.discriminator).numClasses() != numClasses)
            throw new IllegalArgumentException(who + ": the discriminator is conditional on " + ((Conditional) b.discriminator).numClasses()
                    + " classes but the generator on " + numClasses + (numClasses == 0 ? " (it does not take labels)" : ""));
        this.auxiliary = b.discriminator instanceof AuxiliaryClassifier a ? a : null;
        if (auxiliary != null) checkAuxiliaryClassifier(who, auxiliary);
        if (b.classLoss != null && auxiliary == null)
            throw new IllegalArgumentException(who + ": auxiliaryClassifierLoss is set but the discriminator has no classifier head"
                    + " (implement dev.jgan.gan.nets.AuxiliaryClassifier, e.g. AcganDiscriminator)");
        this.classLoss = auxiliary == null ? null : b.classLoss != null ? b.classLoss : new AuxiliaryClassifierLoss();
        if (numClasses > 0 && !conditionalDiscriminator && auxiliary == null)
            throw new IllegalArgumentException(who + ": the generator is conditional on " + numClasses + " classes but the discriminator"
                    + " does not take labels (implement dev.jgan.nn.Conditional, e.g. a projection discriminator) nor classifies them"
                    + " (implement dev.jgan.gan.nets.AuxiliaryClassifier, e.g. AcganDiscriminator), so G would learn to ignore them");
        tricks.check(who, targetsCanChange());
        this.decayIterations = b.decayIterations;
        this.generatorBaseRates = rates(generatorOptimizer);
        this.discriminatorBaseRates = rates(discriminatorOptimizer);
    }

    /**
     * An AC-GAN D needs a G conditional on its classes (its fake class loss needs the labels G was given), and must not
     * take the labels itself (its classifier would read the answer from its input).
     */
    private void checkAuxiliaryClassifier(String who, AuxiliaryClassifier a) {
        if (conditionalDiscriminator)
            throw new IllegalArgumentException(who + ": the discriminator has an auxiliary classifier and also takes the labels as input"
                    + " (dev.jgan.nn.Conditional), so its classifier could read the answer; use one or the other");
        if (a.numClasses() != numClasses)
            throw new IllegalArgumentException(who + ": the discriminator's auxiliary classifier has " + a.numClasses() + " classes but the generator "
                    + (numClasses == 0 ? "does not take labels (implement dev.jgan.nn.Conditional, e.g. Cgan.generator)" : "is conditional on " + numClasses));
    }

    /** The scheme's short name, for messages: e.g. "WGAN-GP". Must not read fields (it is called from the constructor). */
    protected abstract String name();

    /**
     * Whether D's loss has targets that label smoothing, soft labels and label flipping can change (the
     * cross-entropy losses of GAN and Unrolled GAN do, a Wasserstein critic's does not). Called from the constructor.
     */
    protected boolean targetsCanChange() {
        return false;
    }

    // ---------------------------------------------------------------- the iteration

    /** A discriminator step's inputs as D saw them (after the tricks) and its outcome. */
    protected record DStep(Minibatch batch, float loss, float gradNorm, Map<String, Float> extras) {}

    /** A generator step's outcome. */
    protected record GStep(float loss, float gradNorm, Map<String, Float> extras) {}

    /**
     * One D step on {@code b}: a real batch and a generated one (G(z), with G's graph when {@code b.fake().requiresGrad()}:
     * then the D step must use {@code b.fake().detach()}). Returns its outcome; use {@link #update} for the optimizer step.
     */
    protected abstract DStep discriminatorStep(Minibatch b);

    /**
     * One G step on {@code g.fake()} = G(z) (with G's graph), where {@code last} is the iteration's last D step and
     * {@code g.real()} its real batch. Use {@link #update} for the optimizer step.
     */
    protected abstract GStep generatorStep(DStep last, Minibatch g);

    @Override
    public final StepResult step(BatchSource data) {
        decayLearningRates();
        tricks.beforeIteration(this);
        Map<String, Float> extras = new LinkedHashMap<>();
        int dSteps = 0;
        DStep last;
        Minibatch generated;
        do {
            Batch batch = data.nextBatch();
            Tensor real = batch.samples();
            int[] realLabels = batch.labels();
            Tensor z = latent.sample(real.size(0));
            int[] fakeLabels = numClasses > 0 ? latent.sampleLabels(real.size(0), numClasses) : null;
            // G's graph is kept only when G's step may reuse this batch: a first D step that may be the only one.
            boolean mayReuse = dSteps == 0 && schedule.mayStopAfterOneDiscriminatorStep(generatorSteps);
            Tensor fake = mayReuse ? generate(z, fakeLabels) : noGrad(() -> generate(z, fakeLabels));
            if (dSteps == 0 && iterations == 0) checkShapes(real, fake);
            if (conditionalDiscriminator || auxiliary != null)
                Conditional.checkLabels(name() + ", the real batch", realLabels, real.size(0), numClasses);
            generated = new Minibatch(real, realLabels, z, fakeLabels, fake);
            last = discriminatorStep(tricks.discriminatorBatch(generated, iterations));
            extras.putAll(last.extras());
            dSteps++;
            discriminatorSteps++;
        } while (schedule.anotherDiscriminatorStep(dSteps, last.loss(), generatorSteps));
        GStep g = null;
        int gSteps = schedule.generatorSteps();
        for (int i = 0; i < gSteps; i++) {
            Minibatch forG = generated;
            if (!(dSteps == 1 && i == 0 && generated.fake().requiresGrad())) {
                Tensor z = latent.sample(generated.real().size(0));
                int[] labels = numClasses > 0 ? latent.sampleLabels(z.size(0), numClasses) : null;
                forG = new Minibatch(generated.real(), generated.realLabels(), z, labels, generate(z, labels));
            }
            g = generatorStep(last, tricks.generatorBatch(forG, iterations));
            extras.putAll(g.extras());
            generatorSteps++;
            tricks.afterGeneratorStep(this);
        }
        iterations++;
        return new StepResult(last.loss(), g == null ? Float.NaN : g.loss(), last.gradNorm(), g == null ? Float.NaN : g.gradNorm(),
                dSteps, gSteps, extras);
    }

    /**
     * G's samples must be D's inputs: the same per-sample shape as the real batch. Checked on the first iteration,
     * where a mismatch would otherwise surface as some layer's shape error deep inside D.
     */
    private void checkShapes(Tensor real, Tensor fake) {
        int[] r = real.shape(), f = fake.shape();
        if (r.length < 2 || !Arrays.equals(Arrays.copyOfRange(r, 1, r.length), Arrays.copyOfRange(f, 1, f.length)) || f[0] != r[0])
            throw new IllegalArgumentException(name() + ": the generator's output " + Shape.str(f) + " (from noise of per-sample shape "
                    + Shape.str(latent.shape()) + ") does not have the per-sample shape of the real batch " + Shape.str(r)
                    + ", so the discriminator cannot take both");
    }

    // ---------------------------------------------------------------- helpers for the steps

    /** G(z), or G(z, y) for a conditional generator. */
    protected final Tensor generate(Tensor z, int[] labels) {
        return numClasses > 0 ? ((Conditional) generator).forward(z, labels) : generator.forward(z);
    }

    /** D(x), or D(x, y) for a conditional discriminator. */
    protected final Tensor discriminate(Tensor x, int[] labels) {
        return conditionalDiscriminator ? ((Conditional) discriminator).forward(x, labels) : discriminator.forward(x);
    }

    /**
     * D's outputs on the real batch and on {@code fake} (the batch's generated samples, detached or not): two
     * forwards, or, with the joint-batches trick, one forward over both concatenated (with batch norm in D this
     * normalises real and fake together) split back into the two halves. With an AC-GAN D, elements 2 and 3 are the
     * class logits of the real and the generated samples, from the same forwards.
     */
    protected final Tensor[] discriminateBoth(Minibatch b, Tensor fake) {
        if (auxiliary != null) return classifyBoth(b, fake);
        if (!tricks.jointBatches()) return new Tensor[] {discriminate(b.real(), b.realLabels()), discriminate(fake, b.fakeLabels())};
        int nReal = b.real().size(0), nFake = fake.size(0);
        int[] labels = null;
        if (conditionalDiscriminator) {
            labels = Arrays.copyOf(b.realLabels(), nReal + nFake);
            System.arraycopy(b.fakeLabels(), 0, labels, nReal, nFake);
        }
        Tensor out = discriminate(Tensor.concat(List.of(b.real(), fake), 0), labels);
        return new Tensor[] {out.narrow(0, 0, nReal), out.narrow(0, nReal, nFake)};
    }

    /** {@link #discriminateBoth} for an AC-GAN D: adversarial logits of real and fake, then their class logits. */
    private Tensor[] classifyBoth(Minibatch b, Tensor fake) {
        if (!tricks.jointBatches()) {
            AuxiliaryClassifier.Heads r = auxiliary.heads(b.real()), f = auxiliary.heads(fake);
            return new Tensor[] {r.adversarial(), f.adversarial(), r.classes(), f.classes()};
        }
        int nReal = b.real().size(0), nFake = fake.size(0);
        AuxiliaryClassifier.Heads h = auxiliary.heads(Tensor.concat(List.of(b.real(), fake), 0));
        return new Tensor[] {h.adversarial().narrow(0, 0, nReal), h.adversarial().narrow(0, nReal, nFake),
                h.classes().narrow(0, 0, nReal), h.classes().narrow(0, nReal, nFake)};
    }

    /**
     * D's loss: {@code adversarialLoss} (computed from {@code out} of {@link #discriminateBoth}) plus, with an AC-GAN D,
     * AC-GAN's class term {@code w_D (CE(C(x), y) + CE(C(G(z, c)), c))}, whose figures go to {@code extras}
     * ({@code class_loss_real}, {@code class_loss_fake}, {@code class_accuracy_real}, {@code class_accuracy_fake};
     * {@code extras} may be null for none). Without a classifier head it returns {@code adversarialLoss} itself.
     */
    protected final Tensor plusClassLoss(Tensor adversarialLoss, Minibatch b, Tensor[] out, Map<String, Float> extras) {
        if (auxiliary == null) return adversarialLoss;
        AuxiliaryClassifierLoss.Terms t = classLoss.discriminator(out[2], b.realLabels(), out[3], b.fakeLabels());
        if (extras != null) {
            extras.put("class_loss_real", t.real().item());
            extras.put("class_loss_fake", t.fake().item());
            extras.put("class_accuracy_real", AuxiliaryClassifierLoss.accuracy(out[2], b.realLabels()));
            extras.put("class_accuracy_fake", AuxiliaryClassifierLoss.accuracy(out[3], b.fakeLabels()));
        }
        return adversarialLoss.add(t.loss());
    }

    /**
     * G's loss on its samples {@code fake} with the labels it was given: {@code loss_G(D(G(z)))}, plus with an AC-GAN D
     * {@code w_G CE(C(G(z, c)), c)} (its unweighted cross-entropy to {@code extras} as {@code class_loss_g}, when not null).
     */
    protected final Tensor generatorLoss(AdversarialLoss loss, Tensor fake, int[] labels, Map<String, Float> extras) {
        if (auxiliary == null) return loss.generator(discriminate(fake, labels));
        AuxiliaryClassifier.Heads h = auxiliary.heads(fake);
        AuxiliaryClassifierLoss.Terms t = classLoss.generator(h.classes(), labels);
        if (extras != null) extras.put("class_loss_g", t.fake().item());
        return loss.generator(h.adversarial()).add(t.loss());
    }

    /** D: one step on {@code loss_D(D(x), D(G(z)))}, G's sample held fixed: the D step of GAN, DCGAN and Unrolled GAN. */
    protected final DStep adversarialDiscriminatorStep(AdversarialLoss loss, Minibatch b) {
        Tensor[] out = discriminateBoth(b, b.fake().detach());
        Map<String, Float> extras = new LinkedHashMap<>();
        Tensor lossD = plusClassLoss(loss.discriminator(out[0], out[1]), b, out, extras);
        float norm = update(discriminatorOptimizer, discriminator, lossD);
        return new DStep(b, lossD.item(), norm, extras);
    }

    /** G: one step on {@code loss_G(D(G(z)))} with D frozen (see {@link #frozen}): the G step of every scheme but EBGAN. */
    protected final GStep adversarialGeneratorStep(AdversarialLoss loss, Minibatch g, Map<String, Float> extras) {
        return frozen(discriminator, () -> {
            Map<String, Float> all = new LinkedHashMap<>(extras);
            Tensor lossG = generatorLoss(loss, g.fake(), g.fakeLabels(), all);
            return new GStep(lossG.item(), update(generatorOptimizer, generator, lossG), all);
        });
    }

    /**
     * One optimizer step on {@code loss}: clears the optimizer's gradients, backpropagates, and returns the global L2
     * norm of the gradients of {@code net}'s parameters before stepping.
     */
    protected static float update(Optimizer optimizer, Module net, Tensor loss) {
        optimizer.zeroGrad();
        loss.backward();
        float norm = gradNorm(net);
        optimizer.step();
        return norm;
    }

    /** sqrt(sum of squares) of every parameter gradient of {@code net} (0 for none), accumulated in double. */
    protected static float gradNorm(Module net) {
        double sum = 0;
        for (Tensor p : net.parameters()) {
            Tensor g = p.grad();
            if (g == null) continue;
            for (float v : g.buffer()) sum += (double) v * v;
        }
        return (float) Math.sqrt(sum);
    }

    /**
     * Runs {@code body} with {@code net}'s parameters marked as not requiring grad, so a loss backpropagated through
     * {@code net} (D, during G's step) reaches its input without computing gradients for its weights, which G's step
     * would throw away. The marks are restored afterwards, even on an exception.
     */
    protected static <T> T frozen(Module net, Supplier<T> body) {
        List<Tensor> changed = new ArrayList<>();
        try {
            for (Tensor p : net.parameters())
                if (p.requiresGrad()) {
                    p.requiresGrad(false);
                    changed.add(p);
                }
            return body.get();
        } finally {
            for (Tensor p : changed) p.requiresGrad(true);
        }
    }

    /**
     * mean D(x) - mean D(G(z)) on the given batches, without recording and with G's and D's buffers put back
     * afterwards (a forward in training mode moves batch-norm statistics): the critic's Wasserstein estimate.
     */
    protected final float criticGap(Tensor real, Tensor noise) {
        if (numClasses > 0) throw new UnsupportedOperationException(name() + ": the critic gap of a conditional GAN needs labels; not supported");
        List<Tensor> buffers = new ArrayList<>(generator.namedBuffers().values());
        buffers.addAll(discriminator.namedBuffers().values());
        List<float[]> saved = new ArrayList<>();
        for (Tensor b : buffers) saved.add(b.toArray());
        try (GradMode.Scope s = GradMode.noGrad()) {
            return discriminator.forward(real).mean().item() - discriminator.forward(generator.forward(noise)).mean().item();
        } finally {
            try (GradMode.Scope s = GradMode.noGrad()) {
                for (int i = 0; i < buffers.size(); i++) buffers.get(i).copyInPlace(Tensor.of(saved.get(i), buffers.get(i).shape()));
            }
        }
    }

    /** Each group's learning rate. */
    private static float[] rates(Optimizer o) {
        float[] r = new float[o.groups().size()];
        for (int i = 0; i < r.length; i++) r[i] = o.groups().get(i).lr();
        return r;
    }

    /**
     * With a linear decay over T iterations (SNGAN's), sets every group's rate to {@code base * (1 - t / T)} before
     * iteration t (0 from T on). Computed from the iteration counter alone, so a resumed run decays alike.
     */
    private void decayLearningRates() {
        if (decayIterations == 0) return;
        float factor = (float) Math.max(0.0, 1.0 - (double) iterations / decayIterations);
        for (int i = 0; i < generatorBaseRates.length; i++) generatorOptimizer.groups().get(i).setLr(generatorBaseRates[i] * factor);
        for (int i = 0; i < discriminatorBaseRates.length; i++) discriminatorOptimizer.groups().get(i).setLr(discriminatorBaseRates[i] * factor);
    }

    protected static <T> T noGrad(Supplier<T> body) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return body.get();
        }
    }

    // ---------------------------------------------------------------- state and accessors

    /**
     * Declares G, D, both optimizers, the noise generator and the counters; schemes with more state (their own random
     * generators) add theirs after calling this.
     */
    @Override
    public void registerState(TrainingCheckpoint.Parts r) {
        r.module("generator", generator).module("discriminator", discriminator)
                .optimizer("generator", generatorOptimizer).optimizer("discriminator", discriminatorOptimizer)
                .rng("latent", latent.rng())
                .counter("iterations", () -> iterations, v -> iterations = v)
                .counter("generator_steps", () -> generatorSteps, v -> generatorSteps = v)
                .counter("discriminator_steps", () -> discriminatorSteps, v -> discriminatorSteps = v);
        tricks.registerState(r.within("tricks"));
    }

    /** The tricks this scheme was built with ({@link Tricks#none()} by default). */
    public final Tricks tricks() {
        return tricks;
    }

    /** Classes of a conditional generator, 0 for an unconditional one. */
    public final int numClasses() {
        return numClasses;
    }

    /** AC-GAN's class loss when D has an auxiliary classifier ({@link AuxiliaryClassifier}), else null. */
    public final AuxiliaryClassifierLoss auxiliaryClassifierLoss() {
        return classLoss;
    }

    @Override
    public final Module generator() {
        return generator;
    }

    @Override
    public final Module discriminator() {
        return discriminator;
    }

    @Override
    public final Optimizer generatorOptimizer() {
        return generatorOptimizer;
    }

    @Override
    public final Optimizer discriminatorOptimizer() {
        return discriminatorOptimizer;
    }

    @Override
    public final Latent latent() {
        return latent;
    }

    @Override
    public final Schedule schedule() {
        return schedule;
    }

    @Override
    public final long iterations() {
        return iterations;
    }

    @Override
    public final long generatorSteps() {
        return generatorSteps;
    }

    @Override
    public final long discriminatorSteps() {
        return discriminatorSteps;
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * The settings every scheme takes: G, D and p(z) (required), and optionally the optimizers and the schedule;
     * a concrete builder's {@code build()} fills in its paper's for those not given.
     */
    @SuppressWarnings("unchecked")
    public abstract static class Builder<B extends Builder<B>> {
        protected final Module generator;
        protected final Module discriminator;
        protected final Latent latent;
        protected Optimizer generatorOptimizer;
        protected Optimizer discriminatorOptimizer;
        protected Schedule schedule;
        protected Tricks tricks = Tricks.none();
        protected long decayIterations;
        protected AuxiliaryClassifierLoss classLoss;

        protected Builder(Module generator, Module discriminator, Latent latent) {
            this.generator = generator;
            this.discriminator = discriminator;
            this.latent = latent;
        }

        /** Optimizers in place of the paper's (e.g. other learning rates for TTUR). */
        public B optimizers(Optimizer forGenerator, Optimizer forDiscriminator) {
            this.generatorOptimizer = forGenerator;
            this.discriminatorOptimizer = forDiscriminator;
            return (B) this;
        }

        /** A schedule in place of the paper's. */
        public B schedule(Schedule schedule) {
            this.schedule = schedule;
            return (B) this;
        }

        /** The training tricks to use (each off unless set there); see {@link Tricks}. */
        public B tricks(Tricks tricks) {
            if (tricks == null) throw new IllegalArgumentException("tricks must be given (Tricks.none() for none)");
            this.tricks = tricks;
            return (B) this;
        }

        /**
         * AC-GAN's class loss in place of the default {@code new AuxiliaryClassifierLoss()} (w_D = 1, w_G = 0.1); only for a
         * discriminator with an auxiliary classifier ({@link AuxiliaryClassifier}), which switches AC-GAN on by itself.
         */
        public B auxiliaryClassifierLoss(AuxiliaryClassifierLoss loss) {
            if (loss == null) throw new IllegalArgumentException("auxiliaryClassifierLoss must be given");
            this.classLoss = loss;
            return (B) this;
        }

        /**
         * Decays both optimizers' learning rates linearly from their initial values to 0 over {@code iterations}
         * iterations (SNGAN's schedule, Miyato et al. 2018); 0 (the default) keeps them constant.
         */
        public B linearLearningRateDecay(long iterations) {
            if (iterations < 0) throw new IllegalArgumentException("linearLearningRateDecay: iterations must be >= 0, got " + iterations);
            this.decayIterations = iterations;
            return (B) this;
        }

        /** Fills in what was not given: the paper's schedule and optimizers (built only then, over G's and D's parameters). */
        protected final void defaults(Schedule paperSchedule, java.util.function.Function<Module, Optimizer> paperG,
                                      java.util.function.Function<Module, Optimizer> paperD) {
            if (schedule == null) schedule = paperSchedule;
            if (generatorOptimizer == null && generator != null && !generator.parameters().isEmpty()) generatorOptimizer = paperG.apply(generator);
            if (discriminatorOptimizer == null && discriminator != null && !discriminator.parameters().isEmpty())
                discriminatorOptimizer = paperD.apply(discriminator);
        }
    }
}
