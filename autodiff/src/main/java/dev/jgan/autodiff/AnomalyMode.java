package dev.jgan.autodiff;

/**
 * Opt-in NaN/Inf detection. While enabled (per thread), every op checks its forward output and every
 * backward rule checks the gradients it produced, and the first non-finite value throws an
 * {@link ArithmeticException} naming the op. It costs a pass over every result, so it is off by default.
 */
public final class AnomalyMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {false});

    private AnomalyMode() {}

    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** {@code try (var a = AnomalyMode.enable()) { ... }} */
    public static GradMode.Scope enable() {
        return set(true);
    }

    /**
     * Sets the mode for a scope. The engine turns the forward checks off while a backward rule runs, so
     * that a bad gradient is reported against the op whose backward made it, not the op inside the rule.
     */
    static GradMode.Scope set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = enabled;
        return () -> flag[0] = previous;
    }

    static void checkForward(String op, Tensor out, Tensor[] inputs) {
        int bad = firstNonFinite(out);
        if (bad < 0) return;
        StringBuilder shapes = new StringBuilder();
        for (Tensor t : inputs) shapes.append(shapes.length() == 0 ? "" : ", ").append(Shape.str(t.shape()));
        throw new ArithmeticException("anomaly: forward of op '" + op + "' produced " + out.storage.data[bad] + " at flat index " + bad
                + " of output " + Shape.str(out.shape()) + " (inputs " + shapes + ")");
    }

    static void checkBackward(String op, int input, Tensor grad) {
        int bad = firstNonFinite(grad);
        if (bad < 0) return;
        throw new ArithmeticException("anomaly: backward of op '" + op + "' produced " + grad.storage.data[bad] + " at flat index " + bad
                + " of the gradient for input " + input + " " + Shape.str(grad.shape()));
    }

    private static int firstNonFinite(Tensor t) {
        float[] d = t.storage.data;
        int n = t.numel();
        for (int i = 0; i < n; i++) if (!Float.isFinite(d[i])) return i;
        return -1;
    }
}
