package dev.jgan.gan.tricks;

import static dev.jgan.gan.tricks.TrickTesting.NOISE;
import static dev.jgan.gan.tricks.TrickTesting.assertSameParameters;
import static dev.jgan.gan.tricks.TrickTesting.assertSameState;
import static dev.jgan.gan.tricks.TrickTesting.d;
import static dev.jgan.gan.tricks.TrickTesting.dWithBatchNorm;
import static dev.jgan.gan.tricks.TrickTesting.data;
import static dev.jgan.gan.tricks.TrickTesting.g;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.nets.Mlp;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Swaps with stored earlier copies of G and D, and the moving average of G, checked against their rules iteration by iteration. */
class NetworkTricksTest {
    static final int ITERATIONS = 16;

    /** G with batch norm, so a state has buffers. */
    static Module gWithBatchNorm(long seed) {
        Rng init = new Rng(seed);
        return new Sequential(new Linear(NOISE, 8, init), new BatchNorm1d(8), new Tanh(), new Linear(8, 2, init));
    }

    /**
     * The swap rule of {@link PastSwaps}, applied by hand to a network's states: {@code before[t]} after iteration t - 1
     * (as the previous iteration left it) and {@code atStart[t]} as iteration t's first D step found it. Returns the
     * swaps begun, asserting that each start state is the rule's.
     */
    static int checkSwapRule(String net, List<float[]> before, List<float[]> atStart, Rng rng, long period, int keep, float p, int duration,
                             List<Long> swapStarts) {
        float[] own = null;
        long end = 0, stored = 0;
        List<float[]> copies = new ArrayList<>();
        int swaps = 0;
        for (int t = 0; t < before.size(); t++) {
            float[] expected = before.get(t);
            if (own != null && t == end) {      // the swap ends: the network's own state comes back
                expected = own;
                own = null;
            }
            if (own == null && !copies.isEmpty() && rng.nextFloat() < p) {
                float[] copy = copies.get(rng.nextInt(copies.size()));
                own = expected;
                expected = copy;
                end = t + duration;
                swaps++;
                swapStarts.add((long) t);
            }
            if (t > 0 && t % period == 0) {
                float[] state = own != null ? own : expected;
                int slot = (int) (stored++ % keep);
                if (slot < copies.size()) copies.set(slot, state);
                else copies.add(state);
            }
            assertThat(atStart.get(t)).as("%s at the start of iteration %d", net, t).containsExactly(expected);
        }
        return swaps;
    }

    @Test
    void swapsFollowTheirRuleForGAndD() {
        Module g = gWithBatchNorm(1), d = dWithBatchNorm(2);
        Tricks tricks = Tricks.none().swapGenerator(2, 2, 0.4f, 2, new Rng(31)).swapDiscriminator(3, 1, 0.3f, 1, new Rng(32));
        StandardGan gan = StandardGan.builder(g, d, Latent.normal(new Rng(7), NOISE)).tricks(tricks).build();
        List<float[]> beforeG = new ArrayList<>(), beforeD = new ArrayList<>(), startG = new ArrayList<>(), startD = new ArrayList<>();
        BatchSource real = data(9);
        // the first real batch of an iteration is drawn right after the tricks' beforeIteration: the state its D step starts from
        BatchSource spy = () -> {
            startG.add(PastSwaps.read(g));
            startD.add(PastSwaps.read(d));
            return real.next();
        };
        for (int t = 0; t < ITERATIONS; t++) {
            beforeG.add(PastSwaps.read(g));
            beforeD.add(PastSwaps.read(d));
            gan.step(spy);
        }
        List<Long> gStarts = new ArrayList<>(), dStarts = new ArrayList<>();
        int gSwaps = checkSwapRule("G", beforeG, startG, new Rng(31), 2, 2, 0.4f, 2, gStarts);
        int dSwaps = checkSwapRule("D", beforeD, startD, new Rng(32), 3, 1, 0.3f, 1, dStarts);
        // the seeds give swaps of both, G's ending inside the run; a swap does change the network (not a no-op)
        assertThat(gSwaps).isGreaterThanOrEqualTo(2);
        assertThat(dSwaps).isGreaterThanOrEqualTo(1);
        assertThat(gStarts.get(0) + 2).isLessThan(ITERATIONS);
        int t0 = gStarts.get(0).intValue();
        assertThat(startG.get(t0)).isNotEqualTo(beforeG.get(t0));
        assertThat(gan.describe()).endsWith("generator swaps (every 2 iterations keep a copy, last 2; p=0.4 for 2 iterations),"
                + " discriminator swaps (every 3 iterations keep a copy, last 1; p=0.3 for 1 iterations))");
    }

