package io.xdppacket.internal.xsk;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The UMEM's FILL ring: user space gives the kernel frame addresses to receive into. Entries are u64 addresses. */
public final class FillRing extends ProducerRing {
    private static final int SHIFT = 3; // log2(sizeof(u64))

    public FillRing(MemorySegment mapping, long producerOffset, long consumerOffset, long flagsOffset,
                    long entriesOffset, int size) {
        super(mapping, producerOffset, consumerOffset, flagsOffset, entriesOffset, size, 1L << SHIFT);
    }

    /** Writes the frame address of reserved entry {@code index}. */
    public void setAddress(int index, long umemAddress) {
        mapping.set(ValueLayout.JAVA_LONG, slot(index, SHIFT), umemAddress);
    }
}
