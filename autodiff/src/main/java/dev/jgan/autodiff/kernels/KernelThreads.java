package dev.jgan.autodiff.kernels;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The library's own pool of daemon threads for kernels ({@code -Djgan.threads=N}, default all cores).
 * Work is split into numbered items that any participant may take; an item's result never depends on
 * which thread ran it, so kernels built on {@link #parallelFor} give bitwise the same results for every
 * thread count.
 */
public final class KernelThreads {
    private final int threads;
    private final ExecutorService pool;
    /** Set while a thread runs items, so that nested parallel loops run inline instead of waiting on the pool. */
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    KernelThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("KernelThreads: threads must be at least 1, got " + threads);
        this.threads = threads;
        AtomicInteger id = new AtomicInteger();
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "jgan-kernel-" + id.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The shared pool, sized by {@code jgan.threads}. */
    public static KernelThreads get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final KernelThreads INSTANCE = new KernelThreads(KernelSettings.current().threads());
    }

    /** The number of threads kernels use, the caller included. */
    public int threads() {
        return threads;
    }

    /** A pool of the given size, for tests and benchmarks that compare thread counts in one JVM. */
    public static KernelThreads create(int threads) {
        return new KernelThreads(threads);
    }

    /**
     * Runs {@code body.accept(i)} for every i in [0, items), on the calling thread and up to
     * {@code threads - 1} pool threads, and returns when all are done. Items are taken in increasing order
     * from a shared counter; the caller always takes part, so progress never depends on the pool being idle.
     */
    public void parallelFor(int items, IntConsumer body) {
        if (items <= 0) return;
        if (pool == null || items == 1 || INSIDE.get()) {
            for (int i = 0; i < items; i++) body.accept(i);
            return;
        }
        Batch batch = new Batch(items, body, Thread.currentThread());
        int helpers = Math.min(threads - 1, items - 1);
        for (int h = 0; h < helpers; h++) pool.execute(batch::work);
        batch.work();
        batch.await();
    }

    /** One parallel loop: a counter of items handed out, a counter of items finished, the first failure. */
    private static final class Batch {
        final int items;
        final IntConsumer body;
        final Thread owner;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Batch(int items, IntConsumer body, Thread owner) {
            this.items = items;
            this.body = body;
            this.owner = owner;
        }

        void work() {
            boolean was = INSIDE.get();
            INSIDE.set(Boolean.TRUE);
            try {
                int i;
                while ((i = next.getAndIncrement()) < items) {
                    try {
                        if (failure.get() == null) body.accept(i);
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    } finally {
                        if (done.incrementAndGet() == items) LockSupport.unpark(owner);
                    }
                }
            } finally {
                INSIDE.set(was);
            }
        }

        void await() {
            // Items taken by helpers are short (a GEMM tile row, a packing panel): spin briefly, then park.
            for (int spin = 0; done.get() < items; spin++) {
                if (spin < 2000) Thread.onSpinWait();
                else LockSupport.parkNanos(this, 50_000L);
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException) throw (RuntimeException) t;
            if (t instanceof Error) throw (Error) t;
            if (t != null) throw new RuntimeException(t);
        }
    }
}
