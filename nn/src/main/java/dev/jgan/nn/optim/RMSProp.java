package dev.jgan.nn.optim;

import dev.jgan.autodiff.Tensor;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * RMSProp (Tieleman and Hinton, 2012) with PyTorch's options, the optimizer of the original WGAN:
 * <pre>
 *   g = grad + weightDecay p
 *   a = alpha a + (1 - alpha) g^2
 *   d = sqrt(a) + eps, or with centered: c = alpha c + (1 - alpha) g and d = sqrt(a - c^2) + eps
 *   b = momentum b + g / d and p = p - lr b (momentum > 0), else p = p - lr g / d
 * </pre>
 * The formula is PyTorch's; the float32 results agree with PyTorch's to rounding, not bitwise.
 */
public final class RMSProp extends Optimizer {
    private final float alpha;
    private final float eps;
    private final float weightDecay;
    private final float momentum;
    private final boolean centered;

    /** alpha 0.99, eps 1e-8, as PyTorch. */
    public RMSProp(List<Tensor> params, float lr) {
        this(single(params, lr), 0.99f, 1e-8f, 0f, 0f, false);
    }

    public RMSProp(List<ParamGroup> groups, float alpha, float eps, float weightDecay, float momentum, boolean centered) {
        super(groups);
        check("RMSProp", "alpha", alpha, 0f, 1f);
        check("RMSProp", "eps", eps, 0f, Float.MAX_VALUE);
        check("RMSProp", "weightDecay", weightDecay, 0f, Float.MAX_VALUE);
        check("RMSProp", "momentum", momentum, 0f, Float.MAX_VALUE);
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.centered = centered;
    }

    @Override
    protected Set<String> stateNames() {
        Set<String> names = new TreeSet<>(Set.of("square_avg"));
        if (centered) names.add("grad_avg");
        if (momentum > 0f) names.add("momentum_buffer");
        return names;
    }

    @Override
    protected Tensor update(Tensor p, Tensor g, float lr, ParamState s) {
        if (weightDecay != 0f) g = g.add(p.mul(weightDecay));
        Tensor a = s.get("square_avg");
        a = a == null ? g.square().mul(1f - alpha) : a.mul(alpha).add(g.square().mul(1f - alpha));
        s.put("square_avg", a);
        Tensor d;
        if (centered) {
            Tensor c = s.get("grad_avg");
            c = c == null ? g.mul(1f - alpha) : c.mul(alpha).add(g.mul(1f - alpha));
            s.put("grad_avg", c);
            d = safeSqrt(a.sub(c.square())).add(eps);
        } else {
            d = safeSqrt(a).add(eps);
        }
        if (momentum > 0f) {
            Tensor b = s.get("momentum_buffer");
            b = b == null ? g.div(d) : b.mul(momentum).add(g.div(d));
            s.put("momentum_buffer", b);
            return p.sub(b.mul(lr));
        }
        return p.sub(g.div(d).mul(lr));
    }

    /** {@link #update} as one loop over p, g and the averages, the same float32 operations in the same order. */
    @Override
    protected boolean updateInPlace(Tensor p, Tensor g, float lr, ParamState s) {
        boolean first = s.get("square_avg") == null;
        if (first) {
            s.put("square_avg", Tensor.zeros(p.shape()));
            if (centered) s.put("grad_avg", Tensor.zeros(p.shape()));
            if (momentum > 0f) s.put("momentum_buffer", Tensor.zeros(p.shape()));
        }
        float[] pv = p.buffer(), gv = g.buffer(), av = s.get("square_avg").buffer();
        float[] cv = centered ? s.get("grad_avg").buffer() : null, bv = momentum > 0f ? s.get("momentum_buffer").buffer() : null;
        float keep = 1f - alpha;
        for (int i = 0, n = p.numel(); i < n; i++) {
            float gi = weightDecay != 0f ? gv[i] + pv[i] * weightDecay : gv[i];
            float gsq = (gi * gi) * keep;
            float a = first ? gsq : av[i] * alpha + gsq;
            av[i] = a;
            if (cv != null) {
                float gk = gi * keep;
                float c = first ? gk : cv[i] * alpha + gk;
                cv[i] = c;
                a = a - c * c;
            }
            float d = (a > 0f ? (float) Math.sqrt(a) : 0f) + eps;   // safeSqrt(a) + eps
            if (bv != null) {
                float b = first ? gi / d : bv[i] * momentum + gi / d;
                bv[i] = b;
                pv[i] = pv[i] - b * lr;
            } else {
                pv[i] = pv[i] - (gi / d) * lr;
            }
        }
        return true;
    }
}
