package dev.jgan.autodiff;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * An explicit, seeded random generator (L64X128MixRandom), the only source of randomness in jgan.
 * Its sequences, Gaussian ones included, are the same on JDK 17 and 25. {@link #split()} derives an
 * independent child stream, so consumers never share one and results do not depend on scheduling.
 */
public final class Rng {
    private static final RandomGeneratorFactory<RandomGenerator> FACTORY = RandomGeneratorFactory.of("L64X128MixRandom");
    private final RandomGenerator gen;

    public Rng(long seed) {
        this.gen = FACTORY.create(seed);
    }

    private Rng(RandomGenerator gen) {
        this.gen = gen;
    }

    /**
     * Reseeds the process-wide default generator, as {@code torch.manual_seed}: afterwards it draws exactly what
     * {@code new Rng(seed)} draws. Layer constructors without an Rng argument draw from it, so their values depend
     * on every earlier draw in the process; prefer explicit generators for reproducible runs.
     */
    public static void manualSeed(long seed) {
        DefaultRng.manualSeed(seed);
    }

    /**
     * The process-wide default generator (seeded with PyTorch's default seed until {@link #manualSeed} is called).
     * Like every Rng it is not thread-safe: draw from it on one thread, e.g. while building a model.
     */
    public static Rng defaultGenerator() {
        return DefaultRng.get();
    }

    /** An independent stream derived from this one (advances this generator). */
    public Rng split() {
        return new Rng(((RandomGenerator.SplittableGenerator) gen).split());
    }

    public float nextFloat() {
        return gen.nextFloat();
    }

    public float nextGaussian() {
        return (float) gen.nextGaussian();
    }

    public int nextInt(int bound) {
        return gen.nextInt(bound);
    }

    public long nextLong() {
        return gen.nextLong();
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = gen.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
