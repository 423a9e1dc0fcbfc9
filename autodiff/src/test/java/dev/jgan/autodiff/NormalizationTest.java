package dev.jgan.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fused batch-norm op against the same formula composed of elementwise ops and reductions (each tested on its
 * own), on shapes whose runs per channel are shorter than, as long as and longer than a vector; and its
 * gradients against finite differences to second order.
 */
class NormalizationTest {
    private final Rng rng = new Rng(5);
    private static final float EPS = 1e-5f;
    private static final int[][] SHAPES = {{6, 3}, {4, 3, 5}, {3, 2, 17}, {5, 4, 7, 7}, {2, 3, 3, 11}, {2, 2, 16, 16}};

    /** x with a mean and a spread far from 0 and 1, as activations have. */
    private Tensor input(int... shape) {
        return Tensor.randn(rng, shape).mul(2f).add(3f);
    }

    private static int[] axesButOne(int dim) {
        int[] axes = new int[dim - 1];
        for (int i = 0, j = 0; i < dim; i++) if (i != 1) axes[j++] = i;
        return axes;
    }

    private static int[] channelShape(int dim, int c) {
        int[] s = new int[dim];
        Arrays.fill(s, 1);
        s[1] = c;
        return s;
    }

    /** (x - mean) / sqrt(var + eps) weight + bias in composed ops; mean and var null: the batch's own. */
    private static Tensor composed(Tensor x, Tensor mean, Tensor var, Tensor weight, Tensor bias) {
        int[] axes = axesButOne(x.dim()), bs = channelShape(x.dim(), x.size(1));
        Tensor m = mean == null ? x.mean(axes, true) : mean.reshape(bs);
        Tensor v = var == null ? x.variance(axes, true, 0) : var.reshape(bs);
        Tensor y = x.sub(m).div(v.add(EPS).sqrt());
        if (weight != null) y = y.mul(weight.reshape(bs));
        return bias == null ? y : y.add(bias.reshape(bs));
    }

