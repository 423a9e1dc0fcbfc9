/**
 * Terms a scheme adds to a loss, as pure functions of the networks' inputs and outputs: WGAN-GP's gradient
 * penalty on the critic ({@link dev.jgan.gan.regularize.GradientPenalty}) and EBGAN's pull-away term on the
 * encoder's codes of a generated batch ({@link dev.jgan.gan.regularize.PullAway}). Both are differentiable
 * with respect to the parameters of the networks that produced them, the gradient penalty through a double
 * backward.
 */
package dev.jgan.gan.regularize;
