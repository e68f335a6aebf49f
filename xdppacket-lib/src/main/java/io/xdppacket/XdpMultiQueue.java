package io.xdppacket;

import io.xdppacket.internal.bpf.XskMap;
import io.xdppacket.internal.jfr.SocketCloseEvent;
import io.xdppacket.internal.jfr.SocketOpenEvent;
import io.xdppacket.internal.jfr.XdpEvents;
import io.xdppacket.internal.sys.NetDevice;
import io.xdppacket.internal.sys.NetNs;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * AF_XDP sockets on queues {@code [0, queueCount)} of one interface: one {@link XdpSocket} per
 * queue, each with its own UMEM and rings, all fed by one XDP program that redirects queue {@code q}
 * to entry {@code q} of one XSKMAP.
 *
 * <pre>{@code
 * XdpOptions o = XdpOptions.builder().queueCount(4).build();
 * try (XdpMultiQueue mq = XdpMultiQueue.open("eth0", o)) {
 *     for (XdpSocket s : mq.sockets()) {                 // one receiving thread per queue
 *         Thread.ofPlatform().name("rx-" + s.queueId()).start(() -> {
 *             PacketBatch batch = new PacketBatch();
 *             try {
 *                 while (true) {
 *                     int n = s.zeroCopyReadPackets(batch);
 *                     for (int i = 0; i < n; i++) handle(batch.get(i));
 *                 }
 *             } catch (XdpClosedException closed) {
 *                 // mq.close() ends the loop
 *             } catch (XdpException e) {
 *                 log(e);
 *             }
 *         });
 *     }
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Two ways to use it.</b> The fast one: take {@link #sockets()} and give each its own thread
 * (or two: one reading, one writing), with the whole single-queue API. The convenient one: this
 * class's own reads and writes from one thread, which serve every queue:
 * {@link #zeroCopyReadPacket} and {@link #readPacket()} return one frame from each queue that has
 * one, {@link #zeroCopyReadPackets} fills a whole batch from all queues, fairly, and
 * {@link #writePackets} spreads a list or an array range of frames over the queues. A one-thread loop
 * of {@code zeroCopyReadPackets} and {@link #writePackets(byte[][], int, int)} allocates nothing.
 *
 * <p><b>Threads.</b> This class's reads are the reading thread of every socket, and its writes and
 * {@link #flush} the writing thread of every socket. Reading (or writing) through this class while
 * another thread reads (or writes) one of {@link #sockets()}, or calling this class's reads (or
 * writes) from two threads at once, is refused with an {@link IllegalStateException}.
 * {@link #stats()}, {@link #queueStats()} and {@link #close()} may be called from any thread.
 *
 * <p><b>Closing.</b> {@link #close()} wakes every blocked reader and writer, of this class and of
 * the per-queue sockets (they throw {@link XdpClosedException}), detaches the program once, and
 * closes every socket. Closing one socket of {@link #sockets()} alone gives its queue back to the
 * kernel stack and leaves the others working: reads here skip it, writes here fail on it
 * ({@link XdpPartialWriteException}), and the stats keep its counters from when it closed.
 */
public final class XdpMultiQueue implements XdpPort {
    private final String ifname;
    private final int ifindex;
    private final XdpOptions options;
    private final SocketResources resources;
    private final XdpSocket[] members;
    private final List<XdpSocket> sockets;
    /** The XSKMAP, program and attachment that feed every socket; null for a send-only set, or one that joined a map. */
    private final Redirect redirect;
    /** The pinned map of someone else's program the sockets joined ({@code externalXskMap}), or null. */
    private final XskMap joinedMap;
    private final MultiQueueReader reader;
    private final MultiQueueWriter writer;
    /** This set's JFR registration. */
    private volatile Object recorded;

    private XdpMultiQueue(String ifname, int ifindex, XdpOptions options, SocketResources resources, XdpSocket[] members,
                          Redirect redirect, XskMap joinedMap) {
        this.ifname = ifname;
        this.ifindex = ifindex;
        this.options = options;
        this.resources = resources;
        this.members = members;
        this.sockets = List.of(members);
        this.redirect = redirect;
        this.joinedMap = joinedMap;
        if (redirect != null) for (XdpSocket s : members) s.fedBy(redirect.mode(), redirect.modeReason());
        Receiver[] receivers = new Receiver[members.length];
        int[] fds = new int[members.length];
        for (int q = 0; q < members.length; q++) {
            receivers[q] = members[q].receiver();
            fds[q] = members[q].xskFd();
        }
        this.reader = new MultiQueueReader(resources, receivers, fds, options);
        this.writer = new MultiQueueWriter(resources, members);
        for (XdpSocket s : members) s.onClose(reader);
    }

    /**
     * Opens a socket on each queue {@code [0, options.queueCount())} of {@code ifname}, loads the
     * redirect program and attaches it once, in {@code options.xdpMode()}. On failure nothing stays
     * open or attached.
     *
     * @param ifname  the interface, as {@code ip link} names it
     * @param options the options; {@code queueCount} sockets are opened
     * @return the open set
     * @throws IllegalArgumentException bad interface name
     * @throws XdpUnavailableException not Linux, no AF_XDP or BPF, missing privilege, or the interface
     *         refuses the XDP mode
     * @throws XdpException no such interface (errno {@code ENODEV}), {@code queueCount} above the
     *         interface's RX queues in use (TX queues for a send-only set; the message says how to
     *         see and raise them), a queue busy, or another kernel refusal
     */
    public static XdpMultiQueue open(String ifname, XdpOptions options) throws XdpException {
        return open(ifname, options, null);
    }

    /**
     * {@link #open(String, XdpOptions)} with every socket's frames in {@code umem} (each queue with
     * FILL and COMPLETION rings of its own): frames received on any queue can be forwarded out of any
     * socket on the UMEM without copying.
     *
     * @param ifname  the interface, as {@code ip link} names it
     * @param options the options; {@code frameSize} must be the UMEM's
     * @param umem    the shared UMEM (at least {@code 2 × numFrames × queueCount} frames left), or {@code null}
     * @return the open set
     * @throws XdpException as {@link #open(String, XdpOptions)}
     */
    public static XdpMultiQueue open(String ifname, XdpOptions options, XdpUmem umem) throws XdpException {
        Objects.requireNonNull(options, "options");
        SocketOpenEvent event = new SocketOpenEvent();
        event.begin();
        XdpMultiQueue mq = openSet(ifname, options, umem);
        mq.recorded = XdpEvents.opened(event, mq);
        return mq;
    }

    private static XdpMultiQueue openSet(String ifname, XdpOptions options, XdpUmem umem) throws XdpException {
        if (umem != null) XdpUmem.requireSameFrameSize(umem, options);
        NetDevice.checkName(ifname);
        Platform.check();
        try (NetNs ns = options.networkNamespace() == null ? null : NetNs.enter(options.networkNamespace())) {
            int ifindex = NetDevice.ifindex(ifname);
            // A send-only set sends through TX queues and receives on none: its limit is the TX queues.
            String kind = options.receive() ? "RX" : "TX";
            int available = options.receive() ? NetDevice.rxQueueCount(ifname) : NetDevice.txQueueCount(ifname);
            if (options.queueCount() > available) {
                throw new XdpException("queueCount = " + options.queueCount() + ", but " + ifname + " has " + available
                        + " " + kind + " queue" + (available == 1 ? "" : "s") + " in use; XdpMultiQueue binds one socket to each queue "
                        + "[0, queueCount). See them with 'ethtool -l " + ifname + "' (or ls /sys/class/net/" + ifname
                        + "/queues), raise them with 'ethtool -L " + ifname + " combined N' (or " + kind.toLowerCase(Locale.ROOT)
                        + " N) up to the driver's maximum; a veth gets its queues when created: ip link add ... numrxqueues N"
                        + " numtxqueues N, on both ends");
            }
            return openQueues(ifname, ifindex, options, umem);
        }
    }

    /** Runs in the caller's (already entered) network namespace. */
    private static XdpMultiQueue openQueues(String ifname, int ifindex, XdpOptions options, XdpUmem umem) throws XdpException {
        int n = options.queueCount();
        SocketResources res = SocketResources.create("XdpMultiQueue(" + ifname + ", " + n + " queue" + (n == 1 ? "" : "s") + ")");
        XdpSocket[] members = new XdpSocket[n];
        XskMap map = null;
        Redirect redirect = null;
        try {
            if (options.receive()) map = options.externalXskMap() != null ? XskMap.openPinned(options.externalXskMap()) : XskMap.create(n);
            for (int q = 0; q < n; q++) members[q] = XdpSocket.openQueue(ifname, ifindex, q, options, map, umem);
            // Attach last: until now no frame was redirected, so a failure above lost nothing.
            if (map != null && options.externalXskMap() == null) {
                XskMap m = map;
                map = null;  // Redirect owns it now, also on failure
                redirect = Redirect.attach(m, ifindex, options, members[0].isMultiBuffer());
            }
            return new XdpMultiQueue(ifname, ifindex, options, res, members, redirect, map);
        } catch (XdpException | RuntimeException | Error e) {
            if (redirect != null) redirect.close();
            for (int q = n - 1; q >= 0; q--) {
                if (members[q] != null) members[q].close();
            }
            if (map != null) map.close();
            res.markClosed();
            res.release();
            throw e;
        }
    }

    // ---- per-queue sockets -------------------------------------------------------------------------

    /**
     * The per-queue sockets: element {@code q} is bound to queue {@code q}. Each is usable with the
     * whole single-queue API from its own thread; see the class comment for the rules.
     *
     * @return an unmodifiable list of {@link #queueCount()} sockets
     */
    public List<XdpSocket> sockets() {
        return sockets;
    }

    /**
     * The socket of one queue.
     *
     * @param queue the queue, {@code 0 <= queue < queueCount()}
     * @return its socket
     */
    public XdpSocket socket(int queue) {
        return members[Objects.checkIndex(queue, members.length)];
    }

    // ---- reads -------------------------------------------------------------------------------------

    /**
     * Tries one frame from each queue, in place: fills {@code batch} with at most one frame per
     * queue, in queue order. Each frame's {@link Packet#info()} says which queue it came from.
     * Allocates nothing. BLOCK mode waits until at least one queue has a frame; NONBLOCK mode waits
     * at most one {@code pollTimeout} in total, with one {@code ppoll} over all queues. The views stay
     * valid until the next read here or {@link #release()}.
     *
     * @param batch where the frames go; at least {@link #queueCount()} capacity
     * @return frames read (also {@code batch.size()}); 0 in NONBLOCK mode when none arrived in time
     * @throws IllegalArgumentException if {@code batch.capacity() < queueCount()}
     * @throws XdpClosedException if this set, or every one of its sockets, is closed
     * @throws XdpException if an interface went away, or the kernel failed
     */
    public int zeroCopyReadPacket(PacketBatch batch) throws XdpException {
        Objects.requireNonNull(batch, "batch");
        if (batch.capacity() < members.length) {
            throw new IllegalArgumentException("batch capacity " + batch.capacity() + " < " + members.length
                    + " queues: a read takes up to one frame from each queue (new PacketBatch(queueCount()))");
        }
        checkReceiving();
        return reader.readOneEach(batch);
    }

    /**
     * Reads up to {@code batch.capacity()} frames in place from all queues together. Fair: every
     * queue that has frames gets a share of the batch ({@code capacity / queueCount}, at least one)
     * before any gets more; room left over then goes to the queues that filled their share. The
     * queue that goes first moves on by one after each read, so with a batch smaller than the number
     * of busy queues none starves. Frames of one queue keep their order; frames of different queues
     * interleave by share (each frame's timestamp is its own queue's). Waits as
     * {@link #zeroCopyReadPacket} does; queues whose socket was closed on its own are skipped.
     */
    @Override
    public int zeroCopyReadPackets(PacketBatch batch) throws XdpException {
        Objects.requireNonNull(batch, "batch");
        checkReceiving();
        return reader.readFairly(batch);
    }

    /**
     * Tries one frame from each queue, copied: one new array per queue that has a frame, in queue
     * order. Waits as {@link #zeroCopyReadPacket} does.
     *
     * @return the frames; empty in NONBLOCK mode when none arrived in time
     * @throws XdpException as {@link #zeroCopyReadPacket}
     */
    public List<byte[]> readPacket() throws XdpException {
        return readPacket(null);
    }

    /**
     * {@link #readPacket()}, also filling {@code infos[i]} with the capture info of the {@code i}-th
     * frame returned (its {@link PacketInfo#queueId()} says which queue). Null elements are replaced
     * by new {@code PacketInfo}s, so that an array reused across reads allocates them once.
     *
     * @param infos at least {@link #queueCount()} long, or {@code null}
     * @return the frames; empty in NONBLOCK mode when none arrived in time
     * @throws IllegalArgumentException if {@code infos} is shorter than {@link #queueCount()}
     * @throws XdpException as {@link #zeroCopyReadPacket}
     */
    public List<byte[]> readPacket(PacketInfo[] infos) throws XdpException {
        if (infos != null && infos.length < members.length) {
            throw new IllegalArgumentException("infos has " + infos.length + " elements, fewer than the "
                    + members.length + " queues a read can return a frame from");
        }
        checkReceiving();
        return reader.readCopies(infos);
    }

    @Override
    public void release() throws XdpException {
        reader.release();
    }

    private void checkReceiving() {
        if (!options.receive()) throw members[0].receiver().sendOnly();
    }

    // ---- writes ------------------------------------------------------------------------------------

    /**
     * Sends {@code frames[from .. from+count)} spread over the queues in order. The range is cut
     * into {@link #queueCount()} contiguous chunks, as equal as possible (the first
     * {@code count % queueCount} chunks one frame longer), and chunk {@code q} is written to queue
     * {@code q} with one batch write, queue after queue: each queue sends its frames in order, and a
     * count of frames taken is always a prefix of the range. Pass at least {@code 32 × queueCount}
     * frames: every queue with frames costs at least one kick. Every frame is checked before any is
     * written; allocates nothing.
     *
     * <p>In NONBLOCK mode a queue that has no room for {@code pollTimeout} stops the write there
     * (fewer than {@code count} returned, still a prefix). A kernel failure on queue {@code q} (or its
     * socket closed) throws {@link XdpPartialWriteException} with the count taken before it, relative
     * to {@code from}. If this whole set is closed during the write, the exception is
     * {@link XdpClosedException}, whose cause is the {@code XdpPartialWriteException}.
     */
    @Override
    public int writePackets(byte[][] frames, int from, int count) throws XdpException {
        Objects.requireNonNull(frames, "frames");
        Objects.checkFromIndexSize(from, count, frames.length);
        return writer.write(frames, null, from, count);
    }

    @Override
    public int writePackets(List<byte[]> frames) throws XdpException {
        Objects.requireNonNull(frames, "frames");
        return writer.write(null, frames, 0, frames.size());
    }

    /**
     * Another name for {@link #writePackets(List)}, the name this operation has had.
     *
     * @param frames the frames, each array exactly one frame
     * @return frames taken, a prefix of the list
     * @throws XdpException as {@link #writePackets(byte[][], int, int)}
     */
    public int writePacket(List<byte[]> frames) throws XdpException {
        return writePackets(frames);
    }

    /**
     * Another name for {@link #writePackets(byte[][])}, the name this operation has had.
     *
     * @param frames the frames, each array exactly one frame
     * @return frames taken, a prefix of the array
     * @throws XdpException as {@link #writePackets(byte[][], int, int)}
     */
    public int writePacket(byte[][] frames) throws XdpException {
        return writePackets(frames);
    }

    /**
     * Forwards the batch's packets spread over the queues as {@link #writePackets(byte[][], int, int)}
     * spreads frames: contiguous chunks, chunk {@code q} out of queue {@code q}.
     */
    @Override
    public int forwardPackets(PacketBatch batch) throws XdpException {
        Objects.requireNonNull(batch, "batch");
        return writer.forward(batch);
    }

    /** {@link XdpPort#flush(Duration)}, with one limit for all queues together; sockets closed on their own are skipped. */
    @Override
    public boolean flush(Duration timeout) throws XdpException {
        return writer.flush(Durations.limitNanos(timeout, "flush timeout"));
    }

    // ---- state -------------------------------------------------------------------------------------

    /** The sum over the queues: {@code queueStats().total()}. */
    @Override
    public XdpStats stats() throws XdpException {
        return queueStats().total();
    }

    /**
     * Each queue's counters and their total. A queue whose socket was closed on its own reports the
     * counters it had then.
     */
    @Override
    public XdpMultiQueueStats queueStats() throws XdpException {
        resources.ensureOpen();
        XdpStats[] perQueue = new XdpStats[members.length];
        for (int q = 0; q < members.length; q++) perQueue[q] = members[q].statsOrFinal();
        if (redirect == null) return new XdpMultiQueueStats(List.of(perQueue));
        var counts = redirect.counts();
        return new XdpMultiQueueStats(List.of(perQueue), counts.matched(), counts.passed());
    }

    @Override public int queueCount() { return members.length; }
    @Override public String interfaceName() { return ifname; }
    @Override public int interfaceIndex() { return ifindex; }
    @Override public XdpOptions options() { return options; }
    @Override public int maxFrameLength() { return members[0].maxFrameLength(); }
    @Override public boolean isMultiBuffer() { return members[0].isMultiBuffer(); }
    @Override public boolean isZeroCopy() { return members[0].isZeroCopy(); }
    @Override public XdpMode mode() { return members[0].mode(); }
    @Override public String modeReason() { return members[0].modeReason(); }
    @Override public TimestampSource timestampSource() { return members[0].timestampSource(); }
    @Override public boolean isClosed() { return resources.isClosed(); }

    @Override
    public String toString() {
        return resources.toString();
    }

    /**
     * Closes everything: wakes readers and writers blocked here (they throw
     * {@link XdpClosedException}), detaches the program (once), closes every socket (each completes
     * its written frames, wakes its own blocked readers and writers, unmaps and closes, as
     * {@link XdpSocket#close()}), then unloads the program and the map. Safe to call twice and from
     * any thread; never throws.
     */
    @Override
    public void close() {
        if (!resources.markClosed()) return;
        SocketCloseEvent event = new SocketCloseEvent();
        event.begin();
        resources.awaitIdle(reader.guard());
        resources.awaitIdle(writer.guard());
        if (redirect != null) redirect.close();
        if (joinedMap != null) leave(joinedMap);
        for (XdpSocket s : members) s.close();
        resources.release();
        if (recorded != null) XdpEvents.closed(event, recorded, toString(), finalTotal());
    }

    /** Takes every socket out of a map of someone else's program, then lets go of the map. */
    private void leave(XskMap map) {
        for (int q = 0; q < members.length; q++) {
            try {
                map.remove(q);
            } catch (XdpException e) {
                // The kernel drops the entry with the socket anyway.
            }
        }
        map.close();
    }

    /** The counters of every socket as it closed, summed; for the close event. */
    private XdpStats finalTotal() {
        XdpStats sum = XdpStats.ZERO;
        for (XdpSocket s : members) {
            try {
                sum = sum.plus(s.statsOrFinal());
            } catch (XdpException e) {
                // cannot happen once closed: final counters are kept
            }
        }
        return sum;
    }
}
