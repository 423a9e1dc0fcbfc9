package dev.jgan.autodiff.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The provider honours {@code jgan.simd} and tells which implementation is active. */
class KernelProviderTest {

    @Test
    void activeImplementationFollowsTheProperty() {
        String mode = System.getProperty("jgan.simd", "auto");
        boolean module = KernelProvider.vectorModuleAvailable();
        if (mode.equals("off") || !module) {
            assertThat(KernelProvider.isVectorized()).isFalse();
            assertThat(KernelProvider.implementation()).isEqualTo("scalar");
        } else {
            assertThat(KernelProvider.isVectorized()).isTrue();
            assertThat(KernelProvider.implementation()).startsWith("vector-");
        }
        assertThat(KernelProvider.get().name()).isEqualTo(KernelProvider.implementation());
    }

    @Test
    void vectorFactoryFailsClearlyWithoutTheModule() {
        if (KernelProvider.vectorModuleAvailable()) {
            assertThat(KernelProvider.vector(KernelThreads.create(1)).name()).startsWith("vector-");
        } else {
            assertThatThrownBy(() -> KernelProvider.vector(KernelThreads.create(1)))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("--add-modules jdk.incubator.vector");
        }
    }

    @Test
    void threadPoolRunsEveryItemOnce() {
        KernelThreads pool = KernelThreads.create(3);
        int[] hits = new int[1000];
        pool.parallelFor(hits.length, i -> hits[i]++);
        assertThat(hits).containsOnly(1);
        assertThatThrownBy(() -> pool.parallelFor(10, i -> {
            if (i == 7) throw new IllegalStateException("item 7");
        })).hasMessage("item 7");
    }
}
