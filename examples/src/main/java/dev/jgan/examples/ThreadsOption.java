package dev.jgan.examples;

import dev.jgan.autodiff.kernels.KernelThreads;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --threads}, shared by the commands that run the kernels (a picocli mixin). */
final class ThreadsOption {
    @Option(names = "--threads", paramLabel = "N", description = {
        "Threads for GEMM and convolution (default: the jgan.threads system property, else all cores). Sets jgan.threads,",
        "so it takes effect only before the kernels first run in this JVM; the result does not depend on it."})
    int threads;

    /** Checks the option (0: the default) and sets {@code jgan.threads}, which the kernels read when they first run. */
    void apply() throws UsageError {
        if (threads < 0) throw new UsageError("--threads must be >= 1 (or 0 for the default), got " + threads);
        if (threads > 0) System.setProperty("jgan.threads", Integer.toString(threads));
    }

    /** A note when the option came too late for this JVM's kernels (a second command in one JVM, as in the tests). */
    void noteIfLate(PrintWriter stdout) {
        if (threads > 0 && KernelThreads.get().threads() != threads)
            stdout.printf(Locale.ROOT, "note: --threads %d has no effect: the kernels of this JVM already run with %d%n", threads,
                    KernelThreads.get().threads());
    }
}
