package io.xdppacket;

import java.util.Objects;

/**
 * A reusable holder for zero-copy batch reads ({@link XdpSocket#zeroCopyReadPackets(PacketBatch)}):
 * up to {@link #capacity()} {@link Packet} views, allocated once. A read fills the first
 * {@link #size()} of them; they stay valid until the next read or release on the socket that
 * filled the batch (see {@link Packet} for the lifetime rule).
 */
public final class PacketBatch {
    /** The capacity of {@code new PacketBatch()}: 16 frames. */
    public static final int DEFAULT_CAPACITY = 16;
    public static final int MAX_CAPACITY = 1 << 16;

    final Packet[] packets;
    int size;
    /** The reading side that filled this batch and takes its frames back at release, or null. */
    private Object lender;

    /** A batch of {@value #DEFAULT_CAPACITY}. */
    public PacketBatch() {
        this(DEFAULT_CAPACITY);
    }

    /** @param capacity the most frames one read puts in this batch, 1 .. 65536 */
    public PacketBatch(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity = " + capacity + ": must be between 1 and " + MAX_CAPACITY);
        }
        packets = new Packet[capacity];
        for (int i = 0; i < capacity; i++) packets[i] = new Packet();
    }

    public int capacity() {
        return packets.length;
    }

    /** Frames the last read put in. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Frame {@code index} of the last read, {@code 0 <= index < size()}. */
    public Packet get(int index) {
        Objects.checkIndex(index, size);
        return packets[index];
    }

    /** A read filled the first {@code k} views with frames lent by {@code reader}. */
    void lend(int k, Object reader) {
        size = k;
        lender = reader;
    }

    /**
     * Refuses to be filled by {@code reader} while it still shows frames another read lent: those
     * would be lost. The frames a read shows go back at that socket's next read or release.
     */
    void requireFree(Object reader) {
        if (lender == null || lender == reader) return;
        for (int i = 0; i < size; i++) {
            if (packets[i].owner != null) {
                throw new IllegalStateException("this PacketBatch still shows frames read from another socket (or set): "
                        + "release them there (release() or its next read) before reading into the batch again");
            }
        }
    }

    /**
     * Gives every frame the batch shows back to the receive side that lent it, and clears the views —
     * if {@code reader} is the one that filled it (another read may have filled it since). Views
     * already cleared (their frames were forwarded) are skipped. Refilling FILL is the caller's.
     */
    void giveBack(Object reader) {
        if (lender != reader) return;
        for (int i = 0; i < size; i++) {
            Packet p = packets[i];
            if (p.owner instanceof Receiver r) r.takeBack(p);
            p.clear();
        }
        size = 0;
        lender = null;
    }

    /** Clears the views without giving frames back (they were never lent, or were handed on). */
    void clear() {
        for (int i = 0; i < size; i++) packets[i].clear();
        size = 0;
        lender = null;
    }
}
