package dev.jgan.gan.loss;

import dev.jgan.autodiff.Tensor;

/**
 * A GAN's adversarial loss as functions of the discriminator's raw outputs (one value per sample, shape
 * [N] or [N, 1]), each the mean over its batch. The discriminator's loss is split into the part on real
 * samples and the part on generated ones, so real and fake batches can go through D separately (and a
 * trick can alter one half); {@link #discriminator} is their sum.
 *
 * <p>The implementations are small final classes, one per loss, also reachable through the static
 * factories here: {@link #minimax()}, {@link #nonSaturating()}, {@link #wasserstein()}, {@link #hinge()},
 * {@link #leastSquares()}. EBGAN's {@link EnergyMarginLoss} takes per-sample energies in place of logits.
 */
public interface AdversarialLoss {

    /** D's loss on D's outputs for a batch of real samples. */
    Tensor discriminatorReal(Tensor realOut);

    /** D's loss on D's outputs for a batch of generated samples. */
    Tensor discriminatorFake(Tensor fakeOut);

    /** D's whole loss: {@code discriminatorReal(realOut) + discriminatorFake(fakeOut)}; the batches may differ in size. */
    default Tensor discriminator(Tensor realOut, Tensor fakeOut) {
        return discriminatorReal(realOut).add(discriminatorFake(fakeOut));
    }

    /** G's loss on D's outputs for a batch of generated samples. */
    Tensor generator(Tensor fakeOut);

    /** A short name for logs and run files, e.g. {@code "non-saturating"}. */
    String name();

    /** Goodfellow et al. 2014's original (saturating) minimax loss: {@link MinimaxLoss}. */
    static AdversarialLoss minimax() {
        return MinimaxLoss.INSTANCE;
    }

    /** Goodfellow et al. 2014's non-saturating generator loss: {@link NonSaturatingLoss}. */
    static AdversarialLoss nonSaturating() {
        return NonSaturatingLoss.INSTANCE;
    }

    /** Arjovsky et al. 2017's Wasserstein critic loss: {@link WassersteinLoss}. */
    static AdversarialLoss wasserstein() {
        return WassersteinLoss.INSTANCE;
    }

    /** The hinge loss of Lim &amp; Ye 2017 and Miyato et al. 2018: {@link HingeLoss}. */
    static AdversarialLoss hinge() {
        return HingeLoss.INSTANCE;
    }

    /** Mao et al. 2017's least-squares loss with targets a = 0, b = 1, c = 1: {@link LeastSquaresLoss}. */
    static AdversarialLoss leastSquares() {
        return LeastSquaresLoss.ZERO_ONE;
    }
}
