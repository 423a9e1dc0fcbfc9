package dev.jgan.gan.nets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Conditional;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.SpectralNorm;
import dev.jgan.nn.blocks.ProjectionDiscriminator;
import dev.jgan.nn.blocks.ResBlockDown;
import dev.jgan.nn.layers.GlobalSumPool2d;
import dev.jgan.nn.layers.ReLU;
import org.junit.jupiter.api.Test;

/**
 * The network examples of the user guide (the "gan II" networks' section), as written there with 2 samples where the
 * page has 64 or 4 (the paper-sized networks are slow on one CPU), so the page cannot drift from the API.
 */
class NetsDocsExampleTest {
    @Test
    void theExamplesRun() {
        // --- SNGAN (64 -> 2)
        Rng seed = new Rng(7);
        Module g = Sngan.generator(ImageShape.RGB_32, seed.split());             // z [N, 128] -> [N, 3, 32, 32]
        Module d = Sngan.discriminator(ImageShape.RGB_32, seed.split());         // spectral norm on every weight
        Tensor logits = d.forward(g.forward(Tensor.randn(seed.split(), 2, 128))); // [2, 1]
        Module small = Sngan.generator(ImageShape.GRAY_28, Sngan.Options.defaults().withWidths(64, 64), seed.split());
        // ---
        assertThat(logits.shape()).containsExactly(2, 1);
        assertThat(small.forward(Tensor.randn(seed.split(), 2, 128)).shape()).containsExactly(2, 1, 28, 28);

        // --- SN-DCGAN (64 -> 2)
        Sequential dcg = Sngan.dcganGenerator(ImageShape.GRAY_28, seed.split());   // z [N, 128] -> [N, 1, 28, 28]
        Sequential dcd = Sngan.dcganDiscriminator(ImageShape.GRAY_28, seed.split());
        Tensor dcLogits = dcd.forward(dcg.forward(Tensor.randn(seed.split(), 2, 128)));
        // ---
        assertThat(dcLogits.shape()).containsExactly(2, 1);

        // --- class-conditional G (4 -> 2)
        Sngan.Options tenClasses = Sngan.Options.defaults().withWidths(64, 64).withClasses(10); // narrower than the paper's
        Conditional cg = (Conditional) Sngan.generator(ImageShape.RGB_32, tenClasses, seed.split());
        int[] y = {3, 7};
        Tensor fake = cg.forward(Tensor.randn(seed.split(), 2, 128), y);          // [2, 3, 32, 32], one class per sample
        // ---
        assertThat(fake.shape()).containsExactly(2, 3, 32, 32);

        // --- projection discriminator (4 -> 2)
        Rng rng = seed.split();
        Module phi = new Sequential(new ResBlockDown(1, 64, true, true, rng), new ReLU(), new GlobalSumPool2d()); // [N, 64]
        ProjectionDiscriminator pd = SpectralNorm.applyToAll(new ProjectionDiscriminator(phi, 64, 10, true, rng), rng);
        Tensor pLogits = pd.forward(Tensor.randn(seed.split(), 2, 1, 28, 28), new int[] {3, 7}); // [2, 1]
        // ---
        assertThat(pLogits.shape()).containsExactly(2, 1);

        // --- SAGAN (4 -> 2)
        Sagan.Options o = Sagan.Options.defaults(ImageShape.RGB_32).withWidths(64, 64).withClasses(10); // attention at 16x16
        Conditional sg = (Conditional) Sagan.generator(ImageShape.RGB_32, o, seed.split());
        Conditional sd = (Conditional) Sagan.discriminator(ImageShape.RGB_32, o.withAttentionAt(8), seed.split()); // as Mimicry's SAGAN D
        Tensor sLogits = sd.forward(sg.forward(Tensor.randn(seed.split(), 2, 128), y), y);   // [2, 1]
        // ---
        assertThat(sLogits.shape()).containsExactly(2, 1);
    }
}
