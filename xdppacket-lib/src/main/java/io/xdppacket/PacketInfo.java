package io.xdppacket;

/**
 * Capture information of one received frame: when it was read, how long it is, where it came from.
 * Mutable and reusable, so that reads need not allocate; {@link #copy()} makes an independent one.
 * Not thread-safe: an info belongs to the thread that passes it to a read (or, for the one inside
 * a {@link Packet}, to the thread that reads the socket), and is overwritten by the next read.
 *
 * <p>AF_XDP hands over whole frames, so {@link #captureLength()} equals {@link #length()} unless a
 * read copied the frame into a smaller buffer. The timestamp is the wall-clock time at which the
 * read took the frame from the RX ring (one clock read per read call); AF_XDP in copy mode carries
 * no hardware timestamp.
 */
public final class PacketInfo {
    long timestampNanos;
    int captureLength;
    int length;
    int interfaceIndex;
    int queueId;

    /** An empty info (every field 0), for a read to fill, e.g. {@code readPacketData(dst, info)}. */
    public PacketInfo() {}

    /**
     * When the read took the frame from the RX ring.
     *
     * @return nanoseconds since the Unix epoch ({@code CLOCK_REALTIME})
     */
    public long timestampNanos() { return timestampNanos; }

    /**
     * Bytes of the frame available to the reader: {@link #length()}, or less when a read copied it
     * into a smaller buffer.
     *
     * @return the captured length in bytes
     */
    public int captureLength() { return captureLength; }

    /**
     * Bytes of the frame as it arrived (an Ethernet frame without FCS).
     *
     * @return the frame's length in bytes
     */
    public int length() { return length; }

    /**
     * The interface the frame arrived on.
     *
     * @return its ifindex, in the socket's network namespace
     */
    public int interfaceIndex() { return interfaceIndex; }

    /**
     * The NIC queue the frame arrived on; with an {@link XdpMultiQueue}, which of its sockets read it.
     *
     * @return the queue id, from 0
     */
    public int queueId() { return queueId; }

    void set(long timestampNanos, int captureLength, int length, int interfaceIndex, int queueId) {
        this.timestampNanos = timestampNanos;
        this.captureLength = captureLength;
        this.length = length;
        this.interfaceIndex = interfaceIndex;
        this.queueId = queueId;
    }

    /**
     * Copies every field of another info into this one.
     *
     * @param other the info to copy; not {@code null}
     */
    public void setFrom(PacketInfo other) {
        set(other.timestampNanos, other.captureLength, other.length, other.interfaceIndex, other.queueId);
    }

    /**
     * An independent copy, which later reads do not change.
     *
     * @return a new info with the same fields
     */
    public PacketInfo copy() {
        PacketInfo p = new PacketInfo();
        p.setFrom(this);
        return p;
    }

    /**
     * The fields, for logs.
     *
     * @return e.g. {@code PacketInfo{timestampNanos=..., captureLength=64, length=64, interfaceIndex=3, queueId=0}}
     */
    @Override
    public String toString() {
        return "PacketInfo{timestampNanos=" + timestampNanos + ", captureLength=" + captureLength + ", length=" + length
                + ", interfaceIndex=" + interfaceIndex + ", queueId=" + queueId + "}";
    }
}
