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
 * {@link ToyExperiment}), seed 1, after 1,500 iterations the second-order Unrolled GAN (k = 5) covers at least 7 of
 * the 8 modes and the standard GAN at most 3 (measured: 7 and 1, as the main job shows at 1,500; at 1,000 iterations Unrolled GAN covers 5).
 * Deterministic: the same seed gives the same run on the vector kernels, on JDK 17 and JDK 25 alike (the scalar
 * kernels sum in another order, so their run is another one: the test is skipped there). The two runs train side
 * by side, as in the main job. docs/gan.md holds the full runs over several seeds.
 */
class ModeCollapseTest {
    static final int ITERATIONS = 1500;

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
