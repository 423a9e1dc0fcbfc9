package dev.jgan.nn.blocks;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import java.util.List;

/**
 * Minibatch discrimination (Salimans et al., 2016): features x [N, A] are projected by the learned tensor
 * {@code T} [A, B C] to M [N, B, C]; for each of the B kernels, sample i gets
 * o_b(i) = sum_{j != i} exp(-||M_i,b - M_j,b||_1), and the output is [x, o] of shape [N, A + B].
 * {@code T} starts as N(0, 1) draws, the usual choice in implementations of the paper.
 */
public final class MinibatchDiscrimination extends Module {
    private final int in;
    private final int kernels;
    private final int kernelDim;

    /** As the constructor with an Rng, drawing from {@link Rng#defaultGenerator()} (explicit generators are preferred for reproducible runs). */
    public MinibatchDiscrimination(int in, int kernels, int kernelDim) {
        this(in, kernels, kernelDim, Rng.defaultGenerator());
    }

    public MinibatchDiscrimination(int in, int kernels, int kernelDim, Rng rng) {
        if (in <= 0 || kernels <= 0 || kernelDim <= 0)
            throw new IllegalArgumentException("MinibatchDiscrimination: invalid in=" + in + " kernels=" + kernels + " kernelDim=" + kernelDim);
        this.in = in;
        this.kernels = kernels;
        this.kernelDim = kernelDim;
        registerParameter("T", Tensor.randn(rng, in, kernels * kernelDim));
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 2 || x.size(1) != in)
            throw new IllegalArgumentException(describe() + ": input must be [N, " + in + "], got " + Shape.str(x.shape()));
        int n = x.size(0);
        Tensor m = x.matmul(tensor("T")).reshape(n, kernels, kernelDim);           // [N, B, C]
        Tensor diff = m.unsqueeze(1).sub(m.unsqueeze(0));                           // [N, N, B, C]: M_i - M_j
        Tensor c = diff.abs().sum(3, false).neg().exp();                            // [N, N, B]
        // NOTE: the j = i term is exp(0) = 1; it is masked out before the sum, not subtracted after it:
        // 1 + exp(-20) - 1 is 0 in float32, and the feature would vanish for every well-separated batch.
        Tensor o = c.mul(offDiagonal(n)).sum(1, false);                           // [N, B]
        return Tensor.concat(List.of(x, o), 1);
    }

    /** [N, N, 1]: 0 on the diagonal, 1 elsewhere; a constant, so it never requires grad. */
    private static Tensor offDiagonal(int n) {
        float[] mask = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) mask[i * n + j] = i == j ? 0f : 1f;
        return Tensor.of(mask, n, n, 1);
    }

    @Override
    protected String describe() {
        return "MinibatchDiscrimination(in=" + in + ", kernels=" + kernels + ", dim=" + kernelDim + ")";
    }
}
