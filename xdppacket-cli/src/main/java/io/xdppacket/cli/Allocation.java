package io.xdppacket.cli;

import java.lang.management.ManagementFactory;

/**
 * Heap bytes allocated by the calling thread so far (HotSpot's per-thread TLAB accounting), for
 * the "bytes allocated per frame" that every benchmark reports. Reading it allocates nothing.
 */
public final class Allocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocation() {}

    public static long currentThread() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
