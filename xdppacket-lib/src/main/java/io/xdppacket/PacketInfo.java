package io.xdppacket;

/**
 * Capture information of one received frame, like gopacket's {@code CaptureInfo}: when it was read,
 * how long it is, where it came from. Mutable and reusable, so that reads need not allocate;
 * {@link #copy()} makes an independent one.
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

    public PacketInfo() {}

    /** Nanoseconds since the Unix epoch (CLOCK_REALTIME). */
    public long timestampNanos() { return timestampNanos; }
    /** Bytes of the frame available to the reader. */
    public int captureLength() { return captureLength; }
    /** Bytes of the frame on the wire (without FCS). */
    public int length() { return length; }
    /** The interface's ifindex (in the socket's network namespace). */
    public int interfaceIndex() { return interfaceIndex; }
    /** The NIC queue the frame arrived on. */
    public int queueId() { return queueId; }

    void set(long timestampNanos, int captureLength, int length, int interfaceIndex, int queueId) {
        this.timestampNanos = timestampNanos;
        this.captureLength = captureLength;
        this.length = length;
        this.interfaceIndex = interfaceIndex;
        this.queueId = queueId;
    }

    /** Copies another info into this one. */
    public void setFrom(PacketInfo other) {
        set(other.timestampNanos, other.captureLength, other.length, other.interfaceIndex, other.queueId);
    }

    /** An independent copy. */
    public PacketInfo copy() {
        PacketInfo p = new PacketInfo();
        p.setFrom(this);
        return p;
    }

    @Override
    public String toString() {
        return "PacketInfo{timestampNanos=" + timestampNanos + ", captureLength=" + captureLength + ", length=" + length
                + ", interfaceIndex=" + interfaceIndex + ", queueId=" + queueId + "}";
    }
}
