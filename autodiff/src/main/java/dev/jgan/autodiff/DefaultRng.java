package dev.jgan.autodiff;

/**
 * The process-wide default generator behind the constructors that take no {@link Rng}, as PyTorch's default
 * CPU generator: seeded at class load with PyTorch's default seed 67280421310721, reseeded in place by
 * {@link Rng#manualSeed(long)} (so a reference to it stays the default generator). Kept apart from Rng's
 * internals; Rng only exposes it.
 */
final class DefaultRng {
    /** PyTorch's {@code default_rng_seed_val}, so an unseeded program is still deterministic. */
    static final long INITIAL_SEED = 67280421310721L;

    private static final Rng DEFAULT = new Rng(INITIAL_SEED);

    private DefaultRng() {}

    static Rng get() {
        return DEFAULT;
    }

    static void manualSeed(long seed) {
        DEFAULT.restore(new Rng(seed).state());
    }
}
