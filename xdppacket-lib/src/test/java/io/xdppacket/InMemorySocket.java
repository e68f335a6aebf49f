package io.xdppacket;

import io.xdppacket.internal.xsk.FillRing;
import io.xdppacket.internal.xsk.InMemoryKernel;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A socket's two engines wired as {@link QueueSocket} wires them — a UMEM of 2 × numFrames frames,
 * the first half for TX, the second for RX, the FILL ring filled by the receiver's constructor,
 * copy-mode TX — but on plain memory, with an {@link InMemoryKernel} in place of the kernel. No fd,
 * no privilege: the engine unit tests and the JMH benchmarks run on it. Its resources are real (a
 * shared arena and a wake-up eventfd), so close and the guards behave as on a socket.
 */
public final class InMemorySocket implements AutoCloseable {
    public static final int RING_SIZE = 1024;
    public static final int NUM_FRAMES = 1024;
    public static final int FRAME_SIZE = 2048;
    private static final int NO_FD = -1;
    private static final int IFINDEX = 1;

    final SocketResources resources;
    final InMemoryKernel kernel;
    final MemorySegment umem;
    final XdpUmem umemOwner;
    final long rxFirst;
    final Receiver receiver;
    final Transmitter transmitter;
    final int queue;
    private final boolean benchmark;
    /** Told first when the socket closes, as {@link XdpSocket} tells its multi-queue set. */
    volatile XdpSocket.CloseListener listener;

    /**
     * The benchmarks' socket: 1024 frames each way, rings of 1024, BLOCK mode; every wake-up delivers
     * a full ring of {@code rxFrameLength}-byte frames, each showing {@link #ethernetFrame} of it.
     *
     * @param txBudget frames one TX kick sends at most
     */
    public InMemorySocket(int rxFrameLength, int txBudget) throws XdpException {
        this(XdpOptions.builder().numFrames(NUM_FRAMES).ringSize(RING_SIZE).ioMode(IoMode.BLOCK).build(), 0, txBudget, rxFrameLength, true,
                null);
        byte[] received = ethernetFrame(rxFrameLength);
        for (int i = 0; i < NUM_FRAMES; i++) {
            long at = rxFirst + (long) i * FRAME_SIZE + InMemoryKernel.RX_HEADROOM;
            MemorySegment.copy(received, 0, umem, JAVA_BYTE, at, received.length);
        }
    }

    /**
     * A unit test's socket on queue {@code queue}, with {@code options} (numFrames, ringSize,
     * frameSize, ioMode, timeouts): it receives what the test hands {@link #kernel()}'s
     * {@link InMemoryKernel#receive}; writes are sent at once, {@code txBudget} per kick.
     */
    public InMemorySocket(XdpOptions options, int queue, int txBudget) throws XdpException {
        this(options, queue, txBudget, 0, false, null);
    }

    /**
     * A unit test's socket whose frames are in {@code shared} (as {@link QueueSocket} takes them), for
     * forwarding between sockets; multi-buffer as the options say ({@link MultiBuffer#ON}).
     */
    public InMemorySocket(XdpOptions options, int queue, int txBudget, XdpUmem shared) throws XdpException {
        this(options, queue, txBudget, 0, false, shared);
    }

    private InMemorySocket(XdpOptions options, int queue, int txBudget, int rxFrameLength, boolean benchmark, XdpUmem shared)
            throws XdpException {
        this.benchmark = benchmark;
        this.queue = queue;
        int n = options.numFrames();
        this.resources = SocketResources.create("InMemorySocket(queue " + queue + ")");
        this.umemOwner = shared != null ? shared : XdpUmem.createPrivate(2 * n, options.frameSize());
        int fs = umemOwner.frameSize();
        long txFirst;
        synchronized (umemOwner.bindLock()) {
            txFirst = (long) umemOwner.take(2 * n) * fs;
        }
        this.kernel = benchmark
                ? new InMemoryKernel(resources.arena(), options.ringSize(), txBudget, rxFrameLength)
                : InMemoryKernel.receivingOnDemand(resources.arena(), FillRing.sizeFor(n), options.ringSize(), txBudget);
        this.umem = umemOwner.memory();
        kernel.umem(umem, fs - XdpOptions.HEADROOM);
        boolean multiBuffer = options.multiBuffer() == MultiBuffer.ON;
        QueueContext ctx = new QueueContext(resources, NO_FD, kernel, umemOwner, options, multiBuffer, false, IFINDEX, queue);
        this.rxFirst = txFirst + (long) n * fs;
        this.receiver = new Receiver(ctx, kernel.rxRing(), kernel.fillRing(), rxFirst, n);
        umemOwner.addRegion(rxFirst, rxFirst + (long) n * fs, receiver);
        this.transmitter = new Transmitter(ctx, kernel.txRing(), kernel.completionRing(), txFirst, n, true);
    }

    public InMemoryKernel kernel() {
        return kernel;
    }

    /**
     * An Ethernet frame of {@code length} bytes: broadcast destination, a locally administered source,
     * EtherType IPv4 (0x0800) at offset 12, and a counting payload.
     */
    public static byte[] ethernetFrame(int length) {
        byte[] f = new byte[length];
        for (int i = 0; i < 6; i++) f[i] = (byte) 0xff;
        byte[] source = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
        System.arraycopy(source, 0, f, 6, 6);
        f[12] = 0x08;
        f[13] = 0x00;
        for (int i = 14; i < length; i++) f[i] = (byte) i;
        return f;
    }

    /**
     * Closes as a socket does: marks closed, waits for the engines' users to leave, frees. A benchmark
     * socket also fails the run if an engine waited in ppoll or saw an entry it did not expect: the
     * numbers would not be the hot path's.
     */
    @Override
    public void close() {
        try {
            if (benchmark && (receiver.polls != 0 || transmitter.polls != 0)) {
                throw new IllegalStateException("an engine waited in ppoll (RX polls " + receiver.polls + ", TX polls "
                        + transmitter.polls + "): the in-memory kernel must never let it wait");
            }
            if (benchmark && (receiver.invalid != 0 || transmitter.invalidCompletions != 0)) {
                throw new IllegalStateException("invalid ring entries (RX " + receiver.invalid + ", completion "
                        + transmitter.invalidCompletions + ")");
            }
        } finally {
            if (resources.markClosed()) {
                XdpSocket.CloseListener l = listener;
                if (l != null) l.socketClosing(queue);
                resources.awaitIdle(receiver.guard());
                resources.awaitIdle(transmitter.guard());
                if (resources.release()) umemOwner.released();
            }
        }
    }
}
