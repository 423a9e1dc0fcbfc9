package dev.jgan.autodiff;

/**
 * Per-thread switch for graph recording. {@code try (var s = GradMode.noGrad()) { ... }} runs a block
 * without recording, as {@code torch.no_grad()} does; scopes nest and restore the previous state.
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** A scope in which ops record no graph and results never require grad. */
    public static Scope noGrad() {
        return set(false);
    }

    /** A scope in which recording is on again, e.g. inside a no-grad block. */
    public static Scope enableGrad() {
        return set(true);
    }

    static Scope set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = enabled;
        return () -> flag[0] = previous;
    }

    /** A try-with-resources scope that restores the previous mode on close. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
