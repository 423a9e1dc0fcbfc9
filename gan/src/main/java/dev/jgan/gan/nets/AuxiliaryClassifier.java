package dev.jgan.gan.nets;

import dev.jgan.autodiff.Tensor;

/**
 * A discriminator with AC-GAN's auxiliary classifier (Odena, Olah and Shlens 2017, "Conditional Image Synthesis with
 * Auxiliary Classifier GANs"): besides its adversarial logit it predicts the class of its input. Every scheme whose D
 * returns logits (GAN, WGAN, WGAN-GP, Unrolled GAN, SNGAN/SAGAN) then adds the class loss of
 * {@link dev.jgan.gan.loss.AuxiliaryClassifierLoss} to D's and G's losses.
 *
 * <p>Contract: the module's {@code forward(x)} returns the adversarial logits alone, {@code [N, 1]}, so everything
 * that treats D as a plain critic (WGAN-GP's gradient penalty, which in the WGAN-GP ResNet code is taken on the
 * adversarial output only; the critic's Wasserstein estimate; monitors) sees exactly that; {@link #heads} returns both
 * heads from one forward, which is what the schemes call.
 */
public interface AuxiliaryClassifier {
    /** D's two heads on x [N, ...], from one forward: adversarial logits [N, 1] and class logits [N, numClasses]. */
    Heads heads(Tensor x);

    /** K, the number of classes of the classifier head. */
    int numClasses();

    /** The outputs of the two heads: {@code adversarial} [N, 1], {@code classes} [N, K] (logits, before softmax). */
    record Heads(Tensor adversarial, Tensor classes) {}
}
