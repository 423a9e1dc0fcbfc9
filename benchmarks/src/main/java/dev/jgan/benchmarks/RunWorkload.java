package dev.jgan.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Runs one reference workload in a plain loop, for profiling (JFR, GC logs) and for the GC-share measurements that
 * JMH does not report: {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar dev.jgan.benchmarks.RunWorkload
 * WORKLOAD SECONDS [WARMUP_SECONDS]}, WORKLOAD one of dcgan, wgangp, gauss, unrolled-sgd, unrolled-adam, first-order.
 * Prints the median and spread of per-iteration times over the measured part and the share of it spent in GC pauses.
 * Threads: {@code -Djgan.threads}.
 */
public final class RunWorkload {
    private RunWorkload() {}

    public static void main(String[] args) {
        if (args.length < 2) throw new IllegalArgumentException("usage: RunWorkload WORKLOAD SECONDS [WARMUP_SECONDS]");
        String name = args[0];
        double seconds = Double.parseDouble(args[1]), warmup = args.length > 2 ? Double.parseDouble(args[2]) : 10;
        DoubleSupplier body = workload(name);
        long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
        while (System.nanoTime() < warmEnd) ReferenceWorkloads.checkFinite(name, (float) body.getAsDouble());
        long gc0 = gcMillis();
        long start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        double[] times = new double[1 << 16];
        int n = 0;
        for (long t = start; t < end && n < times.length; ) {
            ReferenceWorkloads.checkFinite(name, (float) body.getAsDouble());
            long now = System.nanoTime();
            times[n++] = (now - t) / 1e6;
            t = now;
        }
        double total = (System.nanoTime() - start) / 1e6;
        long gc = gcMillis() - gc0;
        java.util.Arrays.sort(times, 0, n);
        System.out.printf(Locale.ROOT, "RESULT|%s|%d iterations|median %.3f ms|min %.3f|max %.3f|gc %.1f%% (%d ms of %.0f)%n",
                name, n, times[n / 2], times[0], times[n - 1], 100.0 * gc / total, gc, total);
    }

    static DoubleSupplier workload(String name) {
        switch (name) {
            case "dcgan": { ReferenceWorkloads.Dcgan w = new ReferenceWorkloads.Dcgan(); return w::iteration; }
            case "wgangp": { ReferenceWorkloads.WganGp w = new ReferenceWorkloads.WganGp(); return w::iteration; }
            case "gauss": { ReferenceWorkloads.Gaussians w = new ReferenceWorkloads.Gaussians(); return w::standard; }
            case "unrolled-sgd": { ReferenceWorkloads.Gaussians w = new ReferenceWorkloads.Gaussians(); return () -> w.unrolledSecondOrder(false); }
            case "unrolled-adam": { ReferenceWorkloads.Gaussians w = new ReferenceWorkloads.Gaussians(); return () -> w.unrolledSecondOrder(true); }
            case "first-order": { ReferenceWorkloads.Gaussians w = new ReferenceWorkloads.Gaussians(); return w::unrolledFirstOrder; }
            default: throw new IllegalArgumentException("unknown workload '" + name + "': dcgan, wgangp, gauss, unrolled-sgd, unrolled-adam, first-order");
        }
    }

    private static long gcMillis() {
        long sum = 0;
        // Pauses only: JDK 20+ adds a "G1 Concurrent GC" bean timing the concurrent cycles, which run beside the loop.
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans())
            if (!b.getName().contains("Concurrent")) sum += Math.max(0, b.getCollectionTime());
        return sum;
    }
}
