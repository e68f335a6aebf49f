package io.xdppacket;

import io.xdppacket.XdpUnavailableException.Missing;
import io.xdppacket.internal.bpf.XskMap;
import io.xdppacket.internal.jfr.SocketCloseEvent;
import io.xdppacket.internal.jfr.XdpEvents;
import io.xdppacket.internal.sys.IfXdp;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.sys.NetDevice;
import io.xdppacket.internal.xsk.FillRing;
import io.xdppacket.internal.xsk.SocketKicks;
import io.xdppacket.internal.xsk.XskSocket;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One queue's AF_XDP socket, assembled: its resources, the kernel socket and rings, the UMEM, the
 * two engines, and — for a socket that receives on its own — the XDP program that feeds it. What
 * {@link XdpSocket} is the public face of.
 */
final class QueueSocket {
    private final SocketResources resources;
    private final XskSocket xsk;
    private final Receiver receiver;
    private final Transmitter transmitter;
    private final boolean zeroCopy;
    private final int txBudget;
    private final Redirect program;
    /** The pinned map of someone else's program this socket joined, or null. */
    private final XskMap joinedMap;
    private final XdpUmem umem;
    private final boolean multiBuffer;
    private final boolean arrivalStamps;
    private final int ifindex;
    private final int queue;
    private final MemorySegment statsBuf, statsLen, statsErrno;
    private final String ifname;
    private final XdpOptions options;
    private final Object statsLock = new Object();
    /** The counters at close, for a set's stats; guarded by {@link #statsLock}. */
    private XdpStats finalStats;
    private volatile XdpSocket.CloseListener listener;
    /** The mode of the program that feeds the socket (its own, or its set's), and why AUTO chose it. */
    private volatile XdpMode mode;
    private volatile String modeReason;
    /** The socket's JFR registration while it is open on its own (a set's members are the set's). */
    private volatile Object recorded;

    /** How long close lets the kernel complete frames already written. */
    private static final long CLOSE_FLUSH_NANOS = 1_000_000_000L;

    /** What a frame adds to the MTU: an Ethernet header and two VLAN tags (QinQ). */
    private static final int ETHERNET_OVERHEAD = 14 + 2 * 4;

    private QueueSocket(SocketResources resources, XskSocket xsk, XdpUmem umem, Receiver receiver, Transmitter transmitter,
                        boolean zeroCopy, boolean multiBuffer, int txBudget, Redirect program, XskMap joinedMap, String ifname,
                        int ifindex, int queue, XdpOptions options) {
        this.resources = resources;
        this.xsk = xsk;
        this.receiver = receiver;
        this.transmitter = transmitter;
        this.zeroCopy = zeroCopy;
        this.txBudget = txBudget;
        this.program = program;
        this.joinedMap = joinedMap;
        this.umem = umem;
        this.multiBuffer = multiBuffer;
        this.arrivalStamps = receiver.arrivalStamps();
        this.ifindex = ifindex;
        this.queue = queue;
        this.ifname = ifname;
        this.options = options;
        fedBy(program != null ? program.mode() : options.xdpMode(), program != null ? program.modeReason() : null);
        this.statsBuf = resources.arena().allocate(IfXdp.XDP_STATISTICS_LAYOUT);
        this.statsLen = resources.arena().allocate(JAVA_INT);
        this.statsErrno = Libc.allocateErrno(resources.arena());
    }

