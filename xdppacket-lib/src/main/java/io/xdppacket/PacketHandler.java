package io.xdppacket;

/**
 * What a {@link PacketLoop} calls for each received frame, like pcap4j's {@code PacketListener}.
 *
 * <p>The {@link Packet} is valid during the call only (the loop's next read releases it); copy what
 * must outlive it. Wrap it with the header views of {@code io.xdppacket.packet} to read its fields,
 * or hand it to a {@code CaptureWriter}. A handler that allocates nothing keeps the whole loop free
 * of allocation.
 *
 * @param <E> what the handler may throw (inferred from a lambda's body; {@link RuntimeException} if it
 *            throws nothing checked)
 */
@FunctionalInterface
public interface PacketHandler<E extends Exception> {
    /**
     * Handles one frame.
     *
     * @param packet the frame, in place in the UMEM; valid until the handler returns
     * @throws E to end the loop, which rethrows it
     */
    void handle(Packet packet) throws E;
}
