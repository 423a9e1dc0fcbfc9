package dev.jgan.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jgan.autodiff.kernels.KernelProvider;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.eval.ModeCoverage;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The claim of the README's main job, guarded: in its setting (8-Gaussians ring, batch 512, the MLPs of
 * {@link ToyExperiment}), seed 1, after 2,000 iterations the second-order Unrolled GAN (k = 5) covers at least 7 of
 * the 8 modes and the standard GAN at most 3. Deterministic for a kernel path: the same seed gives the same run on
 * JDK 17 and JDK 25 alike, but each vector width sums in its own order, so each width's run is another one. Measured
 * at 2,000 iterations: 7 and 1 with 256-bit vectors (AVX2), 8 and 1 with 512-bit ones (AVX-512); at 1,500 the
 * 512-bit run covers only 6 (the 256-bit one 7), so this checks 2,000. The scalar kernels' run is another again: the
 * test is skipped there. The two runs train side by side, as in the main job. docs/experiments.md holds the full
 * runs over several seeds.
 */
class ModeCollapseTest {
    static final int ITERATIONS = 2000;

    @Test
    void unrolledCoversTheModesTheStandardGanMisses() {
        assumeTrue(KernelProvider.isVectorized(), "a test of the vector kernels' run");
        ToyExperiment standard = ToyExperiment.create("standard", 5, GaussianMixture.ring8(), 512, 1);
        ToyExperiment unrolled = ToyExperiment.create("unrolled", 5, GaussianMixture.ring8(), 512, 1);
        CompletableFuture<Void> standardDone = CompletableFuture.runAsync(() -> standard.trainer.trainUntil(ITERATIONS));
        unrolled.trainer.trainUntil(ITERATIONS);
        standardDone.join();
        ModeCoverage s = standard.evaluate(ITERATIONS, null).coverage(), u = unrolled.evaluate(ITERATIONS, null).coverage();
        assertThat(u.modesCovered()).as("Unrolled GAN, modes covered: %s", u).isGreaterThanOrEqualTo(7);
        assertThat(s.modesCovered()).as("standard GAN, modes covered: %s", s).isLessThanOrEqualTo(3);
    }
}
