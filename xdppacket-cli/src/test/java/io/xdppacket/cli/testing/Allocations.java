package io.xdppacket.cli.testing;

import java.lang.management.ManagementFactory;

/** Measures heap allocation by the current thread, to hold hot paths to "nothing per frame". */
public final class Allocations {
    private Allocations() {}

    /** A piece of code to measure; may throw. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * Bytes the current thread allocates while running {@code body}, after one unmeasured run so that
     * one-time costs (class initialisation, lazily built constants) are not counted.
     */
    public static long of(Body body) throws Exception {
        body.run();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        body.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
