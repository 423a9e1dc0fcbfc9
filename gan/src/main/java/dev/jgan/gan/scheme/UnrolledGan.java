package dev.jgan.gan.scheme;

import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.nn.Functional;
import dev.jgan.nn.Module;
import dev.jgan.nn.optim.Optimizer;
import dev.jgan.nn.optim.UnrolledOptimizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Unrolled GAN (Metz, Poole, Pfau and Sohl-Dickstein 2017, "Unrolled Generative Adversarial Networks", section 2):
 * G is trained against the discriminator as it will be k optimizer steps ahead, which penalises G for moving to
 * where D would follow and so discourages mode collapse.
 * <pre>
 *   for each iteration:
 *     x ~ data, z ~ p(z)
 *     D: one step on loss_D(D(x), D(G(z)))                     theta_D &lt;- theta_D^1
 *     unroll from theta_D^1 on the same minibatch (x, z):     theta_D^(i+1) = theta_D^i - eta grad loss_D(theta_D^i)
 *     G: descend  loss_G(D(G(z)); theta_D^(1+k))                D stays at theta_D^1
 * </pre>
 * Second order (the paper's): the k look-ahead steps are differentiable functions of G's parameters (the
 * optimizer's {@link Optimizer#unrolled()} step through {@link Functional#call}), so G's gradient flows through all
 * of them. First order: the k steps are real optimizer steps from a snapshot of D and its optimizer, G is updated
 * against the unrolled D as it stands, and D is restored to theta_D^1. k = 0 is exactly the plain GAN step.
 * Memory grows with k: the second-order graph keeps every look-ahead step's activations and gradients.
 *
 * <p>Defaults: k = 5, second order, the non-saturating loss, Adam(lr 1e-4, beta1 0.5, beta2 0.999) for both, one
 * D step per iteration (the settings of the paper's 2-D mixture experiment and of the PyTorch reference workload).
 * Reported: {@code unroll_steps} and, second order, {@code unrolled_d_loss} (D's loss at its last look-ahead step).
 */
public final class UnrolledGan extends SchemeBase {
    private final AdversarialLoss loss;
    private final int unrollSteps;
    private final boolean secondOrder;

    private UnrolledGan(Builder b) {
        super(b);
        // D's targets under the label tricks (the loss itself when none is on); the look-ahead steps reuse D's step's
        this.loss = tricks.targets(name(), b.loss);
        this.unrollSteps = b.unrollSteps;
        this.secondOrder = b.secondOrder;
    }

    public static Builder builder(Module generator, Module discriminator, Latent latent) {
        return new Builder(generator, discriminator, latent);
    }

    @Override
    protected String name() {
        return "Unrolled GAN";
    }

    public int unrollSteps() {
        return unrollSteps;
    }

    public boolean secondOrder() {
        return secondOrder;
    }

    @Override
    protected boolean targetsCanChange() {
        return true;
    }

    @Override
    protected DStep discriminatorStep(Minibatch b) {
        // D: one step on loss_D(D(x), D(G(z))): theta_D <- theta_D^1 (the plain GAN's D step)
        return adversarialDiscriminatorStep(loss, b);
    }

    @Override
    protected GStep generatorStep(DStep last, Minibatch g) {
        if (unrollSteps == 0) return adversarialGeneratorStep(loss, g, Map.of("unroll_steps", 0f));
        // The look-ahead D steps see the last D step's real batch (as D saw it) against G's samples.
        Minibatch ahead = new Minibatch(last.batch().real(), last.batch().realLabels(), g.z(), g.fakeLabels(), g.fake());
        return secondOrder ? secondOrderStep(ahead) : firstOrderStep(ahead);
    }

    /** k real D steps from a snapshot, G against the result, then D back to theta_D^1. */
    private GStep firstOrderStep(Minibatch ahead) {
        // The snapshot covers D's buffers too (batch-norm statistics, spectral-norm vectors move in its forwards).
        Optimizer.Snapshot afterFirstStep = discriminatorOptimizer.snapshot(discriminator);
        Tensor fixedFake = ahead.fake().detach();
        for (int i = 0; i < unrollSteps; i++) {
            Tensor[] out = discriminateBoth(ahead, fixedFake);
            update(discriminatorOptimizer, discriminator, plusClassLoss(loss.discriminator(out[0], out[1]), ahead, out, null));
        }
        GStep g = adversarialGeneratorStep(loss, ahead, Map.of("unroll_steps", (float) unrollSteps));
        discriminatorOptimizer.restore(afterFirstStep);
        return g;
    }

    /** k differentiable D steps from theta_D^1; G's loss at theta_D^(1+k) is backpropagated through all of them. */
    private GStep secondOrderStep(Minibatch ahead) {
        // D's forwards below would move its buffers; its parameters and optimizer are only read.
        Optimizer.Snapshot buffers = discriminator.namedBuffers().isEmpty() ? null : discriminatorOptimizer.snapshot(discriminator);
        UnrolledOptimizer lookAhead = discriminatorOptimizer.unrolled();
        Map<String, Tensor> theta = discriminator.namedParameters();
        float lastLossD = Float.NaN;
        for (int i = 0; i < unrollSteps; i++) {
            // theta^(i+1) = step(theta^i, grad loss_D(theta^i)): G(z) is not detached, so theta^(i+1) depends on G
            Map<String, Tensor> at = theta;
            Tensor lossD = Functional.call(discriminator, at, () -> {
                Tensor[] out = discriminateBoth(ahead, ahead.fake());
                return plusClassLoss(loss.discriminator(out[0], out[1]), ahead, out, null);
            });
            lastLossD = lossD.item();
            theta = lookAhead.step(discriminator, at, lossD);
        }
        Map<String, Tensor> aheadTheta = theta;
        Map<String, Float> extras = new LinkedHashMap<>();
        Tensor lossG = Functional.call(discriminator, aheadTheta, () -> generatorLoss(loss, ahead.fake(), ahead.fakeLabels(), extras));
        // D's own parameters start the unrolled chain; freezing them for this backward skips their unused gradients.
        float norm = frozen(discriminator, () -> update(generatorOptimizer, generator, lossG));
        if (buffers != null) discriminatorOptimizer.restore(buffers);
        extras.put("unroll_steps", (float) unrollSteps);
        extras.put("unrolled_d_loss", lastLossD);
        return new GStep(lossG.item(), norm, extras);
    }

    @Override
    public String describe() {
        String tricks = this.tricks.describe();
        return "Unrolled GAN(k=" + unrollSteps + ", " + (secondOrder ? "second" : "first") + " order, " + loss.name() + " loss, "
                + schedule.describe() + (tricks.isEmpty() ? "" : ", " + tricks) + ")";
    }

    /** Settings of {@link UnrolledGan}. */
    public static final class Builder extends SchemeBase.Builder<Builder> {
        AdversarialLoss loss = AdversarialLoss.nonSaturating();
        int unrollSteps = 5;
        boolean secondOrder = true;

        Builder(Module generator, Module discriminator, Latent latent) {
            super(generator, discriminator, latent);
        }

        /** k, the look-ahead steps (default 5; 0 gives the plain GAN step). */
        public Builder unrollSteps(int k) {
            if (k < 0) throw new IllegalArgumentException("Unrolled GAN: unrollSteps must be >= 0, got unrollSteps=" + k);
            this.unrollSteps = k;
            return this;
        }

        /** Differentiate through the look-ahead steps (true, the default and the paper's) or not (first order). */
        public Builder secondOrder(boolean on) {
            this.secondOrder = on;
            return this;
        }

        public Builder loss(AdversarialLoss loss) {
            if (loss == null) throw new IllegalArgumentException("Unrolled GAN: loss must be given");
            this.loss = loss;
            return this;
        }

        public UnrolledGan build() {
            defaults(Schedule.alternating(), g -> Optimizers.adam(g, 1e-4f, 0.5f, 0.999f), d -> Optimizers.adam(d, 1e-4f, 0.5f, 0.999f));
            return new UnrolledGan(this);
        }
    }
}
