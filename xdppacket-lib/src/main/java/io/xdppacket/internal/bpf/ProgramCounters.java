package io.xdppacket.internal.bpf;

import io.xdppacket.XdpClosedException;
import io.xdppacket.XdpException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The redirect program's frame counters: a {@code BPF_MAP_TYPE_PERCPU_ARRAY} with one entry, whose
 * value is two u64, {@code matched} (frames the filter let through to the redirect) and
 * {@code passed} (frames the filter sent on to the kernel's stack). Each CPU counts in its own copy,
 * so the program needs no atomic instruction; {@link #read()} adds the copies up.
 *
 * <p>Not thread-safe for {@link #close()} against {@link #read()}; reads from several threads are fine.
 */
public final class ProgramCounters implements AutoCloseable {
    /** The name {@code bpftool map} shows. */
    public static final String NAME = "xdppkt_counts";
    /** Byte offset of {@code matched} in the value. */
    public static final int MATCHED_OFFSET = 0;
    /** Byte offset of {@code passed} in the value. */
    public static final int PASSED_OFFSET = 8;
    /** Bytes of one CPU's value. */
    static final int VALUE_SIZE = 16;

    /** What the counters say, summed over all CPUs since the program was loaded. */
    public record Counts(long matched, long passed) {}

    private final int id;
    private final int cpus;
    private int fd;

    private ProgramCounters(int fd, int id, int cpus) {
        this.fd = fd;
        this.id = id;
        this.cpus = cpus;
    }

    /** Creates the map, both counters at 0. */
    public static ProgramCounters create() throws XdpException {
        int cpus = possibleCpus();
        int fd = Bpf.mapCreate(Bpf.BPF_MAP_TYPE_PERCPU_ARRAY, Integer.BYTES, VALUE_SIZE, 1, 0, NAME);
        try {
            return new ProgramCounters(fd, Bpf.mapInfo(fd).id(), cpus);
        } catch (XdpException | RuntimeException e) {
            Bpf.closeFd(fd);
            throw e;
        }
    }

    /**
     * Both counters, summed over the CPUs. A system call; not for every frame.
     *
     * @throws XdpClosedException after {@link #close()}
     */
    public Counts read() throws XdpException {
        int mapFd = checkOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(JAVA_INT, 0);
            // The kernel copies one value per possible CPU, each rounded up to 8 bytes.
            MemorySegment values = arena.allocate((long) VALUE_SIZE * cpus, 8);
            if (!Bpf.mapLookup(mapFd, key, values, "counters map id " + id + " [0]")) {
                throw new IllegalStateException("the counters map id " + id + " has no entry 0; an array map always has");
            }
            long matched = 0;
            long passed = 0;
            for (int cpu = 0; cpu < cpus; cpu++) {
                matched += values.get(JAVA_LONG, (long) cpu * VALUE_SIZE + MATCHED_OFFSET);
                passed += values.get(JAVA_LONG, (long) cpu * VALUE_SIZE + PASSED_OFFSET);
            }
            return new Counts(matched, passed);
        }
    }

    /** The map's fd, for {@link Insn#ldMapFd}. Valid until {@link #close()}. */
    public int fd() throws XdpClosedException {
        return checkOpen();
    }

    /** The kernel's id of the map ({@code bpftool map dump id N}). */
    public int id() {
        return id;
    }

    /** The number of possible CPUs: how many copies of the value the kernel keeps. */
    public int cpus() {
        return cpus;
    }

    /** Closes our fd; a loaded program keeps the map until it goes too. Idempotent. */
    @Override
    public void close() {
        if (fd < 0) return;
        Bpf.closeFd(fd);
        fd = -1;
    }

    private int checkOpen() throws XdpClosedException {
        if (fd < 0) throw new XdpClosedException("counters map id " + id);
        return fd;
    }

    /**
     * The kernel's {@code num_possible_cpus()}: the CPUs of {@code /sys/devices/system/cpu/possible}
     * (e.g. {@code 0-3} or {@code 0,2-5}), which is what a per-CPU lookup sizes its answer by; more
     * than online CPUs where CPUs can be hot-plugged.
     */
    static int possibleCpus() {
        try {
            return countCpuList(Files.readString(Path.of("/sys/devices/system/cpu/possible")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /sys/devices/system/cpu/possible, which sizes per-CPU map values", e);
        }
    }

    /** How many CPUs a kernel CPU list ({@code 0-3,5,7-8}) names. */
    static int countCpuList(String list) {
        int n = 0;
        for (String part : list.strip().split(",")) {
            if (part.isEmpty()) continue;
            int dash = part.indexOf('-');
            try {
                n += dash < 0 ? 1 : Integer.parseInt(part.substring(dash + 1)) - Integer.parseInt(part.substring(0, dash)) + 1;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("CPU list '" + list.strip() + "': '" + part + "' is not N or N-M");
            }
        }
        if (n <= 0) throw new IllegalArgumentException("CPU list '" + list.strip() + "' names no CPU");
        return n;
    }

    @Override
    public String toString() {
        return "ProgramCounters[id " + id + ", " + cpus + " CPUs" + (fd < 0 ? ", closed]" : "]");
    }
}
