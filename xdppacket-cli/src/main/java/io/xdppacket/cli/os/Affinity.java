package io.xdppacket.cli.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Pins the calling thread to one CPU ({@code sched_setaffinity} on the thread, not the process:
 * pinning the whole JVM would put the JIT and GC threads on the hot CPU).
 */
public final class Affinity {
    private Affinity() {}

    /** CPUs this JVM may run on. */
    public static final int CPUS = Runtime.getRuntime().availableProcessors();

    /** Pins the calling thread to {@code cpu} (modulo the CPU count); returns false if the kernel refused. */
    public static boolean pin(int cpu) {
        int c = Math.floorMod(cpu, CPUS);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(JAVA_LONG, 16); // cpu_set_t: 1024 bits
            set.setAtIndex(JAVA_LONG, c / 64, 1L << (c % 64));
            return !OsCalls.schedSetAffinity(set).failed();
        }
    }
}
