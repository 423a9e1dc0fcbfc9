package dev.jgan.gan.scheme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.GradCheck;
import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Losses;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.data.LabelledToyBatches;
import dev.jgan.gan.data.ToyBatches;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.loss.AuxiliaryClassifierLoss;
import dev.jgan.gan.nets.AcganDiscriminator;
import dev.jgan.gan.nets.AuxiliaryClassifier;
import dev.jgan.gan.nets.Cgan;
import dev.jgan.gan.regularize.GradientPenalty;
import dev.jgan.gan.train.Batch;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.gan.tricks.Tricks;
import dev.jgan.nn.Conditional;
import dev.jgan.nn.Functional;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import dev.jgan.nn.optim.Optimizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * AC-GAN inside the schemes: with an {@link AuxiliaryClassifier} D, each scheme's iteration is its algorithm box with
 * the class terms added, D's {@code w_D (CE(C(x), y) + CE(C(G(z, c)), c))} and G's {@code w_G CE(C(G(z, c)), c)}
 * (written out by hand here, bitwise equal); and the settings and labels are checked with clear errors.
 */
class AuxiliaryClassifierSchemeTest {
    static final int BATCH = 16, NOISE = 3, CLASSES = 3, EMBED = 2;
    static final GaussianMixture DATA = GaussianMixture.ring(CLASSES, 1.5f, 0.3f);

    /** A conditional G and an AC-GAN D, the same weights for the same seed. */
    record Nets(Cgan g, AcganDiscriminator d) {
        static Nets of(long seed) {
            Rng init = new Rng(seed);
            Cgan g = Cgan.generator(new Sequential(new Linear(NOISE + EMBED, 8, init), new Tanh(), new Linear(8, 2, init)), NOISE, CLASSES, EMBED, init);
            return new Nets(g, new AcganDiscriminator(new Sequential(new Linear(2, 8, init), new LeakyReLU(0.2f), new Linear(8, 1 + CLASSES, init)), CLASSES));
        }
    }

    static LabelledToyBatches data() {
        return new LabelledToyBatches(DATA, new Rng(9), BATCH);
    }

    /** The hand-written side's draws, in the scheme's order: a real batch with labels, then z and G's labels. */
    static final class Draws {
        final Rng xs = new Rng(9), zs = new Rng(7);
        int[] y, c;
        Tensor x, z;

        void next() {
            y = new int[BATCH];
            x = DATA.sample(xs, BATCH, y);
            noise();
        }

        void noise() {
            z = Tensor.randn(zs, BATCH, NOISE);
            c = new int[BATCH];
            for (int i = 0; i < BATCH; i++) c[i] = zs.nextInt(CLASSES);   // Latent.sampleLabels: after the noise
        }
    }

    static Tensor ce(Tensor logits, int[] labels) {
        return Losses.crossEntropy(logits, labels);
    }

    static void assertSameParameters(Module a, Module b) {
        List<Tensor> pa = a.parameters(), pb = b.parameters();
        for (int i = 0; i < pa.size(); i++) assertThat(pb.get(i).toArray()).as("parameter %d", i).containsExactly(pa.get(i).toArray());
    }

