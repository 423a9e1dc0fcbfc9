package dev.jgan.autodiff;

/**
 * The record an op leaves on its output: which op, its inputs (with their versions at forward time)
 * and its backward rule. Releasing the node drops the rule and everything it captured.
 */
final class Node {
    final String op;
    final Tensor[] inputs;
    private final int[] versions;
    /** The output's buffer: rules may read the output (exp, tanh...), so a write through a detached alias is caught too. */
    private final Storage output;
    private final int outputVersion;
    private BackwardRule rule;

    Node(String op, Tensor[] inputs, Storage output, BackwardRule rule) {
        this.op = op;
        this.inputs = inputs;
        this.rule = rule;
        this.versions = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) versions[i] = inputs[i].storage.version;
        this.output = output;
        this.outputVersion = output.version;
    }

    boolean needsGrad(int i) {
        return inputs[i].requiresGrad();
    }

    Tensor[] backward(Tensor gradOutput) {
        if (rule == null)
            throw new IllegalStateException("backward through op '" + op + "' a second time: its saved tensors were freed by the"
                    + " first backward; pass retainGraph=true (or createGraph=true) to the first call to keep them");
        for (int i = 0; i < inputs.length; i++)
            if (inputs[i].storage.version != versions[i])
                throw new IllegalStateException("op '" + op + "': input " + i + " of shape " + Shape.str(inputs[i].shape())
                        + " was modified in place after the forward pass, so its gradient would be wrong; recompute the forward");
        if (output.version != outputVersion)
            throw new IllegalStateException("op '" + op + "': its output was modified in place (through a detached alias)"
                    + " after the forward pass, so its gradient would be wrong; recompute the forward");
        Tensor[] grads = rule.apply(gradOutput);
        if (grads.length != inputs.length)
            throw new IllegalStateException("op '" + op + "': backward returned " + grads.length + " gradients for " + inputs.length + " inputs");
        return grads;
    }

    void release() {
        rule = null;
    }
}
