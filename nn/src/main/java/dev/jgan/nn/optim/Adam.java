package dev.jgan.nn.optim;

import dev.jgan.autodiff.Tensor;
import dev.jgan.autodiff.kernels.KernelProvider;
import java.util.List;
import java.util.Set;

/**
 * Adam (Kingma and Ba, 2015) with optional L2 weight decay and AMSGrad (Reddi et al., 2018), the
 * formula of PyTorch's rule at step t (float32 results agree with PyTorch's to rounding, not bitwise):
 * <pre>
 *   g = grad + weightDecay p
 *   m = beta1 m + (1 - beta1) g;   v = beta2 v + (1 - beta2) g^2;   vmax = max(vmax, v) with amsgrad
 *   p = p - lr / (1 - beta1^t) m / (sqrt(v or vmax) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * GANs usually take beta1 = 0.5 (DCGAN) or 0 (WGAN-GP, SNGAN) instead of the default 0.9.
 */
public final class Adam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final boolean amsgrad;

    /** Betas (0.9, 0.999), eps 1e-8. */
    public Adam(List<Tensor> params, float lr) {
        this(single(params, lr), 0.9f, 0.999f, 1e-8f, 0f, false);
    }

    public Adam(List<Tensor> params, float lr, float beta1, float beta2) {
        this(single(params, lr), beta1, beta2, 1e-8f, 0f, false);
    }

    public Adam(List<ParamGroup> groups, float beta1, float beta2, float eps, float weightDecay, boolean amsgrad) {
        super(groups);
        check("Adam", "beta1", beta1, 0f, Math.nextDown(1f));
        check("Adam", "beta2", beta2, 0f, Math.nextDown(1f));
        check("Adam", "eps", eps, 0f, Float.MAX_VALUE);
        check("Adam", "weightDecay", weightDecay, 0f, Float.MAX_VALUE);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.amsgrad = amsgrad;
    }

    @Override
    protected Set<String> stateNames() {
        return amsgrad ? Set.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq") : Set.of("exp_avg", "exp_avg_sq");
    }

    @Override
    protected Tensor update(Tensor p, Tensor g, float lr, ParamState s) {
        if (weightDecay != 0f) g = g.add(p.mul(weightDecay));
        Tensor m = s.get("exp_avg"), v = s.get("exp_avg_sq");
        m = m == null ? g.mul(1f - beta1) : m.mul(beta1).add(g.mul(1f - beta1));
        v = v == null ? g.square().mul(1f - beta2) : v.mul(beta2).add(g.square().mul(1f - beta2));
        s.put("exp_avg", m);
        s.put("exp_avg_sq", v);
        if (amsgrad) {
            Tensor vmax = s.get("max_exp_avg_sq");
            v = vmax == null ? v : vmax.maximum(v);
            s.put("max_exp_avg_sq", v);
        }
        // The order of the float32 ops differs from PyTorch's fused kernels, so results agree to rounding, not bitwise.
        Tensor denom = safeSqrt(v).mul(invBc2Sqrt(s)).add(eps);
        return p.sub(m.div(denom).mul(stepSize(lr, s)));
    }

    /** {@link #update} as one pass of {@link dev.jgan.autodiff.kernels.Kernels#adamStep} over p, g and the moments. */
    @Override
    protected boolean updateInPlace(Tensor p, Tensor g, float lr, ParamState s) {
        boolean first = s.get("exp_avg") == null;
        if (first) {
            s.put("exp_avg", Tensor.zeros(p.shape()));
            s.put("exp_avg_sq", Tensor.zeros(p.shape()));
            if (amsgrad) s.put("max_exp_avg_sq", Tensor.zeros(p.shape()));
        }
        KernelProvider.get().adamStep(p.buffer(), g.buffer(), s.get("exp_avg").buffer(), s.get("exp_avg_sq").buffer(),
                amsgrad ? s.get("max_exp_avg_sq").buffer() : null, p.numel(), first, beta1, beta2, eps, weightDecay,
                invBc2Sqrt(s), stepSize(lr, s));
        return true;
    }

    // Bias corrections in double (PyTorch uses Python floats for them too), shared by both forms of the step.

    /** 1 / sqrt(1 - beta2^t) as a float: dividing by sqrt(1 - beta2^t) is multiplying by it (Tensor.div(float)). */
    private float invBc2Sqrt(ParamState s) {
        return 1f / (float) Math.sqrt(1.0 - Math.pow(beta2, s.step()));
    }

    /** lr / (1 - beta1^t). */
    private float stepSize(float lr, ParamState s) {
        return (float) (lr / (1.0 - Math.pow(beta1, s.step())));
    }
}
