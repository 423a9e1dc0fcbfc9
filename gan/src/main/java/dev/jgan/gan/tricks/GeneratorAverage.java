package dev.jgan.gan.tricks;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * An exponential moving average of G's weights, to sample from (Yazici et al. 2019, "The Unusual Effectiveness of
 * Averaging in GAN Training"; StudioGAN's {@code Ema}, decay 0.9999): a second module of G's architecture that, after
 * G's step number s (0-based),
 * <pre>
 *   s &lt; start:   ema = G
 *   s &gt;= start:  ema = decay ema + (1 - decay) G        for each parameter, in float32, elementwise
 * </pre>
 * and whose buffers (batch-norm statistics) are copied from G after every step, as StudioGAN does (averaging running
 * statistics of differently-weighted networks has no meaning of its own). At the start of the run (iteration 0) the
 * average is set to G, so the module's own initial weights never enter it. While G runs with a stored earlier copy
 * ({@link PastSwaps}) the average is not updated: it averages G's own weights.
 */
final class GeneratorAverage {
    final Module average;
    final float decay;
    final long start;

    GeneratorAverage(Module average, float decay, long start) {
        this.average = average;
        this.decay = decay;
        this.start = start;
    }

    /** Checks that the average has G's parameters and buffers, by name and shape. */
    void check(String scheme, Module generator) {
        if (average == generator)
            throw new IllegalArgumentException(scheme + ": Tricks.generatorAverage was given the generator itself; pass a second module of the same"
                    + " architecture (e.g. built by the same builder)");
        same(scheme, "parameters", generator.namedParameters(), average.namedParameters());
        same(scheme, "buffers", generator.namedBuffers(), average.namedBuffers());
    }

    private static void same(String scheme, String kind, Map<String, Tensor> g, Map<String, Tensor> a) {
        boolean ok = g.keySet().equals(a.keySet());
        if (ok) for (Map.Entry<String, Tensor> e : g.entrySet()) ok &= Arrays.equals(e.getValue().shape(), a.get(e.getKey()).shape());
        if (!ok)
            throw new IllegalArgumentException(scheme + ": Tricks.generatorAverage needs a module of G's architecture, but its " + kind + " are "
                    + shapes(a) + " and G's " + shapes(g));
    }

    private static String shapes(Map<String, Tensor> m) {
        StringBuilder s = new StringBuilder("{");
        for (Map.Entry<String, Tensor> e : m.entrySet())
            s.append(s.length() > 1 ? ", " : "").append(e.getKey()).append(Shape.str(e.getValue().shape()));
        return s.append("}").toString();
    }

    /** ema = G, parameters and buffers. */
    void copyFrom(Module generator) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            copy(generator.namedParameters(), average.namedParameters());
            copy(generator.namedBuffers(), average.namedBuffers());
        }
    }

    /** The update after G's step number {@code step} (0-based). */
    void update(Module generator, long step) {
        if (step < start) {
            copyFrom(generator);
            return;
        }
        try (GradMode.Scope s = GradMode.noGrad()) {
            Iterator<Tensor> gs = generator.namedParameters().values().iterator();
            for (Tensor e : average.namedParameters().values()) {
                float[] ev = e.toArray(), gv = gs.next().toArray();
                // ema = decay ema + (1 - decay) G
                for (int i = 0; i < ev.length; i++) ev[i] = decay * ev[i] + (1f - decay) * gv[i];
                e.copyInPlace(Tensor.of(ev, e.shape()));
            }
            copy(generator.namedBuffers(), average.namedBuffers());
        }
    }

    private static void copy(Map<String, Tensor> from, Map<String, Tensor> to) {
        for (Map.Entry<String, Tensor> e : to.entrySet()) e.getValue().copyInPlace(from.get(e.getKey()));
    }

    String describe() {
        return "G average decay=" + decay + " from G step " + start;
    }
}
