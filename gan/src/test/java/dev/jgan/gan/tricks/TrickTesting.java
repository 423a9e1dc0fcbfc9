package dev.jgan.gan.tricks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.nets.Mlp;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import java.util.ArrayList;
import java.util.List;

/** Small networks, data and a recording D for the tricks' tests: the same weights and batches for the same seeds. */
final class TrickTesting {
    static final int BATCH = 8, NOISE = 3;

    private TrickTesting() {}

    /** G: 3-8-2 with tanh. */
    static Module g(long seed) {
        return Mlp.of(new int[] {NOISE, 8, 2}, Tanh::new, new Rng(seed));
    }

    /** D: 2-8-1 with leaky ReLU, one logit per sample. */
    static Module d(long seed) {
        return Mlp.of(new int[] {2, 8, 1}, () -> new LeakyReLU(0.2f), new Rng(seed));
    }

    /** D with batch norm: each sample's output depends on the rest of its batch. */
    static Module dWithBatchNorm(long seed) {
        Rng init = new Rng(seed);
        return new Sequential(new Linear(2, 8, init), new BatchNorm1d(8), new Tanh(), new Linear(8, 1, init));
    }

    /** Real batches from the 8-Gaussians ring. */
    static BatchSource data(long seed) {
        Rng rng = new Rng(seed);
        return () -> GaussianMixture.ring8().sample(rng, BATCH);
    }

    /** The same batches as {@link #data}, drawn by hand. */
    static Tensor realBatch(Rng rng) {
        return GaussianMixture.ring8().sample(rng, BATCH);
    }

    static void assertSameParameters(Module a, Module b) {
        List<Tensor> pa = a.parameters(), pb = b.parameters();
        assertThat(pb).hasSameSizeAs(pa);
        for (int i = 0; i < pa.size(); i++) assertThat(pb.get(i).toArray()).as("parameter %d", i).containsExactly(pa.get(i).toArray());
    }

    static void assertSameState(Module a, Module b) {
        assertSameParameters(a, b);
        List<Tensor> ba = new ArrayList<>(a.namedBuffers().values()), bb = new ArrayList<>(b.namedBuffers().values());
        for (int i = 0; i < ba.size(); i++) assertThat(bb.get(i).toArray()).as("buffer %d", i).containsExactly(ba.get(i).toArray());
    }

    /** softplus(x) = log(1 + e^x), in double. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** mean_i t_i softplus(-x_i) + (1 - t_i) softplus(x_i): BCE with logits, in double. */
    static double bce(float[] logits, float[] targets) {
        double s = 0;
        for (int i = 0; i < logits.length; i++) s += targets[i] * softplus(-logits[i]) + (1 - targets[i]) * softplus(logits[i]);
        return s / logits.length;
    }

    /** A D that records every input it is given and its output, then runs the wrapped D. */
    static final class Recorder extends Module {
        final Module inner;
        final List<float[]> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        final List<int[]> shapes = new ArrayList<>();

        Recorder(Module inner) {
            this.inner = registerModule("inner", inner);
        }

        @Override
        public Tensor forward(Tensor x) {
            inputs.add(x.toArray());
            shapes.add(x.shape());
            Tensor out = inner.forward(x);
            outputs.add(out.toArray());
            return out;
        }

        void clear() {
            inputs.clear();
            outputs.clear();
            shapes.clear();
        }
    }
}
