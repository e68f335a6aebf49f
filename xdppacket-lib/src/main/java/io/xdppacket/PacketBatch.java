package io.xdppacket;

import java.util.Objects;

/**
 * A reusable holder for zero-copy batch reads ({@link XdpPort#zeroCopyReadPackets(PacketBatch)}),
 * and for frames claimed to be written ({@link XdpSocket#claim(PacketBatch, int)}): up to
 * {@link #capacity()} {@link Packet} views, allocated once. A read fills the first {@link #size()}
 * of them; they stay valid until the next read or release on the socket that filled the batch, or
 * until they are forwarded (see {@link Packet} for the lifetime rule).
 *
 * <p>A batch belongs to one thread at a time, and shows the frames of one read at a time: reading
 * into a batch that still shows frames another socket lent is refused, so that they are not lost.
 */
public final class PacketBatch {
    /** The capacity of {@code new PacketBatch()}: 16 frames. */
    public static final int DEFAULT_CAPACITY = 16;
    /** The largest capacity: 65536 frames. */
    public static final int MAX_CAPACITY = 1 << 16;

    final Packet[] packets;
    int size;
    /** The reading side that filled this batch and takes its frames back at release, or null. */
    private Object lender;

    /** A batch of {@value #DEFAULT_CAPACITY}. */
    public PacketBatch() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * A batch of {@code capacity} views.
     *
     * @param capacity the most frames one read puts in this batch, 1 .. 65536
     * @throws IllegalArgumentException if {@code capacity} is outside that range
     */
    public PacketBatch(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity = " + capacity + ": must be between 1 and " + MAX_CAPACITY);
        }
        packets = new Packet[capacity];
        for (int i = 0; i < capacity; i++) packets[i] = new Packet();
    }

    /**
     * How many frames one read may put in.
     *
     * @return the capacity given at construction
     */
    public int capacity() {
        return packets.length;
    }

    /**
     * How many frames the last read (or claim) put in.
     *
     * @return 0 .. {@link #capacity()}
     */
    public int size() {
        return size;
    }

    /**
     * Whether the last read put nothing in.
     *
     * @return {@code size() == 0}
     */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * One frame of the last read.
     *
     * @param index {@code 0 <= index < size()}
     * @return its view, valid as {@link Packet} says
     * @throws IndexOutOfBoundsException if {@code index} is outside that range
     */
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
