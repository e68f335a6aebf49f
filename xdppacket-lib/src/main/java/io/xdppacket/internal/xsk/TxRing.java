package io.xdppacket.internal.xsk;

import io.xdppacket.internal.sys.IfXdp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The socket's TX ring: user space posts a descriptor {addr, len, options} for each frame to send. */
public final class TxRing extends ProducerRing {
    private static final int SHIFT = 4; // log2(sizeof(struct xdp_desc))

    public TxRing(MemorySegment mapping, long producerOffset, long consumerOffset, long flagsOffset,
                  long entriesOffset, int size) {
        super(mapping, producerOffset, consumerOffset, flagsOffset, entriesOffset, size, 1L << SHIFT);
    }

    /** Writes reserved entry {@code index}. */
    public void setDescriptor(int index, long umemAddress, int length, int options) {
        long slot = slot(index, SHIFT);
        mapping.set(ValueLayout.JAVA_LONG, slot + IfXdp.DESC_ADDR, umemAddress);
        mapping.set(ValueLayout.JAVA_INT, slot + IfXdp.DESC_LEN, length);
        mapping.set(ValueLayout.JAVA_INT, slot + IfXdp.DESC_OPTIONS, options);
    }
}