    static Tensor noGradForward(Cgan g, Tensor z, int[] c) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return g.forward(z, c);
        }
    }

    @Test
    void wganGpWithAnAcganCriticIsTheFormula() {
        Nets a = Nets.of(3), b = Nets.of(3);
        WganGp scheme = WganGp.builder(a.g(), a.d(), Latent.normal(new Rng(7), NOISE), new Rng(11))
                .auxiliaryClassifierLoss(new AuxiliaryClassifierLoss(1f, 0.1f, true)).build();   // D's class term on real and fake
        BatchSource data = data();
        StepResult r = null;
        for (int i = 0; i < 2; i++) r = scheme.step(data);

        // critic: mean D(G(z)) - mean D(x) + lambda mean (||grad D(x_hat)|| - 1)^2 + 1 (CE(C(x), y) + CE(C(G(z, c)), c)),
        // the penalty on the adversarial head; G: -mean D(G(z, c)) + 0.1 CE(C(G(z, c)), c)
        AdversarialLoss w = AdversarialLoss.wasserstein();
        GradientPenalty gp = new GradientPenalty(10f, false);
        Adam og = new Adam(b.g().parameters(), 1e-4f, 0f, 0.9f), od = new Adam(b.d().parameters(), 1e-4f, 0f, 0.9f);
        Draws s = new Draws();
        Rng as = new Rng(11);
        float lossD = Float.NaN, ceReal = Float.NaN, ceFake = Float.NaN, penalty = Float.NaN, ceG = Float.NaN, lossG = Float.NaN;
        for (int i = 0; i < 2; i++) {
            for (int t = 0; t < 5; t++) {
                s.next();
                Tensor fake = noGradForward(b.g(), s.z, s.c);
                od.zeroGrad();
                AuxiliaryClassifier.Heads real = b.d().heads(s.x), gen = b.d().heads(fake);
                Tensor p = gp.compute(b.d()::forward, s.x, fake, as).penalty();
                Tensor cr = ce(real.classes(), s.y), cf = ce(gen.classes(), s.c);
                Tensor loss = w.discriminator(real.adversarial(), gen.adversarial()).add(p).add(cr.add(cf).mul(1f));
                loss.backward();
                od.step();
                lossD = loss.item();
                ceReal = cr.item();
                ceFake = cf.item();
                penalty = p.item();
            }
            s.noise();   // after 5 critic steps G draws fresh noise and labels
            og.zeroGrad();
            AuxiliaryClassifier.Heads h = b.d().heads(b.g().forward(s.z, s.c));
            Tensor cg = ce(h.classes(), s.c);
            Tensor loss = w.generator(h.adversarial()).add(cg.mul(0.1f));
            loss.backward();
            og.step();
            ceG = cg.item();
            lossG = loss.item();
        }
        assertSameParameters(a.g(), b.g());
        assertSameParameters(a.d(), b.d());
        assertThat(r.dLoss()).isEqualTo(lossD);
        assertThat(r.gLoss()).isEqualTo(lossG);
        assertThat(r.extra("class_loss_real")).isEqualTo(ceReal);
        assertThat(r.extra("class_loss_fake")).isEqualTo(ceFake);
        assertThat(r.extra("class_loss_g")).isEqualTo(ceG);
        assertThat(r.extra("gradient_penalty")).isEqualTo(penalty);
        assertThat(r.extras()).containsKeys("class_accuracy_real", "class_accuracy_fake", "wasserstein_estimate", "critic_grad_norm");
        // the Wasserstein estimate is the adversarial part alone: loss_D = -estimate + GP + CE_real + CE_fake
        assertThat(r.dLoss()).isCloseTo(-r.extra("wasserstein_estimate") + penalty + ceReal + ceFake, within(1e-5f));
    }

    /**
     * The whole WGAN-GP critic loss with the class term, as a function of an AC-GAN critic's weights, checked by finite
     * differences to first and second order (the penalty already holds a first derivative, so this reaches the third).
     */
    @Test
    void acganCriticLossGradchecksToSecondOrder() {
        Rng rng = new Rng(12);
        AcganDiscriminator d = new AcganDiscriminator(new Sequential(new Linear(2, 4, rng), new Tanh(), new Linear(4, 1 + CLASSES, rng)), CLASSES);
        Tensor x = Tensor.randn(rng, 3, 2), fake = Tensor.randn(rng, 3, 2);
        int[] y = {0, 2, 1}, c = {1, 1, 0};
        String[] names = d.namedParameters().keySet().toArray(new String[0]);
        Tensor[] weights = new Tensor[names.length];
        for (int i = 0; i < names.length; i++) weights[i] = d.namedParameters().get(names[i]).detach().copy();
        GradientPenalty gp = new GradientPenalty(10f, false);
        AuxiliaryClassifierLoss ac = new AuxiliaryClassifierLoss(1f, 0.1f, true);   // both class terms in the critic's loss
        Function<List<Tensor>, Tensor> critic = p -> {
            Map<String, Tensor> sub = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) sub.put(names[i], p.get(i));
            return Functional.call(d, sub, () -> {
                AuxiliaryClassifier.Heads real = d.heads(x), gen = d.heads(fake);
                Tensor penalty = gp.compute(d::forward, x, fake, new Rng(13)).penalty();   // the same a at every evaluation
                return AdversarialLoss.wasserstein().discriminator(real.adversarial(), gen.adversarial()).add(penalty)
                        .add(ac.discriminator(real.classes(), y, gen.classes(), c).loss()).reshape(1);
            });
        };
        // step 3e-3: at the default 1e-2 the central difference's truncation error on this third derivative (lambda 10,
        // tanh) is 2% (numeric -21.09 against analytic -20.65 for one weight); the smaller step brings it within tolerance
        GradCheck check = GradCheck.of(3e-3f, 2e-3f, 2e-2f);
        check.first(critic, weights);
        check.second(critic, weights);
    }

    @Test
    void standardGanWithAnAcganDiscriminatorIsTheFormula() {
        Nets a = Nets.of(1), b = Nets.of(1);
        StandardGan scheme = StandardGan.builder(a.g(), a.d(), Latent.normal(new Rng(7), NOISE))
                .auxiliaryClassifierLoss(new AuxiliaryClassifierLoss(0.5f, 0.25f, true)).build();
        BatchSource data = data();
        StepResult r = null;
        for (int i = 0; i < 3; i++) r = scheme.step(data);

        AdversarialLoss ns = AdversarialLoss.nonSaturating();
        Adam og = new Adam(b.g().parameters(), 2e-4f, 0.5f, 0.999f), od = new Adam(b.d().parameters(), 2e-4f, 0.5f, 0.999f);
        Draws s = new Draws();
        float accReal = Float.NaN, accFake = Float.NaN;
        for (int i = 0; i < 3; i++) {
            s.next();
            Tensor fake = b.g().forward(s.z, s.c);
            od.zeroGrad();
            AuxiliaryClassifier.Heads real = b.d().heads(s.x), gen = b.d().heads(fake.detach());
            ns.discriminator(real.adversarial(), gen.adversarial()).add(ce(real.classes(), s.y).add(ce(gen.classes(), s.c)).mul(0.5f)).backward();
            od.step();
            accReal = AuxiliaryClassifierLoss.accuracy(real.classes(), s.y);
            accFake = AuxiliaryClassifierLoss.accuracy(gen.classes(), s.c);
            og.zeroGrad();
            AuxiliaryClassifier.Heads h = b.d().heads(fake);   // G reuses the D step's samples and labels
            ns.generator(h.adversarial()).add(ce(h.classes(), s.c).mul(0.25f)).backward();
            og.step();
        }
        assertSameParameters(a.g(), b.g());
        assertSameParameters(a.d(), b.d());
        assertThat(r.extra("class_accuracy_real")).isEqualTo(accReal);
        assertThat(r.extra("class_accuracy_fake")).isEqualTo(accFake);
        assertThat(scheme.auxiliaryClassifierLoss().discriminatorWeight()).isEqualTo(0.5f);
    }

    @Test
    void unrolledGanLooksAheadOnTheLossWithTheClassTerm() {
        // first order, k = 1: D steps, then one look-ahead step from a snapshot, G against it, D restored
        Nets a = Nets.of(2), b = Nets.of(2);
        AuxiliaryClassifierLoss both = new AuxiliaryClassifierLoss(1f, 0.1f, true);   // D's class term on real and fake
        UnrolledGan scheme = UnrolledGan.builder(a.g(), a.d(), Latent.normal(new Rng(7), NOISE)).unrollSteps(1).secondOrder(false)
                .auxiliaryClassifierLoss(both).build();
        BatchSource data = data();
        for (int i = 0; i < 2; i++) scheme.step(data);

        AdversarialLoss ns = AdversarialLoss.nonSaturating();
        Adam og = new Adam(b.g().parameters(), 1e-4f, 0.5f, 0.999f), od = new Adam(b.d().parameters(), 1e-4f, 0.5f, 0.999f);
        Draws s = new Draws();
        for (int i = 0; i < 2; i++) {
            s.next();
            Tensor fake = b.g().forward(s.z, s.c);
            for (int step = 0; step < 2; step++) {   // D's step, then the look-ahead step on the same minibatch
                if (step == 1) {
                    Optimizer.Snapshot theta1 = od.snapshot(b.d());
                    od.zeroGrad();
                    AuxiliaryClassifier.Heads real = b.d().heads(s.x), gen = b.d().heads(fake.detach());
                    ns.discriminator(real.adversarial(), gen.adversarial()).add(ce(real.classes(), s.y).add(ce(gen.classes(), s.c)).mul(1f)).backward();
                    od.step();
                    og.zeroGrad();
                    AuxiliaryClassifier.Heads h = b.d().heads(fake);
                    ns.generator(h.adversarial()).add(ce(h.classes(), s.c).mul(0.1f)).backward();
                    og.step();
                    od.restore(theta1);
                } else {
                    od.zeroGrad();
                    AuxiliaryClassifier.Heads real = b.d().heads(s.x), gen = b.d().heads(fake.detach());
                    ns.discriminator(real.adversarial(), gen.adversarial()).add(ce(real.classes(), s.y).add(ce(gen.classes(), s.c)).mul(1f)).backward();
                    od.step();
                }
            }
        }
        assertSameParameters(a.g(), b.g());
        assertSameParameters(a.d(), b.d());

        // second order, k = 1: the look-ahead's D loss is the AC-GAN loss at theta_D^1 on the iteration's minibatch
        Nets c = Nets.of(4), e = Nets.of(4);
        UnrolledGan second = UnrolledGan.builder(c.g(), c.d(), Latent.normal(new Rng(7), NOISE)).unrollSteps(1).auxiliaryClassifierLoss(both).build();
        Draws t = new Draws();
        t.next();
        Tensor fake = noGradForward(e.g(), t.z, t.c);   // G before its step, as the scheme's look-ahead saw it
        StepResult r = second.step(data());
        AuxiliaryClassifier.Heads real = c.d().heads(t.x), gen = c.d().heads(fake);   // c.d() is at theta_D^1 after the step
        float expected = ns.discriminator(real.adversarial(), gen.adversarial()).add(ce(real.classes(), t.y).add(ce(gen.classes(), t.c)).mul(1f)).item();
        assertThat(r.extra("unrolled_d_loss")).isCloseTo(expected, within(1e-6f));
        assertThat(r.extras()).containsKeys("class_loss_real", "class_loss_g");
    }

    @Test
    void wganReportsTheEstimateWithoutTheClassTerm() {
        Nets a = Nets.of(5);
        Wgan scheme = Wgan.builder(a.g(), a.d(), Latent.normal(new Rng(7), NOISE)).build();
        StepResult r = scheme.step(data());
        // the default class loss, the WGAN-GP ResNet code's: D's term on real samples only, weight 1
        assertThat(r.dLoss()).isCloseTo(-r.extra("wasserstein_estimate") + r.extra("class_loss_real"), within(1e-5f));
        assertThat(r.extra("class_loss_fake")).isGreaterThan(0.1f);   // reported, not in D's loss
        assertThat(r.extra("class_loss_real")).isGreaterThan(0.1f);   // so the check above can tell the two apart
    }

    @Test
    void jointBatchesSplitTheClassLogitsToo() {
        Nets a = Nets.of(6), b = Nets.of(6);
        StepResult separate = StandardGan.builder(a.g(), a.d(), Latent.normal(new Rng(7), NOISE)).build().step(data());
        StepResult joint = StandardGan.builder(b.g(), b.d(), Latent.normal(new Rng(7), NOISE)).tricks(Tricks.none().jointBatches(true)).build()
                .step(data());
        // the D has no batch norm, so one forward over both halves gives what two give (up to the order of sums)
        for (String k : List.of("class_loss_real", "class_loss_fake", "class_accuracy_real", "class_accuracy_fake", "class_loss_g"))
            assertThat(joint.extra(k)).as(k).isCloseTo(separate.extra(k), within(1e-5f));
        assertThat(joint.dLoss()).isCloseTo(separate.dLoss(), within(1e-5f));
    }

    /** A D that both takes the labels and classifies: refused. */
    static final class Both extends Module implements AuxiliaryClassifier, Conditional {
        Both() {
            registerModule("net", new Linear(2, 1 + CLASSES, new Rng(1)));
        }

        @Override
        public Heads heads(Tensor x) {
            Tensor out = child("net").forward(x);
            return new Heads(out.narrow(1, 0, 1), out.narrow(1, 1, CLASSES));
        }

        @Override
        public Tensor forward(Tensor x, int[] labels) {
            return heads(x).adversarial();
        }

        @Override
        public int numClasses() {
            return CLASSES;
        }
    }

    @Test
    void settingsAreChecked() {
        Nets n = Nets.of(7);
        Rng init = new Rng(8);
        Module plainG = new Sequential(new Linear(NOISE, 2, init)), plainD = new Sequential(new Linear(2, 1, init));
        Latent z = Latent.normal(new Rng(7), NOISE);
        assertThatThrownBy(() -> StandardGan.builder(plainG, n.d(), z).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GAN: the discriminator's auxiliary classifier has 3 classes but the generator does not take labels");
        Cgan g4 = Cgan.generator(new Linear(NOISE + 1, 2, init), NOISE, 4, 1, init);
        assertThatThrownBy(() -> WganGp.builder(g4, n.d(), z, new Rng(1)).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WGAN-GP: the discriminator's auxiliary classifier has 3 classes but the generator is conditional on 4");
        assertThatThrownBy(() -> StandardGan.builder(n.g(), new Both(), z).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auxiliary classifier and also takes the labels");
        assertThatThrownBy(() -> StandardGan.builder(plainG, plainD, z).auxiliaryClassifierLoss(new AuxiliaryClassifierLoss()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auxiliaryClassifierLoss is set but the discriminator has no classifier head");
        assertThatThrownBy(() -> StandardGan.builder(n.g(), plainD, z).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the generator is conditional on 3 classes but the discriminator does not take labels")
                .hasMessageContaining("AuxiliaryClassifier");
        assertThatThrownBy(() -> StandardGan.builder(plainG, plainD, z).auxiliaryClassifierLoss(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auxiliaryClassifierLoss must be given");
        // a plain D: no AC-GAN, no class loss
        assertThat(StandardGan.builder(plainG, plainD, z).build().auxiliaryClassifierLoss()).isNull();
        assertThat(StandardGan.builder(n.g(), n.d(), z).build().auxiliaryClassifierLoss().generatorWeight()).isEqualTo(0.1f);
    }

    @Test
    void badRealLabelsAreRefused() {
        Nets n = Nets.of(8);
        Latent z = Latent.normal(new Rng(7), NOISE);
        StandardGan ac = StandardGan.builder(n.g(), n.d(), z).build();
        // unlabelled data for a scheme that needs labels
        assertThatThrownBy(() -> ac.step(new ToyBatches(DATA, new Rng(1), BATCH))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GAN, the real batch: class labels are required (got null)");
        BatchSource outOfRange = new BatchSource() {
            @Override
            public Tensor next() {
                return Tensor.zeros(BATCH, 2);
            }

            @Override
            public Batch nextBatch() {
                int[] labels = new int[BATCH];
                labels[5] = CLASSES;
                return new Batch(next(), labels);
            }
        };
        assertThatThrownBy(() -> ac.step(outOfRange)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GAN, the real batch: label 3 at index 5 is outside [0, 3)");
        // a wrong count cannot even form a batch
        assertThatThrownBy(() -> new Batch(Tensor.zeros(BATCH, 2), new int[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16 samples but 3 labels");
        // and for a conditional (cGAN) D the same
        Rng init = new Rng(3);
        Cgan d = Cgan.discriminator(new Linear(2 + EMBED, 1, init), 2, CLASSES, EMBED, init);
        StandardGan cgan = StandardGan.builder(Nets.of(8).g(), d, z).build();
        assertThatThrownBy(() -> cgan.step(new ToyBatches(DATA, new Rng(1), BATCH))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GAN, the real batch: class labels are required (got null)");
        assertThat(ac.iterations()).isZero();
    }
}
