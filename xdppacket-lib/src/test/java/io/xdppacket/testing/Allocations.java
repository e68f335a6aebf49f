package io.xdppacket.testing;

import java.lang.reflect.Method;

/**
 * Bytes allocated on the heap by the current thread, to hold hot paths to "nothing per frame".
 * Reflective, because the library's tests run inside the {@code io.xdppacket} module, which does
 * not read {@code jdk.management}; core reflection needs no readability.
 */
public final class Allocations {
    private static final Object THREADS;
    private static final Method ALLOCATED;

    static {
        try {
            THREADS = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            ALLOCATED = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Allocations() {}

    /** A piece of code to measure; may throw. */
    @FunctionalInterface
    public interface Body {
        /**
         * Runs the code.
         *
         * @throws Exception whatever it throws
         */
        void run() throws Exception;
    }

    /** Measured rounds at most; the first that allocates nothing ends the measurement. */
    private static final int ROUNDS = 5;

    /**
     * Bytes the current thread allocates while running {@code body} in steady state: after one
     * unmeasured run (class initialisation, lazily built constants), the least that any of up to
     * {@value #ROUNDS} runs allocates. Allocation per frame shows in every run; what the JIT allocates
     * once when it deoptimises or recompiles shows in one.
     */
    public static long of(Body body) throws Exception {
        body.run();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS && least > 0; round++) {
            long before = current();
            body.run();
            least = Math.min(least, current() - before - OVERHEAD);
        }
        return Math.max(0, least);
    }

    /** What a measurement of nothing counts: the reflective calls box their results. */
    private static final long OVERHEAD = overhead();

    private static long overhead() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 100; i++) {
            long before = current();
            least = Math.min(least, current() - before);
        }
        return least;
    }

    /** Bytes the current thread has allocated so far. */
    public static long current() {
        try {
            return (long) ALLOCATED.invoke(THREADS);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
