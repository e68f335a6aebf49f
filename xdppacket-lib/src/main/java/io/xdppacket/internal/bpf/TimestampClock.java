package io.xdppacket.internal.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The kernel clock the redirect program reads for each frame's arrival time, which it writes in
 * front of the frame as XDP metadata ({@link ProgramSpec#timestamps()}): a u64 of nanoseconds, in
 * host byte order, in the {@value RedirectProgram#META_TIMESTAMP_BYTES} bytes right before the
 * frame's first byte (in an AF_XDP socket's UMEM: at the descriptor's address minus 8).
 *
 * <p>Neither clock is the wall clock (the program has no helper for CLOCK_REALTIME). To convert,
 * add {@link #wallClockOffsetNanos()}: {@code wall = stamp + offset}. How often the offset must be
 * sampled again depends on the clock:
 * <ul>
 *   <li>{@link #TAI}: TAI moves with the wall clock, steps included (settimeofday, NTP steps), and
 *       differs from it only by the TAI-UTC offset the time daemon sets (37 s today, 0 when no
 *       daemon set it). The offset changes only at a leap second or when that setting changes: a
 *       sample per second is plenty, and a frame stamped before a wall-clock step still converts
 *       right. Needs Linux 6.1.</li>
 *   <li>{@link #BOOTTIME}: monotonic, counts suspend. Its offset to the wall clock changes whenever
 *       the wall clock is stepped; a frame stamped before a step converts with the new offset,
 *       wrong by the step. For kernels 5.8 to 6.0.</li>
 * </ul>
 */
public enum TimestampClock {
    /** {@code bpf_ktime_get_tai_ns()}, CLOCK_TAI (Linux 6.1). */
    TAI(Bpf.BPF_FUNC_ktime_get_tai_ns, 11),
    /** {@code bpf_ktime_get_boot_ns()}, CLOCK_BOOTTIME (Linux 5.8). */
    BOOTTIME(Bpf.BPF_FUNC_ktime_get_boot_ns, 7);

    /** {@code CLOCK_REALTIME} (linux/time.h). */
    private static final int CLOCK_REALTIME = 0;

    /** {@code struct timespec} on LP64: two longs. */
    private static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec")).withName("timespec");

    private static final MethodHandle CLOCK_GETTIME = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("clock_gettime")
                    .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol clock_gettime")),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private final int helper;
    private final int clockId;

    TimestampClock(int helper, int clockId) {
        this.helper = helper;
        this.clockId = clockId;
    }

    /** The BPF helper that reads the clock in the program. */
    public int helper() {
        return helper;
    }

    /** The clock's {@code clockid_t}, for {@code clock_gettime}. */
    public int clockId() {
        return clockId;
    }

    /** The clock's current reading, from user space, in ns: the same time base as the program's stamps. */
    public long nowNanos() {
        try (Arena arena = Arena.ofConfined()) {
            return read(clockId, arena.allocate(TIMESPEC));
        }
    }

    /**
     * {@code CLOCK_REALTIME - this clock}, in ns, sampled now (the realtime clock read on both sides
     * of this one, averaged): add it to a stamp for nanoseconds since the Unix epoch. Allocates; take
     * it once in a while (see the class comment), not per frame.
     */
    public long wallClockOffsetNanos() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(TIMESPEC);
            long before = read(CLOCK_REALTIME, ts);
            long clock = read(clockId, ts);
            long after = read(CLOCK_REALTIME, ts);
            return before + (after - before) / 2 - clock;
        }
    }

    private static long read(int clockId, MemorySegment ts) {
        int r;
        try {
            r = (int) CLOCK_GETTIME.invokeExact(clockId, ts);
        } catch (Throwable t) {
            throw new IllegalStateException("clock_gettime failed", t);
        }
        // Only an unknown clock id fails; both ours exist since Linux 2.6.39.
        if (r != 0) throw new IllegalStateException("clock_gettime(" + clockId + ") failed");
        return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
    }
}
