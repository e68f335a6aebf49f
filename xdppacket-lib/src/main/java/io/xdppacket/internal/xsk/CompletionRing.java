package io.xdppacket.internal.xsk;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The UMEM's COMPLETION ring: the kernel returns the addresses of frames it has sent. Entries are u64 addresses. */
public final class CompletionRing extends ConsumerRing {
    private static final int SHIFT = 3; // log2(sizeof(u64))

    public CompletionRing(MemorySegment mapping, long producerOffset, long consumerOffset, long flagsOffset,
                          long entriesOffset, int size) {
        super(mapping, producerOffset, consumerOffset, flagsOffset, entriesOffset, size, 1L << SHIFT);
    }

    /** The frame address in peeked entry {@code index}. */
    public long address(int index) {
        return mapping.get(ValueLayout.JAVA_LONG, slot(index, SHIFT));
    }
}
