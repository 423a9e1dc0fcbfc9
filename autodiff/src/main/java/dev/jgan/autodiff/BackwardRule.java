package dev.jgan.autodiff;

/**
 * The backward of one op: given the gradient of the op's output, returns one gradient per input
 * (null where an input needs none). Rules are written with differentiable Tensor ops, so that under
 * {@code createGraph} the returned gradients can be differentiated again.
 */
@FunctionalInterface
public interface BackwardRule {
    Tensor[] apply(Tensor gradOutput);
}
