package dev.jgan.nn.optim;

import dev.jgan.autodiff.Tensor;
import java.util.List;

/**
 * Parameters that share a learning rate, as a PyTorch param group. Two groups with different rates in one
 * optimizer, or one optimizer each for G and D, give the two time-scale update rule (TTUR, Heusel et al., 2017).
 * The learning rate may be changed between steps (schedules); snapshots save and restore it.
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private float lr;

    public ParamGroup(List<Tensor> params, float lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("ParamGroup: learning rate must be >= 0, got " + lr);
        for (int i = 0; i < params.size(); i++)
            if (!params.get(i).requiresGrad() || !params.get(i).isLeaf())
                throw new IllegalArgumentException("ParamGroup: parameter " + i + " must be a leaf tensor that requires grad");
        this.params = List.copyOf(params);
        this.lr = lr;
    }

    public static ParamGroup of(List<Tensor> params, float lr) {
        return new ParamGroup(params, lr);
    }

    public List<Tensor> params() {
        return params;
    }

    public float lr() {
        return lr;
    }

    public void setLr(float lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("ParamGroup: learning rate must be >= 0, got " + lr);
        this.lr = lr;
    }
}
