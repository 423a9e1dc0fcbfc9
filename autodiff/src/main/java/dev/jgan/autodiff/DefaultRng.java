package dev.jgan.autodiff;

/**
 * The process-wide default generator behind the constructors that take no {@link Rng}, as PyTorch's default
 * CPU generator: seeded at class load with PyTorch's default seed 67280421310721, reseeded by
 * {@link Rng#manualSeed(long)}. Kept apart from {@link Rng}'s internals; Rng only exposes it.
 */
final class DefaultRng {
    /** PyTorch's {@code default_rng_seed_val}, so an unseeded program is still deterministic. */
    static final long INITIAL_SEED = 67280421310721L;

    private static Rng current = new Rng(INITIAL_SEED);

    private DefaultRng() {}

    static synchronized Rng get() {
        return current;
    }

    static synchronized void manualSeed(long seed) {
        current = new Rng(seed);
    }
}