    /** After each G step s: ema = G while s < start, then ema = decay ema + (1 - decay) G; buffers are G's; training is unchanged. */
    @Test
    void generatorAverageIsItsFormula() {
        Module g = gWithBatchNorm(1), average = gWithBatchNorm(99), plainG = gWithBatchNorm(1), plainD = d(2);
        float decay = 0.9f;
        Tricks tricks = Tricks.none().generatorAverage(average, decay, 2);
        Module d = d(2);
        StandardGan gan = StandardGan.builder(g, d, Latent.normal(new Rng(7), NOISE)).tricks(tricks).build();
        StandardGan plain = StandardGan.builder(plainG, plainD, Latent.normal(new Rng(7), NOISE)).build();
        assertThat(tricks.generatorAverage()).isSameAs(average);
        List<float[]> ema = new ArrayList<>();
        for (Tensor p : g.parameters()) ema.add(p.toArray());   // set to G at the start of the run
        BatchSource data = data(9), plainData = data(9);
        for (int s = 0; s < 5; s++) {
            gan.step(data);
            plain.step(plainData);
            List<Tensor> gp = g.parameters();
            for (int i = 0; i < ema.size(); i++) {
                float[] e = ema.get(i), now = gp.get(i).toArray();
                for (int j = 0; j < e.length; j++) e[j] = s < 2 ? now[j] : decay * e[j] + (1 - decay) * now[j];
                assertThat(average.parameters().get(i).toArray()).as("step %d, parameter %d", s, i).containsExactly(e);
            }
            List<Tensor> gb = new ArrayList<>(g.namedBuffers().values()), ab = new ArrayList<>(average.namedBuffers().values());
            for (int i = 0; i < gb.size(); i++) assertThat(ab.get(i).toArray()).as("step %d, buffer %d", s, i).containsExactly(gb.get(i).toArray());
        }
        // from step 2 on it lags G
        assertThat(average.parameters().get(0).toArray()).isNotEqualTo(g.parameters().get(0).toArray());
        assertSameState(g, plainG);
        assertSameParameters(d, plainD);
        assertThat(gan.describe()).endsWith(", G average decay=0.9 from G step 2)");
    }

    @Test
    void averageMustHaveGsArchitecture() {
        StandardGan gan = StandardGan.builder(g(1), d(2), Latent.normal(new Rng(7), NOISE))
                .tricks(Tricks.none().generatorAverage(Mlp.of(new int[] {NOISE, 16, 2}, Tanh::new, new Rng(3)), 0.999f, 0)).build();
        assertThatThrownBy(() -> gan.step(data(9))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GAN: Tricks.generatorAverage needs a module of G's architecture, but its parameters are {0.weight[16, 3], 0.bias[16],"
                        + " 2.weight[2, 16], 2.bias[2]} and G's {0.weight[8, 3], 0.bias[8], 2.weight[2, 8], 2.bias[2]}");
        Module g = g(1);
        StandardGan self = StandardGan.builder(g, d(2), Latent.normal(new Rng(7), NOISE)).tricks(Tricks.none().generatorAverage(g, 0.999f, 0)).build();
        assertThatThrownBy(() -> self.step(data(9))).hasMessageStartingWith("GAN: Tricks.generatorAverage was given the generator itself");
    }

    @Test
    void badOptionsAreRejected() {
        assertThatThrownBy(() -> Tricks.none().swapGenerator(0, 1, 0.5f, 1, new Rng(1)))
                .hasMessage("Tricks.swapGenerator: period must be >= 1, got period=0");
        assertThatThrownBy(() -> Tricks.none().swapDiscriminator(5, 0, 0.5f, 1, new Rng(1)))
                .hasMessage("Tricks.swapDiscriminator: keep must be >= 1, got keep=0");
        assertThatThrownBy(() -> Tricks.none().swapGenerator(5, 1, 0f, 1, new Rng(1)))
                .hasMessage("Tricks.swapGenerator: probability must be in (0, 1], got probability=0.0");
        assertThatThrownBy(() -> Tricks.none().swapGenerator(5, 1, 0.5f, 0, new Rng(1)))
                .hasMessage("Tricks.swapGenerator: duration must be >= 1, got duration=0");
        assertThatThrownBy(() -> Tricks.none().swapGenerator(5, 1, 0.5f, 1, null)).hasMessage("Tricks.swapGenerator: rng must be given");
        assertThatThrownBy(() -> Tricks.none().generatorAverage(g(1), 1f, 0))
                .hasMessage("Tricks.generatorAverage: decay must be in [0, 1), got decay=1.0");
        assertThatThrownBy(() -> Tricks.none().generatorAverage(g(1), Float.NaN, 0)).hasMessageContaining("got decay=NaN");
        assertThatThrownBy(() -> Tricks.none().generatorAverage(g(1), 0.9f, -1))
                .hasMessage("Tricks.generatorAverage: startStep must be >= 0, got startStep=-1");
        assertThatThrownBy(() -> Tricks.none().generatorAverage(null, 0.9f, 0))
                .hasMessage("Tricks.generatorAverage: the average module must be given");
    }
}
