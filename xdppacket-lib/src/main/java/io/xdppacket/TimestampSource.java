package io.xdppacket;

/** Where {@link PacketInfo#timestampNanos()} comes from on a socket. */
public enum TimestampSource {
    /**
     * The XDP program stamps each frame as it arrives, in the frame's metadata; the reading socket
     * converts the stamp to the wall clock. One time per frame, the closest to the wire a copy-mode
     * socket can get. Used by sockets with the library's program, where the kernel hands the
     * metadata to the socket (copy mode on veth, in native and generic mode, does).
     */
    ARRIVAL,
    /**
     * The wall-clock time at which a read took the frame off the RX ring: one time for all frames
     * taken together. Used where no program of the library stamps frames (a send-only socket, or one
     * that joins a program of your own through {@code externalXskMap}), and for a frame that arrives
     * without a stamp.
     */
    READ
}
