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

    void clear() {
        for (int i = 0; i < size; i++) packets[i].clear();
        size = 0;
    }
}
