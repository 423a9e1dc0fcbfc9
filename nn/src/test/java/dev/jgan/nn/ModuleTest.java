package dev.jgan.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Autograd;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.BatchNorm2d;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import dev.jgan.nn.layers.Dropout;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {

    /** A module with a parameter, two buffers (one non-persistent) and a child, to test registration rules. */
    static final class Custom extends Module {
        Custom(Rng rng) {
            registerParameter("scale", Tensor.ones(2));
            registerBuffer("count", Tensor.scalar(0f), true, DType.I64);
            registerBuffer("cache", Tensor.zeros(3), false);
            registerModule("inner", new Linear(2, 2, rng));
        }

        @Override
        public Tensor forward(Tensor x) {
            return ((Linear) child("inner")).forward(x.mul(tensor("scale")));
        }
    }

    @Test
    void stateDictNamesFollowPyTorchOrderAndLayouts() {
        Rng rng = new Rng(1);
        Sequential net = new Sequential(new Linear(3, 4, rng), new BatchNorm1d(4), new ReLU(), new Conv2d(2, 5, 3, 1, 1, rng),
                new ConvTranspose2d(5, 6, 4, 2, 1, rng), new BatchNorm2d(6));
        Map<String, Tensor> sd = net.stateDict();
        assertThat(sd.keySet()).containsExactly("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked", "3.weight", "3.bias", "4.weight", "4.bias", "5.weight", "5.bias", "5.running_mean",
                "5.running_var", "5.num_batches_tracked");
        assertThat(sd.get("0.weight").shape()).containsExactly(4, 3);
        assertThat(sd.get("3.weight").shape()).containsExactly(5, 2, 3, 3);
        assertThat(sd.get("4.weight").shape()).containsExactly(5, 6, 4, 4);
        assertThat(sd.get("1.num_batches_tracked").shape()).isEmpty();
        assertThat(net.stateDictDTypes().get("1.num_batches_tracked")).isEqualTo(DType.I64);
        assertThat(net.stateDictDTypes().get("1.running_var")).isEqualTo(DType.F32);
        assertThat(net.namedParameters().keySet()).containsExactly("0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias",
                "4.weight", "4.bias", "5.weight", "5.bias");
        assertThat(net.parameters()).allMatch(Tensor::requiresGrad);
    }

    @Test
    void nonPersistentBuffersStayOutOfTheStateDict() {
        Custom m = new Custom(new Rng(2));
        assertThat(m.stateDict().keySet()).containsExactly("scale", "count", "inner.weight", "inner.bias");
        assertThat(m.namedBuffers().keySet()).containsExactly("count", "cache");
    }

    @Test
    void registrationRejectsDuplicatesAndDots() {
        class Bad extends Module {
            Bad(String a, String b) {
                registerParameter(a, Tensor.ones(1));
                registerBuffer(b, Tensor.ones(1), true);
            }
        }
        assertThatThrownBy(() -> new Bad("w", "w")).hasMessageContaining("already registered");
        assertThatThrownBy(() -> new Bad("a.b", "c")).hasMessageContaining("invalid name");
    }

    @Test
    void loadStateDictCopiesValuesAndReportsEveryDifference() {
        Rng rng = new Rng(3);
        Sequential a = new Sequential(new Linear(2, 3, rng), new BatchNorm1d(3));
        Sequential b = new Sequential(new Linear(2, 3, rng), new BatchNorm1d(3));
        a.stateDict().get("1.running_mean").copyInPlace(Tensor.vector(1, 2, 3));
        LoadResult r = b.loadStateDict(a.stateDict(), true);
        assertThat(r.isClean()).isTrue();
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet())
            assertThat(b.stateDict().get(e.getKey()).toArray()).as(e.getKey()).containsExactly(e.getValue().toArray());

        Map<String, Tensor> partial = new java.util.LinkedHashMap<>(a.stateDict());
        partial.remove("0.bias");
        partial.put("2.weight", Tensor.ones(1));
        assertThatThrownBy(() -> b.loadStateDict(partial, true))
                .hasMessageContaining("missing from the state dict: [0.bias]").hasMessageContaining("not in the module: [2.weight]");
        LoadResult loose = b.loadStateDict(partial, false);
        assertThat(loose.missingKeys()).containsExactly("0.bias");
        assertThat(loose.unexpectedKeys()).containsExactly("2.weight");

        Map<String, Tensor> wrongShape = new java.util.LinkedHashMap<>(a.stateDict());
        wrongShape.put("0.weight", Tensor.zeros(2, 3));
        float before = b.stateDict().get("0.bias").get(0);
        wrongShape.put("0.bias", Tensor.full(99f, 3));
        assertThatThrownBy(() -> b.loadStateDict(wrongShape, false))
                .hasMessageContaining("0.weight: state dict shape [2, 3] dtype F32, module shape [3, 2] dtype F32");
        assertThat(b.stateDict().get("0.bias").get(0)).as("nothing loaded after a failure").isEqualTo(before);
    }

    @Test
    void aModuleRegisteredTwiceListsItsParametersOnce() {
        Linear shared = new Linear(2, 2, new Rng(9));
        Sequential twice = new Sequential(shared, new Tanh(), shared);
        assertThat(twice.namedParameters().keySet()).containsExactly("0.weight", "0.bias");
        assertThat(twice.parameters()).hasSize(2);
        assertThat(twice.stateDict().keySet()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias"); // as PyTorch's state_dict
        Adam adam = new Adam(twice.parameters(), 0.1f);              // no "appears twice"
        twice.forward(Tensor.ones(1, 2)).sum().backward();
        adam.step();
        assertThat(twice.stateDict().get("2.weight").toArray()).containsExactly(shared.parameter("weight").toArray());
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Rng rng = new Rng(4);
        Sequential inner = new Sequential(new Dropout(0.5f, rng));
        Sequential net = new Sequential(new Linear(2, 2, rng), inner);
        net.eval();
        assertThat(net.namedModules().values()).allMatch(m -> !m.isTraining());
        net.train(true);
        assertThat(inner.get(0).isTraining()).isTrue();
        assertThat(net.namedModules().keySet()).containsExactly("", "0", "1", "1.0");
        assertThat(net.module("1.0")).isSameAs(inner.get(0));
    }

    @Test
    void zeroGradClearsAccumulatedGradients() {
        Linear l = new Linear(2, 1, new Rng(5));
        l.forward(Tensor.ones(1, 2)).sum().backward();
        assertThat(l.parameter("weight").grad()).isNotNull();
        l.zeroGrad();
        assertThat(l.parameters()).allMatch(p -> p.grad() == null);
    }

    @Test
    void functionalCallSubstitutesAndRestores() {
        Linear l = new Linear(2, 1, new Rng(6));
        Tensor originalWeight = l.parameter("weight");
        Tensor w = Tensor.of(new float[] {2, 3}, 1, 2).requiresGrad(true);
        Tensor x = Tensor.of(new float[] {1, 10}, 1, 2);
        Tensor y = Functional.call(l, Map.of("weight", w.mul(2f)), x);   // weight from an op: (4, 6)
        float bias = l.parameter("bias").item();
        assertThat(y.item()).isEqualTo(4 + 60 + bias);
        assertThat(l.parameter("weight")).isSameAs(originalWeight);
        // The output depends on w through the substituted tensor: dy/dw = 2 x.
        List<Tensor> g = Autograd.grad(y.sum(), List.of(w), false);
        assertThat(g.get(0).toArray()).containsExactly(2f, 20f);

        assertThatThrownBy(() -> Functional.call(l, Map.of("weight", Tensor.zeros(2, 2)), x)).hasMessageContaining("shape");
        assertThat(l.parameter("weight")).isSameAs(originalWeight);
        assertThatThrownBy(() -> Functional.call(l, Map.of("nope", Tensor.zeros(1)), x)).hasMessageContaining("no parameter or buffer 'nope'");
        assertThatThrownBy(() -> Functional.call(l, Map.of("bias", Tensor.zeros(1)), () -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(l.parameter("bias").item()).isEqualTo(bias);
    }

    @Test
    void functionalCallReachesNestedModules() {
        Rng rng = new Rng(7);
        Sequential net = new Sequential(new Linear(2, 2, rng), new ReLU(), new Linear(2, 1, rng));
        Tensor x = Tensor.of(new float[] {1, 2}, 1, 2);
        Map<String, Tensor> zeros = Map.of("2.weight", Tensor.zeros(1, 2), "2.bias", Tensor.full(5f, 1));
        assertThat(Functional.call(net, zeros, x).item()).isEqualTo(5f);
        assertThat(net.forward(x).item()).isNotEqualTo(5f);
    }
}
