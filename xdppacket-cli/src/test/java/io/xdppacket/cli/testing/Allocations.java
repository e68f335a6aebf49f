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

    /** Measured rounds at most; the first that allocates nothing ends the measurement. */
    private static final int ROUNDS = 5;

    /**
     * Bytes the current thread allocates while running {@code body} in steady state: after one
     * unmeasured run (class initialisation, lazily built constants), the least that any of up to
     * {@value #ROUNDS} runs allocates. Allocation per frame shows in every run; what the JIT allocates
     * once when it deoptimises or recompiles (it may be compiling in the background) shows in one.
     */
    public static long of(Body body) throws Exception {
        body.run();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS && least > 0; round++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            body.run();
            least = Math.min(least, THREADS.getCurrentThreadAllocatedBytes() - before);
        }
        return least;
    }
}
