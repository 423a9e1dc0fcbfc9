package dev.jgan.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks analytic gradients against central finite differences, to first and second order, in the manner
 * of {@code torch.autograd.gradcheck} / {@code gradgradcheck}. Shipped in the autodiff test-jar so that nn and
 * gan tests reuse it.
 *
 * <p>The function may return any shape; it is contracted with fixed random weights to a scalar
 * {@code L = <f(x), r>}, so every output element takes part. Every input element is perturbed in turn (the
 * full Jacobian-vector row, fine for the small tensors tests use). The second-order check applies the
 * first-order check to {@code x -> <grad L(x), s>} computed with {@code createGraph}, which exercises every
 * backward rule's own backward. Arithmetic is float32, so choose inputs of moderate size away from kinks
 * (relu at 0, abs at 0, max ties) by at least {@code eps}.
 */
public final class GradCheck {
    private final float eps;
    private final float atol;
    private final float rtol;

    private GradCheck(float eps, float atol, float rtol) {
        this.eps = eps;
        this.atol = atol;
        this.rtol = rtol;
    }

    /** Default step 1e-2 (truncation error ~1e-4, float32 rounding ~1e-5) and tolerances 2e-2 absolute + 2e-2 relative. */
    public static GradCheck standard() {
        return new GradCheck(1e-2f, 2e-2f, 2e-2f);
    }

    public static GradCheck of(float eps, float atol, float rtol) {
        return new GradCheck(eps, atol, rtol);
    }

    /** First-order check with default settings; throws AssertionError naming input, element and both values. */
    public static void gradcheck(Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        standard().first(f, inputs);
    }

    /** First- and second-order checks with default settings. */
    public static void gradgradcheck(Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        GradCheck c = standard();
        c.first(f, inputs);
        c.second(f, inputs);
    }

    /** Checks d<f(x), r>/dx against finite differences for every element of every input. */
    public void first(Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        List<Tensor> xs = leaves(inputs);
        Tensor probe = f.apply(xs);
        Tensor r = weights(probe.shape(), 7);
        Function<List<Tensor>, Tensor> loss = in -> f.apply(in).mul(r).sum();
        compare("first-order", loss, xs);
    }

    /** Checks the gradient of x -> <grad <f(x), r>, s> (a double backward) against finite differences. */
    public void second(Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        List<Tensor> xs = leaves(inputs);
        Tensor probe = f.apply(xs);
        Tensor r = weights(probe.shape(), 11);
        List<Tensor> s = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) s.add(weights(xs.get(i).shape(), 13 + i));
        Function<List<Tensor>, Tensor> gradDotS = in -> {
            Tensor l = f.apply(in).mul(r).sum();
            List<Tensor> g = Autograd.grad(List.of(l), in, null, true, true, true);
            Tensor acc = Tensor.scalar(0f);
            for (int i = 0; i < g.size(); i++) if (g.get(i) != null) acc = acc.add(g.get(i).mul(s.get(i)).sum());
            return acc;
        };
        compare("second-order", gradDotS, xs);
    }

    private void compare(String what, Function<List<Tensor>, Tensor> loss, List<Tensor> xs) {
        Tensor l = loss.apply(xs);
        if (!l.requiresGrad()) {
            // The function is constant in its inputs at this order (e.g. the second derivative of a linear map):
            // the analytic gradient is zero, and the finite differences must agree.
            for (int i = 0; i < xs.size(); i++) checkNumeric(what, loss, xs, i, new float[xs.get(i).numel()]);
            return;
        }
        List<Tensor> analytic = Autograd.grad(List.of(l), xs, null, false, false, true);
        for (int i = 0; i < xs.size(); i++) {
            Tensor a = analytic.get(i); // null: the loss does not depend on this input
            checkNumeric(what, loss, xs, i, a == null ? new float[xs.get(i).numel()] : a.toArray());
        }
    }

    private void checkNumeric(String what, Function<List<Tensor>, Tensor> loss, List<Tensor> xs, int i, float[] expected) {
        Tensor x = xs.get(i);
        float[] data = x.buffer();
        for (int j = 0; j < data.length && j < x.numel(); j++) {
            float orig = data[j];
            data[j] = orig + eps;
            x.markModified();
            double plus = evaluate(loss, xs);
            data[j] = orig - eps;
            x.markModified();
            double minus = evaluate(loss, xs);
            data[j] = orig;
            x.markModified();
            double numeric = (plus - minus) / (2.0 * eps);
            double analytic = expected[j];
            if (Math.abs(numeric - analytic) > atol + rtol * Math.abs(numeric))
                throw new AssertionError(what + " gradient mismatch for input " + i + " " + Shape.str(x.shape()) + " at flat index " + j
                        + ": analytic " + analytic + ", numeric " + numeric);
        }
    }

    private static double evaluate(Function<List<Tensor>, Tensor> loss, List<Tensor> xs) {
        try (GradMode.Scope s = GradMode.enableGrad()) {
            return loss.apply(xs).item();
        }
    }

    private static List<Tensor> leaves(Tensor[] inputs) {
        List<Tensor> xs = new ArrayList<>();
        for (Tensor t : inputs) xs.add(t.copy().requiresGrad(true));
        return xs;
    }

    /** Fixed pseudo-random weights in [0.5, 1.5) with random signs, so no output element is weighted 0. */
    private static Tensor weights(int[] shape, long seed) {
        Rng rng = new Rng(seed);
        float[] w = new float[Shape.numel(shape)];
        for (int i = 0; i < w.length; i++) w[i] = (0.5f + rng.nextFloat()) * (rng.nextFloat() < 0.5f ? -1f : 1f);
        return Tensor.of(w, shape);
    }
}
