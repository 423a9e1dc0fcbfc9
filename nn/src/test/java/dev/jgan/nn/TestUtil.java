package dev.jgan.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Tensor;

/** Small helpers shared by the nn tests. */
public final class TestUtil {
    private TestUtil() {}

    /** Overwrites a parameter or buffer with the given values (row-major). */
    public static void set(Tensor t, float... values) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            t.copyInPlace(Tensor.of(values, t.shape()));
        }
    }

    /** Asserts shape and values, each within tol. */
    public static void assertValues(Tensor actual, int[] shape, float tol, float... expected) {
        assertThat(actual.shape()).containsExactly(shape);
        float[] a = actual.toArray();
        assertThat(a).hasSize(expected.length);
        for (int i = 0; i < a.length; i++) assertThat(a[i]).as("element %d of %s", i, actual).isCloseTo(expected[i], within(tol));
    }
}
