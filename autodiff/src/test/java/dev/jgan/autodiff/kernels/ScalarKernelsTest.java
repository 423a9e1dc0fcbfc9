package dev.jgan.autodiff.kernels;

/** The reference implementation against the naive loops of {@link KernelContract}. */
class ScalarKernelsTest extends KernelContract {
    private final Kernels kernels = new ScalarKernels();

    @Override
    Kernels kernels() {
        return kernels;
    }
}