    /**
     * Builds a socket on {@code queue} of {@code ifindex}, in the calling thread's network namespace:
     * its frames in {@code sharedUmem} (or in a UMEM of its own if null), socket and rings, RX frames
     * on FILL, bind (sharing the UMEM through another socket on it if there is one), TX budget,
     * engines; then, for a receiving socket, either registers it in {@code sharedMap} (whose owner
     * attaches the program) or loads and attaches a program of its own. On failure nothing stays
     * open or attached.
     */
    static QueueSocket open(String ifname, int ifindex, int queue, XdpOptions options, XskMap sharedMap, XdpUmem sharedUmem)
            throws XdpException {
        SocketResources res = SocketResources.create("XdpSocket(" + ifname + " queue " + queue + ")");
        int n = options.numFrames();
        XdpUmem umem = null;
        boolean tookFrames = false;
        int boundFd = -1;
        Redirect program = null;
        XskMap external = null;
        try {
            umem = sharedUmem != null ? sharedUmem : XdpUmem.createPrivate(2 * n, options.frameSize());
            int fs = umem.frameSize();
            boolean wanted = multiBuffer(options, ifindex);
            boolean multiBuffer;
            XskSocket xsk;
            Receiver receiver;
            QueueContext ctx;
            long txFirst;
            synchronized (umem.bindLock()) {  // no socket of the UMEM closes its fd while we bind through it
                int shareFd = umem.shareFd();
                // A socket that shares a UMEM takes its flags from it (the kernel refuses any of its own):
                // need_wakeup, and multi-buffer as the first socket on the UMEM was bound.
                multiBuffer = shareFd < 0 ? wanted : umem.multiBuffer();
                if (shareFd >= 0 && multiBuffer != wanted && options.multiBuffer() != MultiBuffer.AUTO || wanted && !multiBuffer) {
                    throw new IllegalArgumentException("multiBuffer: " + ifname + " queue " + queue + " needs it " + (wanted ? "on" : "off")
                            + ", but the sockets already on this UMEM have it " + (multiBuffer ? "on" : "off")
                            + "; sockets sharing a UMEM share its multi-buffer setting (the kernel's rule)");
                }
                txFirst = (long) umem.take(2 * n) * fs;
                tookFrames = true;
                xsk = XskSocket.create(res.arena(), ifname + " queue " + queue, umem.mapping(), options.ringSize(),
                        FillRing.sizeFor(n), shareFd < 0);
                res.adopt(xsk.fd());
                boolean stamped = options.receive() && options.externalXskMap() == null;
                ctx = new QueueContext(res, xsk.fd(), new SocketKicks(res.arena(), xsk.fd()), umem, options, multiBuffer, stamped,
                        ifindex, queue);
                // RX frames go on the FILL ring (in the constructor) before bind, so the first frames never find it empty.
                receiver = new Receiver(ctx, xsk.rx(), xsk.fill(), txFirst + (long) n * fs, n);
                int flags = shareFd >= 0 ? IfXdp.XDP_SHARED_UMEM
                        : IfXdp.XDP_USE_NEED_WAKEUP | (multiBuffer ? IfXdp.XDP_USE_SG : 0);
                xsk.bind(ifindex, ifname, queue, flags, shareFd);
                umem.bound(xsk.fd(), multiBuffer);
                boundFd = xsk.fd();
            }
            umem.addRegion(txFirst + (long) n * fs, txFirst + 2L * n * fs, receiver);
            if (!options.kernelBusyPoll().isZero()) {
                xsk.preferBusyPoll((int) options.kernelBusyPoll().toNanos() / 1000, options.kernelBusyPollBudget());
            }
            boolean zeroCopy = xsk.zeroCopy();
            int txBudget = applyTxBudget(xsk, options);
            Transmitter transmitter = new Transmitter(ctx, xsk.tx(), xsk.completion(), txFirst, n, !zeroCopy);
            XskMap joined = null;
            if (!options.receive()) {
                // Send-only: no program, the interface's traffic stays with the kernel stack.
            } else if (sharedMap != null) {
                sharedMap.put(queue, xsk.fd());
            } else if (options.externalXskMap() != null) {
                external = XskMap.openPinned(options.externalXskMap());
                external.put(queue, xsk.fd());
                joined = external;
            } else {
                XskMap map = XskMap.create(queue + 1);
                try {
                    map.put(queue, xsk.fd());
                } catch (XdpException | RuntimeException e) {
                    map.close();
                    throw e;
                }
                program = Redirect.attach(map, ifindex, options, multiBuffer);
            }
            return new QueueSocket(res, xsk, umem, receiver, transmitter, zeroCopy, multiBuffer, txBudget, program, joined,
                    ifname, ifindex, queue, options);
        } catch (XdpException | RuntimeException | Error e) {
            if (program != null) program.close();
            if (external != null) external.close();
            if (boundFd >= 0) umem.unbound(boundFd);
            res.markClosed();
            res.release();
            if (tookFrames) umem.released();
            else if (umem != null && sharedUmem == null) umem.close();
            throw e;
        }
    }

