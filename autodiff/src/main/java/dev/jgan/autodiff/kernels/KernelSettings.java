package dev.jgan.autodiff.kernels;

import java.util.Locale;
import java.util.function.IntPredicate;
import java.util.function.UnaryOperator;

/**
 * The kernel layer's system properties, read and checked in one place before {@link KernelProvider} chooses an
 * implementation. A bad value throws an {@link IllegalArgumentException} naming the property, the value and the
 * allowed values, so that it is never taken for the Vector API failing to load (which falls back to the scalar
 * kernels with a warning). A property that is unset or blank takes its default.
 *
 * @param simd     {@code jgan.simd}: {@code auto} (default), {@code on} or {@code off}
 * @param simdBits {@code jgan.simd.bits}: the vector width to use, 64, 128, 256 or 512; 0 (default) for the CPU's preferred
 * @param threads  {@code jgan.threads}: threads for GEMM and convolution, a positive integer; default all cores
 * @param winograd {@code jgan.winograd}: {@code auto} (default, true) or {@code off} (false)
 */
record KernelSettings(String simd, int simdBits, int threads, boolean winograd) {

    /** The settings of this JVM's system properties, read once. */
    static KernelSettings current() {
        return Holder.CURRENT;
    }

    private static final class Holder {
        static final KernelSettings CURRENT = parse(System::getProperty);
    }

    /** Parses and checks the settings, looking each property up through {@code property} (null when unset). */
    static KernelSettings parse(UnaryOperator<String> property) {
        String simd = word(property, "jgan.simd", "auto", "auto, on or off", "auto", "on", "off");
        String winograd = word(property, "jgan.winograd", "auto", "auto or off", "auto", "off");
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = integer(property, "jgan.threads", cores, "a positive integer (default: all " + cores + " cores)", n -> n >= 1);
        int bits = integer(property, "jgan.simd.bits", 0, "64, 128, 256 or 512 (default: the CPU's preferred width)",
                n -> n == 64 || n == 128 || n == 256 || n == 512);
        return new KernelSettings(simd, bits, threads, winograd.equals("auto"));
    }

    private static String word(UnaryOperator<String> property, String name, String fallback, String allowed, String... values) {
        String raw = property.apply(name);
        if (raw == null || raw.isBlank()) return fallback;
        String v = raw.trim().toLowerCase(Locale.ROOT);
        for (String ok : values) if (ok.equals(v)) return v;
        throw bad(name, raw, allowed);
    }

    private static int integer(UnaryOperator<String> property, String name, int fallback, String allowed, IntPredicate ok) {
        String raw = property.apply(name);
        if (raw == null || raw.isBlank()) return fallback;
        int n;
        try {
            n = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw bad(name, raw, allowed);
        }
        if (!ok.test(n)) throw bad(name, raw, allowed);
        return n;
    }

    private static IllegalArgumentException bad(String name, String value, String allowed) {
        return new IllegalArgumentException(name + " must be " + allowed + ", got '" + value + "'");
    }
}
