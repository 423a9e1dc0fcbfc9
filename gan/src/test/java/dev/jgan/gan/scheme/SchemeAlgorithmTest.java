package dev.jgan.gan.scheme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.loss.EnergyMarginLoss;
import dev.jgan.gan.nets.AutoencoderDiscriminator;
import dev.jgan.gan.regularize.PullAway;
import dev.jgan.gan.regularize.GradientPenalty;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import dev.jgan.nn.optim.Optimizer;
import dev.jgan.nn.optim.RMSProp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each scheme's iteration is its paper's algorithm box: the scheme and the box written out by hand here, with the
 * same networks, optimizers, losses and random streams, end bitwise equal. (The losses and the penalty themselves are
 * checked against their formulas in the loss and regularize tests.)
 */
class SchemeAlgorithmTest {
    static final int BATCH = 16, NOISE = 3;

    /** A small G and D, the same weights for the same seed. */
    record Nets(Module g, Module d) {
        static Nets of(long seed) {
            Rng init = new Rng(seed);
            return new Nets(new Sequential(new Linear(NOISE, 8, init), new Tanh(), new Linear(8, 2, init)),
                    new Sequential(new Linear(2, 8, init), new LeakyReLU(0.2f), new Linear(8, 1, init)));
        }
    }

    /** Real batches: a shifted Gaussian. */
    static BatchSource data(Rng rng) {
        return () -> Tensor.randn(rng, BATCH, 2).add(1.5f);
    }

    static void assertSameParameters(Module a, Module b) {
        List<Tensor> pa = a.parameters(), pb = b.parameters();
        for (int i = 0; i < pa.size(); i++) assertThat(pb.get(i).toArray()).as("parameter %d", i).containsExactly(pa.get(i).toArray());
    }

    @Test
    void standardGanIsAlgorithmOne() {
        Nets a = Nets.of(1), b = Nets.of(1);
        StandardGan scheme = StandardGan.builder(a.g(), a.d(), Latent.normal(new Rng(7), NOISE)).build();
        BatchSource data = data(new Rng(9));
        for (int i = 0; i < 3; i++) scheme.step(data);

        AdversarialLoss loss = AdversarialLoss.nonSaturating();
        Adam og = new Adam(b.g().parameters(), 2e-4f, 0.5f, 0.999f), od = new Adam(b.d().parameters(), 2e-4f, 0.5f, 0.999f);
        Rng zs = new Rng(7), xs = new Rng(9);
        for (int i = 0; i < 3; i++) {
            Tensor x = Tensor.randn(xs, BATCH, 2).add(1.5f), z = Tensor.randn(zs, BATCH, NOISE);
            Tensor fake = b.g().forward(z);
            od.zeroGrad();
            loss.discriminator(b.d().forward(x), b.d().forward(fake.detach())).backward();
            od.step();
            og.zeroGrad();
            loss.generator(b.d().forward(fake)).backward();   // the same fakes (PyTorch's DCGAN example)
            og.step();
        }
        assertSameParameters(a.g(), b.g());
        assertSameParameters(a.d(), b.d());
        assertThat(scheme.iterations()).isEqualTo(3);
        assertThat(scheme.discriminatorSteps()).isEqualTo(3);
    }

    @Test
    void wganIsAlgorithmOneOfArjovskyEtAl() {
        Nets a = Nets.of(2), b = Nets.of(2);
        Wgan scheme = Wgan.builder(a.g(), a.d(), Latent.normal(new Rng(7), NOISE)).build();
        BatchSource data = data(new Rng(9));
        StepResult r = null;
        for (int i = 0; i < 2; i++) r = scheme.step(data);
        assertThat(r.dSteps()).isEqualTo(5);

        AdversarialLoss loss = AdversarialLoss.wasserstein();
        RMSProp og = new RMSProp(b.g().parameters(), 5e-5f), od = new RMSProp(b.d().parameters(), 5e-5f);
        Rng zs = new Rng(7), xs = new Rng(9);
        for (int i = 0; i < 2; i++) {
            for (int t = 0; t < 5; t++) {
                Tensor x = Tensor.randn(xs, BATCH, 2).add(1.5f), z = Tensor.randn(zs, BATCH, NOISE);
                Tensor fake;
                try (GradMode.Scope s = GradMode.noGrad()) {
                    fake = b.g().forward(z);
                }
                od.zeroGrad();
                loss.discriminator(b.d().forward(x), b.d().forward(fake)).backward();
                od.step();
                try (GradMode.Scope s = GradMode.noGrad()) {
                    for (Tensor p : b.d().parameters()) p.clampInPlace(-0.01f, 0.01f);
                }
            }
            og.zeroGrad();
            loss.generator(b.d().forward(b.g().forward(Tensor.randn(zs, BATCH, NOISE)))).backward(); // fresh noise for G
            og.step();
        }
        assertSameParameters(a.g(), b.g());
        assertSameParameters(a.d(), b.d());
        for (Tensor p : a.d().parameters()) for (float v : p.toArray()) assertThat(Math.abs(v)).isLessThanOrEqualTo(0.01f);
    }

