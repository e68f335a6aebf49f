package io.xdppacket;

import io.xdppacket.XdpUnavailableException.Missing;
import io.xdppacket.internal.bpf.XskMap;
import io.xdppacket.internal.sys.IfXdp;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.sys.NetDevice;
import io.xdppacket.internal.sys.NetNs;
import io.xdppacket.internal.sys.SysCall;
import io.xdppacket.internal.xsk.FillRing;
import io.xdppacket.internal.xsk.SocketKicks;
import io.xdppacket.internal.xsk.Umem;
import io.xdppacket.internal.xsk.XskKicks;
import io.xdppacket.internal.xsk.XskSocket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * An AF_XDP socket on one queue of one network interface (the seed's {@code XDPPacket}): raw
 * Ethernet frames in and out, bypassing the kernel's network stack.
 *
 * <pre>{@code
 * try (XdpSocket s = XdpSocket.open("eth0")) {       // queue 0, default options
 *     s.writePacket(frame);                          // one frame out
 *     PacketBatch batch = new PacketBatch();
 *     int n = s.zeroCopyReadPackets(batch);          // up to 16 frames in, read in place
 *     for (int i = 0; i < n; i++) handle(batch.get(i));
 * }
 * }</pre>
 *
 * <p><b>What open does</b> (the seed's seven steps): checks the options and the interface; maps the
 * UMEM (2 × numFrames frames: TX half, RX half); creates the socket and registers the UMEM; sizes
 * the four rings; maps them; puts the RX frames on the FILL ring and binds to queue 0 with
 * {@code XDP_USE_NEED_WAKEUP}; loads our XDP program (emitted by this library, no object file), puts
 * the socket in its XSKMAP and attaches it with a bpf_link, so that a crashed process leaves nothing
 * attached. Frames arriving on other queues go to the kernel stack ({@code XDP_PASS}).
 *
 * <p><b>Threads.</b> Each ring has one producer and one consumer: at most one thread reads and at
 * most one thread writes at a time (they may be different threads: full duplex). {@link #stats()}
 * and {@link #close()} may be called from any thread. Closing wakes blocked readers and writers,
 * which then throw {@link XdpClosedException}.
 *
 * <p><b>In an {@link XdpMultiQueue}.</b> The sockets of {@link XdpMultiQueue#sockets()} are ordinary
 * sockets bound to their queue; the multi-queue set owns the XDP program. Closing one of them alone
 * gives its queue back to the kernel stack (the XSKMAP entry goes with the socket) and leaves the
 * others working; the set's reads then skip that queue, its writes fail on it, and its stats keep
 * the counters the socket had when it closed.
 *
 * <p><b>Errors.</b> Caller mistakes (a frame too long, a bad index) throw
 * {@link IllegalArgumentException} or {@link IndexOutOfBoundsException} before anything happens,
 * and the socket stays usable. Kernel failures throw {@link XdpException}. A NONBLOCK read or write
 * that times out is not an error: it returns {@code null}, 0, -1 or {@code false}.
 */
public final class XdpSocket implements AutoCloseable {
    /** How long close() lets the kernel complete frames already written. */
    private static final long CLOSE_FLUSH_NANOS = 1_000_000_000L;
    /** How long close() waits for threads still inside a system call on this socket. */
    private static final long CLOSE_DRAIN_NANOS = 5_000_000_000L;

    private final String ifname;
    private final int ifindex;
    private final int queue;
    private final XdpOptions options;
    private final Lifecycle life;
    private final Arena arena;
    private final XskSocket xsk;
    private final int wakeFd;
    private final Receiver receiver;
    private final Transmitter transmitter;
    private final boolean zeroCopy;
    private final int txBudget;
    private final Redirect program;
    private final MemorySegment statsBuf, statsLen, statsErrno;
    private final Object control = new Object();
    /** The multi-queue set this socket belongs to, or null; set once, before the set is returned to anyone. */
    private volatile XdpMultiQueue group;
    /** The counters at close, for the set's stats; guarded by {@link #control}. */
    private XdpStats finalStats;

    private XdpSocket(String ifname, int ifindex, int queue, XdpOptions options, Lifecycle life, Arena arena,
                      XskSocket xsk, int wakeFd, Receiver receiver, Transmitter transmitter, boolean zeroCopy,
                      int txBudget, Redirect program) {
        this.ifname = ifname;
        this.ifindex = ifindex;
        this.queue = queue;
        this.options = options;
        this.life = life;
        this.arena = arena;
        this.xsk = xsk;
        this.wakeFd = wakeFd;
        this.receiver = receiver;
        this.transmitter = transmitter;
        this.zeroCopy = zeroCopy;
        this.txBudget = txBudget;
        this.program = program;
        this.statsBuf = arena.allocate(IfXdp.XDP_STATISTICS_LAYOUT);
        this.statsLen = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
        this.statsErrno = Libc.allocateErrno(arena);
    }

    /** Opens a socket on queue 0 of {@code ifname} with {@link XdpOptions#defaults()}. */
    public static XdpSocket open(String ifname) throws XdpException {
        return open(ifname, XdpOptions.defaults());
    }

    /**
     * Opens a socket on queue 0 of {@code ifname}.
     *
     * @throws IllegalArgumentException bad interface name, or {@code queueCount > 1} (use {@link XdpMultiQueue})
     * @throws XdpUnavailableException not Linux, no AF_XDP or BPF in the kernel, missing privilege,
     *         or the interface refuses the XDP mode
     * @throws XdpException no such interface, queue busy, or another kernel refusal
     */
    public static XdpSocket open(String ifname, XdpOptions options) throws XdpException {
        if (options == null) throw new NullPointerException("options");
        if (options.queueCount() != 1) {
            throw new IllegalArgumentException("queueCount = " + options.queueCount()
                    + ": XdpSocket uses queue 0 only; use XdpMultiQueue.open for sockets on queues [0, queueCount)");
        }
        Platform.check();
        try (NetNs ns = options.networkNamespace() == null ? null : NetNs.enter(options.networkNamespace())) {
            int ifindex = NetDevice.ifindex(ifname);
            return openQueue(ifname, ifindex, 0, options, null);
        }
    }

    /**
     * Opens a socket on {@code queue}. With {@code sharedMap} the caller owns program and map and this
     * socket only registers itself in the map; without, the socket loads and attaches its own.
     * Runs in the calling thread's network namespace.
     */
    static XdpSocket openQueue(String ifname, int ifindex, int queue, XdpOptions options, XskMap sharedMap)
            throws XdpException {
        String name = "XdpSocket(" + ifname + " queue " + queue + ")";
        Lifecycle life = new Lifecycle(name);
        Arena arena = Arena.ofShared();
        XskSocket xsk = null;
        int wakeFd = -1;
        Redirect program = null;
        try {
            int n = options.numFrames();
            int fs = options.frameSize();
            Umem umem = Umem.allocate(arena, 2 * n, fs);
            xsk = XskSocket.create(arena, ifname + " queue " + queue, umem, options.ringSize(), FillRing.sizeFor(n));
            wakeFd = createEventFd(name);
            // RX frames go on the FILL ring before bind, so the first frames never find it empty.
            XskKicks kicks = new SocketKicks(arena, xsk.fd());
            Receiver receiver = new Receiver(arena, life, xsk.fd(), wakeFd, kicks, xsk.rx(), xsk.fill(), umem.memory(),
                    fs, umem.frameAddress(n), n, options, ifindex, queue);
            xsk.bind(ifindex, ifname, queue, IfXdp.XDP_USE_NEED_WAKEUP, 0);
            boolean zeroCopy = xsk.zeroCopy();
            int txBudget = applyTxBudget(xsk, options);
            Transmitter transmitter = new Transmitter(arena, life, xsk.fd(), wakeFd, kicks, xsk.tx(), xsk.completion(),
                    umem.memory(), fs, umem.frameAddress(0), n, options, !zeroCopy);
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
            return new XdpSocket(ifname, ifindex, queue, options, life, arena, xsk, wakeFd, receiver, transmitter,
                    zeroCopy, txBudget, program);
        } catch (XdpException | RuntimeException | Error e) {
            if (program != null) program.close();
            arena.close();
            if (xsk != null) xsk.closeFd();
            if (wakeFd >= 0) closeFd(wakeFd);
            throw e;
        }
    }

    // ---- reads ------------------------------------------------------------------------------------

    /**
     * Reads one frame into a new array (the seed's {@code ReadPacketData}).
     *
     * @return the frame, or {@code null} in NONBLOCK mode when none arrived within {@code pollTimeout}
     */
    public byte[] readPacketData() throws XdpException {
        return readPacketData((PacketInfo) null);
    }

    /** {@link #readPacketData()}, also filling {@code info} (if not null) with the frame's capture info. */
    public byte[] readPacketData(PacketInfo info) throws XdpException {
        life.ensureOpen();
        try {
            return receiver.readCopy(info);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * Reads one frame into {@code dst} without allocating: copies {@code min(length, dst.length)}
     * bytes (the frame's remaining bytes are lost if it is longer) and fills {@code info} (if not null;
     * its {@code captureLength} says how many bytes were copied).
     *
     * @return the frame's length, or -1 in NONBLOCK mode when none arrived within {@code pollTimeout}
     */
    public int readPacketData(byte[] dst, PacketInfo info) throws XdpException {
        life.ensureOpen();
        try {
            return receiver.readInto(dst, 0, info);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * Reads one frame in place (the seed's {@code ZeroCopyReadPacketData}). The returned view is this
     * socket's own and shows the frame until the next read or {@link #release()}; see {@link Packet}.
     *
     * @return the frame, or {@code null} in NONBLOCK mode when none arrived within {@code pollTimeout}
     */
    public Packet zeroCopyReadPacket() throws XdpException {
        life.ensureOpen();
        try {
            return receiver.readOne();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * Reads up to {@code batch.capacity()} frames in place (the seed's {@code ZeroCopyReadMultiPackets},
     * which read up to 16), each with its capture info. BLOCK mode waits for at least one frame; then
     * takes what is there without waiting for more. The views stay valid until the next read or
     * {@link #release()}.
     *
     * @return frames read (also {@code batch.size()}); 0 in NONBLOCK mode when none arrived within {@code pollTimeout}
     */
    public int zeroCopyReadPackets(PacketBatch batch) throws XdpException {
        life.ensureOpen();
        try {
            return receiver.readBatch(batch);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /** Gives the frames of the last zero-copy read back to the kernel now, instead of at the next read. */
    public void release() throws XdpException {
        life.ensureOpen();
        try {
            receiver.releaseHeld();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    // ---- writes -----------------------------------------------------------------------------------

    /**
     * Sends one frame (the seed's {@code WritePacket}): copies it into a TX frame, posts it and kicks
     * the kernel. BLOCK mode waits for room; NONBLOCK gives up after {@code pollTimeout}.
     *
     * @return whether the frame was taken (false only in NONBLOCK mode, after the timeout)
     * @throws IllegalArgumentException if the frame is shorter than 14 or longer than {@link #maxFrameLength()} bytes
     */
    public boolean writePacket(byte[] frame) throws XdpException {
        return writePacket(frame, 0, frame.length);
    }

    /** {@link #writePacket(byte[])} for {@code length} bytes of {@code frame} from {@code offset}. */
    public boolean writePacket(byte[] frame, int offset, int length) throws XdpException {
        life.ensureOpen();
        try {
            return transmitter.write(frame, offset, length);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /** {@link #writePacket(byte[])} for a frame in a memory segment (all of it). */
    public boolean writePacket(MemorySegment frame) throws XdpException {
        life.ensureOpen();
        try {
            return transmitter.write(frame);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /** {@link #writePacket(byte[])} for the remaining bytes of a buffer; its position advances only if the frame was taken. */
    public boolean writePacket(ByteBuffer frame) throws XdpException {
        life.ensureOpen();
        try {
            return transmitter.write(frame);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * Sends many frames (the seed's {@code WriteMultiPackets}) with one TX-ring submission per
     * batch that fits and as few kicks as the kernel needs. Every frame is checked before any is
     * written.
     *
     * @return frames taken, in order: all of them, except in NONBLOCK mode when room ran out for {@code pollTimeout}
     */
    public int writePackets(byte[][] frames) throws XdpException {
        return writePackets(frames, 0, frames.length);
    }

    /** {@link #writePackets(byte[][])} for {@code frames[from .. from+count)}. */
    public int writePackets(byte[][] frames, int from, int count) throws XdpException {
        life.ensureOpen();
        try {
            return transmitter.writeBatch(frames, from, count);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /** {@link #writePackets(byte[][])} for a list (indexed access; use a {@code RandomAccess} list). */
    public int writePackets(List<byte[]> frames) throws XdpException {
        life.ensureOpen();
        try {
            return transmitter.writeBatch(frames);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * Waits until every frame written so far has completed (came back from the kernel). BLOCK mode
     * waits as long as that takes; NONBLOCK gives up after {@code pollTimeout}.
     *
     * @return whether all frames completed
     */
    public boolean flush() throws XdpException {
        return flush(options.ioMode() == IoMode.BLOCK ? null : options.pollTimeout());
    }

    /** {@link #flush()} with an explicit limit ({@code null}: none). */
    public boolean flush(Duration timeout) throws XdpException {
        life.ensureOpen();
        try {
            return transmitter.flush(timeout == null ? -1 : timeout.toNanos());
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    // ---- state --------------------------------------------------------------------------------------

    /** Our counters and the kernel's, at this moment. */
    public XdpStats stats() throws XdpException {
        synchronized (control) {
            life.ensureOpen();
            return snapshot();
        }
    }

    /** {@link #stats()}, or after close the counters as they were when the socket closed (for the multi-queue set). */
    XdpStats statsOrFinal() throws XdpException {
        synchronized (control) {
            if (finalStats != null) return finalStats;
            // Open, or closing but not yet unmapped: close() sets finalStats under this lock before it unmaps.
            return snapshot();
        }
    }

    /** Our counters and the kernel's {@code XDP_STATISTICS}. Caller holds {@link #control}; the arena is open. */
    private XdpStats snapshot() throws XdpException {
        xsk.readStatistics(statsErrno, statsBuf, statsLen);
        return counters(true);
    }

    /** Our counters, with the kernel's from the last {@code XDP_STATISTICS} read ({@code kernel}) or as 0. */
    private XdpStats counters(boolean kernel) {
        Receiver r = receiver;
        Transmitter t = transmitter;
        return new XdpStats(r.packets, r.bytes, r.polls, r.wakeups,
                t.packets, t.bytes, t.completed, t.dropped, t.kicks, t.polls,
                kernel ? (long) IfXdp.STAT_RX_DROPPED.get(statsBuf) : 0,
                kernel ? (long) IfXdp.STAT_RX_INVALID_DESCS.get(statsBuf) : 0,
                kernel ? (long) IfXdp.STAT_TX_INVALID_DESCS.get(statsBuf) : 0,
                kernel ? (long) IfXdp.STAT_RX_RING_FULL.get(statsBuf) : 0,
                kernel ? (long) IfXdp.STAT_RX_FILL_RING_EMPTY.get(statsBuf) : 0,
                kernel ? (long) IfXdp.STAT_TX_RING_EMPTY.get(statsBuf) : 0);
    }

    /** The interface's name, as given to open. */
    public String interfaceName() { return ifname; }
    /** The interface's ifindex (in the namespace the socket was opened in). */
    public int interfaceIndex() { return ifindex; }
    /** The NIC queue this socket is bound to. */
    public int queueId() { return queue; }
    public XdpOptions options() { return options; }
    /** Whether the kernel moves frames without copying (driver zero-copy support); false on veth. */
    public boolean isZeroCopy() { return zeroCopy; }
    /** Frames one copy-mode TX kick may send: what {@code txBudget} resolved to on this kernel (32 where it cannot be set). */
    public int txBudget() { return txBudget; }
    /** The longest frame a write accepts and a read can return: {@code frameSize − 256}. */
    public int maxFrameLength() { return options.frameRoom(); }
    public boolean isClosed() { return life.isClosed(); }

    /** Frames written and not yet completed (for tests and tools; racy from other threads). */
    int txInFlight() { return transmitter.inFlight(); }

    // ---- for XdpMultiQueue ------------------------------------------------------------------------

    Receiver receiver() { return receiver; }
    int xskFd() { return xsk.fd(); }

    /** Makes {@code g}'s reader safe from this socket's close: see {@link XdpMultiQueue#memberClosing}. */
    void joinGroup(XdpMultiQueue g) { this.group = g; }

    /** {@link #writePackets(List)} for {@code frames[from .. from+count)}. */
    int writePackets(List<byte[]> frames, int from, int count) throws XdpException {
        life.ensureOpen();
        try {
            return transmitter.writeBatch(frames, from, count);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /** Rejects a frame no write would take ({@link IllegalArgumentException}). */
    void checkFrameLength(int length) {
        transmitter.checkLength(length);
    }

    @Override
    public String toString() {
        return life.name() + (life.isClosed() ? " (closed)" : "");
    }

    // ---- close --------------------------------------------------------------------------------------

    /**
     * Closes the socket: lets the kernel complete frames already written (up to 1 s), wakes threads
     * blocked in reads or writes (they throw {@link XdpClosedException}), detaches and unloads the XDP
     * program (if this socket owns it), waits until no thread is inside a system call on the socket,
     * then unmaps the rings and the UMEM and closes the fds. Safe to call twice and from any thread;
     * never throws.
     */
    @Override
    public void close() {
        synchronized (control) {
            if (life.isClosed()) return;
            life.markClosed();
        }
        signalWake();
        XdpMultiQueue g = group;
        if (g != null) g.memberClosing();
        try {
            transmitter.flushForClose(CLOSE_FLUSH_NANOS);
        } catch (XdpException | RuntimeException ignored) {
            // Interface gone, or a writer racing with us: nothing more to complete.
        }
        synchronized (control) {
            try {
                finalStats = snapshot();
            } catch (XdpException | RuntimeException e) {
                finalStats = counters(false);  // the kernel would not say (interface gone): ours are still right
            }
        }
        if (program != null) program.close();
        // A multi-queue reader may be inside ppoll with our fd: the fd number must not be reused under it.
        if (closeArena() && (g == null || g.awaitMemberPollsDone())) {
            xsk.closeFd();
            closeFd(wakeFd);
        }
    }

    /**
     * Closes the arena (unmapping rings and UMEM) once no thread is inside a system call with its
     * memory. Returns false, leaving everything mapped and open, if that did not happen in time.
     */
    private boolean closeArena() {
        long deadline = System.nanoTime() + CLOSE_DRAIN_NANOS;
        while (true) {
            try {
                arena.close();
                return true;
            } catch (IllegalStateException inUse) {
                // A thread is inside ppoll or sendto with our memory: wake it again and wait.
                if (System.nanoTime() - deadline > 0) {
                    // Leak rather than free memory or fds under a running system call.
                    return false;
                }
                signalWake();
                LockSupport.parkNanos(200_000);
            }
        }
    }

    private void signalWake() {
        try (Arena call = Arena.ofConfined()) {
            Libc.write(Libc.allocateErrno(call), wakeFd, call.allocateFrom(JAVA_LONG, 1L), Long.BYTES);
        }
    }

    private XdpException translate(RuntimeException e) {
        // Closed under us: the arena's memory is gone (IllegalStateException), or a racing close
        // left engine state inconsistent. Either way the caller sees one clear answer.
        if (life.isClosed()) {
            XdpClosedException c = life.closedException();
            c.initCause(e);
            return c;
        }
        throw e;
    }

    /** A non-blocking eventfd: a wake-up that close() signals and ppoll watches. */
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

    static int createEventFd(String name) throws XdpException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(call);
            int fd = Libc.eventfd(errno, 0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
            return SysCall.check(fd, errno, "eventfd() for " + name);
        }
    }

    static void closeFd(int fd) {
        try (Arena call = Arena.ofConfined()) {
            Libc.close(Libc.allocateErrno(call), fd);
        }
    }

    /** Fails early, with a typed reason, where AF_XDP cannot exist. */
    static final class Platform {
        private Platform() {}

        static void check() throws XdpUnavailableException {
            String os = System.getProperty("os.name", "");
            String arch = System.getProperty("os.arch", "");
            if (!os.toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                throw new XdpUnavailableException(Missing.OPERATING_SYSTEM, "AF_XDP needs Linux; this is " + os);
            }
            if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
                throw new XdpUnavailableException(Missing.OPERATING_SYSTEM,
                        "xdppacket supports Linux on x86_64 and aarch64; this is " + arch);
            }
        }
    }
}
