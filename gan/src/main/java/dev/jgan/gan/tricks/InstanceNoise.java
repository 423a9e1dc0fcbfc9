package dev.jgan.gan.tricks;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;

/**
 * Instance noise (Sønderby et al. 2016, "Amortised MAP Inference for Image Super-resolution", section 5; Arjovsky and
 * Bottou 2017, "Towards Principled Methods for Training GANs"; ganhacks 13, "add noise to inputs, decay over time"): Gaussian noise N(0, sigma_t^2 I) added to
 * every input of D, real and generated, so the two distributions overlap and D cannot separate them perfectly early
 * in training. sigma_t follows a schedule of the iteration t (0-based):
 * <ul>
 *   <li>{@link #linear}: {@code sigma_t = sigma_0 max(0, 1 - t / T)}, from sigma_0 down to 0 at iteration T and after;
 *   <li>{@link #constant}: {@code sigma_t = sigma} throughout (Arjovsky and Bottou's fixed noise).
 * </ul>
 * In each D step the real batch gets one draw and then the generated batch another; in each G step G's samples get a
 * fresh draw, added with G's graph so that G's gradient flows through {@code G(z) + noise}. Where sigma_t is 0 nothing
 * is drawn and the inputs are passed on unchanged. The noise comes from this trick's own generator.
 *
 * <p>The same schedule anneals the noise on G's layers ({@link Tricks#generatorLayerNoise}); there the layers draw
 * from their own seeds, and this generator is not drawn from.
 */
public final class InstanceNoise {
    private final float sigma0;
    /** Iterations of the linear decay, or 0 for constant noise. */
    private final long iterations;
    private final Rng rng;

    private InstanceNoise(float sigma0, long iterations, Rng rng) {
        this.sigma0 = sigma0;
        this.iterations = iterations;
        this.rng = rng;
    }

    /** sigma_0 at iteration 0, decaying linearly to 0 at iteration {@code iterations} (and 0 from then on). */
    public static InstanceNoise linear(float sigma0, long iterations, Rng rng) {
        checkSigma("InstanceNoise.linear", "sigma0", sigma0);
        if (iterations < 1) throw new IllegalArgumentException("InstanceNoise.linear: iterations must be >= 1, got iterations=" + iterations);
        if (rng == null) throw new IllegalArgumentException("InstanceNoise.linear: rng must be given");
        return new InstanceNoise(sigma0, iterations, rng);
    }

    /** The same sigma at every iteration. */
    public static InstanceNoise constant(float sigma, Rng rng) {
        checkSigma("InstanceNoise.constant", "sigma", sigma);
        if (rng == null) throw new IllegalArgumentException("InstanceNoise.constant: rng must be given");
        return new InstanceNoise(sigma, 0, rng);
    }

    private static void checkSigma(String who, String name, float sigma) {
        if (!(sigma > 0) || !Float.isFinite(sigma))
            throw new IllegalArgumentException(who + ": " + name + " must be > 0 and finite, got " + name + "=" + sigma);
    }

    /** sigma_t at iteration {@code t} (0-based). */
    public float sigma(long t) {
        if (iterations == 0) return sigma0;
        // computed in double from the counter alone, so a resumed run has the same sigma at the same iteration
        return (float) (sigma0 * Math.max(0.0, 1.0 - (double) t / iterations));
    }

    /** {@code x + sigma_t eps}, eps ~ N(0, I) of x's shape; x itself where sigma_t is 0. */
    Tensor apply(Tensor x, long t) {
        float sigma = sigma(t);
        if (sigma == 0f) return x;
        return x.add(Tensor.randn(rng, x.shape()).mul(sigma));
    }

    Rng rng() {
        return rng;
    }

    String describe() {
        return "instance noise " + describeSchedule();
    }

    /** The schedule alone, e.g. {@code "sigma 0.1 -> 0 over 1000 iterations"} or {@code "sigma=0.1"}. */
    String describeSchedule() {
        return iterations == 0 ? "sigma=" + sigma0 : "sigma " + sigma0 + " -> 0 over " + iterations + " iterations";
    }
}
