package io.xdppacket;

import io.xdppacket.internal.bpf.XskMap;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.sys.NetDevice;
import io.xdppacket.internal.sys.NetNs;
import io.xdppacket.internal.xsk.Poller;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * AF_XDP sockets on queues {@code [0, queueCount)} of one interface (the seed's {@code XDPMultiQueue}):
 * one {@link XdpSocket} per queue, each with its own UMEM and rings, all fed by one XDP program that
 * redirects queue {@code q} to entry {@code q} of one XSKMAP.
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
 * class's own reads and writes from one thread, which try every queue: {@link #zeroCopyReadPacket}
 * and {@link #readPacket()} return one frame from each queue that has one,
 * {@link #zeroCopyReadPackets} fills a whole batch from all queues, fairly, and {@link #writePacket}
 * spreads a list or an array range of frames over the queues. A one-thread loop of
 * {@code zeroCopyReadPackets} and {@link #writePacket(byte[][], int, int)} allocates nothing.
 *
 * <p><b>Threads.</b> Every ring is single-producer/single-consumer, so each socket has at most one
 * reading thread and at most one writing thread at a time. This class's reads are the reading
 * thread of every socket, and its writes the writing thread of every socket: do not read (or write)
 * through this class and through {@link #sockets()} at the same time, and do not call this class's
 * reads (or writes) from two threads at once. {@link #stats()} and {@link #close()} may be called
 * from any thread.
 *
 * <p><b>Closing.</b> {@link #close()} wakes every blocked reader and writer, of this class and of
 * the per-queue sockets (they throw {@link XdpClosedException}), detaches the program once, and
 * closes every socket. Closing one socket of {@link #sockets()} alone gives its queue back to the
 * kernel stack and leaves the others working: reads here skip it, writes here fail on it
 * ({@link XdpPartialWriteException}), and {@link #stats()} keeps its counters from when it closed.
 */
public final class XdpMultiQueue implements AutoCloseable {
    /** How long close() waits for a reader still inside ppoll over the sockets. */
    private static final long CLOSE_DRAIN_NANOS = 5_000_000_000L;
    /** A blocking wait re-checks the closed flags at least this often, even if no wake-up arrives. */
    private static final long BLOCK_CHUNK_NANOS = 1_000_000_000L;

    private final String ifname;
    private final int ifindex;
    private final XdpOptions options;
    private final Lifecycle life;
    private final XdpSocket[] members;
    private final Receiver[] receivers;
    private final List<XdpSocket> sockets;
    /** The XSKMAP, program and attachment that feed every socket; null for a send-only set. */
    private final Redirect redirect;
    private final Arena arena;
    private final int wakeFd;
    private final Poller poller;
    private final boolean block;
    private final long pollTimeoutNanos;
    private final long busyPollNanos;
    private final Object control = new Object();
    /** Guarded by {@link #control}: the wake-up fd is closed, its number may belong to someone else. */
    private boolean wakeFdClosed;
    /**
     * Odd while the reader is inside (or entering) a {@code ppoll} over the sockets' fds, even
     * otherwise; written only by the reading thread. See {@link #awaitMemberPollsDone()}.
     */
    private volatile int pollSeq;

    // Reading thread only.
    private PacketBatch heldBatch;
    /** The queue {@link #zeroCopyReadPackets} serves first next time. */
    private int firstQueue;
    private final byte[][] copies;

    private XdpMultiQueue(String ifname, int ifindex, XdpOptions options, Lifecycle life, XdpSocket[] members,
                          Redirect redirect, Arena arena, int wakeFd,
                          Poller poller) {
        this.ifname = ifname;
        this.ifindex = ifindex;
        this.options = options;
        this.life = life;
        this.members = members;
        this.receivers = new Receiver[members.length];
        for (int q = 0; q < members.length; q++) receivers[q] = members[q].receiver();
        this.sockets = List.of(members);
        this.redirect = redirect;
        this.arena = arena;
        this.wakeFd = wakeFd;
        this.poller = poller;
        this.block = options.ioMode() == IoMode.BLOCK;
        this.pollTimeoutNanos = options.pollTimeout().toNanos();
        this.busyPollNanos = options.busyPoll().toNanos();
        this.copies = new byte[members.length][];
    }

    /**
     * Opens a socket on each queue {@code [0, options.queueCount())} of {@code ifname}, loads the
     * redirect program and attaches it once, in {@code options.xdpMode()}. On failure nothing stays
     * open or attached.
     *
     * @throws IllegalArgumentException bad interface name
     * @throws XdpUnavailableException not Linux, no AF_XDP or BPF, missing privilege, or the interface
     *         refuses the XDP mode
     * @throws XdpException no such interface, {@code queueCount} above the interface's RX queues in use
     *         (TX queues for a send-only set, {@code receive(false)}; the message says how to see and
     *         raise them), a queue busy, or another kernel refusal
     */
    public static XdpMultiQueue open(String ifname, XdpOptions options) throws XdpException {
        if (options == null) throw new NullPointerException("options");
        XdpSocket.Platform.check();
        try (NetNs ns = options.networkNamespace() == null ? null : NetNs.enter(options.networkNamespace())) {
            int ifindex = NetDevice.ifindex(ifname);
            // A send-only set sends through TX queues and receives on none: its limit is the TX queues.
            String kind = options.receive() ? "RX" : "TX";
            int available = options.receive() ? NetDevice.rxQueueCount(ifname) : NetDevice.txQueueCount(ifname);
            if (options.queueCount() > available) {
                throw new XdpException("queueCount = " + options.queueCount() + ", but " + ifname + " has " + available
                        + " " + kind + " queue" + (available == 1 ? "" : "s") + " in use; XdpMultiQueue binds one socket to each queue "
                        + "[0, queueCount). See them with 'ethtool -l " + ifname + "' (or ls /sys/class/net/" + ifname
                        + "/queues), raise them with 'ethtool -L " + ifname + " combined N' (or " + kind.toLowerCase(java.util.Locale.ROOT)
                        + " N) up to the driver's maximum; a veth gets its queues when created: ip link add ... numrxqueues N"
                        + " numtxqueues N, on both ends");
            }
            return openQueues(ifname, ifindex, options);
        }
    }

    /** Runs in the caller's (already entered) network namespace. */
    private static XdpMultiQueue openQueues(String ifname, int ifindex, XdpOptions options) throws XdpException {
        int n = options.queueCount();
        String name = "XdpMultiQueue(" + ifname + ", " + n + " queue" + (n == 1 ? "" : "s") + ")";
        XdpSocket[] members = new XdpSocket[n];
        Arena arena = Arena.ofShared();
        int wakeFd = -1;
        XskMap map = null;
        Redirect redirect = null;
        try {
            wakeFd = XdpSocket.createEventFd(name);
            if (options.receive()) map = XskMap.create(n);
            int[] fds = new int[n];
            for (int q = 0; q < n; q++) {
                members[q] = XdpSocket.openQueue(ifname, ifindex, q, options, map);
                fds[q] = members[q].xskFd();
            }
            Poller poller = new Poller(arena, fds, Libc.POLLIN, wakeFd, "RX of " + name);
            // Attach last: until now no frame was redirected, so a failure above lost nothing.
            if (map != null) {
                XskMap m = map;
                map = null; // Redirect owns it now, also on failure
                redirect = Redirect.attach(m, ifindex, options.xdpMode());
            }
            XdpMultiQueue mq = new XdpMultiQueue(ifname, ifindex, options, new Lifecycle(name), members, redirect,
                    arena, wakeFd, poller);
            for (XdpSocket s : members) s.joinGroup(mq);
            return mq;
        } catch (XdpException | RuntimeException | Error e) {
            if (redirect != null) redirect.close();
            for (int q = n - 1; q >= 0; q--) {
                if (members[q] != null) members[q].close();
            }
            if (map != null) map.close();
            arena.close();
            if (wakeFd >= 0) XdpSocket.closeFd(wakeFd);
            throw e;
        }
    }

    // ---- per-queue sockets -------------------------------------------------------------------------

    /**
     * The per-queue sockets (the seed's {@code GetXDPSocketFromMultiQueue}): element {@code q} is
     * bound to queue {@code q}. Unmodifiable. Each is usable with the whole single-queue API from its
     * own thread; see the class comment for the rules.
     */
    public List<XdpSocket> sockets() {
        return sockets;
    }

    /** The socket of queue {@code queue}. */
    public XdpSocket socket(int queue) {
        return members[Objects.checkIndex(queue, members.length)];
    }

    // ---- reads -------------------------------------------------------------------------------------

    /**
     * Tries one frame from each queue, in place (the seed's {@code ZeroCopyReadPacket}): fills
     * {@code batch} with at most one frame per queue, in queue order, and returns how many. Each
     * frame's {@link Packet#info()} says which queue it came from. Allocates nothing.
     *
     * <p>BLOCK mode waits until at least one queue has a frame. NONBLOCK mode waits at most one
     * {@code pollTimeout} in total, with one {@code ppoll} over all queues (the seed's read waited
     * up to {@code pollTimeout} on each queue in turn). The views stay valid until the next read
     * here or {@link #release()}.
     *
     * @return frames read (also {@code batch.size()}); 0 in NONBLOCK mode when none arrived in time
     * @throws IllegalArgumentException if {@code batch.capacity() < queueCount()}
     * @throws XdpClosedException if this set, or every one of its sockets, is closed
     */
    public int zeroCopyReadPacket(PacketBatch batch) throws XdpException {
        life.ensureOpen();
        if (batch.packets.length < members.length) {
            throw new IllegalArgumentException("batch capacity " + batch.packets.length + " < " + members.length
                    + " queues: a read takes up to one frame from each queue (new PacketBatch(queueCount()))");
        }
        return readInPlace(batch, false);
    }

    /**
     * Reads up to {@code batch.capacity()} frames in place from all queues together: the one-thread
     * counterpart of {@link XdpSocket#zeroCopyReadPackets}, for a loop that serves every queue. Each
     * frame's {@link Packet#info()} says which queue it came from. Allocates nothing.
     *
     * <p>Fair: every queue that has frames gets a share of the batch ({@code capacity / queueCount},
     * at least one) before any gets more; room left over then goes to the queues that filled their
     * share, taking what each has. The queue that goes first moves on by one queue after each read, so
     * with a batch smaller than the number of busy queues none starves. Frames of one queue keep their
     * order; frames of different queues interleave, by share, not by arrival time (each frame's
     * timestamp is its own queue's).
     *
     * <p>Waits as {@link #zeroCopyReadPacket} does: BLOCK mode until at least one queue has a frame,
     * NONBLOCK mode at most one {@code pollTimeout} in total (one {@code ppoll} over all queues). The
     * views stay valid until the next read here or {@link #release()}; a read on one of
     * {@link #sockets()} in between also ends them (see the class comment on mixing the two). Queues
     * whose socket was closed on its own are skipped.
     *
     * @return frames read (also {@code batch.size()}); 0 in NONBLOCK mode when none arrived in time
     * @throws XdpClosedException if this set, or every one of its sockets, is closed
     */
    public int zeroCopyReadPackets(PacketBatch batch) throws XdpException {
        life.ensureOpen();
        return readInPlace(batch, true);
    }

    /**
     * The zero-copy reads: rounds over the queues, each a whole fair batch ({@code wholeBatch}) or one
     * frame from each queue, until one finds frames, waiting between rounds as the I/O mode says.
     */
    private int readInPlace(PacketBatch batch, boolean wholeBatch) throws XdpException {
        try {
            releaseAll();
            long deadline = block ? 0 : System.nanoTime() + pollTimeoutNanos;
            while (true) {
                int k = wholeBatch ? takeFairly(batch) : takeOneEach(batch);
                if (k > 0) {
                    batch.size = k;
                    heldBatch = batch;
                    return k;
                }
                if (!awaitAny(deadline)) return 0;
            }
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /** One non-waiting round of {@link #zeroCopyReadPacket}: a frame from each queue that has one, in queue order. */
    private int takeOneEach(PacketBatch batch) {
        Packet[] views = batch.packets;
        int k = 0;
        for (int q = 0; q < members.length; q++) {
            if (members[q].isClosed()) continue;
            try {
                if (receivers[q].tryReadOne(views[k])) k++;
            } catch (RuntimeException e) {
                if (!members[q].isClosed()) throw e;  // else: closed under us, skip it
            }
        }
        return k;
    }

    /**
     * One non-waiting round of {@link #zeroCopyReadPackets}: a share for each queue in turn, from
     * {@link #firstQueue}, then the rest of the batch to the queues that may have more.
     */
    private int takeFairly(PacketBatch batch) {
        int n = members.length;
        int capacity = batch.capacity();
        int share = Math.max(1, capacity / n);
        int start = firstQueue;
        int k = 0;
        int last = start;      // the last queue the first round took from
        boolean more = false;  // some queue filled its share, so it may have frames left
        int visited = 0;
        for (; visited < n && k < capacity; visited++) {
            int q = start + visited < n ? start + visited : start + visited - n;
            int got = take(q, batch, k, Math.min(share, capacity - k));
            if (got == 0) continue;
            k += got;
            last = q;
            if (got == share) more = true;
        }
        // The batch filled up before every queue had its turn: the ones left out go first next time.
        // Otherwise the first place, and with it the leftover room, moves on by one queue.
        int after = visited < n ? last + 1 : start + 1;
        firstQueue = after < n ? after : 0;
        for (int i = 0; more && i < n && k < capacity; i++) {
            int q = start + i < n ? start + i : start + i - n;
            k += take(q, batch, k, capacity - k);
        }
        return k;
    }

    /** Up to {@code max} frames of queue {@code q} into the batch at {@code at}; 0 if it has none or its socket is closed. */
    private int take(int q, PacketBatch batch, int at, int max) {
        if (members[q].isClosed()) return 0;
        try {
            return receivers[q].tryReadInto(batch, at, max);
        } catch (RuntimeException e) {
            if (!members[q].isClosed()) throw e;  // else: closed under us, skip it
            return 0;
        }
    }

    /**
     * Tries one frame from each queue, copied (the seed's {@code ReadPacket}): one new array per
     * queue that has a frame, in queue order. Waits as {@link #zeroCopyReadPacket} does.
     *
     * @return the frames; empty in NONBLOCK mode when none arrived in time
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
     */
    public List<byte[]> readPacket(PacketInfo[] infos) throws XdpException {
        life.ensureOpen();
        if (infos != null && infos.length < members.length) {
            throw new IllegalArgumentException("infos has " + infos.length + " elements, fewer than the "
                    + members.length + " queues a read can return a frame from");
        }
        try {
            releaseAll();
            long deadline = block ? 0 : System.nanoTime() + pollTimeoutNanos;
            while (true) {
                int k = 0;
                for (int q = 0; q < members.length; q++) {
                    if (members[q].isClosed()) continue;
                    try {
                        byte[] f = receivers[q].tryReadCopy(infoAt(infos, k));
                        if (f != null) copies[k++] = f;
                    } catch (RuntimeException e) {
                        if (!members[q].isClosed()) throw e;
                    }
                }
                if (k > 0) {
                    List<byte[]> out = List.of(Arrays.copyOf(copies, k));
                    Arrays.fill(copies, 0, k, null);
                    return out;
                }
                if (!awaitAny(deadline)) return List.of();
            }
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * Gives the frames of the last {@link #zeroCopyReadPacket} or {@link #zeroCopyReadPackets} back
     * to the kernel now, instead of at the next read.
     */
    public void release() throws XdpException {
        life.ensureOpen();
        try {
            releaseAll();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    private static PacketInfo infoAt(PacketInfo[] infos, int k) {
        if (infos == null) return null;
        PacketInfo info = infos[k];
        if (info == null) infos[k] = info = new PacketInfo();
        return info;
    }

    /** Releases every queue's held frames before a new round: see {@link Receiver#tryReadOne} and {@link Receiver#tryReadInto}. */
    private void releaseAll() {
        for (int q = 0; q < members.length; q++) {
            if (members[q].isClosed()) continue;
            try {
                receivers[q].releaseHeld();
            } catch (RuntimeException e) {
                if (!members[q].isClosed()) throw e;
            }
        }
        if (heldBatch != null) {
            heldBatch.clear();  // also the views of queues closed since, whose frames are gone
            heldBatch = null;
        }
    }

    /**
     * Waits until some queue has a frame and returns true; in NONBLOCK mode returns false once
     * {@code deadline} has passed. Spins over the rings for {@code busyPoll} first, as a single
     * socket's read does, then sleeps in one {@code ppoll} over all of them.
     */
    private boolean awaitAny(long deadline) throws XdpException {
        prepareAll();
        if (busyPollNanos > 0) {
            long until = System.nanoTime() + busyPollNanos;
            if (!block && deadline - until < 0) until = deadline;
            for (int i = 1; ; i++) {
                Thread.onSpinWait();
                if (anyReady()) return true;
                if (i % Receiver.SPINS_PER_CHECK == 0) {
                    life.ensureOpen();
                    if (System.nanoTime() - until >= 0) break;
                }
            }
        }
        while (true) {
            long wait = BLOCK_CHUNK_NANOS;
            if (!block) {
                wait = deadline - System.nanoTime();
                if (wait <= 0) return false;
            }
            if (pollMembers(wait) == Poller.WOKEN) {
                life.ensureOpen();   // closing: throws
                poller.clearWake();  // a socket closed on its own: wait again without it
            }
            if (anyReady()) return true;
            prepareAll();
        }
    }

    /** Before sleeping: each queue's free frames back on FILL, and the kicks the kernel asked for. */
    private void prepareAll() {
        for (int q = 0; q < members.length; q++) {
            if (members[q].isClosed()) continue;
            try {
                receivers[q].prepareToWait();
            } catch (RuntimeException e) {
                if (!members[q].isClosed()) throw e;
            }
        }
    }

    private boolean anyReady() {
        for (int q = 0; q < members.length; q++) {
            if (members[q].isClosed()) continue;
            try {
                if (receivers[q].hasFrames()) return true;
            } catch (RuntimeException e) {
                if (!members[q].isClosed()) throw e;
            }
        }
        return false;
    }

    /**
     * One {@code ppoll} over the fds of the sockets still open, and this set's wake-up fd. A socket
     * closing on its own must not have its fd closed (and the number reused) while that fd is in the
     * poll set; {@link #pollSeq} and the sockets' closed flags make a Dekker-style handshake: we mark
     * "polling" and then read the flags, a closing socket sets its flag and then reads "polling"
     * (all volatile), so either we see it closed and leave it out, or it sees us polling and waits.
     */
    private int pollMembers(long wait) throws XdpException {
        pollSeq++;  // odd: entering
        try {
            life.ensureOpen();
            int watched = 0;
            for (int q = 0; q < members.length; q++) {
                if (!poller.watching(q)) continue;
                if (members[q].isClosed()) {
                    poller.exclude(q);
                    continue;
                }
                receivers[q].countPoll();
                watched++;
            }
            if (watched == 0) throw new XdpClosedException("every socket of " + life.name());
            return poller.await(wait);
        } finally {
            pollSeq++;  // even: out
        }
    }

    // ---- writes ------------------------------------------------------------------------------------

    /**
     * Sends {@code frames} spread over the queues in order (the seed's {@code WritePacket} of a
     * multi-queue set). The list is cut into {@link #queueCount()} contiguous chunks, as equal as
     * possible (the first {@code size % queueCount} chunks one frame longer), and chunk {@code q} is
     * written to queue {@code q} with one batch write, queue after queue. So each queue sends its
     * frames in list order, and a count of frames taken is always a prefix of the list. For
     * efficiency pass at least {@code 32 × queueCount} frames: every queue with frames costs at
     * least one kick.
     *
     * <p>Every frame is checked before any is written. In NONBLOCK mode a queue that has no room
     * for {@code pollTimeout} is not an error: the write stops there and returns fewer than
     * {@code frames.size()}, still a prefix. A kernel failure on queue {@code q} (or its socket
     * closed) throws {@link XdpPartialWriteException} with the count of frames taken before it. If
     * this whole set is closed during the write, the exception is {@link XdpClosedException}, as for
     * any call on a closed set, and its cause is the {@code XdpPartialWriteException} with the count.
     *
     * @return frames taken: {@code frames.size()}, or fewer only in NONBLOCK mode (a prefix)
     * @throws IllegalArgumentException if a frame is shorter than 14 or longer than {@code frameSize − 256} bytes
     * @throws XdpPartialWriteException if writing to a queue failed; {@link XdpPartialWriteException#written()} frames were taken
     * @throws XdpClosedException if this set is closed, before or during the write
     */
    public int writePacket(List<byte[]> frames) throws XdpException {
        life.ensureOpen();
        return writeChunks(null, frames, 0, frames.size());
    }

    /** {@link #writePacket(List)} for an array (not copied). */
    public int writePacket(byte[][] frames) throws XdpException {
        return writePacket(frames, 0, frames.length);
    }

    /**
     * {@link #writePacket(List)} for {@code frames[from .. from+count)}, without wrapping the array in
     * a list: for a loop that refills one array of frames and writes it again and again, this
     * allocates nothing. The range is cut into chunks exactly as a list of those {@code count}
     * frames would be. Counts are relative to {@code from}: the return value, and
     * {@link XdpPartialWriteException#written()} on a failure, say that {@code frames[from .. from+n)}
     * were taken and nothing from {@code frames[from+n]} on; so a caller that retries continues at
     * {@code from + n}.
     *
     * @return frames taken from {@code from} on: {@code count}, or fewer only in NONBLOCK mode (a prefix of the range)
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public int writePacket(byte[][] frames, int from, int count) throws XdpException {
        life.ensureOpen();
        Objects.checkFromIndexSize(from, count, frames.length);
        return writeChunks(frames, null, from, count);
    }

    /**
     * The one write path, over an array or (if {@code array} is null) a list, as in the per-socket
     * batch write; the array-or-list test is loop-invariant, so the JIT unswitches it.
     */
    private int writeChunks(byte[][] array, List<byte[]> list, int from, int total) throws XdpException {
        for (int i = from; i < from + total; i++) {
            byte[] f = array != null ? array[i] : list.get(i);
            if (f == null) throw new NullPointerException("frame " + i + " is null");
            members[0].checkFrameLength(f.length);  // same options, same limit on every queue
        }
        int n = members.length;
        int base = total / n;
        int longer = total % n;
        int written = 0;
        for (int q = 0; q < n; q++) {
            int count = base + (q < longer ? 1 : 0);
            if (count == 0) break;
            int taken;
            try {
                taken = array != null
                        ? members[q].writePackets(array, from + written, count)
                        : members[q].writePackets(list, from + written, count);
            } catch (XdpException e) {
                XdpPartialWriteException partial = new XdpPartialWriteException(written, q, e);
                if (!life.isClosed()) throw partial;
                // Closed by the caller: the same exception as every other call on a closed set, count inside.
                XdpClosedException closed = life.closedException();
                closed.initCause(partial);
                throw closed;
            }
            written += taken;
            if (taken < count) break;  // NONBLOCK timeout: later chunks would break the prefix
        }
        return written;
    }

    // ---- state -------------------------------------------------------------------------------------

    /**
     * Each queue's counters and their total. A queue whose socket was closed on its own reports the
     * counters it had then.
     */
    public XdpMultiQueueStats stats() throws XdpException {
        life.ensureOpen();
        XdpStats[] perQueue = new XdpStats[members.length];
        for (int q = 0; q < members.length; q++) perQueue[q] = members[q].statsOrFinal();
        return new XdpMultiQueueStats(List.of(perQueue));
    }

    public int queueCount() { return members.length; }
    /** The interface's name, as given to open. */
    public String interfaceName() { return ifname; }
    /** The interface's ifindex (in the namespace the sockets were opened in). */
    public int interfaceIndex() { return ifindex; }
    public XdpOptions options() { return options; }
    public boolean isClosed() { return life.isClosed(); }

    @Override
    public String toString() {
        return life.name() + (life.isClosed() ? " (closed)" : "");
    }

    // ---- close -------------------------------------------------------------------------------------

    /**
     * Closes everything: wakes readers blocked here (they throw {@link XdpClosedException}), detaches
     * the program (once), closes every socket (each completes its written frames, wakes its own
     * blocked readers and writers, unmaps and closes, as {@link XdpSocket#close()}), then unloads
     * the program and the map. Safe to call twice and from any thread; never throws.
     */
    @Override
    public void close() {
        synchronized (control) {
            if (life.isClosed()) return;
            life.markClosed();
        }
        signalWake();
        if (redirect != null) redirect.close();
        for (XdpSocket s : members) s.close();
        if (closeArena()) {
            synchronized (control) {
                wakeFdClosed = true;
            }
            XdpSocket.closeFd(wakeFd);
        }
    }

    /**
     * Called by a socket's close right after it marked itself closed: wakes our reader, which then
     * polls without that socket.
     */
    void memberClosing() {
        signalWake();
    }

    /**
     * Called by a socket's close before it closes its fd: returns once no {@code ppoll} that might
     * include that fd is running (see {@link #pollMembers}), or false if the reader stayed inside one
     * for {@link #CLOSE_DRAIN_NANOS}; the socket then leaks its fd rather than close it under a wait.
     */
    boolean awaitMemberPollsDone() {
        int seq = pollSeq;
        if ((seq & 1) == 0) return true;  // not polling: the next poll will see the socket closed
        long deadline = System.nanoTime() + CLOSE_DRAIN_NANOS;
        while (pollSeq == seq) {
            if (System.nanoTime() - deadline > 0) return false;
            signalWake();
            LockSupport.parkNanos(200_000);
        }
        return true;
    }

    /** Closes the arena (the poller's memory) once no thread is inside ppoll with it; false if that did not happen in time. */
    private boolean closeArena() {
        long deadline = System.nanoTime() + CLOSE_DRAIN_NANOS;
        while (true) {
            try {
                arena.close();
                return true;
            } catch (IllegalStateException inUse) {
                if (System.nanoTime() - deadline > 0) return false;
                signalWake();
                LockSupport.parkNanos(200_000);
            }
        }
    }

    private void signalWake() {
        synchronized (control) {
            if (wakeFdClosed) return;
            try (Arena call = Arena.ofConfined()) {
                Libc.write(Libc.allocateErrno(call), wakeFd, call.allocateFrom(JAVA_LONG, 1L), Long.BYTES);
            }
        }
    }

    private XdpException translate(RuntimeException e) {
        if (life.isClosed()) {
            XdpClosedException c = life.closedException();
            c.initCause(e);
            return c;
        }
        throw e;
    }
}
