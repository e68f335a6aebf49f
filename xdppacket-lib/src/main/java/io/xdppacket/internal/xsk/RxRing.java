package io.xdppacket.internal.xsk;

import io.xdppacket.internal.sys.IfXdp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The socket's RX ring: the kernel posts a descriptor {addr, len, options} for each received frame (or fragment). */
public final class RxRing extends ConsumerRing {
    private static final int SHIFT = 4; // log2(sizeof(struct xdp_desc))

    public RxRing(MemorySegment mapping, long producerOffset, long consumerOffset, long flagsOffset,
                  long entriesOffset, int size) {
        super(mapping, producerOffset, consumerOffset, flagsOffset, entriesOffset, size, 1L << SHIFT);
    }

    /** UMEM address of the frame's first byte (frame base + headroom). */
    public long address(int index) {
        return mapping.get(ValueLayout.JAVA_LONG, slot(index, SHIFT) + IfXdp.DESC_ADDR);
    }

    public int length(int index) {
        return mapping.get(ValueLayout.JAVA_INT, slot(index, SHIFT) + IfXdp.DESC_LEN);
    }

    /** {@code XDP_PKT_CONTD} when more fragments of the same packet follow. */
    public int options(int index) {
        return mapping.get(ValueLayout.JAVA_INT, slot(index, SHIFT) + IfXdp.DESC_OPTIONS);
    }
}
