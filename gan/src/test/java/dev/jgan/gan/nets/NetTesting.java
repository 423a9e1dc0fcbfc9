package dev.jgan.gan.nets;

import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
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
}