    @Test
    void wganGpIsAlgorithmOneOfGulrajaniEtAl() {
        Nets a = Nets.of(3), b = Nets.of(3);
        WganGp scheme = WganGp.builder(a.g(), a.d(), Latent.normal(new Rng(7), NOISE), new Rng(11)).build();
        BatchSource data = data(new Rng(9));
        StepResult r = null;
        for (int i = 0; i < 2; i++) r = scheme.step(data);

        AdversarialLoss loss = AdversarialLoss.wasserstein();
        GradientPenalty gp = new GradientPenalty(10f, false);
        Adam og = new Adam(b.g().parameters(), 1e-4f, 0f, 0.9f), od = new Adam(b.d().parameters(), 1e-4f, 0f, 0.9f);
        Rng zs = new Rng(7), xs = new Rng(9), as = new Rng(11);
        float penalty = Float.NaN;
        for (int i = 0; i < 2; i++) {
            for (int t = 0; t < 5; t++) {
                Tensor x = Tensor.randn(xs, BATCH, 2).add(1.5f), z = Tensor.randn(zs, BATCH, NOISE);
                Tensor fake;
                try (GradMode.Scope s = GradMode.noGrad()) {
                    fake = b.g().forward(z);
                }
                od.zeroGrad();
                Tensor p = gp.compute(b.d()::forward, x, fake, as).penalty();
                penalty = p.item();
                loss.discriminator(b.d().forward(x), b.d().forward(fake)).add(p).backward();
                od.step();
            }
            og.zeroGrad();
            loss.generator(b.d().forward(b.g().forward(Tensor.randn(zs, BATCH, NOISE)))).backward();
            og.step();
        }
        assertSameParameters(a.g(), b.g());
        assertSameParameters(a.d(), b.d());
        assertThat(r.extra("gradient_penalty")).isEqualTo(penalty);
        assertThat(r.extras()).containsKeys("wasserstein_estimate", "critic_grad_norm");
    }

    @Test
    void ebganIsSectionTwoOfZhaoEtAl() {
        Rng ra = new Rng(12), rb = new Rng(12);
        Module ga = Nets.of(5).g(), gb = Nets.of(5).g();
        AutoencoderDiscriminator da = AutoencoderDiscriminator.mlp(2, 8, 4, ra), db = AutoencoderDiscriminator.mlp(2, 8, 4, rb);
        Ebgan scheme = Ebgan.builder(ga, da, Latent.normal(new Rng(7), NOISE), 0.5f).build();
        BatchSource data = data(new Rng(9));
        StepResult r = null;
        for (int i = 0; i < 3; i++) r = scheme.step(data);

        EnergyMarginLoss loss = new EnergyMarginLoss(0.5f);
        Adam og = new Adam(gb.parameters(), 2e-4f, 0.5f, 0.999f), od = new Adam(db.parameters(), 2e-4f, 0.5f, 0.999f);
        Rng zs = new Rng(7), xs = new Rng(9);
        float pt = Float.NaN;
        for (int i = 0; i < 3; i++) {
            Tensor x = Tensor.randn(xs, BATCH, 2).add(1.5f), z = Tensor.randn(zs, BATCH, NOISE);
            Tensor fake = gb.forward(z);
            od.zeroGrad();
            loss.discriminator(EnergyMarginLoss.energy(x, db.forward(x)), EnergyMarginLoss.energy(fake.detach(), db.forward(fake.detach()))).backward();
            od.step();
            og.zeroGrad();
            Tensor codes = db.encode(fake);
            Tensor ptTerm = PullAway.term(codes).mul(0.1f);
            pt = ptTerm.item();
            loss.generator(EnergyMarginLoss.energy(fake, db.decode(codes))).add(ptTerm).backward();
            og.step();
        }
        assertSameParameters(ga, gb);
        assertSameParameters(da, db);
        assertThat(r.extra("pull_away")).isEqualTo(pt);
        assertThat(r.extras()).containsKeys("energy_real", "energy_fake");
    }

    /** The adversarial loss is pluggable: the least-squares GAN is the standard scheme with another loss. */
    @Test
    void standardGanTakesAnyLoss() {
        Nets a = Nets.of(4), b = Nets.of(4);
        StandardGan ls = StandardGan.builder(a.g(), a.d(), Latent.normal(new Rng(7), NOISE)).loss(AdversarialLoss.leastSquares()).build();
        StandardGan ns = StandardGan.builder(b.g(), b.d(), Latent.normal(new Rng(7), NOISE)).build();
        StepResult rl = ls.step(data(new Rng(9))), rn = ns.step(data(new Rng(9)));
        assertThat(rl.dLoss()).isNotEqualTo(rn.dLoss());
        assertThat(ls.describe()).contains("least-squares");
    }
}
