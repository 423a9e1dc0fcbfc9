/**
 * GAN training on {@code dev.jgan.nn} networks: adversarial losses on logits ({@code loss}), terms added to a
 * loss ({@code regularize}), one class per training scheme ({@code scheme}), who steps next ({@code schedule}),
 * the training loop and run checkpoints ({@code train}), toy data sets ({@code data}), their metrics
 * ({@code eval}) and network builders: toy MLPs, DCGAN, EBGAN's autoencoder ({@code nets}).
 */
package dev.jgan.gan;
