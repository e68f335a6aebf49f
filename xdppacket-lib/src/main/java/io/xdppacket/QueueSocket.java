package io.xdppacket;

import io.xdppacket.XdpUnavailableException.Missing;
import io.xdppacket.internal.bpf.XskMap;
import io.xdppacket.internal.sys.IfXdp;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.xsk.FillRing;
import io.xdppacket.internal.xsk.SocketKicks;
import io.xdppacket.internal.xsk.Umem;
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
    private final int ifindex;
    private final int queue;
    private final MemorySegment statsBuf, statsLen, statsErrno;

    private QueueSocket(SocketResources resources, XskSocket xsk, Receiver receiver, Transmitter transmitter,
                        boolean zeroCopy, int txBudget, Redirect program, int ifindex, int queue) {
        this.resources = resources;
        this.xsk = xsk;
        this.receiver = receiver;
        this.transmitter = transmitter;
        this.zeroCopy = zeroCopy;
        this.txBudget = txBudget;
        this.program = program;
        this.ifindex = ifindex;
        this.queue = queue;
        this.statsBuf = resources.arena().allocate(IfXdp.XDP_STATISTICS_LAYOUT);
        this.statsLen = resources.arena().allocate(JAVA_INT);
        this.statsErrno = Libc.allocateErrno(resources.arena());
    }

    /**
     * Builds a socket on {@code queue} of {@code ifindex}, in the calling thread's network namespace:
     * UMEM, socket and rings, RX frames on FILL, bind, TX budget, engines; then, for a receiving
     * socket, either registers it in {@code sharedMap} (whose owner attaches the program) or loads and
     * attaches a program of its own. On failure nothing stays open or attached.
     */
    static QueueSocket open(String ifname, int ifindex, int queue, XdpOptions options, XskMap sharedMap) throws XdpException {
        SocketResources res = SocketResources.create("XdpSocket(" + ifname + " queue " + queue + ")");
        Redirect program = null;
        try {
            int n = options.numFrames();
            int fs = options.frameSize();
            Umem umem = Umem.allocate(res.arena(), 2 * n, fs);
            XskSocket xsk = XskSocket.create(res.arena(), ifname + " queue " + queue, umem, options.ringSize(), FillRing.sizeFor(n));
            res.adopt(xsk.fd());
            QueueContext ctx = new QueueContext(res, xsk.fd(), new SocketKicks(res.arena(), xsk.fd()), umem.memory(), fs,
                    options, ifindex, queue);
            // RX frames go on the FILL ring (in the constructor) before bind, so the first frames never find it empty.
            Receiver receiver = new Receiver(ctx, xsk.rx(), xsk.fill(), umem.frameAddress(n), n);
            xsk.bind(ifindex, ifname, queue, IfXdp.XDP_USE_NEED_WAKEUP, 0);
            boolean zeroCopy = xsk.zeroCopy();
            int txBudget = applyTxBudget(xsk, options);
            Transmitter transmitter = new Transmitter(ctx, xsk.tx(), xsk.completion(), umem.frameAddress(0), n, !zeroCopy);
            if (!options.receive()) {
                // Send-only: no program, the interface's traffic stays with the kernel stack.
            } else if (sharedMap != null) {
                sharedMap.put(queue, xsk.fd());
            } else {
                XskMap map = XskMap.create(queue + 1);
                try {
                    map.put(queue, xsk.fd());
                } catch (XdpException | RuntimeException e) {
                    map.close();
                    throw e;
                }
                program = Redirect.attach(map, ifindex, options.xdpMode());
            }
            return new QueueSocket(res, xsk, receiver, transmitter, zeroCopy, txBudget, program, ifindex, queue);
        } catch (XdpException | RuntimeException | Error e) {
            if (program != null) program.close();
            res.markClosed();
            res.release();
            throw e;
        }
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

    /** Our counters and the kernel's {@code XDP_STATISTICS}; the caller keeps close from freeing the arena meanwhile. */
    XdpStats snapshot() throws XdpException {
        xsk.readStatistics(statsErrno, statsBuf, statsLen);
        return counters(true);
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
                .rxPackets(r.packets).rxBytes(r.bytes).rxPolls(r.polls).rxWakeups(r.wakeups)
                .txPackets(t.packets).txBytes(t.bytes).txCompleted(t.completed).txDropped(t.dropped)
                .txKicks(t.kicks).txPolls(t.polls);
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

    /** Detaches and unloads this socket's own program, if it has one. Never throws. */
    void detach() {
        if (program != null) program.close();
    }

    SocketResources resources() { return resources; }
    Receiver receiver() { return receiver; }
    Transmitter transmitter() { return transmitter; }
    boolean zeroCopy() { return zeroCopy; }
    int txBudget() { return txBudget; }
    int ifindex() { return ifindex; }
    int queue() { return queue; }
    int fd() { return xsk.fd(); }
}
