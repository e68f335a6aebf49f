package io.xdppacket.internal.xsk;

import io.xdppacket.internal.sys.IfXdp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The kernel's side of one ring, on plain memory: the layout the kernel maps (offsets as
 * {@code XDP_MMAP_OFFSETS} reports them on 6.18 — producer 0, consumer 128, flags 196, entries 320,
 * so the flags word is neither next to the consumer nor 8-byte aligned, as on a real socket) and the
 * kernel's ordering rules: acquire the other side's index, release our own (see {@link Ring}).
 *
 * <p>The library's rings are built on this mapping with their public constructors, so the code
 * measured is the code that runs against a real socket; only the other side is played here.
 */
public final class KernelRing {
    public static final long PRODUCER = 0, CONSUMER = 128, FLAGS = 196, ENTRIES = 320;
    /** {@code struct xdp_desc}: RX and TX entries. */
    public static final long DESCRIPTOR_BYTES = 16;
    /** A u64 UMEM address: FILL and COMPLETION entries. */
    public static final long ADDRESS_BYTES = 8;

    private static final VarHandle INDEX = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment mapping;
    private final int size;
    private final int mask;
    private final long entryBytes;

    public KernelRing(Arena arena, int size, long entryBytes) {
        if (Integer.bitCount(size) != 1) throw new IllegalArgumentException("ring size " + size + " is not a power of two");
        this.size = size;
        this.mask = size - 1;
        this.entryBytes = entryBytes;
        // Page-aligned like an mmap'd ring, so the index words sit on their own cache lines as in the kernel's.
        this.mapping = arena.allocate(ENTRIES + size * entryBytes, 4096);
    }

    public int size() {
        return size;
    }

    /** The mapping, for tests that build rings on it with odd parameters. */
    public MemorySegment mapping() {
        return mapping;
    }

    /** Starts both indices at {@code start}, as if the ring had already carried that many entries (u32 wrap-around tests). */
    public KernelRing startAt(int start) {
        publishProducer(start);
        publishConsumer(start);
        return this;
    }

    // ---- indices ------------------------------------------------------------------------------

    /** User space's producer index (acquire: pairs with the user side's release after writing entries). */
    public int producer() {
        return (int) INDEX.getAcquire(mapping, PRODUCER);
    }

    /** User space's consumer index (acquire: pairs with the user side's release after reading entries). */
    public int consumer() {
        return (int) INDEX.getAcquire(mapping, CONSUMER);
    }

    /** Publishes entries this side produced (release: after they were written). */
    public void publishProducer(int index) {
        INDEX.setRelease(mapping, PRODUCER, index);
    }

    /** Hands consumed slots back (release: after they were read). */
    public void publishConsumer(int index) {
        INDEX.setRelease(mapping, CONSUMER, index);
    }

    /** Sets or clears {@code XDP_RING_NEED_WAKEUP}, as the kernel does with WRITE_ONCE. */
    public void setNeedWakeup(boolean needed) {
        INDEX.setRelease(mapping, FLAGS, needed ? IfXdp.XDP_RING_NEED_WAKEUP : 0);
    }

    /**
     * Plays a consumer that takes everything published so far at once, without reading the entries:
     * one acquire and one release, whatever the count. For benchmarks of the producer side alone.
     */
    public void consumeAllPublished() {
        publishConsumer(producer());
    }

    /**
     * Plays a producer that fills every free slot at once with the entries already in the slots
     * (written once, beforehand): one acquire and one release. For benchmarks of the consumer side alone.
     */
    public void produceFullRing() {
        publishProducer(consumer() + size);
    }

    // ---- entries ------------------------------------------------------------------------------

    private long slot(int index) {
        return ENTRIES + (long) (index & mask) * entryBytes;
    }

    /** The address in entry {@code index}: a FILL or COMPLETION entry, or a descriptor's {@code addr} (its first field). */
    public long addressAt(int index) {
        return mapping.get(ValueLayout.JAVA_LONG, slot(index));
    }

    /** A descriptor's {@code len}. */
    public int lengthAt(int index) {
        return mapping.get(ValueLayout.JAVA_INT, slot(index) + IfXdp.DESC_LEN);
    }

    /** A descriptor's {@code options}. */
    public int optionsAt(int index) {
        return mapping.get(ValueLayout.JAVA_INT, slot(index) + IfXdp.DESC_OPTIONS);
    }

    /** Writes a FILL or COMPLETION entry. */
    public void putAddress(int index, long umemAddress) {
        mapping.set(ValueLayout.JAVA_LONG, slot(index), umemAddress);
    }

    public void putDescriptor(int index, long umemAddress, int length, int options) {
        long slot = slot(index);
        mapping.set(ValueLayout.JAVA_LONG, slot + IfXdp.DESC_ADDR, umemAddress);
        mapping.set(ValueLayout.JAVA_INT, slot + IfXdp.DESC_LEN, length);
        mapping.set(ValueLayout.JAVA_INT, slot + IfXdp.DESC_OPTIONS, options);
    }

    // ---- the user side's ring on this mapping ----------------------------------------------------

    public FillRing fillRing() {
        requireEntryBytes(ADDRESS_BYTES);
        return new FillRing(mapping, PRODUCER, CONSUMER, FLAGS, ENTRIES, size);
    }

    public CompletionRing completionRing() {
        requireEntryBytes(ADDRESS_BYTES);
        return new CompletionRing(mapping, PRODUCER, CONSUMER, FLAGS, ENTRIES, size);
    }

    public RxRing rxRing() {
        requireEntryBytes(DESCRIPTOR_BYTES);
        return new RxRing(mapping, PRODUCER, CONSUMER, FLAGS, ENTRIES, size);
    }

    public TxRing txRing() {
        requireEntryBytes(DESCRIPTOR_BYTES);
        return new TxRing(mapping, PRODUCER, CONSUMER, FLAGS, ENTRIES, size);
    }

    private void requireEntryBytes(long wanted) {
        if (entryBytes != wanted) throw new IllegalStateException("ring of " + entryBytes + "-byte entries, not " + wanted);
    }
}
