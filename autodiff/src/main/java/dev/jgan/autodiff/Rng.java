package dev.jgan.autodiff;

import java.util.Arrays;

/**
 * An explicit, seeded random generator, the only source of randomness in jgan: the L64X128MixRandom
 * algorithm of {@code java.util.random} (an LXM generator: a 64-bit LCG plus a xoroshiro128 generator,
 * combined by Doug Lea's mixing function), written out here so that its state can be read and restored,
 * which the JDK's class does not allow and a resumed training run needs.
 *
 * <p>Its {@link #nextLong()}, {@link #nextFloat()}, {@link #nextInt(int)} and {@link #split()} draw exactly the
 * sequences of {@code RandomGeneratorFactory.of("L64X128MixRandom").create(seed)} (a test compares them).
 * {@link #nextGaussian()} is jgan's own ziggurat (tables and the rare exp and log in {@code StrictMath}), not the
 * JDK's: that one changed between JDK 17 and JDK 25 (in about one draw in two million they consume a different
 * number of longs, and every later draw differs), so a seeded run would not be the same run on both. Everything
 * here is written out in integer and double arithmetic and {@code StrictMath}, whose results the Java specification
 * fixes bit for bit, so a seed gives the same draws on every JDK. {@link #split()} derives an independent child stream, so consumers never
 * share one and results do not depend on scheduling. Not thread-safe.
 */
public final class Rng {
    private static final long LCG_MULTIPLIER = 0xd1342543de82ef95L;
    private static final long GOLDEN_RATIO_64 = 0x9e3779b97f4a7c15L;
    private static final long SILVER_RATIO_64 = 0x6A09E667F3BCC909L;

    /** The number of longs in {@link #state()}. */
    public static final int STATE_LONGS = 4;

    // Invariant: a is odd (the LCG's addend); x0 and x1 are not both zero (xoroshiro's state).
    private long a, s, x0, x1;
    public Rng(long seed) {
        // The seeding rule of L64X128MixRandom(long): the seed, xored with an irregular constant so that small
        // seeds are not "pedestrian", hashed once for the LCG addend and twice (SplitMix-style) for xoroshiro.
        long z = seed ^ SILVER_RATIO_64;
        init(mixMurmur64(z), 1, mixStafford13(z), mixStafford13(z + GOLDEN_RATIO_64));
    }

    private Rng(long a, long s, long x0, long x1) {
        init(a, s, x0, x1);
    }

    private void init(long a, long s, long x0, long x1) {
        this.a = a | 1;
        this.s = s;
        this.x0 = x0;
        this.x1 = x1;
        if ((x0 | x1) == 0) { // xoroshiro's one forbidden state: refill it from s, as the JDK does
            this.x0 = mixStafford13(s + GOLDEN_RATIO_64);
            this.x1 = mixStafford13(s + 2 * GOLDEN_RATIO_64);
        }
    }

    /** A generator continuing exactly from a state returned by {@link #state()}. */
    public static Rng fromState(long[] state) {
        checkState(state);
        return new Rng(state[0], state[1], state[2], state[3]);
    }

    /**
     * The complete state, {@value #STATE_LONGS} longs (LCG addend and state, xoroshiro's two words): a generator
     * restored from it draws exactly what this one would draw next.
     */
    public long[] state() {
        return new long[] {a, s, x0, x1};
    }

    /** Continues from a state returned by {@link #state()} (of this or any generator). */
    public void restore(long[] state) {
        checkState(state);
        init(state[0], state[1], state[2], state[3]);
    }

    private static void checkState(long[] state) {
        if (state == null || state.length != STATE_LONGS)
            throw new IllegalArgumentException("Rng: a state is " + STATE_LONGS + " longs, got " + (state == null ? "null" : Arrays.toString(state)));
        if ((state[0] & 1) == 0 || (state[2] | state[3]) == 0)
            throw new IllegalArgumentException("Rng: " + Arrays.toString(state) + " is not a state this generator can be in"
                    + " (the first long must be odd, the last two not both zero)");
    }

    /** An independent stream derived from this one (advances this generator by four draws). */
    public Rng split() {
        // L64X128MixRandom's split: a fresh "brine" value picks the child's LCG addend, then its LCG state and
        // xoroshiro words are drawn from this generator, in that order.
        long brine = nextLong();
        long cs = nextLong(), c0 = nextLong(), c1 = nextLong();
        return new Rng(brine << 1, cs, c0, c1);
    }

