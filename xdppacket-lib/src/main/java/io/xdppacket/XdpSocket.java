package io.xdppacket;

import io.xdppacket.internal.bpf.XskMap;
import io.xdppacket.internal.jfr.SocketOpenEvent;
import io.xdppacket.internal.jfr.XdpEvents;
import io.xdppacket.internal.sys.NetDevice;
import io.xdppacket.internal.sys.NetNs;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An AF_XDP socket on one queue of one network interface: raw Ethernet frames in and out, bypassing
 * the kernel's network stack.
 *
 * <pre>{@code
 * XdpOptions o = XdpOptions.builder().filter("udp port 53").build();  // only DNS; the rest goes to the stack
 * try (XdpSocket s = XdpSocket.open("eth0", o)) {                     // queue 0
 *     PacketBatch batch = new PacketBatch();
 *     int n = s.zeroCopyReadPackets(batch);                           // up to 16 frames, read in place
 *     for (int i = 0; i < n; i++) handle(batch.get(i));
 *     s.writePacket(frame);                                           // one frame out
 * }
 * }</pre>
 *
 * <p><b>What it takes from the kernel.</b> A receiving socket takes <em>every</em> frame of its
 * queue away from the kernel's network stack — on a single-queue NIC, the host's SSH session too —
 * unless a {@link XdpOptions.Builder#filter filter} says which frames it wants; the others go on to
 * the stack untouched. A send-only socket ({@link XdpOptions.Builder#receive(boolean)}) takes none.
 *
 * <p><b>What open does:</b> checks the options and the interface; maps the UMEM (2 × numFrames
 * frames: TX half, RX half) or takes its frames from a shared {@link XdpUmem}; creates the socket
 * and its four rings; puts the RX frames on the FILL ring and binds to queue 0; loads the library's
 * XDP program (it stamps each frame's arrival, applies the filter, counts, and redirects), puts the
 * socket in its XSKMAP and attaches it with a bpf_link, so that a crashed process leaves nothing
 * attached. Frames arriving on other queues go to the kernel stack.
 *
 * <p><b>Threads.</b> Each ring has one producer and one consumer: one thread reads and one thread
 * writes at a time (they may be different threads: full duplex). A read (or write) while another
 * thread is inside a read (or write) is refused with an {@link IllegalStateException}, before
 * anything is taken from a ring; handing the socket from one thread to another between calls is
 * fine. {@link #stats()} and {@link #close()} may be called from any thread. Closing wakes blocked
 * readers and writers, which then throw {@link XdpClosedException}.
 *
 * <p><b>In an {@link XdpMultiQueue}.</b> The sockets of {@link XdpMultiQueue#sockets()} are ordinary
 * sockets bound to their queue; the set owns the XDP program. Closing one of them alone gives its
 * queue back to the kernel stack and leaves the others working.
 *
 * <p><b>Errors.</b> Caller mistakes (a null or bad argument, a frame too long) throw
 * {@link IllegalArgumentException}, {@link NullPointerException} or
 * {@link IndexOutOfBoundsException} before anything happens, and the socket stays usable. Kernel
 * failures throw {@link XdpException}. A NONBLOCK read or write that times out is not an error: it
 * returns {@code null}, 0, -1 or {@code false}.
 */
public final class XdpSocket implements XdpPort {
    /** What a socket tells the set it belongs to when it closes on its own. */
    interface CloseListener {
        /** Called by the closing socket of {@code queue}, right after it marked itself closed. */
        void socketClosing(int queue);
    }

    private final QueueSocket queueSocket;
    private final Receiver receiver;
    private final Transmitter transmitter;

    private XdpSocket(QueueSocket queueSocket) {
        this.queueSocket = queueSocket;
        this.receiver = queueSocket.receiver();
        this.transmitter = queueSocket.transmitter();
    }

    /**
     * Opens a socket on queue 0 of {@code ifname} with {@link XdpOptions#defaults()}.
     *
     * @param ifname the interface, as {@code ip link} names it
     * @return the open socket
     * @throws XdpException as {@link #open(String, XdpOptions)}
     */
    public static XdpSocket open(String ifname) throws XdpException {
        return open(ifname, XdpOptions.defaults());
    }

    /**
     * Opens a socket on queue 0 of {@code ifname}.
     *
     * @param ifname  the interface, as {@code ip link} names it
     * @param options the options; {@code queueCount} must be 1
     * @return the open socket
     * @throws IllegalArgumentException bad interface name, or {@code queueCount > 1} (use {@link XdpMultiQueue})
     * @throws XdpUnavailableException not Linux, no AF_XDP or BPF in the kernel, missing privilege,
     *         or the interface refuses the XDP mode
     * @throws XdpException no such interface (errno {@code ENODEV}), queue busy, or another kernel refusal
     */
    public static XdpSocket open(String ifname, XdpOptions options) throws XdpException {
        return open(ifname, options, null);
    }

    /**
     * Opens a socket on queue 0 of {@code ifname} whose frames are in {@code umem}, shared with the
     * other sockets on it: frames received here can be forwarded out of them without copying, and
     * theirs out of this one (see {@link XdpUmem}).
     *
     * @param ifname  the interface, as {@code ip link} names it
     * @param options the options; {@code queueCount} must be 1, {@code frameSize} the UMEM's
     * @param umem    the shared UMEM, or {@code null} for one of the socket's own
     * @return the open socket
     * @throws IllegalArgumentException as {@link #open(String, XdpOptions)}, or if the UMEM has too few frames left
     * @throws XdpException as {@link #open(String, XdpOptions)}
     */
    public static XdpSocket open(String ifname, XdpOptions options, XdpUmem umem) throws XdpException {
        Objects.requireNonNull(options, "options");
        if (umem != null) XdpUmem.requireSameFrameSize(umem, options);
        NetDevice.checkName(ifname);
        if (options.queueCount() != 1) {
            throw new IllegalArgumentException("queueCount = " + options.queueCount()
                    + ": XdpSocket uses queue 0 only; use XdpMultiQueue.open for sockets on queues [0, queueCount)");
        }
        Platform.check();
        SocketOpenEvent event = new SocketOpenEvent();
        event.begin();
        XdpSocket s;
        try (NetNs ns = options.networkNamespace() == null ? null : NetNs.enter(options.networkNamespace())) {
            s = openQueue(ifname, NetDevice.ifindex(ifname), 0, options, null, umem);
        }
        s.queueSocket.recordedAs(XdpEvents.opened(event, s));
        return s;
    }

    /**
     * Opens a socket on {@code queue}, in the calling thread's network namespace. With
     * {@code sharedMap} the caller owns program and map and this socket only registers itself in the
     * map; without, a receiving socket loads and attaches its own.
     */
    static XdpSocket openQueue(String ifname, int ifindex, int queue, XdpOptions options, XskMap sharedMap, XdpUmem umem)
            throws XdpException {
        return new XdpSocket(QueueSocket.open(ifname, ifindex, queue, options, sharedMap, umem));
    }

    // ---- reads ------------------------------------------------------------------------------------

    /**
     * Reads one frame into a new array.
     *
     * @return the frame, or {@code null} in NONBLOCK mode when none arrived within {@code pollTimeout}
     * @throws XdpException as {@link #zeroCopyReadPackets(PacketBatch)}
     */
    public byte[] readPacketData() throws XdpException {
        return receiver.readCopy(null);
    }

    /**
     * {@link #readPacketData()}, also filling {@code info} (if not null) with the frame's capture info.
     *
     * @param info filled with the frame's capture info; may be {@code null}
     * @return the frame, or {@code null} in NONBLOCK mode when none arrived within {@code pollTimeout}
     * @throws XdpException as {@link #zeroCopyReadPackets(PacketBatch)}
     */
    public byte[] readPacketData(PacketInfo info) throws XdpException {
        return receiver.readCopy(info);
    }

    /**
     * Reads one frame into {@code dst} without allocating: copies {@code min(length, dst.length)}
     * bytes (the rest of a longer frame is lost) and fills {@code info} (if not null; its
     * {@code captureLength} says how many bytes were copied).
     *
     * @param dst  where the frame goes
     * @param info filled with the frame's capture info; may be {@code null}
     * @return the frame's length, or -1 in NONBLOCK mode when none arrived within {@code pollTimeout}
     * @throws NullPointerException if {@code dst} is null (nothing is read)
     * @throws XdpException as {@link #zeroCopyReadPackets(PacketBatch)}
     */
    public int readPacketData(byte[] dst, PacketInfo info) throws XdpException {
        return receiver.readInto(dst, 0, info);
    }

    /**
     * Reads one frame in place. The returned view is this socket's own and shows the frame until the
     * next read or {@link #release()}; see {@link Packet}.
     *
     * @return the frame, or {@code null} in NONBLOCK mode when none arrived within {@code pollTimeout}
     * @throws XdpException as {@link #zeroCopyReadPackets(PacketBatch)}
     */
    public Packet zeroCopyReadPacket() throws XdpException {
        return receiver.readOne();
    }

    @Override
    public int zeroCopyReadPackets(PacketBatch batch) throws XdpException {
        return receiver.readBatch(batch);
    }

    @Override
    public void release() throws XdpException {
        receiver.release();
    }

    // ---- writes -----------------------------------------------------------------------------------

    /**
     * Sends one frame: copies it into a TX frame, posts it and kicks the kernel. BLOCK mode waits for
     * room; NONBLOCK gives up after {@code pollTimeout}.
     *
     * @param frame exactly one Ethernet frame, without FCS
     * @return whether the frame was taken (false only in NONBLOCK mode, after the timeout)
     * @throws IllegalArgumentException if the frame is shorter than 14 or longer than {@link #maxFrameLength()} bytes
     * @throws XdpClosedException if the socket is closed
     * @throws IllegalStateException if another thread is writing at the same time
     * @throws XdpException if the interface went away or is down
     */
    public boolean writePacket(byte[] frame) throws XdpException {
        Objects.requireNonNull(frame, "frame");
        return transmitter.write(frame, 0, frame.length);
    }

    /**
     * {@link #writePacket(byte[])} for {@code length} bytes of {@code frame} from {@code offset}.
     *
     * @param frame  holds the frame
     * @param offset where it starts
     * @param length its length
     * @return whether the frame was taken
     * @throws XdpException as {@link #writePacket(byte[])}
     */
    public boolean writePacket(byte[] frame, int offset, int length) throws XdpException {
        return transmitter.write(frame, offset, length);
    }

    /**
     * {@link #writePacket(byte[])} for a frame in a memory segment (all of it).
     *
     * @param frame the frame; this thread must be able to read it (its arena open and not another thread's)
     * @return whether the frame was taken
     * @throws IllegalStateException if the segment's memory cannot be read by this thread
     * @throws XdpException as {@link #writePacket(byte[])}
     */
    public boolean writePacket(MemorySegment frame) throws XdpException {
        return transmitter.write(frame);
    }

    /**
     * {@link #writePacket(byte[])} for the remaining bytes of a buffer; its position advances only if
     * the frame was taken.
     *
     * @param frame the frame, from its position to its limit
     * @return whether the frame was taken
     * @throws XdpException as {@link #writePacket(byte[])}
     */
    public boolean writePacket(ByteBuffer frame) throws XdpException {
        return transmitter.write(frame);
    }

    @Override
    public int writePackets(byte[][] frames, int from, int count) throws XdpException {
        return transmitter.writeBatch(frames, from, count);
    }

    @Override
    public int writePackets(List<byte[]> frames) throws XdpException {
        Objects.requireNonNull(frames, "frames");
        return transmitter.writeBatch(frames, 0, frames.size());
    }

    @Override
    public int forwardPackets(PacketBatch batch) throws XdpException {
        Objects.requireNonNull(batch, "batch");
        return transmitter.forward(batch, 0, batch.size());
    }

    /**
     * {@link #forwardPackets(PacketBatch)} for the packets {@code from .. from+count)} of the batch.
     *
     * @param batch the packets, read from sockets on this socket's UMEM
     * @param from  the first packet sent
     * @param count how many
     * @return packets sent, a prefix of the range
     * @throws XdpException as {@link #forwardPackets(PacketBatch)}
     */
    public int forwardPackets(PacketBatch batch, int from, int count) throws XdpException {
        return transmitter.forward(batch, from, count);
    }

    /**
     * Claims a TX frame for a frame of up to {@code length} bytes, to be written in place and then
     * {@link #submit(Packet) submitted}: a generator's way to send without building the frame in an
     * array first. The view is this socket's own; one claim at a time (see
     * {@link #claim(PacketBatch, int)} for many). Its contents are what the frame held last.
     *
     * @param length the frame's length; {@link Packet#setLength} may shorten it before submitting
     * @return the writable frame, or {@code null} in NONBLOCK mode when no frame came free in time
     * @throws IllegalArgumentException if {@code length} is outside 14 .. {@link #maxFrameLength()}
     * @throws IllegalStateException if the previous claim was neither submitted nor aborted
     * @throws XdpException as {@link #writePacket(byte[])}
     */
    public Packet claim(int length) throws XdpException {
        return transmitter.claim(length);
    }

    /**
     * Claims TX frames of up to {@code length} bytes each into {@code batch}: as many as are free, at
     * most its capacity, waiting for at least one as the I/O mode says.
     *
     * @param batch  where the writable frames are shown; it must not show frames of a read
     * @param length each frame's length; {@link Packet#setLength} may shorten it
     * @return frames claimed (also {@code batch.size()}); 0 only in NONBLOCK mode after the timeout
     * @throws XdpException as {@link #claim(int)}
     */
    public int claim(PacketBatch batch, int length) throws XdpException {
        return transmitter.claim(batch, length);
    }

    /**
     * Sends a frame claimed with {@link #claim(int)}, at its length, and kicks the kernel.
     *
     * @param frame the claimed view
     * @return whether it was sent (false only in NONBLOCK mode when the TX ring had no room in time)
     * @throws IllegalArgumentException if {@code frame} is not a frame claimed here
     * @throws XdpException as {@link #writePacket(byte[])}
     */
    public boolean submit(Packet frame) throws XdpException {
        return transmitter.submit(frame);
    }

    /**
     * Sends every frame claimed into {@code batch}, in order, with as few kicks as the kernel needs.
     *
     * @param batch the claimed frames
     * @return frames sent: all, fewer only in NONBLOCK mode (the rest stay claimed)
     * @throws XdpException as {@link #submit(Packet)}
     */
    public int submit(PacketBatch batch) throws XdpException {
        return transmitter.submit(batch);
    }

    /**
     * Gives a claimed frame back unsent.
     *
     * @param frame the claimed view
     * @throws XdpException if the socket is closed
     */
    public void abort(Packet frame) throws XdpException {
        transmitter.abort(frame);
    }

    /**
     * Gives every frame claimed into {@code batch} back unsent.
     *
     * @param batch the claimed frames
     * @throws XdpException if the socket is closed
     */
    public void abort(PacketBatch batch) throws XdpException {
        transmitter.abort(batch);
    }

    @Override
    public boolean flush(Duration timeout) throws XdpException {
        return transmitter.flush(Durations.limitNanos(timeout, "flush timeout"));
    }

    // ---- state --------------------------------------------------------------------------------------

    @Override
    public XdpStats stats() throws XdpException {
        return queueSocket.stats();
    }

    @Override
    public XdpMultiQueueStats queueStats() throws XdpException {
        return new XdpMultiQueueStats(List.of(stats()));
    }

    /** {@link #stats()}, or after close the counters as they were when the socket closed (for the multi-queue set). */
    XdpStats statsOrFinal() throws XdpException {
        return queueSocket.statsOrFinal();
    }

    @Override public String interfaceName() { return queueSocket.ifname(); }
    @Override public int interfaceIndex() { return queueSocket.ifindex(); }
    /**
     * The NIC queue this socket is bound to.
     *
     * @return the queue id (0 for a socket opened with {@code open})
     */
    public int queueId() { return queueSocket.queue(); }
    @Override public XdpOptions options() { return queueSocket.options(); }
    @Override public int queueCount() { return 1; }
    @Override public boolean isZeroCopy() { return queueSocket.zeroCopy(); }
    @Override public XdpMode mode() { return queueSocket.mode(); }
    @Override public String modeReason() { return queueSocket.modeReason(); }
    @Override public TimestampSource timestampSource() { return queueSocket.timestampSource(); }
    /**
     * Frames one copy-mode TX kick may send.
     *
     * @return what {@code txBudget} resolved to on this kernel (32 where it cannot be set)
     */
    public int txBudget() { return queueSocket.txBudget(); }
    @Override public int maxFrameLength() { return transmitter.maxFrame(); }
    @Override public boolean isMultiBuffer() { return queueSocket.multiBuffer(); }
    @Override public boolean isClosed() { return queueSocket.resources().isClosed(); }

    /** Frames written and not yet completed (for tests and tools; racy from other threads). */
    int txInFlight() { return transmitter.inFlight(); }

    Receiver receiver() { return receiver; }
    Transmitter transmitter() { return transmitter; }
    int xskFd() { return queueSocket.fd(); }

    /** Makes the set this socket joined hear of its close; set once, before the set is returned to anyone. */
    void onClose(CloseListener l) { queueSocket.onClose(l); }

    /** The set's program that feeds this socket runs in {@code mode}, chosen for {@code reason} (null if asked for). */
    void fedBy(XdpMode mode, String reason) { queueSocket.fedBy(mode, reason); }

    @Override
    public String toString() {
        return queueSocket.resources().toString();
    }

    // ---- close --------------------------------------------------------------------------------------

    @Override
    public void close() {
        queueSocket.close();
    }
}
