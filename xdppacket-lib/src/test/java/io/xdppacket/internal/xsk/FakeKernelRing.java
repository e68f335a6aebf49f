package io.xdppacket.internal.xsk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The kernel's side of a ring, played on plain memory: the same layout the kernel maps (offsets as
 * {@code XDP_MMAP_OFFSETS} reported on 6.18: producer 0, consumer 128, flags 196, entries 320), and
 * the same ordering rules (acquire the other side's index, release our own).
 */
final class FakeKernelRing {
    static final long PRODUCER = 0, CONSUMER = 128, FLAGS = 196, ENTRIES = 320;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    final MemorySegment mapping;
    final int size;
    final long entrySize;

    FakeKernelRing(Arena arena, int size, long entrySize) {
        this.size = size;
        this.entrySize = entrySize;
        this.mapping = arena.allocate(ENTRIES + size * entrySize, 64);
    }

    /** Starts both indices at {@code start}, as if the ring had already carried that many entries. */
    FakeKernelRing startAt(int start) {
        INT.setRelease(mapping, PRODUCER, start);
        INT.setRelease(mapping, CONSUMER, start);
        return this;
    }

    int producer() { return (int) INT.getAcquire(mapping, PRODUCER); }
    int consumer() { return (int) INT.getAcquire(mapping, CONSUMER); }
    void publishProducer(int v) { INT.setRelease(mapping, PRODUCER, v); }
    void publishConsumer(int v) { INT.setRelease(mapping, CONSUMER, v); }
    void setFlags(int f) { INT.setRelease(mapping, FLAGS, f); }

    long slot(int index) { return ENTRIES + (long) (index & (size - 1)) * entrySize; }
    long addressAt(int index) { return mapping.get(ValueLayout.JAVA_LONG, slot(index)); }
    int lengthAt(int index) { return mapping.get(ValueLayout.JAVA_INT, slot(index) + 8); }
    int optionsAt(int index) { return mapping.get(ValueLayout.JAVA_INT, slot(index) + 12); }
    void putAddress(int index, long addr) { mapping.set(ValueLayout.JAVA_LONG, slot(index), addr); }
    void putDescriptor(int index, long addr, int len, int options) {
        mapping.set(ValueLayout.JAVA_LONG, slot(index), addr);
        mapping.set(ValueLayout.JAVA_INT, slot(index) + 8, len);
        mapping.set(ValueLayout.JAVA_INT, slot(index) + 12, options);
    }

    FillRing fillRing() { return new FillRing(mapping, PRODUCER, CONSUMER, FLAGS, ENTRIES, size); }
    TxRing txRing() { return new TxRing(mapping, PRODUCER, CONSUMER, FLAGS, ENTRIES, size); }
    RxRing rxRing() { return new RxRing(mapping, PRODUCER, CONSUMER, FLAGS, ENTRIES, size); }
    CompletionRing completionRing() { return new CompletionRing(mapping, PRODUCER, CONSUMER, FLAGS, ENTRIES, size); }
}
