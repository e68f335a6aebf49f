package io.xdppacket.internal.xsk;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The UMEM's FILL ring: user space gives the kernel frame addresses to receive into. Entries are u64
 * addresses.
 *
 * <p>Sizing. The kernel consumes FILL lazily: it reads the producer index, uses every entry up to
 * it, and only then publishes its consumer index and reads the producer again ({@code xsk_queue.h},
 * {@code xskq_cons_peek_addr_unchecked}). Until it publishes, the entries it used still look taken
 * to us. A ring no larger than the frames that circulate through it therefore refuses the frames
 * coming back from the RX ring until the kernel has used all it saw; the kernel then finds nothing
 * new, and drops what arrives (XDP_STATISTICS {@code rx_fill_ring_empty_descs}) until the reader
 * refills, which may be a sleep later. With room for twice the frames ({@link #sizeFor}) a refill
 * always fits: at most every frame is in the kernel's unpublished window, and at most every frame is
 * being given back.
 */
public final class FillRing extends ProducerRing {
    private static final int SHIFT = 3; // log2(sizeof(u64))

    /** Entries a FILL ring needs so that refilling {@code frames} RX frames never waits for the kernel: twice as many, a power of two. */
    public static int sizeFor(int frames) {
        return Integer.highestOneBit(Math.max(1, 2 * frames - 1)) << 1;
    }

    public FillRing(MemorySegment mapping, long producerOffset, long consumerOffset, long flagsOffset,
                    long entriesOffset, int size) {
        super(mapping, producerOffset, consumerOffset, flagsOffset, entriesOffset, size, 1L << SHIFT);
    }

    /** Writes the frame address of reserved entry {@code index}. */
    public void setAddress(int index, long umemAddress) {
        mapping.set(ValueLayout.JAVA_LONG, slot(index, SHIFT), umemAddress);
    }
}
