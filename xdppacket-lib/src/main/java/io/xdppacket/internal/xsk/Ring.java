package io.xdppacket.internal.xsk;

import io.xdppacket.internal.sys.IfXdp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One of the four single-producer/single-consumer rings an AF_XDP socket shares with the kernel.
 *
 * <p>A ring's mapping holds a producer index, a consumer index, a flags word and an array of
 * {@code size} entries, at the offsets {@code XDP_MMAP_OFFSETS} reports. Indices are free-running
 * u32 counters; an entry's slot is {@code index & mask}. Java's {@code int} wraps exactly like u32,
 * and every comparison here is a difference of two indices, so wrap-around needs no special case.
 *
 * <p>Memory ordering follows the kernel's {@code xsk_queue.h}:
 * <pre>
 *   producer                         consumer
 *   if (LOAD.acq -&gt;consumer) {  (A)   LOAD.acq -&gt;producer   (C)
 *      STORE entries                  LOAD entries
 *      STORE.rel -&gt;producer     (B)   STORE.rel -&gt;consumer  (D)
 *   }
 * </pre>
 * (A) pairs with the other side's (D), (C) with (B). The subclasses are the only code that touches
 * the indices; the user-space side of each ring keeps cached copies (as libxdp's {@code cached_prod}
 * and {@code cached_cons}) and reads the kernel's index only when the cache runs dry.
 */
public abstract sealed class Ring permits ProducerRing, ConsumerRing {
    /** u32 index words: acquire/release access through a VarHandle, coordinates (segment, offset). */
    static final VarHandle INDEX = ValueLayout.JAVA_INT.varHandle();

    final MemorySegment mapping;
    final long producerOffset;
    final long consumerOffset;
    final long flagsOffset;
    final long entriesOffset;
    final int size;
    final int mask;

    Ring(MemorySegment mapping, long producerOffset, long consumerOffset, long flagsOffset,
         long entriesOffset, int size, long entrySize) {
        if (Integer.bitCount(size) != 1) throw new IllegalArgumentException("ring size " + size + " is not a power of two");
        long needed = entriesOffset + size * entrySize;
        if (mapping.byteSize() < needed) {
            throw new IllegalArgumentException("ring mapping of " + mapping.byteSize() + " bytes cannot hold " + needed);
        }
        for (long off : new long[] {producerOffset, consumerOffset, flagsOffset}) {
            if (off < 0 || off + 4 > mapping.byteSize() || (off & 3) != 0) {
                throw new IllegalArgumentException("ring index offset " + off + " is outside the mapping or misaligned");
            }
        }
        this.mapping = mapping;
        this.producerOffset = producerOffset;
        this.consumerOffset = consumerOffset;
        this.flagsOffset = flagsOffset;
        this.entriesOffset = entriesOffset;
        this.size = size;
        this.mask = size - 1;
    }

    /** Number of entries. */
    public final int size() {
        return size;
    }

    /**
     * Whether the kernel asked to be woken ({@code XDP_RING_NEED_WAKEUP}) before it works on this
     * ring again. The kernel writes the word with WRITE_ONCE; opaque is the Java equivalent of
     * libxdp's plain read through a volatile-qualified pointer (no reordering, never hoisted).
     */
    public final boolean needsWakeup() {
        return ((int) INDEX.getOpaque(mapping, flagsOffset) & IfXdp.XDP_RING_NEED_WAKEUP) != 0;
    }
}
