package dev.jgan.gan.scheme;

import dev.jgan.autodiff.Tensor;

/** A scheme whose discriminator is a critic estimating the Wasserstein-1 distance (WGAN, WGAN-GP). */
public interface WassersteinCritic extends Scheme {
    /**
     * The critic's estimate of the distance, mean D(x) - mean D(G(z)), on a batch it did not train on (a held-out
     * real batch and fixed noise). Changes nothing: no parameter, no random generator, no module buffer (batch-norm
     * statistics are put back).
     */
    float wassersteinEstimate(Tensor heldOutReal, Tensor noise);
}