    /**
     * Whether the socket uses multi-buffer frames: as asked, or for {@link MultiBuffer#AUTO} when a
     * frame of the interface's MTU (plus an Ethernet header and two VLAN tags) does not fit one UMEM
     * frame.
     */
    private static boolean multiBuffer(XdpOptions options, int ifindex) throws XdpException {
        return switch (options.multiBuffer()) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> NetDevice.info(ifindex).mtu() + ETHERNET_OVERHEAD > options.frameRoom();
        };
    }

    /**
     * Sets the copy-mode TX budget the options ask for and returns the one in force. Auto quietly
     * keeps the kernel's 32 where the option does not exist (before 6.17); an explicit value there is
     * an error, since the caller asked for something this kernel cannot do.
     */
    private static int applyTxBudget(XskSocket xsk, XdpOptions options) throws XdpException {
        int wanted = options.txBudget() != 0 ? options.txBudget()
                : Math.min(XdpOptions.AUTO_TX_BUDGET, options.ringSize());
        if (wanted == XdpOptions.KERNEL_TX_BUDGET) return wanted;
        if (xsk.setTxBudget(wanted)) return wanted;
        if (options.txBudget() != 0) {
            throw new XdpUnavailableException(Missing.KERNEL_FEATURE, "txBudget = " + options.txBudget()
                    + ": this kernel cannot change the copy-mode TX budget (XDP_MAX_TX_SKB_BUDGET needs Linux 6.17); use 0 (auto)");
        }
        return XdpOptions.KERNEL_TX_BUDGET;
    }

    /** Our counters and the kernel's, at this moment. */
    XdpStats stats() throws XdpException {
        synchronized (statsLock) {
            resources.ensureOpen();
            return snapshot();
        }
    }

    /** {@link #stats()}, or after close the counters as they were when the socket closed. */
    XdpStats statsOrFinal() throws XdpException {
        synchronized (statsLock) {
            return finalStats != null ? finalStats : snapshot();
        }
    }

    /** Our counters and the kernel's {@code XDP_STATISTICS}; the caller keeps close from freeing the arena meanwhile. */
    XdpStats snapshot() throws XdpException {
        xsk.readStatistics(statsErrno, statsBuf, statsLen);
        XdpStats s = counters(true);
        if (program == null) return s;
        var counts = program.counts();
        return s.plus(XdpStats.builder().filterMatched(counts.matched()).filterPassed(counts.passed()).build());
    }

    /** For close: {@link #snapshot()}, or ours alone if the kernel would not say (interface gone). Never throws. */
    XdpStats finalSnapshot() {
        try {
            return snapshot();
        } catch (XdpException | RuntimeException e) {
            return counters(false);
        }
    }

    private XdpStats counters(boolean kernel) {
        Receiver r = receiver;
        Transmitter t = transmitter;
        XdpStats.Builder b = XdpStats.builder()
                .rxPackets(r.packets).rxBytes(r.bytes).rxPolls(r.polls).rxWakeups(r.wakeups).rxInvalid(r.invalid)
                .txPackets(t.packets).txBytes(t.bytes).txCompleted(t.completed).txDropped(t.dropped)
                .txForwarded(t.forwarded).txKicks(t.kicks).txPolls(t.polls);
        if (kernel) {
            b.kernelRxDropped((long) IfXdp.STAT_RX_DROPPED.get(statsBuf))
                    .kernelRxInvalidDescs((long) IfXdp.STAT_RX_INVALID_DESCS.get(statsBuf))
                    .kernelTxInvalidDescs((long) IfXdp.STAT_TX_INVALID_DESCS.get(statsBuf))
                    .kernelRxRingFull((long) IfXdp.STAT_RX_RING_FULL.get(statsBuf))
                    .kernelRxFillRingEmpty((long) IfXdp.STAT_RX_FILL_RING_EMPTY.get(statsBuf))
                    .kernelTxRingEmpty((long) IfXdp.STAT_TX_RING_EMPTY.get(statsBuf));
        }
        return b.build();
    }

    /** Detaches and unloads this socket's own program, if it has one, or leaves the map it joined. Never throws. */
    void detach() {
        if (program != null) program.close();
        if (joinedMap != null) {
            try {
                joinedMap.remove(queue);
            } catch (XdpException e) {
                // The kernel drops the entry with the socket anyway.
            }
            joinedMap.close();
        }
    }

    /** The socket's own program, or null (send-only, a set's member, or joined to a map of someone else's). */
    Redirect program() {
        return program;
    }

    /**
     * Closes: tells the set (if any), waits for the rings' users to leave, lets the kernel complete
     * frames already written (up to 1 s), keeps the final counters, detaches its program (or leaves
     * the map it joined), then frees the rings and the fd (no other socket of the UMEM binds through
     * it after this) and gives the socket's frames back to its UMEM, which frees its memory if it was
     * the socket's own. If a thread stayed inside a ring, leaks rather than free memory under it.
     */
    void close() {
        if (!resources.markClosed()) return;
        SocketCloseEvent event = new SocketCloseEvent();
        event.begin();
        XdpSocket.CloseListener l = listener;
        if (l != null) l.socketClosing(queue);
        boolean idle = resources.awaitIdle(receiver.guard()) & resources.awaitIdle(transmitter.guard());
        transmitter.flushForClose(CLOSE_FLUSH_NANOS);
        synchronized (statsLock) {
            finalStats = finalSnapshot();
        }
        detach();
        umem.unbound(xsk.fd());
        if (idle && resources.release()) umem.released();
        if (recorded != null) XdpEvents.closed(event, recorded, resources.name(), finalStats);
    }

    void onClose(XdpSocket.CloseListener l) {
        listener = l;
    }

    void fedBy(XdpMode mode, String reason) {
        this.mode = mode;
        this.modeReason = reason;
    }

    void recordedAs(Object handle) {
        recorded = handle;
    }

    SocketResources resources() { return resources; }
    Receiver receiver() { return receiver; }
    Transmitter transmitter() { return transmitter; }
    boolean zeroCopy() { return zeroCopy; }
    boolean multiBuffer() { return multiBuffer; }
    String ifname() { return ifname; }
    XdpOptions options() { return options; }
    XdpMode mode() { return mode; }
    String modeReason() { return modeReason; }
    TimestampSource timestampSource() { return arrivalStamps ? TimestampSource.ARRIVAL : TimestampSource.READ; }
    XdpUmem umem() { return umem; }
    int txBudget() { return txBudget; }
    int ifindex() { return ifindex; }
    int queue() { return queue; }
    int fd() { return xsk.fd(); }
}
