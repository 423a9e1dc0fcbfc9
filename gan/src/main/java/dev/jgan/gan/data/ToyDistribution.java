package dev.jgan.gan.data;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import java.util.List;

/**
 * A 2-D toy distribution for GAN experiments: the rings, grids and rolls on which mode collapse can be seen
 * and counted. Sampling is deterministic: every random number comes from the {@link Rng} passed in.
 */
public interface ToyDistribution {

    /** {@code n} samples as a [n, 2] tensor of (x, y) rows, drawn from {@code rng} only. */
    Tensor sample(Rng rng, int n);

    /** The centres of the modes, one {x, y} pair each (a fresh copy); empty when the distribution has no modes. */
    float[][] modes();

    /** The standard deviation of the Gaussian noise around each mode (for the swiss roll, around the curve). */
    float std();

    /** A short identifier, e.g. {@code ring8}, {@code grid25}, {@code swissroll}. */
    String name();

    /** The names {@link #of(String)} accepts. */
    static List<String> names() {
        return List.of("ring8", "grid25", "swissroll");
    }

    /**
     * The standard toy sets by name: {@code ring8} ({@link GaussianMixture#ring8()}), {@code grid25}
     * ({@link GaussianMixture#grid25()}), {@code swissroll} ({@link SwissRoll#SwissRoll()}).
     */
    static ToyDistribution of(String name) {
        switch (name) {
            case "ring8": return GaussianMixture.ring8();
            case "grid25": return GaussianMixture.grid25();
            case "swissroll": return new SwissRoll();
            default: throw new IllegalArgumentException("toy distribution '" + name + "' is unknown; known: " + names());
        }
    }
}
