package dev.jgan.gan.scheme;

import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import dev.jgan.nn.optim.Adam;
import dev.jgan.nn.optim.Optimizer;
import dev.jgan.nn.optim.ParamGroup;
import dev.jgan.nn.optim.RMSProp;
import dev.jgan.nn.optim.SGD;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The optimizers the schemes' papers use, built over a network's parameters with a checked learning rate, and the
 * checks a scheme applies to optimizers given to it. Separate learning rates for G and D (TTUR, Heusel et al. 2017)
 * are two calls with different rates.
 */
public final class Optimizers {
    private Optimizers() {}

    /** Adam (Kingma and Ba) over all of {@code net}'s parameters; eps 1e-8. */
    public static Adam adam(Module net, float lr, float beta1, float beta2) {
        requireLr("Adam", lr);
        return new Adam(net.parameters(), lr, beta1, beta2);
    }

    /** RMSProp over all of {@code net}'s parameters with PyTorch's defaults (alpha 0.99, eps 1e-8), as WGAN's code uses it. */
    public static RMSProp rmsProp(Module net, float lr) {
        requireLr("RMSProp", lr);
        return new RMSProp(net.parameters(), lr);
    }

    /**
     * Plain SGD over all of {@code net}'s parameters: {@code p = p - lr grad}. "How to train a GAN" (NIPS 2016
     * workshop, https://github.com/soumith/ganhacks, trick 9) suggests SGD for the discriminator with Adam for the
     * generator: {@code builder.optimizers(Optimizers.adam(g, 2e-4f, 0.5f, 0.999f), Optimizers.sgd(d, 0.01f))}.
     */
    public static SGD sgd(Module net, float lr) {
        return sgd(net, lr, 0f);
    }

    /** SGD with (PyTorch's heavy-ball) momentum over all of {@code net}'s parameters; momentum 0 is {@link #sgd(Module, float)}. */
    public static SGD sgd(Module net, float lr, float momentum) {
        requireLr("SGD", lr);
        if (!(momentum >= 0f && momentum < 1f)) throw new IllegalArgumentException("SGD: momentum must be in [0, 1), got momentum=" + momentum);
        return new SGD(net.parameters(), lr, momentum);
    }

    static void requireLr(String who, float lr) {
        if (!(lr > 0f) || !Float.isFinite(lr)) throw new IllegalArgumentException(who + ": learning rate must be > 0 and finite, got lr=" + lr);
    }

    /**
     * Checks that {@code optimizer} trains {@code net}: it holds at least one of the network's parameters and none
     * that is not the network's, and every learning rate is > 0 and finite.
     */
    static void requireTrains(String scheme, String role, Optimizer optimizer, Module net) {
        if (optimizer == null) throw new IllegalArgumentException(scheme + ": the " + role + "'s optimizer is missing");
        Set<Tensor> own = Collections.newSetFromMap(new IdentityHashMap<>());
        own.addAll(net.parameters());
        List<Tensor> held = optimizer.parameters();
        if (held.stream().noneMatch(own::contains) || !own.containsAll(held))
            throw new IllegalArgumentException(scheme + ": the " + role + "'s optimizer must hold the " + role + "'s parameters (it holds "
                    + held.size() + " parameters, " + held.stream().filter(own::contains).count() + " of them the " + role + "'s)");
        List<ParamGroup> groups = optimizer.groups();
        for (int i = 0; i < groups.size(); i++) {
            float lr = groups.get(i).lr();
            if (!(lr > 0f) || !Float.isFinite(lr))
                throw new IllegalArgumentException(scheme + ": the " + role + "'s learning rate must be > 0 and finite, got lr=" + lr
                        + (groups.size() > 1 ? " in parameter group " + i : ""));
        }
    }
}