    /** The next 64 random bits. */
    public long nextLong() {
        long result = mixLea64(s + x0);
        s = LCG_MULTIPLIER * s + a;
        long q0 = x0, q1 = x1;
        q1 ^= q0; // xoroshiro128 (v1.0) step
        q0 = Long.rotateLeft(q0, 24) ^ q1 ^ (q1 << 16);
        q1 = Long.rotateLeft(q1, 37);
        x0 = q0;
        x1 = q1;
        return result;
    }

    /** Uniform on [0, 1): the top 24 bits of a draw, as the JDK's {@code RandomGenerator.nextFloat}. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    // The ziggurat of nextGaussian: 128 layers of equal area V under f(x) = exp(-x^2 / 2), x >= 0 (Marsaglia and
    // Tsang 2000, their R and V for 128 layers). Layer i spans [0, X[i]] x [F[i], F[i + 1]] for i >= 1; layer 0 is the
    // rectangle [0, R] x [0, f(R)] plus the tail beyond R, as one strip of width X[0] = V / f(R). Computed with
    // StrictMath, so every JDK builds the same tables.
    private static final int LAYERS = 128;
    private static final double R = 3.442619855899, V = 9.91256303526217e-3;
    private static final double[] X = new double[LAYERS + 1], F = new double[LAYERS + 1];
    // Lines through the wedge's corner (X[i + 1], F[i + 1]) that bound f from below (the steeper slope) and from
    // above (the shallower) on the layer's wedge [X[i + 1], X[i]]: the chord to (X[i], F[i]) and the tangent there.
    // A wedge point far enough below the lower line, or above the upper one, is decided without exp.
    private static final double[] STEEP = new double[LAYERS], SHALLOW = new double[LAYERS];
    /** Far enough: the tables and exp are accurate to about 1e-15, so 1e-12 keeps every decision that of exp. */
    private static final double SQUEEZE_MARGIN = 1e-12;

    static {
        F[1] = StrictMath.exp(-0.5 * R * R);
        X[0] = V / F[1];
        X[1] = R;
        for (int i = 1; i < LAYERS - 1; i++) {
            F[i + 1] = F[i] + V / X[i];
            X[i + 1] = StrictMath.sqrt(-2.0 * StrictMath.log(F[i + 1]));
        }
        X[LAYERS] = 0.0;
        F[LAYERS] = 1.0;
        for (int i = 1; i < LAYERS; i++) {
            double chord = (F[i + 1] - F[i]) / (X[i] - X[i + 1]), tangent = X[i + 1] * F[i + 1];
            if (X[i + 1] >= 1.0) {              // f convex here: above its tangent at X[i + 1], below the chord
                STEEP[i] = tangent;
                SHALLOW[i] = chord;
            } else if (X[i] <= 1.0) {           // concave: above the chord, below the tangent
                STEEP[i] = chord;
                SHALLOW[i] = tangent;
            } else {                            // the inflection at 1 inside: no bound but the layer's own corners
                STEEP[i] = Double.POSITIVE_INFINITY;
                SHALLOW[i] = 0.0;
            }
        }
    }

    /** X[i], the right edge of layer i (for tests). */
    static double layerEdge(int i) {
        return X[i];
    }

    /**
     * Whether the wedge point (ax, y) of layer i >= 1 lies under f, exactly {@code y < StrictMath.exp(-0.5 ax^2)}:
     * decided by the bounding lines when the point is clear of them (most wedge points), by exp otherwise.
     */
    static boolean underCurve(int i, double ax, double y) {
        double d = ax - X[i + 1];
        double below = F[i + 1] - STEEP[i] * d, above = F[i + 1] - SHALLOW[i] * d;
        if (y < below - SQUEEZE_MARGIN) return true;
        if (y > above + SQUEEZE_MARGIN) return false;
        return y < StrictMath.exp(-0.5 * ax * ax);
    }

