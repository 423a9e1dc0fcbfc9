package dev.jgan.gan.nets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import dev.jgan.nn.layers.Embedding;
import dev.jgan.nn.layers.Linear;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers shared by the builder tests. */
final class NetTesting {
    private NetTesting() {}

    static long parameterCount(Module m) {
        long n = 0;
        for (Tensor p : m.parameters()) n += p.numel();
        return n;
    }

    /** Every state-dict entry's values, for bitwise comparison of two constructions. */
    static Map<String, List<Float>> values(Module m) {
        Map<String, List<Float>> v = new LinkedHashMap<>();
        m.stateDict().forEach((k, t) -> {
            List<Float> l = new ArrayList<>();
            for (float f : t.toArray()) l.add(f);
            v.put(k, l);
        });
        return v;
    }

    /** State-dict keys with their shapes, e.g. {@code "0.weight [128, 256]"}. */
    static List<String> layout(Module m) {
        List<String> l = new ArrayList<>();
        m.stateDict().forEach((k, t) -> l.add(k + " " + Arrays.toString(t.shape())));
        return l;
    }

    static double mean(float[] v) {
        double s = 0;
        for (float x : v) s += x;
        return s / v.length;
    }

    static double std(float[] v) {
        double m = mean(v), s = 0;
        for (float x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / v.length);
    }

    /** The paths of the weighted layers (Linear, Conv2d, ConvTranspose2d, Embedding) with spectral norm on their weight. */
    static List<String> normalisedLayers(Module m) {
        return weightedLayers(m, true);
    }

    /** The paths of the weighted layers whose weight is a plain parameter. */
    static List<String> plainLayers(Module m) {
        return weightedLayers(m, false);
    }

    private static List<String> weightedLayers(Module root, boolean normalised) {
        List<String> l = new ArrayList<>();
        root.namedModules().forEach((path, m) -> {
            if (!(m instanceof Linear || m instanceof Conv2d || m instanceof ConvTranspose2d || m instanceof Embedding)) return;
            boolean sn = m.hasTensor("weight_orig") && m.hasTensor("weight_u") && m.hasTensor("weight_v") && !m.namedParameters().containsKey("weight");
            if (sn == normalised) l.add(path);
        });
        return l;
    }

    /**
     * Glorot-uniform weights U(-b, b), b = gain sqrt(6 / (fanIn + fanOut)): no |w| beyond b, the largest near b, the std
     * b / sqrt 3. Small tensors (a Linear to one logit has as few as 64 values) get looser bounds on the statistics.
     */
    static void assertGlorot(Tensor w, double gain) {
        int[] s = w.shape();
        int receptive = s.length == 4 ? s[2] * s[3] : 1;
        double b = gain * Math.sqrt(6.0 / (s[1] * receptive + s[0] * receptive));
        float[] v = w.toArray();
        double max = 0;
        for (float x : v) max = Math.max(max, Math.abs(x));
        boolean large = v.length >= 4000;
        assertThat(max).isLessThanOrEqualTo(b).isGreaterThan((large ? 0.99 : 0.8) * b);
        assertThat(std(v)).isCloseTo(b / Math.sqrt(3), within((large ? 0.02 : 0.1) * b));
        assertThat(mean(v)).isCloseTo(0.0, within((large ? 0.02 : 0.1) * b));
    }
}
