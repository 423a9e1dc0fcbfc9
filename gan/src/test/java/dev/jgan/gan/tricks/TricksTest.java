package dev.jgan.gan.tricks;

import static dev.jgan.gan.tricks.TrickTesting.NOISE;
import static dev.jgan.gan.tricks.TrickTesting.assertSameState;
import static dev.jgan.gan.tricks.TrickTesting.d;
import static dev.jgan.gan.tricks.TrickTesting.dWithBatchNorm;
import static dev.jgan.gan.tricks.TrickTesting.data;
import static dev.jgan.gan.tricks.TrickTesting.g;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.nets.AutoencoderDiscriminator;
import dev.jgan.gan.scheme.Ebgan;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.Minibatch;
import dev.jgan.gan.scheme.Scheme;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.scheme.UnrolledGan;
import dev.jgan.gan.scheme.Wgan;
import dev.jgan.gan.scheme.WganGp;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.nn.Module;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every option off is the plain step, bitwise, in every scheme; descriptions; the checks on how a Tricks is used. */
class TricksTest {
    /** A scheme by name on the given G and D, built with {@code tricks} or (null) without calling {@code tricks(...)}. */
    static Scheme build(String name, Module g, Module d, Tricks tricks) {
        Latent z = Latent.normal(new Rng(7), NOISE);
        return switch (name) {
            case "standard" -> tricks == null ? StandardGan.builder(g, d, z).build() : StandardGan.builder(g, d, z).tricks(tricks).build();
            case "minimax" -> tricks == null ? StandardGan.builder(g, d, z).loss(AdversarialLoss.minimax()).build()
                    : StandardGan.builder(g, d, z).loss(AdversarialLoss.minimax()).tricks(tricks).build();
            case "unrolled" -> tricks == null ? UnrolledGan.builder(g, d, z).unrollSteps(2).build()
                    : UnrolledGan.builder(g, d, z).unrollSteps(2).tricks(tricks).build();
            case "unrolled-first-order" -> tricks == null ? UnrolledGan.builder(g, d, z).unrollSteps(2).secondOrder(false).build()
                    : UnrolledGan.builder(g, d, z).unrollSteps(2).secondOrder(false).tricks(tricks).build();
            case "wgan" -> tricks == null ? Wgan.builder(g, d, z).build() : Wgan.builder(g, d, z).tricks(tricks).build();
            case "wgan-gp" -> tricks == null ? WganGp.builder(g, d, z, new Rng(3)).build() : WganGp.builder(g, d, z, new Rng(3)).tricks(tricks).build();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard", "minimax", "unrolled", "unrolled-first-order", "wgan", "wgan-gp"})
    void everyOptionOffIsThePlainStepBitwise(String name) {
        Module g1 = g(1), d1 = dWithBatchNorm(2), g2 = g(1), d2 = dWithBatchNorm(2);
        Scheme withTricks = build(name, g1, d1, Tricks.none().jointBatches(false));
        Scheme plain = build(name, g2, d2, null);
        BatchSource a = data(9), b = data(9);
        for (int i = 0; i < 3; i++) {
            var ra = withTricks.step(a);
            var rb = plain.step(b);
            assertThat(ra.dLoss()).isEqualTo(rb.dLoss());
            assertThat(ra.gLoss()).isEqualTo(rb.gLoss());
        }
        assertSameState(g1, g2);
        assertSameState(d1, d2);
        assertThat(withTricks.describe()).isEqualTo(plain.describe());
    }

    @Test
    void ebganOffIsThePlainStepBitwise() {
        Module g1 = g(1), g2 = g(1);
        AutoencoderDiscriminator d1 = AutoencoderDiscriminator.mlp(2, 8, 4, new Rng(2)), d2 = AutoencoderDiscriminator.mlp(2, 8, 4, new Rng(2));
        Scheme withTricks = Ebgan.builder(g1, d1, Latent.normal(new Rng(7), NOISE), 0.5f).tricks(Tricks.none()).build();
        Scheme plain = Ebgan.builder(g2, d2, Latent.normal(new Rng(7), NOISE), 0.5f).build();
        BatchSource a = data(9), b = data(9);
        for (int i = 0; i < 3; i++) {
            withTricks.step(a);
            plain.step(b);
        }
        assertSameState(g1, g2);
        assertSameState(d1, d2);
    }

    /** With every option off the hooks hand back their inputs themselves, and the loss is the loss itself. */
    @Test
    void hooksPassTheirInputsThroughWhenOff() {
        Tricks none = Tricks.none();
        Minibatch b = new Minibatch(Tensor.zeros(4, 2), null, Tensor.zeros(4, 3), null, Tensor.ones(4, 2));
        assertThat(none.discriminatorBatch(b, 0)).isSameAs(b);
        assertThat(none.generatorBatch(b, 0)).isSameAs(b);
        assertThat(none.targets("GAN", AdversarialLoss.nonSaturating())).isSameAs(AdversarialLoss.nonSaturating());
        assertThat(none.targets("GAN", AdversarialLoss.hinge())).isSameAs(AdversarialLoss.hinge());
        assertThat(none.realTargets()).isNull();
        assertThat(none.describe()).isEmpty();
        assertThat(none).hasToString("no tricks");
    }

    @Test
    void describeListsWhatIsOn() {
        Tricks all = Tricks.none().softLabels(new Rng(1)).labelFlipping(0.05f, new Rng(2)).instanceNoise(InstanceNoise.linear(0.1f, 1000, new Rng(3)))
                .experienceReplay(512, 0.5f, new Rng(4)).jointBatches(true).swapGenerator(100, 5, 0.01f, 10, new Rng(5))
                .swapDiscriminator(100, 5, 0.01f, 10, new Rng(6)).generatorAverage(g(9), 0.9999f, 1000);
        assertThat(all.describe()).isEqualTo("soft labels real [0.7, 1.2] fake [0.0, 0.3], label flipping p=0.05,"
                + " instance noise sigma 0.1 -> 0 over 1000 iterations, experience replay 50% from a ring of 512, joint batches,"
                + " generator swaps (every 100 iterations keep a copy, last 5; p=0.01 for 10 iterations),"
                + " discriminator swaps (every 100 iterations keep a copy, last 5; p=0.01 for 10 iterations), G average decay=0.9999 from G step 1000");
        assertThat(build("wgan-gp", g(1), d(2), Tricks.none().jointBatches(true)).describe()).isEqualTo("WGAN-GP(lambda=10.0, 5:1, joint batches)");
        assertThat(build("unrolled", g(1), d(2), Tricks.none().oneSidedLabelSmoothing(0.9f)).describe())
                .isEqualTo("Unrolled GAN(k=2, second order, non-saturating loss, 1:1, one-sided label smoothing 0.9)");
    }

    /** Each trick draws from its own generator: one Rng for two tricks, or the noise's, is refused. */
    @Test
    void sharedGeneratorsAreRefused() {
        Rng shared = new Rng(1);
        assertThatThrownBy(() -> build("standard", g(1), d(2), Tricks.none().instanceNoise(InstanceNoise.constant(0.1f, shared))
                .experienceReplay(16, 0.5f, shared)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GAN: Tricks.instanceNoise and Tricks.experienceReplay were given the same Rng; give each trick its own (e.g. rng.split())"
                        + " so that one trick's draws do not shift another's");
        Latent z = Latent.normal(new Rng(7), NOISE);
        StandardGan gan = StandardGan.builder(g(1), d(2), z).tricks(Tricks.none().labelFlipping(0.1f, z.rng())).build();
        assertThatThrownBy(() -> gan.step(data(9)))
                .hasMessage("GAN: Tricks.labelFlipping was given the noise's Rng (the Latent's); give each trick its own (e.g. rng.split())");
    }

    /** Options are fixed once a scheme is built with them; a Tricks runs one scheme. */
    @Test
    void tricksBelongToOneScheme() {
        Tricks tricks = Tricks.none().jointBatches(true);
        Scheme first = build("standard", g(1), d(2), tricks);
        assertThatThrownBy(() -> tricks.oneSidedLabelSmoothing(0.9f)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Tricks: the options are fixed once a scheme is built with them (these were given to a GAN)");
        Scheme second = build("wgan-gp", g(1), d(2), tricks);
        first.step(data(9));
        assertThatThrownBy(() -> second.step(data(9))).isInstanceOf(IllegalStateException.class)
                .hasMessage("Tricks: these tricks run another scheme (GAN(non-saturating loss, 1:1, joint batches)); each scheme needs its own");
    }
}
