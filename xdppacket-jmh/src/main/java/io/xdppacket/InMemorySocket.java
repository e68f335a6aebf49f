package io.xdppacket;

import io.xdppacket.internal.xsk.InMemoryKernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A socket's two engines wired as {@code XdpSocket.openQueue} wires them — a UMEM of
 * 2 × {@value #NUM_FRAMES} frames, the first half for TX, the second for RX, the FILL ring filled by
 * the receiver's constructor, copy-mode TX, BLOCK mode — but on plain memory, with an
 * {@link InMemoryKernel} in place of the kernel.
 *
 * <p>There is no socket fd: the pollers get -1. The in-memory kernel never lets an engine wait, so a
 * benchmark that reached {@code ppoll} would measure the timeout instead of the engine; {@link #close}
 * fails the run if one did.
 */
final class InMemorySocket implements AutoCloseable {
    static final int RING_SIZE = 1024;
    static final int NUM_FRAMES = 1024;
    static final int FRAME_SIZE = 2048;
    private static final int NO_FD = -1;
    private static final int IFINDEX = 1;
    private static final int QUEUE = 0;

    private final Arena arena = Arena.ofShared(); // a socket's arena is shared: reader, writer and close() are different threads
    final Receiver receiver;
    final Transmitter transmitter;

    /**
     * @param rxFrameLength length of every frame the receiver reads; each RX frame holds {@link #ethernetFrame} of it
     * @param txBudget frames one TX kick sends at most
     */
    InMemorySocket(int rxFrameLength, int txBudget) {
        XdpOptions options = XdpOptions.builder().numFrames(NUM_FRAMES).ringSize(RING_SIZE).ioMode(IoMode.BLOCK).build();
        Lifecycle life = new Lifecycle("InMemorySocket");
        InMemoryKernel kernel = new InMemoryKernel(arena, RING_SIZE, txBudget, rxFrameLength);
        MemorySegment umem = arena.allocate((long) 2 * NUM_FRAMES * FRAME_SIZE, 4096);
        long rxFirst = (long) NUM_FRAMES * FRAME_SIZE;
        byte[] received = ethernetFrame(rxFrameLength);
        for (int i = 0; i < NUM_FRAMES; i++) {
            long at = rxFirst + (long) i * FRAME_SIZE + InMemoryKernel.RX_HEADROOM;
            MemorySegment.copy(received, 0, umem, JAVA_BYTE, at, received.length);
        }
        receiver = new Receiver(arena, life, NO_FD, NO_FD, kernel, kernel.rxRing(), kernel.fillRing(), umem,
                FRAME_SIZE, rxFirst, NUM_FRAMES, options, IFINDEX, QUEUE);
        transmitter = new Transmitter(arena, life, NO_FD, NO_FD, kernel, kernel.txRing(), kernel.completionRing(), umem,
                FRAME_SIZE, 0, NUM_FRAMES, options, true);
    }

    /**
     * An Ethernet frame of {@code length} bytes: broadcast destination, a locally administered source,
     * EtherType IPv4 (0x0800) at offset 12, and a counting payload.
     */
    static byte[] ethernetFrame(int length) {
        byte[] f = new byte[length];
        for (int i = 0; i < 6; i++) f[i] = (byte) 0xff;
        byte[] source = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
        System.arraycopy(source, 0, f, 6, 6);
        f[12] = 0x08;
        f[13] = 0x00;
        for (int i = 14; i < length; i++) f[i] = (byte) i;
        return f;
    }

    /** Fails if an engine waited in ppoll or saw an entry it did not expect: the numbers would not be the hot path's. */
    @Override
    public void close() {
        try {
            if (receiver.polls != 0 || transmitter.polls != 0) {
                throw new IllegalStateException("an engine waited in ppoll (RX polls " + receiver.polls + ", TX polls "
                        + transmitter.polls + "): the in-memory kernel must never let it wait");
            }
            if (receiver.invalidDescriptors != 0 || transmitter.invalidCompletions != 0) {
                throw new IllegalStateException("invalid ring entries (RX " + receiver.invalidDescriptors + ", completion "
                        + transmitter.invalidCompletions + ")");
            }
        } finally {
            arena.close();
        }
    }
}
