package dev.jgan.nn.optim;

import dev.jgan.autodiff.Tensor;
import java.util.List;
import java.util.Set;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay,
 * exactly PyTorch's rule:
 * <pre>
 *   g = grad + weightDecay p
 *   b = g on the first step, else momentum b + (1 - dampening) g      (when momentum != 0)
 *   g = nesterov ? g + momentum b : b
 *   p = p - lr g
 * </pre>
 */
public final class SGD extends Optimizer {
    private final float momentum;
    private final float dampening;
    private final float weightDecay;
    private final boolean nesterov;

    /** Plain SGD. */
    public SGD(List<Tensor> params, float lr) {
        this(single(params, lr), 0f, 0f, 0f, false);
    }

    public SGD(List<Tensor> params, float lr, float momentum) {
        this(single(params, lr), momentum, 0f, 0f, false);
    }

    public SGD(List<ParamGroup> groups, float momentum, float dampening, float weightDecay, boolean nesterov) {
        super(groups);
        check("SGD", "momentum", momentum, 0f, Float.MAX_VALUE);
        check("SGD", "dampening", dampening, 0f, 1f);
        check("SGD", "weightDecay", weightDecay, 0f, Float.MAX_VALUE);
        if (nesterov && (momentum == 0f || dampening != 0f))
            throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0 and zero dampening");
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    @Override
    protected Set<String> stateNames() {
        return momentum != 0f ? Set.of("momentum_buffer") : Set.of();
    }

    @Override
    protected Tensor update(Tensor p, Tensor g, float lr, ParamState s) {
        if (weightDecay != 0f) g = g.add(p.mul(weightDecay));
        if (momentum != 0f) {
            Tensor b = s.get("momentum_buffer");
            b = b == null ? g : b.mul(momentum).add(g.mul(1f - dampening));
            s.put("momentum_buffer", b);
            g = nesterov ? g.add(b.mul(momentum)) : b;
        }
        return p.sub(g.mul(lr));
    }

    /** {@link #update} as one loop over p, g and the momentum buffer, the same float32 operations in the same order. */
    @Override
    protected boolean updateInPlace(Tensor p, Tensor g, float lr, ParamState s) {
        float[] pv = p.buffer(), gv = g.buffer();
        boolean first = s.get("momentum_buffer") == null;
        if (momentum != 0f && first) s.put("momentum_buffer", Tensor.zeros(p.shape()));
        float[] bv = momentum != 0f ? s.get("momentum_buffer").buffer() : null;
        float keep = 1f - dampening;
        for (int i = 0, n = p.numel(); i < n; i++) {
            float gi = weightDecay != 0f ? gv[i] + pv[i] * weightDecay : gv[i];
            if (bv != null) {
                float b = first ? gi : bv[i] * momentum + gi * keep;
                bv[i] = b;
                gi = nesterov ? gi + b * momentum : b;
            }
            pv[i] = pv[i] - gi * lr;
        }
        return true;
    }
}
