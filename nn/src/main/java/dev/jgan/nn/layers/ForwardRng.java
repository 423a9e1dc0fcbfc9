package dev.jgan.nn.layers;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;

/**
 * The counter-based random stream of a layer that draws at some of its forwards: {@link Dropout}'s masks and
 * {@link GaussianNoise}'s noise, so that both draw alike from one copy of the code. The layer keeps a seed, drawn
 * once at construction, and the number of forwards that drew so far as persistent buffers, and the draws of forward
 * k come from a generator seeded by (seed, k) alone: a state dict (or an optimizer snapshot, or a run checkpoint)
 * carries the whole sequence, and putting the buffers back (as a scheme's held-out estimate does) rewinds it.
 *
 * <p>Buffers, registered by the layer as I64 in checkpoints: {@code seed} [4], the 64-bit seed as four 16-bit parts,
 * and {@code forwards} [2], the count as high and low 24-bit parts. Every part is an integer below 2^24, so each is
 * exact in float32 memory and the count is exact up to 2^48 forwards.
 */
final class ForwardRng {
    private static final long LOW24 = (1L << 24) - 1;

    private ForwardRng() {}

    /** The {@code seed} buffer: one long drawn from {@code rng}, as four 16-bit parts (lowest first). */
    static Tensor seedBuffer(Rng rng) {
        long seed = rng.nextLong();
        float[] parts = new float[4];
        for (int i = 0; i < 4; i++) parts[i] = (seed >>> (16 * i)) & 0xffff;
        return Tensor.of(parts, 4);
    }

    /** The {@code forwards} buffer at a count of 0. */
    static Tensor countBuffer() {
        return Tensor.zeros(2);
    }

    /**
     * The generator of the next drawing forward, seeded by (seed, k) where k is the count in {@code forwards}, which
     * goes up by one. Pass the layer's live buffers ({@code tensor("seed")}, {@code tensor("forwards")}).
     */
    static Rng next(Tensor seed, Tensor forwards) {
        return new Rng(forwardSeed(seed(seed), countAndIncrement(forwards)));
    }

    /** The seed, reassembled from its four 16-bit parts. */
    private static long seed(Tensor seed) {
        float[] parts = seed.toArray();
        long s = 0;
        for (int i = 0; i < 4; i++) s |= ((long) parts[i] & 0xffff) << (16 * i);
        return s;
    }

    /** The count in {@code forwards} (the drawing forwards before this one); stores that count plus one. */
    private static long countAndIncrement(Tensor forwards) {
        float[] parts = forwards.toArray();
        long count = ((long) parts[0] << 24) | (long) parts[1];
        long next = count + 1;
        try (GradMode.Scope s = GradMode.noGrad()) {
            forwards.copyInPlace(Tensor.of(new float[] {next >>> 24, next & LOW24}, 2));
        }
        return count;
    }

    /** SplitMix64's finaliser over seed + k * golden ratio: distinct, well-mixed seeds for consecutive forwards. */
    static long forwardSeed(long seed, long k) {
        long z = seed + k * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