    private static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
        assertThat(actual.shape()).as(what).containsExactly(expected.shape());
        float[] e = expected.toArray(), a = actual.toArray();
        for (int i = 0; i < e.length; i++)
            if (!(Math.abs(e[i] - a[i]) <= tol * (1 + Math.abs(e[i]))))
                fail(what + " at " + i + ": expected " + e[i] + ", got " + a[i]);
    }

    @Test
    void trainingMatchesTheComposedOpsValuesStatisticsAndGradients() {
        for (int[] shape : SHAPES) {
            for (boolean affine : new boolean[] {true, false}) {
                int c = shape[1];
                Tensor x = input(shape).requiresGrad(true), gy = Tensor.randn(rng, shape);
                Tensor w = affine ? Tensor.randn(rng, c).requiresGrad(true) : null, b = affine ? Tensor.randn(rng, c).requiresGrad(true) : null;
                List<Tensor> params = affine ? List.of(x, w, b) : List.of(x);
                String what = Arrays.toString(shape) + (affine ? " affine" : "");
                Normalization.BatchNormResult fused = Normalization.batchNormTraining(x, w, b, EPS);
                Tensor reference = composed(x, null, null, w, b);
                assertClose(what + " output", reference, fused.output(), 1e-5);
                assertClose(what + " mean", x.detach().mean(axesButOne(x.dim()), false), fused.mean(), 1e-6);
                assertClose(what + " variance", x.detach().variance(axesButOne(x.dim()), false, 0), fused.variance(), 1e-5);
                List<Tensor> expected = Autograd.grad(List.of(reference), params, List.of(gy));
                List<Tensor> actual = Autograd.grad(List.of(fused.output()), params, List.of(gy));
                List<Tensor> recorded = Autograd.grad(List.of(Normalization.batchNormTraining(x, w, b, EPS).output()), params, List.of(gy),
                        GradOption.CREATE_GRAPH);
                for (int i = 0; i < params.size(); i++) {
                    assertClose(what + " gradient " + i, expected.get(i), actual.get(i), 2e-4);
                    assertClose(what + " gradient " + i + " under createGraph", actual.get(i), recorded.get(i), 2e-4);
                }
            }
        }
    }

    @Test
    void inferenceMatchesTheComposedOpsInEveryInput() {
        for (int[] shape : SHAPES) {
            int c = shape[1];
            Tensor x = input(shape).requiresGrad(true), gy = Tensor.randn(rng, shape);
            Tensor mean = Tensor.randn(rng, c).requiresGrad(true), var = Tensor.uniform(rng, 0.5f, 2f, c).requiresGrad(true);
            Tensor w = Tensor.randn(rng, c).requiresGrad(true), b = Tensor.randn(rng, c).requiresGrad(true);
            List<Tensor> params = List.of(x, mean, var, w, b);
            Tensor reference = composed(x, mean, var, w, b);
            Tensor fused = Normalization.batchNormInference(x, mean, var, w, b, EPS);
            assertClose(Arrays.toString(shape) + " output", reference, fused, 1e-5);
            List<Tensor> expected = Autograd.grad(List.of(reference), params, List.of(gy));
            List<Tensor> actual = Autograd.grad(List.of(fused), params, List.of(gy));
            List<Tensor> recorded = Autograd.grad(List.of(Normalization.batchNormInference(x, mean, var, w, b, EPS)), params, List.of(gy),
                    GradOption.CREATE_GRAPH);
            for (int i = 0; i < params.size(); i++) {
                assertClose(Arrays.toString(shape) + " gradient " + i, expected.get(i), actual.get(i), 2e-4);
                assertClose(Arrays.toString(shape) + " gradient " + i + " under createGraph", actual.get(i), recorded.get(i), 2e-4);
            }
        }
    }

    @Test
    void gradientsToSecondOrder() {
        for (int[] shape : new int[][] {{3, 2, 3}, {2, 2, 17}}) {
            int c = shape[1];
            GradCheck.gradgradcheck(in -> Normalization.batchNormTraining(in.get(0), in.get(1), in.get(2), EPS).output(),
                    input(shape), Tensor.randn(rng, c), Tensor.randn(rng, c));
            GradCheck.gradgradcheck(in -> Normalization.batchNormTraining(in.get(0), null, null, EPS).output(), input(shape));
            GradCheck.gradgradcheck(in -> Normalization.batchNormInference(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), EPS),
                    input(shape), Tensor.randn(rng, c), Tensor.uniform(rng, 0.5f, 2f, c), Tensor.randn(rng, c), Tensor.randn(rng, c));
        }
    }

    @Test
    void badShapesAreRefusedByName() {
        Tensor x = input(4, 3, 5), three = Tensor.randn(rng, 3), two = Tensor.randn(rng, 2);
        assertThatThrownBy(() -> Normalization.batchNormTraining(Tensor.randn(rng, 6), null, null, EPS))
                .hasMessage("batchNormTraining: expected an input [N, C, ...], got [6]");
        assertThatThrownBy(() -> Normalization.batchNormTraining(x, three, two, EPS))
                .hasMessage("batchNormTraining: bias must have shape [3] for input [4, 3, 5], got [2]");
        assertThatThrownBy(() -> Normalization.batchNormTraining(Tensor.zeros(0, 3), null, null, EPS))
                .hasMessage("batchNormTraining: no values to take statistics of in input [0, 3]");
        assertThatThrownBy(() -> Normalization.batchNormInference(x, three, null, null, null, EPS))
                .hasMessage("batchNormInference: mean and variance are required, input [4, 3, 5]");
        assertThatThrownBy(() -> Normalization.batchNormInference(x, three, two, three, three, EPS))
                .hasMessage("batchNormInference: variance must have shape [3] for input [4, 3, 5], got [2]");
    }
}
