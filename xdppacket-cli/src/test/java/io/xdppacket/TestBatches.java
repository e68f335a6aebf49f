package io.xdppacket;

import java.lang.foreign.MemorySegment;

/**
 * Fills a {@link PacketBatch} without a socket, for tests of code that consumes batches (the CLI's
 * receive loop). In the library's package, on the test class path only, to reach the setters a read
 * uses.
 */
public final class TestBatches {
    private TestBatches() {}

    /** Frame {@code i} of the batch: {@code lengths[i]} bytes at {@code memory[i * stride]}, received at {@code timestampNanos}. */
    public static void fill(PacketBatch batch, MemorySegment memory, long stride, int[] lengths, int n, long timestampNanos) {
        for (int i = 0; i < n; i++) {
            Packet p = batch.packets[i];
            p.point(memory, i * stride, lengths[i], null);
            p.info().set(timestampNanos, lengths[i], lengths[i], 1, 0);
        }
        batch.size = n;
    }
}