    /**
     * Standard normal, rounded to float: the ziggurat method (Marsaglia and Tsang 2000) in double, with 128 layers
     * and Marsaglia's tail method beyond R = 3.4426. One draw gives the layer (7 bits) and a signed 53-bit uniform;
     * about 97% of values need nothing more, the rest one or two further draws (a point in a layer's wedge, or the
     * tail). The tables and the rare exp and log are {@code StrictMath}, whose results Java fixes bit for bit, so a
     * seed gives the same values on every JDK. (It replaced Box-Muller in {@code StrictMath}, six times slower: a
     * 512 x 256 noise batch took 7 ms, more than the 8-Gaussians GAN's whole D and G steps.)
     */
    public float nextGaussian() {
        while (true) {
            long bits = nextLong();
            int i = (int) bits & (LAYERS - 1);
            // The top 54 bits as a signed integer: a uniform on [-1, 1) of 53 bits and a sign, with no branch on the
            // sign (one taken half the time at random cost more than the rest of the fast path).
            double x = (bits >> 10) * 0x1.0p-53 * X[i];
            if (Math.abs(x) < X[i + 1]) return (float) x;                      // inside the layer's core rectangle
            double v = beyondCore(i, x);
            if (v == v) return (float) v;
        }
    }

    /**
     * Fills out[off, off + n) with {@code mean + std * nextGaussian()}, the same values in the same order (and the
     * generator ends in the same state), faster: the generator's state stays in local variables, written back only
     * around the rare draws beyond a layer's core, instead of going through the fields on every draw.
     */
    public void fillGaussian(float[] out, int off, int n, float mean, float std) {
        java.util.Objects.checkFromIndexSize(off, n, out.length);
        final long a = this.a;
        long s = this.s, x0 = this.x0, x1 = this.x1;
        for (int k = off, end = off + n; k < end; k++) {
            long bits = mixLea64(s + x0);   // nextLong() on the locals
            s = LCG_MULTIPLIER * s + a;
            long q1 = x1 ^ x0;
            x0 = Long.rotateLeft(x0, 24) ^ q1 ^ (q1 << 16);
            x1 = Long.rotateLeft(q1, 37);
            int i = (int) bits & (LAYERS - 1);
            double x = (bits >> 10) * 0x1.0p-53 * X[i];
            float g;
            if (Math.abs(x) < X[i + 1]) {
                g = (float) x;
            } else {
                this.s = s;
                this.x0 = x0;
                this.x1 = x1;
                double v = beyondCore(i, x);
                g = v == v ? (float) v : nextGaussian();   // rejected: nextGaussian's loop draws anew
                s = this.s;
                x0 = this.x0;
                x1 = this.x1;
            }
            out[k] = mean + std * g;
        }
        this.s = s;
        this.x0 = x0;
        this.x1 = x1;
    }

    /** The draw x of layer i fell outside the layer's core: its value, from the tail or the wedge, or NaN if rejected. */
    private double beyondCore(int i, double x) {
        if (i == 0) return x < 0 ? -tail() : tail();                           // beyond R
        double y = F[i] + (nextLong() >>> 11) * 0x1.0p-53 * (F[i + 1] - F[i]);
        return underCurve(i, Math.abs(x), y) ? x : Double.NaN;                 // in the wedge: under f, or rejected
    }

    /** A draw from the normal's tail beyond R (Marsaglia 1964): R + e1 / R, accepted when 2 e2 >= (e1 / R)^2. */
    private double tail() {
        while (true) {
            double x = -StrictMath.log(((nextLong() >>> 11) + 1) * 0x1.0p-53) / R;   // logs of (0, 1]: finite
            double y = -StrictMath.log(((nextLong() >>> 11) + 1) * 0x1.0p-53);
            if (y + y >= x * x) return R + x;
        }
    }

    /**
     * Uniform on [0, bound), unbiased: the JDK's {@code RandomGenerator.nextInt(int)} algorithm (a mask for powers
     * of two, otherwise rejection of the draws in the last incomplete multiple of bound).
     */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("Rng.nextInt: bound must be positive, got " + bound);
        int r = (int) (nextLong() >>> 32);
        int m = bound - 1;
        if ((bound & m) == 0) return r & m;
        for (int u = r >>> 1; u + m - (r = u % bound) < 0; u = (int) (nextLong() >>> 32) >>> 1) {
            // rejected: u fell in the last, incomplete run of bound values
        }
        return r;
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
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

    // The mixing functions of the LXM family (public domain constants: MurmurHash3's finaliser, Stafford's
    // variant 13 of it, and Doug Lea's mixer).
    private static long mixMurmur64(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    private static long mixStafford13(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static long mixLea64(long z) {
        z = (z ^ (z >>> 32)) * 0xdaba0b6eb09322e3L;
        z = (z ^ (z >>> 32)) * 0xdaba0b6eb09322e3L;
        return z ^ (z >>> 32);
    }
}
