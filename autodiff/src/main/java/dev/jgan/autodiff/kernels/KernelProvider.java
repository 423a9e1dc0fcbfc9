package dev.jgan.autodiff.kernels;

/**
 * Chooses the kernel implementation once per JVM. Until a vectorised implementation is registered this
 * is always {@link ScalarKernels}.
 */
public final class KernelProvider {
    private static final Kernels INSTANCE = new ScalarKernels();

    private KernelProvider() {}

    /** The active kernels. */
    public static Kernels get() {
        return INSTANCE;
    }
}
