package dev.jgan.autodiff.kernels;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;

/**
 * Chooses the kernel implementation once per JVM, as Apache Lucene's VectorizationProvider does: the
 * Vector API implementation when the {@code jdk.incubator.vector} module is in the boot layer and its
 * preferred float vector has at least 128 bits, otherwise {@link ScalarKernels}. {@link VectorKernels} is
 * loaded by name, so on the fallback path no class touching the incubator module is ever linked.
 *
 * <p>System properties: {@code jgan.simd=auto|on|off} (default auto; {@code on} fails when the Vector API
 * cannot be used, {@code off} forces the scalar kernels), {@code jgan.simd.bits=64|128|256|512} (the vector width,
 * default the CPU's preferred), {@code jgan.threads=N} (threads for GEMM and convolution, default all cores) and
 * {@code jgan.winograd=auto|off} (whether the vector kernels use Winograd's F(4x4, 2x2) for convolutions whose
 * kernel is twice the stride). A bad value of any of them fails the first use of the kernels with an
 * {@link IllegalArgumentException} naming the property, its value and the allowed values (see {@link KernelSettings}).
 * One log line says which implementation is active.
 */
public final class KernelProvider {
    private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_CLASS = "dev.jgan.autodiff.kernels.VectorKernels";

    private static final Kernels INSTANCE = choose();

    private KernelProvider() {}

    /** The active kernels. */
    public static Kernels get() {
        return INSTANCE;
    }

    /** The active implementation's name: {@code "scalar"} or {@code "vector-<bits>"}. */
    public static String implementation() {
        return INSTANCE.name();
    }

    /** Whether the active kernels use the Vector API. */
    public static boolean isVectorized() {
        return !(INSTANCE.getClass() == ScalarKernels.class);
    }

    /** Whether the Vector API module is in this JVM's boot layer (that is, the JVM was started with it). */
    public static boolean vectorModuleAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * A new Vector API implementation on the given thread pool, for tests and benchmarks that compare
     * implementations or thread counts in one JVM. Its width is the JVM's ({@code -Djgan.simd.bits}, default
     * the CPU's preferred).
     *
     * @throws UnsupportedOperationException when the Vector API module is not available
     */
    public static Kernels vector(KernelThreads threads) {
        try {
            MethodHandle factory = vectorFactory("create", MethodType.methodType(Kernels.class, KernelThreads.class));
            return (Kernels) factory.invoke(threads);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static MethodHandle vectorFactory(String name, MethodType type) {
        Optional<Module> module = ModuleLayer.boot().findModule(VECTOR_MODULE);
        if (module.isEmpty())
            throw new UnsupportedOperationException("the Vector API is not available: start the JVM with --add-modules " + VECTOR_MODULE);
        // Our module (unnamed on the class path, or named on the module path) must read the incubator module.
        KernelProvider.class.getModule().addReads(module.get());
        try {
            Class<?> cls = Class.forName(VECTOR_CLASS, true, KernelProvider.class.getClassLoader());
            return MethodHandles.lookup().findStatic(cls, name, type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load " + VECTOR_CLASS, e);
        }
    }

    private static Kernels choose() {
        // Every setting is checked here, before the Vector API is touched: below, any failure to load it means
        // falling back to the scalar kernels, and a bad setting must not be mistaken for one.
        String mode = KernelSettings.current().simd();
        if (mode.equals("off")) {
            LOG.log(System.Logger.Level.INFO, "jgan kernels: scalar (jgan.simd=off)");
            return new ScalarKernels();
        }
        String why;
        if (!vectorModuleAvailable()) {
            why = "the jdk.incubator.vector module is not readable; pass --add-modules " + VECTOR_MODULE + " to the java launcher";
        } else {
            try {
                MethodHandle preferred = vectorFactory("createPreferred", MethodType.methodType(Kernels.class, KernelThreads.class));
                Kernels k = (Kernels) preferred.invoke(KernelThreads.get());
                if (k != null) {
                    LOG.log(System.Logger.Level.INFO, "jgan kernels: " + k.name() + " (Vector API), " + KernelThreads.get().threads() + " thread(s)");
                    return k;
                }
                why = "the preferred vector size is below 128 bits";
            } catch (LinkageError | RuntimeException e) {
                why = "the Vector API could not be loaded (" + e + ")";
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
        if (mode.equals("on")) throw new IllegalStateException("jgan.simd=on but " + why);
        LOG.log(System.Logger.Level.WARNING, "jgan kernels: scalar, because " + why);
        return new ScalarKernels();
    }
}
