package dev.jgan.gan.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.data.LabelledToyBatches;
import dev.jgan.gan.nets.Cgan;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.Dropout;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sampling by class and from fixed noise: G in evaluation mode on noise of the latent's distribution from the caller's
 * generator, and nothing of the run changes (a run that samples between steps ends bitwise where one that does not ends).
 */
class SamplingTest {
    static final int NOISE = 3, CLASSES = 3, EMBED = 2;

    /** A conditional G with batch norm (running statistics) and dropout (its own generator): both behave differently in training. */
    static Cgan generator(long seed) {
        Rng init = new Rng(seed);
        Module net = new Sequential(new Linear(NOISE + EMBED, 8, init), new BatchNorm1d(8), new Tanh(), new Dropout(0.5f, new Rng(seed + 1)),
                new Linear(8, 2, init));
        return Cgan.generator(net, NOISE, CLASSES, EMBED, init);
    }

    static Map<String, Tensor> state(Module m) {
        return m.stateDict();
    }

    static void assertSameState(Module a, Module b) {
        Map<String, Tensor> sa = state(a), sb = state(b);
        assertThat(sb.keySet()).isEqualTo(sa.keySet());
        for (String k : sa.keySet()) assertThat(sb.get(k).toArray()).as(k).containsExactly(sa.get(k).toArray());
    }

    @Test
    void ofClassIsTheGeneratorInEvaluationModeOnTheLatentsNoise() {
        Cgan g = generator(1);
        Latent latent = Latent.uniform(new Rng(99), NOISE);
        Tensor samples = Sampling.ofClass(g, latent, new Rng(5), 6, 2);

        Tensor z = Latent.uniform(new Rng(5), NOISE).sample(6);   // the latent's distribution and shape, the caller's generator
        assertThat(Sampling.noise(latent, new Rng(5), 6).toArray()).containsExactly(z.toArray());
        Tensor expected, inTraining;
        int[] twos = {2, 2, 2, 2, 2, 2};
        try (GradMode.Scope s = GradMode.noGrad()) {
            g.eval();
            expected = g.forward(z, twos);
            g.train(true);
        }
        assertThat(samples.toArray()).containsExactly(expected.toArray());
        assertThat(samples.requiresGrad()).isFalse();
        assertThat(Sampling.ofLabels(g, latent, new Rng(5), twos).toArray()).containsExactly(expected.toArray());
        assertThat(Sampling.fromNoise(g, z, twos).toArray()).containsExactly(expected.toArray());
        // the latent's own generator was not touched
        assertThat(latent.rng().nextLong()).isEqualTo(new Rng(99).nextLong());
        // in training mode (batch statistics, dropout) G gives other values, so the comparisons above can see the mode
        try (GradMode.Scope s = GradMode.noGrad()) {
            inTraining = g.forward(z, twos);
        }
        assertThat(samples.toArray()).isNotEqualTo(inTraining.toArray());
    }

    @Test
    void eachModulesModeIsPutBack() {
        Cgan g = generator(2);
        Module dropout = g.net().module("3");
        dropout.eval();   // set apart by the caller
        Sampling.ofClass(g, Latent.normal(new Rng(1), NOISE), new Rng(2), 4, 0);
        assertThat(g.isTraining()).isTrue();
        assertThat(g.net().module("1").isTraining()).isTrue();
        assertThat(dropout.isTraining()).isFalse();

        Module plain = new Sequential(new Linear(NOISE, 4, new Rng(3)), new BatchNorm1d(4)).eval();
        Tensor z = Tensor.randn(new Rng(4), 5, NOISE);
        Sampling.fromNoise(plain, z);
        assertThat(plain.isTraining()).isFalse();
    }

    @Test
    void samplingInTheMiddleOfARunLeavesItBitwiseAsItWas() {
        Cgan ga = generator(3), gb = generator(3);
        Rng da = new Rng(4), db = new Rng(4);
        Module dNetA = Cgan.discriminator(new Sequential(new Linear(2 + EMBED, 8, da), new Tanh(), new Linear(8, 1, da)), 2, CLASSES, EMBED, da);
        Module dNetB = Cgan.discriminator(new Sequential(new Linear(2 + EMBED, 8, db), new Tanh(), new Linear(8, 1, db)), 2, CLASSES, EMBED, db);
        StandardGan a = StandardGan.builder(ga, dNetA, Latent.normal(new Rng(5), NOISE)).build();
        StandardGan b = StandardGan.builder(gb, dNetB, Latent.normal(new Rng(5), NOISE)).build();
        GaussianMixture ring = GaussianMixture.ring(CLASSES, 2f, 0.1f);
        LabelledToyBatches dataA = new LabelledToyBatches(ring, new Rng(6), 16), dataB = new LabelledToyBatches(ring, new Rng(6), 16);
        Tensor fixed = Sampling.noise(b.latent(), new Rng(7), 9);
        for (int i = 0; i < 4; i++) {
            a.step(dataA);
            b.step(dataB);
            Sampling.ofClass(b, new Rng(8 + i), 5, i % CLASSES);
            Sampling.fromNoise(b.generator(), fixed, new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2});
        }
        assertSameState(a.generator(), b.generator());   // parameters and batch-norm statistics
        assertSameState(a.discriminator(), b.discriminator());
        assertThat(b.latent().rng().nextLong()).isEqualTo(a.latent().rng().nextLong());
    }

    @Test
    void fixedNoiseGivesTheSameSamplesAtEveryCall() {
        Module g = new Sequential(new Linear(NOISE, 2, new Rng(1)));
        Tensor z = Sampling.noise(Latent.normal(new Rng(2), NOISE), new Rng(3), 4);
        assertThat(z.shape()).containsExactly(4, NOISE);
        assertThat(Sampling.fromNoise(g, z).toArray()).containsExactly(Sampling.fromNoise(g, z).toArray());
    }

    @Test
    void badRequestsAreRefused() {
        Cgan g = generator(4);
        Module plain = new Sequential(new Linear(NOISE, 2, new Rng(1)));
        Latent latent = Latent.normal(new Rng(2), NOISE);
        Rng rng = new Rng(3);
        Tensor z = Tensor.zeros(2, NOISE);
        assertThatThrownBy(() -> Sampling.ofClass(plain, latent, rng, 4, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not take class labels");
        assertThatThrownBy(() -> Sampling.ofClass(g, latent, rng, 4, CLASSES)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 3 at index 0 is outside [0, 3)");
        assertThatThrownBy(() -> Sampling.ofClass(g, latent, rng, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("n must be >= 1, got 0");
        assertThatThrownBy(() -> Sampling.ofLabels(g, latent, rng, new int[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one label");
        assertThatThrownBy(() -> Sampling.fromNoise(g, z)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conditional on 3 classes; pass the labels");
        assertThatThrownBy(() -> Sampling.fromNoise(g, z, new int[] {0})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 samples, 1 labels");
        assertThatThrownBy(() -> Sampling.fromNoise(g, z, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("class labels are required (got null)");
        assertThatThrownBy(() -> Sampling.noise(latent, null, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latent and rng must be given");
    }
}
