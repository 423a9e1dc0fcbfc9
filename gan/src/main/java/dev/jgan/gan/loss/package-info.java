/**
 * Adversarial losses as pure functions of the discriminator's raw outputs: logits for the minimax,
 * non-saturating and least-squares losses, critic values for the Wasserstein and hinge losses, per-sample
 * energies for EBGAN's margin loss. Each is an {@link dev.jgan.gan.loss.AdversarialLoss} with the
 * discriminator's loss split into its real and fake halves, so a scheme can run the two batches through D
 * separately. Every loss is the mean over the batch. Values and gradients stay finite at extreme outputs
 * (tested at |z| = 100 and 1e4): the logistic losses are written with softplus, never as log(sigmoid).
 */
package dev.jgan.gan.loss;
