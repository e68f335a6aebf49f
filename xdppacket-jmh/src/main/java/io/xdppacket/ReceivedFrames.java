package io.xdppacket;

import java.lang.foreign.MemorySegment;

/**
 * Received frames without a socket, for the packet toolkit's benchmarks: {@link Packet} views
 * pointed at frames in a shared-arena segment (as a UMEM is) and released, as the receiver does it.
 */
public final class ReceivedFrames {
    private ReceivedFrames() {}

    /** {@return a Packet as a read hands it out} */
    public static Packet newPacket() {
        return new Packet();
    }

    /** Points {@code p} at {@code length} bytes of {@code umem} from {@code offset}, as a read does. */
    public static void receive(Packet p, MemorySegment umem, long offset, int length) {
        p.point(umem, offset, length, null);
    }

    /** Releases the frame {@code p} shows, as the next read does. */
    public static void release(Packet p) {
        p.clear();
    }
}
