package io.xdppacket;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A capture loop in the style of libpcap's {@code pcap_loop} and {@code pcap_dispatch} (pcap4j's
 * {@code loop} and {@code dispatch}): a handler called for each frame of each zero-copy batch read,
 * until a count is reached, a condition holds or the handler breaks the loop.
 *
 * <pre>{@code
 * try (XdpSocket socket = XdpSocket.open("eth0")) {
 *     PacketLoop loop = new PacketLoop(socket);
 *     Udp udp = new Udp(); ...
 *     loop.loop(1_000_000, packet -> { if (eth.wrap(packet) && ...) ports[udp.destinationPort()]++; });
 * }
 * }</pre>
 *
 * <p><b>Nothing is lost between calls.</b> A loop that stops in the middle of a batch (its count
 * reached, {@link #breakLoop()}) keeps the rest: the next {@code loop} or {@code dispatch} hands them
 * over before it reads again. That holds while the batch is used only through this loop: any other
 * read on the socket, or {@link XdpSocket#release()}, gives those frames back to the kernel.
 *
 * <p><b>Cost.</b> The loop reads with {@link XdpSocket#zeroCopyReadPackets(PacketBatch)} and allocates
 * nothing per frame or per batch; a read's frames are released by the next read. In
 * {@link IoMode#NONBLOCK} mode a read that times out returns nothing and the loop reads again
 * (checking its stop condition); in {@link IoMode#BLOCK} mode it waits for frames.
 *
 * <p><b>Threads.</b> One thread runs the loop (the socket's reading thread). {@link #breakLoop()} may
 * be called from any thread: a loop blocked in a read notices when the read returns, so in BLOCK mode
 * it needs a frame to arrive first; closing the socket ends a blocked read at once, with
 * {@link XdpClosedException}.
 */
public final class PacketLoop {
    /** The batch size of {@link #PacketLoop(XdpSocket)}: one read takes up to this many frames. */
    public static final int DEFAULT_BATCH = 64;

    private final XdpSocket socket;
    private final PacketBatch batch;
    /** The next frame of the batch to hand over, if the batch still holds the frames of our last read. */
    private int next;
    private volatile boolean breakRequested;

    /**
     * A loop over {@code socket} with its own batch of {@value #DEFAULT_BATCH}.
     *
     * @param socket the socket to read; the loop does not close it
     */
    public PacketLoop(XdpSocket socket) {
        this(socket, new PacketBatch(DEFAULT_BATCH));
    }

    /**
     * A loop over {@code socket} reading into {@code batch}.
     *
     * @param socket the socket to read; the loop does not close it
     * @param batch  the batch each read fills; use it only through this loop
     */
    public PacketLoop(XdpSocket socket, PacketBatch batch) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.batch = Objects.requireNonNull(batch, "batch");
    }

    /**
     * Hands frames to {@code handler} until it has handled {@code count} of them, or
     * {@link #breakLoop()} is called.
     *
     * @param count   frames to handle; 0 or less: no limit (until {@link #breakLoop()})
     * @param handler called for each frame
     * @param <E>     what the handler may throw
     * @return frames handled
     * @throws XdpException if a read fails; {@link XdpClosedException} if the socket is closed
     * @throws E            what the handler threw; the frame it threw on counts as handled
     */
    public <E extends Exception> long loop(long count, PacketHandler<E> handler) throws XdpException, E {
        Objects.requireNonNull(handler, "handler");
        long limit = count <= 0 ? Long.MAX_VALUE : count;
        long handled = 0;
        while (handled < limit) {
            if (breakRequested) break;
            if (next >= batch.size()) {
                readBatch();
                continue;
            }
            Packet p = batch.get(next++);
            handled++;
            handler.handle(p);
        }
        breakRequested = false;
        return handled;
    }

    /**
     * Hands frames to {@code handler} until {@code stop} says so (asked before each frame) or
     * {@link #breakLoop()} is called.
     *
     * @param stop    the condition to end the loop; asked before each frame and after each read
     * @param handler called for each frame
     * @param <E>     what the handler may throw
     * @return frames handled
     * @throws XdpException if a read fails; {@link XdpClosedException} if the socket is closed
     * @throws E            what the handler threw
     */
    public <E extends Exception> long loopUntil(BooleanSupplier stop, PacketHandler<E> handler) throws XdpException, E {
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(handler, "handler");
        long handled = 0;
        while (!breakRequested && !stop.getAsBoolean()) {
            if (next >= batch.size()) {
                readBatch();
                continue;
            }
            Packet p = batch.get(next++);
            handled++;
            handler.handle(p);
        }
        breakRequested = false;
        return handled;
    }

    /**
     * Hands over the frames left from a loop that stopped early, or else the frames of one read:
     * libpcap's {@code pcap_dispatch}. In NONBLOCK mode the read may find none.
     *
     * @param handler called for each frame
     * @param <E>     what the handler may throw
     * @return frames handled: 0 if a NONBLOCK read timed out or the loop was broken before the first
     * @throws XdpException if the read fails; {@link XdpClosedException} if the socket is closed
     * @throws E            what the handler threw
     */
    public <E extends Exception> int dispatch(PacketHandler<E> handler) throws XdpException, E {
        Objects.requireNonNull(handler, "handler");
        if (next >= batch.size()) readBatch();
        int handled = 0;
        while (next < batch.size() && !breakRequested) {
            Packet p = batch.get(next++);
            handled++;
            handler.handle(p);
        }
        breakRequested = false;
        return handled;
    }

    /**
     * Makes the running loop return after the frame being handled (from the handler, or from
     * another thread). If no loop is running, the next one returns at once; either way the request
     * is then cleared, as libpcap's {@code pcap_breakloop} does.
     */
    public void breakLoop() {
        breakRequested = true;
    }

    /** {@return the batch the loop reads into} */
    public PacketBatch batch() {
        return batch;
    }

    private void readBatch() throws XdpException {
        next = 0;
        socket.zeroCopyReadPackets(batch);
    }
}
