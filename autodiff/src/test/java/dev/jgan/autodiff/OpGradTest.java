package dev.jgan.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * One registry of differentiable ops with sample inputs (broadcasting, size-1 and odd sizes, domain limits),
 * over which first- and second-order gradchecks run. Every op that can sit under a gradient penalty is
 * checked to second order; the registry asserts which ops it covers, so an op added without a spec fails.
 */
class OpGradTest {

    /** An op application: name, function of the inputs, inputs, and whether to check second order. */
    record Spec(String name, Function<List<Tensor>, Tensor> f, Tensor[] inputs, boolean secondOrder) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(name).append('(');
            for (int i = 0; i < inputs.length; i++) sb.append(i == 0 ? "" : ", ").append(Shape.str(inputs[i].shape()));
            return sb.append(')').toString();
        }
    }

    private static final Rng RNG = new Rng(42);

    /** Normal values. */
    static Tensor randn(int... shape) {
        return Tensor.randn(RNG, shape);
    }

    /** Values with |x| in [0.2, 1.2): away from the kinks of relu, abs, clamp... */
    static Tensor awayFromZero(int... shape) {
        Tensor t = Tensor.uniform(RNG, 0.2f, 1.2f, shape);
        float[] d = t.buffer();
        for (int i = 0; i < d.length; i++) if (RNG.nextFloat() < 0.5f) d[i] = -d[i];
        return t;
    }

    /** Values in [0.5, 2): the domain of log, sqrt, pow. */
    static Tensor positive(int... shape) {
        return Tensor.uniform(RNG, 0.5f, 2f, shape);
    }

    /** Distinct values (a shuffled ramp), so max has no ties. */
    static Tensor distinct(int... shape) {
        int n = Shape.numel(shape);
        int[] p = RNG.permutation(n);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = (p[i] - n / 2f) * 0.3f;
        return Tensor.of(d, shape);
    }

    static Spec first(String name, Function<List<Tensor>, Tensor> f, Tensor... in) {
        return new Spec(name, f, in, false);
    }

    static Spec both(String name, Function<List<Tensor>, Tensor> f, Tensor... in) {
        return new Spec(name, f, in, true);
    }

    static List<Spec> specs() {
        List<Spec> s = new ArrayList<>();
        // elementwise, with broadcasting
        s.add(both("add", x -> x.get(0).add(x.get(1)), randn(2, 3), randn(3)));
        s.add(both("add", x -> x.get(0).add(x.get(1)), randn(2, 1, 3), randn(4, 1)));
        s.add(both("sub", x -> x.get(0).sub(x.get(1)), randn(1, 3), randn(2, 1)));
        s.add(both("mul", x -> x.get(0).mul(x.get(1)), randn(2, 3), randn(2, 3)));
        s.add(both("mul", x -> x.get(0).mul(x.get(1)), randn(3, 1, 2), randn(1)));
        s.add(both("div", x -> x.get(0).div(x.get(1)), randn(2, 3), positive(3)));
        s.add(both("pow", x -> x.get(0).pow(x.get(1)), positive(2, 3), randn(2, 3)));
        s.add(both("pow", x -> x.get(0).pow(x.get(1)), positive(3), positive(2, 1)));
        s.add(both("maximum", x -> x.get(0).maximum(x.get(1)), distinct(2, 3), distinct(3).mul(1.1f)));
        s.add(both("minimum", x -> x.get(0).minimum(x.get(1)), distinct(2, 3), distinct(2, 1).mul(0.7f).add(0.05f)));
        s.add(both("where", x -> Tensor.where(Tensor.of(new float[] {1, 0, 1}, 3), x.get(0), x.get(1)), randn(2, 3), randn(2, 1)));
        s.add(both("addScalar", x -> x.get(0).add(2.5f), randn(2, 3)));
        s.add(both("mulScalar", x -> x.get(0).mul(-1.5f), randn(4)));
        s.add(both("powScalar", x -> x.get(0).pow(3f), randn(2, 3)));
        s.add(both("powScalar", x -> x.get(0).pow(-0.5f), positive(5)));
        s.add(both("rdivScalar", x -> x.get(0).rdiv(2f), positive(2, 2)));
        // unary and activations
        s.add(both("neg", x -> x.get(0).neg(), randn(3)));
        s.add(both("exp", x -> x.get(0).exp(), randn(2, 3)));
        s.add(both("log", x -> x.get(0).log(), positive(2, 3)));
        s.add(both("log1p", x -> x.get(0).log1p(), positive(2, 3)));
        s.add(both("sqrt", x -> x.get(0).sqrt(), positive(2, 3)));
        s.add(both("abs", x -> x.get(0).abs(), awayFromZero(2, 3)));
        s.add(both("square", x -> x.get(0).square(), randn(2, 3)));
        s.add(both("tanh", x -> x.get(0).tanh(), randn(2, 3)));
        s.add(both("sigmoid", x -> x.get(0).sigmoid(), randn(2, 3)));
        s.add(both("relu", x -> x.get(0).relu(), awayFromZero(2, 3)));
        s.add(both("leakyRelu", x -> x.get(0).leakyRelu(0.2f), awayFromZero(2, 3)));
        s.add(both("elu", x -> x.get(0).elu(1.0f), awayFromZero(2, 3)));
        s.add(both("softplus", x -> x.get(0).softplus(), randn(2, 3)));
        s.add(both("clamp", x -> x.get(0).clamp(-0.5f, 0.5f), awayFromZero(2, 4).mul(0.9f)));
        // reductions
        s.add(both("sum", x -> x.get(0).sum(), randn(2, 3)));
        s.add(both("sum", x -> x.get(0).sum(new int[] {0, 2}, true), randn(2, 3, 4)));
        s.add(both("sum", x -> x.get(0).sum(1, false), randn(2, 3, 4)));
        s.add(both("mean", x -> x.get(0).mean(new int[] {-1}, false), randn(3, 5)));
        s.add(both("max", x -> x.get(0).max(new int[] {1}, false), distinct(3, 4)));
        s.add(both("max", x -> x.get(0).max(), distinct(2, 3)));
        s.add(both("min", x -> x.get(0).min(new int[] {0, 1}, true), distinct(2, 3, 2)));
        s.add(both("variance", x -> x.get(0).variance(new int[] {0}, false, 1), randn(4, 3)));
        s.add(both("variance", x -> x.get(0).variance(new int[] {0, 2, 3}, true, 0), randn(3, 2, 2, 2)));
        s.add(both("logSumExp", x -> x.get(0).logSumExp(new int[] {1}, false), randn(3, 4)));
        s.add(both("softmax", x -> x.get(0).softmax(-1), randn(2, 5)));
        s.add(both("logSoftmax", x -> x.get(0).logSoftmax(0), randn(4, 3)));
        s.add(both("norm", x -> x.get(0).norm(new int[] {1}, false), randn(3, 4)));
        // shape
        s.add(both("reshape", x -> x.get(0).reshape(3, -1).mul(x.get(0).reshape(3, 2)), randn(2, 3)));
        s.add(both("permute", x -> x.get(0).permute(2, 0, 1).square(), randn(2, 3, 4)));
        s.add(both("transpose", x -> x.get(0).transpose(0, 1).matmul(x.get(0)), randn(3, 2)));
        s.add(both("slice", x -> x.get(0).slice(1, 1, 5, 2).square(), randn(2, 5)));
        s.add(both("slice", x -> x.get(0).slice(0, -2, 3, 1).exp(), randn(3, 2)));
        s.add(both("narrow", x -> x.get(0).narrow(0, 1, 2).square(), randn(4, 2)));
        s.add(both("concat", x -> Tensor.concat(List.of(x.get(0), x.get(1).square()), 1), randn(2, 3), randn(2, 1)));
        s.add(both("stack", x -> Tensor.stack(List.of(x.get(0), x.get(1)), 1).square(), randn(2, 3), randn(2, 3)));
        s.add(both("split", x -> x.get(0).split(2, 1).get(1).square(), randn(2, 5)));
        s.add(both("chunk", x -> x.get(0).chunk(2, 0).get(0).mul(x.get(0).chunk(2, 0).get(1)), randn(4, 3)));
        s.add(both("expand", x -> x.get(0).expand(2, 3, 4).square(), randn(3, 1)));
        s.add(both("squeeze", x -> x.get(0).squeeze(1).square(), randn(2, 1, 3)));
        s.add(both("unsqueeze", x -> x.get(0).unsqueeze(0).square(), randn(3)));
        s.add(both("flatten", x -> x.get(0).flatten(1).square(), randn(2, 3, 2)));
        // linear algebra
        s.add(both("matmul", x -> x.get(0).matmul(x.get(1)), randn(3, 4), randn(4, 2)));
        s.add(both("matmul", x -> x.get(0).matmul(x.get(1)), randn(2, 3, 4), randn(4, 5)));
        s.add(both("matmul", x -> x.get(0).matmul(x.get(1)), randn(2, 1, 2, 3), randn(3, 3, 2)));
        s.add(both("matmul", x -> x.get(0).matmul(x.get(1)), randn(3), randn(3, 2)));
        s.add(both("matmul", x -> x.get(0).matmul(x.get(1)), randn(2, 3), randn(3)));
        s.add(both("matmulT", x -> Linalg.matmul(x.get(0), x.get(1), true, false), randn(4, 3), randn(4, 2)));
        s.add(both("matmulT", x -> Linalg.matmul(x.get(0), x.get(1), false, true), randn(3, 4), randn(2, 4)));
        s.add(both("matmulT", x -> Linalg.matmul(x.get(0), x.get(1), true, true), randn(2, 4, 3), randn(2, 4)));
        // indexing
        s.add(both("indexSelect", x -> x.get(0).indexSelect(0, 2, 0, 2).square(), randn(3, 2)));
        s.add(both("indexSelect", x -> x.get(0).indexSelect(1, 1, 1).exp(), randn(2, 3)));
        s.add(both("gather", x -> x.get(0).gather(1, new int[] {2, 0, 1, 1}, 2, 2).square(), randn(2, 3)));
        // images
        s.add(both("conv2d", x -> Conv.conv2d(x.get(0), x.get(1), ConvParams.of(1, 0)), randn(2, 2, 4, 4), randn(3, 2, 3, 3)));
        s.add(both("conv2d", x -> Conv.conv2d(x.get(0), x.get(1), x.get(2), ConvParams.of(2, 1)), randn(1, 2, 5, 5), randn(2, 2, 3, 3), randn(2)));
        s.add(both("conv2d", x -> Conv.conv2d(x.get(0), x.get(1), new ConvParams(1, 2, 2, 1, 2, 1, 2)), randn(1, 4, 5, 6), randn(2, 2, 2, 3)));
        s.add(both("convTranspose2d", x -> Conv.convTranspose2d(x.get(0), x.get(1), ConvParams.of(2, 1), 0, 0), randn(2, 3, 3, 3), randn(3, 2, 4, 4)));
        s.add(both("convTranspose2d", x -> Conv.convTranspose2d(x.get(0), x.get(1), x.get(2), ConvParams.of(2, 1), 1, 1), randn(1, 2, 3, 2), randn(2, 2, 3, 3), randn(2)));
        s.add(both("convTranspose2d", x -> Conv.convTranspose2d(x.get(0), x.get(1), new ConvParams(1, 2, 0, 1, 2, 1, 2), 0, 1), randn(1, 4, 3, 3), randn(4, 1, 2, 2)));
        s.add(both("conv2dWeightGrad", x -> Conv.conv2dWeightGrad(x.get(0), x.get(1), new int[] {2, 2, 3, 3}, ConvParams.of(2, 1)), randn(1, 2, 5, 5), randn(1, 2, 3, 3)));
        s.add(both("avgPool2d", x -> Pooling.avgPool2d(x.get(0), 2, 2, 0), randn(2, 3, 4, 4)));
        s.add(both("avgPool2d", x -> Pooling.avgPool2d(x.get(0), 3, 2, 1), randn(1, 2, 5, 5)));
        s.add(both("upsampleNearest2d", x -> Pooling.upsampleNearest2d(x.get(0), 2).square(), randn(1, 2, 2, 3)));
        s.add(both("pixelShuffle", x -> Pooling.pixelShuffle(x.get(0), 2).square(), randn(1, 8, 2, 3)));
        s.add(both("pixelUnshuffle", x -> Pooling.pixelUnshuffle(x.get(0), 2).square(), randn(1, 2, 4, 2)));
        // losses
        s.add(both("binaryCrossEntropyWithLogits", x -> Losses.binaryCrossEntropyWithLogits(x.get(0), Tensor.of(new float[] {1, 0, 0.3f, 1, 0, 1}, 2, 3)), randn(2, 3).mul(3f)));
        s.add(both("crossEntropy", x -> Losses.crossEntropy(x.get(0), new int[] {2, 0, 1}), randn(3, 4)));
        s.add(both("mse", x -> Losses.mse(x.get(0), x.get(1)), randn(2, 3), randn(2, 3)));
        s.add(both("l1", x -> Losses.l1(x.get(0), x.get(1)), randn(2, 3), randn(2, 3).add(5f)));
        // compositions that sit under gradient penalties
        s.add(both("layerNorm", x -> layerNorm(x.get(0)), randn(3, 5)));
        // Later additions, last so that the inputs drawn for the specs above stay the same.
        s.add(both("rsub", x -> x.get(0).rsub(1.5f).square(), randn(2, 3)));
        s.add(both("sin", x -> x.get(0).sin(), randn(2, 3).mul(2f)));
        s.add(both("cos", x -> x.get(0).cos(), randn(2, 3).mul(2f)));
        // max pooling: distinct values (no ties), squared so that the double backward runs through the gather family
        s.add(both("maxPool2d", x -> Pooling.maxPool2d(x.get(0), 2).square(), distinct(2, 3, 4, 4)));
        s.add(both("maxPool2d", x -> Pooling.maxPool2d(x.get(0), 3, 2, 1, 1).square(), distinct(1, 2, 5, 5)));
        s.add(both("maxPool2d", x -> Pooling.maxPool2d(x.get(0), 2, 1, 1, 2).square(), distinct(1, 2, 5, 6)));
        s.add(both("maxPool2d", x -> Pooling.maxPool2d(x.get(0), new int[] {2, 3}, new int[] {1, 2}, new int[] {1, 0}, new int[] {2, 1}).mul(x.get(1)),
                distinct(2, 1, 4, 5), randn(2, 1, 4, 2)));
        // the same losses unreduced and summed
        Tensor targets = Tensor.of(new float[] {1, 0, 0.3f, 1, 0, 1}, 2, 3);
        s.add(both("binaryCrossEntropyWithLogits", x -> Losses.binaryCrossEntropyWithLogits(x.get(0), targets, Reduction.NONE), randn(2, 3).mul(3f)));
        s.add(both("binaryCrossEntropyWithLogits", x -> Losses.binaryCrossEntropyWithLogits(x.get(0), targets, Reduction.SUM), randn(2, 3).mul(3f)));
        s.add(both("crossEntropy", x -> Losses.crossEntropy(x.get(0), new int[] {2, 0, 1}, Reduction.NONE), randn(3, 4)));
        s.add(both("crossEntropy", x -> Losses.crossEntropy(x.get(0), new int[] {3, 3}, Reduction.SUM), randn(2, 4)));
        s.add(both("mse", x -> Losses.mse(x.get(0), x.get(1), Reduction.NONE), randn(2, 3), randn(2, 3)));
        s.add(both("mse", x -> Losses.mse(x.get(0), x.get(1), Reduction.SUM), randn(2, 3), randn(2, 3)));
        s.add(both("l1", x -> Losses.l1(x.get(0), x.get(1), Reduction.NONE), randn(2, 3), randn(2, 3).add(5f)));
        s.add(both("l1", x -> Losses.l1(x.get(0), x.get(1), Reduction.SUM), randn(2, 3), randn(2, 3).sub(5f)));
        return s;
    }

    /** Layer normalisation over the last axis, composed from ops. */
    static Tensor layerNorm(Tensor x) {
        Tensor mu = x.mean(new int[] {-1}, true);
        Tensor var = x.variance(new int[] {-1}, true, 0);
        return x.sub(mu).div(var.add(1e-5f).sqrt());
    }

    @TestFactory
    Stream<DynamicTest> firstOrder() {
        return specs().stream().map(s -> DynamicTest.dynamicTest(s.toString(), () -> GradCheck.gradcheck(s.f(), s.inputs())));
    }

    @TestFactory
    Stream<DynamicTest> secondOrder() {
        return specs().stream().filter(Spec::secondOrder)
                .map(s -> DynamicTest.dynamicTest(s.toString(), () -> GradCheck.standard().second(s.f(), s.inputs())));
    }

    @Test
    void registryCoversEveryDifferentiableOp() {
        Set<String> covered = new TreeSet<>();
        for (Spec s : specs()) covered.add(s.name());
        assertThat(covered).containsAll(List.of(
                "add", "sub", "mul", "div", "pow", "maximum", "minimum", "where", "addScalar", "mulScalar", "powScalar", "rdivScalar", "rsub",
                "neg", "exp", "log", "log1p", "sqrt", "abs", "square", "tanh", "sin", "cos", "sigmoid", "relu", "leakyRelu", "elu", "softplus", "clamp",
                "sum", "mean", "max", "min", "variance", "logSumExp", "softmax", "logSoftmax", "norm",
                "reshape", "permute", "transpose", "slice", "narrow", "concat", "stack", "split", "chunk", "expand", "squeeze", "unsqueeze", "flatten",
                "matmul", "matmulT", "indexSelect", "gather", "conv2d", "convTranspose2d", "conv2dWeightGrad",
                "avgPool2d", "maxPool2d", "upsampleNearest2d", "pixelShuffle", "pixelUnshuffle",
                "binaryCrossEntropyWithLogits", "crossEntropy", "mse", "l1", "layerNorm"));
        assertThat(covered).hasSize(68);
        assertThat(specs().stream().filter(s -> !s.secondOrder())).isEmpty();
    }
}
