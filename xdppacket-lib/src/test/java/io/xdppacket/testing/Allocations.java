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

    /** Bytes the current thread has allocated so far. */
    public static long current() {
        try {
            return (long) ALLOCATED.invoke(THREADS);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
