package io.xdppacket;

import io.xdppacket.internal.sys.Errno;
import io.xdppacket.internal.sys.IfXdp;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.sys.SysCall;
import io.xdppacket.internal.xsk.FillRing;
import io.xdppacket.internal.xsk.Poller;
import io.xdppacket.internal.xsk.RxRing;
import io.xdppacket.internal.xsk.XskKicks;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The receive side of a socket: RX ring in, FILL ring out, the socket's receive frames of the UMEM,
 * and the counters only the reading thread writes.
 *
 * <p><b>Where a receive frame is.</b> Always in exactly one place: free here ({@link #recycle},
 * waiting to go back to FILL in a batch); on the FILL ring (the kernel may receive into it); on the
 * RX ring (received, not yet read); shown by a {@link Packet} this side lent out (its
 * {@code owner} is this side — a zero-copy read); on some socket's TX or COMPLETION ring (forwarded:
 * the view was cleared when it was posted); or on its way back through a {@link FrameReturns} ring
 * from the transmit side that reclaimed it. A read peeks descriptors, uses them, and only then
 * releases their ring slots; if using one fails, the peek is cancelled and the frame stays on the RX
 * ring, so no caller's mistake can lose a frame. Frames go back to FILL in batches of
 * {@link #REFILL_BATCH}, and all of them before the thread sleeps.
 *
 * <p><b>Frames of several buffers.</b> On a multi-buffer socket a frame arrives as a chain of
 * descriptors, all but the last marked {@code XDP_PKT_CONTD}; a read takes whole chains only and
 * shows each as one {@link Packet}. A chain with an invalid descriptor, or longer than a frame can
 * be ({@link Packet#MAX_SEGMENTS}), is dropped whole and counted in {@link #invalid}.
 *
 * <p>One reading thread at a time ({@link #guard()}): the public reads enter the guard themselves.
 * A multi-queue reader is the reading thread of each of its sockets: it holds their guards for the
 * length of its call and uses the non-waiting {@code try...} reads.
 */
final class Receiver {
    /** Frames gathered before one FILL submission. */
    static final int REFILL_BATCH = 16;
    /** The program's arrival stamp: a native-order u64 in the metadata, right in front of the frame's first byte. */
    private static final ValueLayout.OfLong STAMP = ValueLayout.JAVA_LONG_UNALIGNED;

    private final RxRing rx;
    private final FillRing fill;
    private final XdpUmem umem;
    private final MemorySegment memory;
    private final long rxFirst;
    private final long rxEnd;
    private final long frameMask;
    private final int frameSize;
    private final long[] recycle;
    private int recycleCount;
    private final int rxFrames;
    /** Rings on which transmit sides send this side's forwarded frames home; copy-on-write. */
    private volatile FrameReturns[] returns = new FrameReturns[0];
    private PacketBatch heldBatch;
    private Packet heldPacket;
    private final Packet single = new Packet();

    private final SocketResources resources;
    private final UseGuard guard;
    private final WaitPolicy policy;
    private final WaitPolicy.Waitable framesArrived = new FramesArrived();
    private final XskKicks kernel;
    private final MemorySegment clock = MemorySegment.ofArray(new long[2]);
    /** When the frames now cached from the RX ring were first seen: one clock read per ring refresh, not per frame. */
    private long seenAt;
    private final int ifindex;
    private final int queue;
    /** False for a send-only socket: every read is refused, before it could wait for ever. */
    private final boolean receiving;
    /** With kernel busy polling, an empty RX ring is a cue to run the device's poll: a wake-up call. */
    private final boolean kernelBusyPoll;
    /** Whether the XDP program stamps each frame's arrival in the 8 bytes of metadata in front of it. */
    private final boolean arrivalStamps;
    /** {@code CLOCK_REALTIME − CLOCK_TAI}, whole seconds, as last read: turns the program's TAI stamps into wall-clock time. */
    private long taiToWall;

    // Counters: written by the reading thread only.
    long packets, bytes, polls, wakeups, invalid;

    /**
     * @param rxFirst UMEM address of the first receive frame; they are {@code rxFrames} consecutive frames from there
     */
    Receiver(QueueContext ctx, RxRing rx, FillRing fill, long rxFirst, int rxFrames) {
        this.resources = ctx.resources();
        this.kernel = ctx.kicks();
        this.rx = rx;
        this.fill = fill;
        this.umem = ctx.umem();
        this.memory = umem.memory();
        this.frameSize = umem.frameSize();
        this.frameMask = ~((long) frameSize - 1);
        this.rxFirst = rxFirst;
        this.rxEnd = rxFirst + (long) rxFrames * frameSize;
        this.rxFrames = rxFrames;
        this.recycle = new long[rxFrames];
        this.receiving = ctx.options().receive();
        this.arrivalStamps = ctx.arrivalStamps();
        this.kernelBusyPoll = !ctx.options().kernelBusyPoll().isZero();
        this.ifindex = ctx.ifindex();
        this.queue = ctx.queue();
        this.guard = resources.newGuard("two threads read from " + resources.name() + " at once: a socket has one reading thread at a time"
                + " (its RX and FILL rings each have one user-space side; an XdpMultiQueue's reads are the reading thread of every"
                + " socket of the set). Read from one thread, or hand the socket from one thread to the next between reads");
        Poller poller = new Poller(resources.arena(), new int[] {ctx.fd()}, Libc.POLLIN, resources.wakeFd(), "RX of " + resources.name());
        this.policy = WaitPolicy.forReader(poller, ctx.options());
        for (int i = rxFrames - 1; i >= 0; i--) recycle[recycleCount++] = rxFirst + (long) i * frameSize;
        refill();
    }

    /** The owner of this socket's resources (its closed state). */
    SocketResources resources() {
        return resources;
    }

    /** The reading side's guard: a multi-queue reader holds it while it reads this socket's rings. */
    UseGuard guard() {
        return guard;
    }

    XdpUmem umem() {
        return umem;
    }

    boolean arrivalStamps() {
        return arrivalStamps;
    }

    /** Frames free here, not yet on FILL (for tests and frame accounting). */
    int framesWaitingForFill() {
        return recycleCount;
    }

    /** The frames free here, and those on their way home, for tests of who holds which frame. */
    long[] framesHere() {
        long[] here = Arrays.copyOf(recycle, recycleCount);
        for (FrameReturns r : returns) {
            long[] back = r.pendingFrames();
            here = Arrays.copyOf(here, here.length + back.length);
            System.arraycopy(back, 0, here, here.length - back.length, back.length);
        }
        return here;
    }

    /**
     * A new ring for one transmit side to send this side's forwarded frames home on. Called by that
     * transmit side, once, the first time it reclaims one of them.
     */
    FrameReturns newReturns() {
        FrameReturns r = new FrameReturns(rxFrames);
        synchronized (this) {
            FrameReturns[] old = returns;
            FrameReturns[] n = Arrays.copyOf(old, old.length + 1);
            n[old.length] = r;
            returns = n;
        }
        return r;
    }

    // ---- reads: each checks its arguments, then enters the guard ----------------------------------

    /** Zero-copy batch read: fills {@code batch}, returns the count; 0 only in NONBLOCK mode after the timeout. */
    int readBatch(PacketBatch batch) throws XdpException {
        Objects.requireNonNull(batch, "batch");
        enter();
        try {
            releaseHeld();
            batch.requireFree(this);
            while (true) {
                if (awaitFrames() == 0) return 0;
                int k = takeInto(batch, 0, batch.packets.length);
                if (k > 0) {
                    batch.lend(k, this);
                    heldBatch = batch;
                    return k;
                }
            }
        } finally {
            guard.exit();
        }
    }

    /** Zero-copy single read: the socket's own view, or {@code null} in NONBLOCK mode after the timeout. */
    Packet readOne() throws XdpException {
        enter();
        try {
            releaseHeld();
            while (true) {
                if (awaitFrames() == 0) return null;
                if (takeOne(single)) {
                    heldPacket = single;
                    return single;
                }
            }
        } finally {
            guard.exit();
        }
    }

    /** Copying read into a new array, or {@code null} in NONBLOCK mode after the timeout. */
    byte[] readCopy(PacketInfo info) throws XdpException {
        enter();
        try {
            releaseHeld();
            while (true) {
                if (awaitFrames() == 0) return null;
                byte[] data = copyNext(info);
                if (data != null) return data;
            }
        } finally {
            guard.exit();
        }
    }

    /**
     * Copying read into the caller's array: copies {@code min(length, dst.length - offset)} bytes and
     * returns the frame's length, or -1 in NONBLOCK mode after the timeout.
     */
    int readInto(byte[] dst, int offset, PacketInfo info) throws XdpException {
        Objects.requireNonNull(dst, "dst");
        Objects.checkIndex(offset, dst.length + 1);
        enter();
        try {
            releaseHeld();
            while (true) {
                if (awaitFrames() == 0) return -1;
                int len = copyNextInto(dst, offset, info);
                if (len >= 0) return len;
            }
        } finally {
            guard.exit();
        }
    }

    /** Gives the frames of the last zero-copy read back now. */
    void release() throws XdpException {
        enter();
        try {
            releaseHeld();
        } finally {
            guard.exit();
        }
    }

    private void enter() throws XdpClosedException {
        if (!receiving) throw sendOnly();
        guard.enter();
    }

    // ---- non-waiting reads, for a reader that holds the guard and waits on several sockets itself ----

    /** Takes one frame, if one is there, into {@code view} without waiting. The caller gives it back ({@link #takeBack}). */
    boolean tryReadOne(Packet view) {
        while (availableStamped() > 0) {
            if (takeOne(view)) return true;
        }
        return false;
    }

    /** Takes up to {@code max} frames that are there, without waiting, into {@code batch.packets[at ..]}; returns how many. */
    int tryReadInto(PacketBatch batch, int at, int max) {
        return availableStamped() == 0 ? 0 : takeInto(batch, at, at + max);
    }

    /** Copies one frame, if one is there, into a new array without waiting; {@code null} if none. */
    byte[] tryReadCopy(PacketInfo info) {
        while (availableStamped() > 0) {
            byte[] data = copyNext(info);
            if (data != null) return data;
        }
        return null;
    }

    /** Gives back the frames of this side's last zero-copy read, and clears the views that showed them. */
    void releaseHeld() {
        if (heldBatch != null) {
            heldBatch.giveBack(this);  // does nothing if another read has filled the batch since
            heldBatch = null;
        }
        if (heldPacket != null) {
            if (heldPacket.owner == this) takeBack(heldPacket);
            heldPacket.clear();
            heldPacket = null;
        }
        refillIfDue();
    }

    /** The frames {@code view} shows come back from the application; the view is left as it is. */
    void takeBack(Packet view) {
        for (int s = 0; s < view.segmentCount(); s++) recycle[recycleCount++] = view.segmentAddress(s) & frameMask;
    }

    /**
     * What a waiting reader checks: whether a frame is waiting; with kernel busy polling, an empty
     * ring first has the kernel run the device's poll ({@code recvfrom}, up to {@code SO_BUSY_POLL} µs).
     */
    boolean pollForFrames() {
        if (hasFrames()) return true;
        if (!kernelBusyPoll) return false;
        wakeups++;
        kernel.wakeRx();
        return hasFrames();
    }

    /** Whether a frame is waiting, without taking it (stamps the arrival time as a read would). */
    boolean hasFrames() {
        return availableStamped() > 0;
    }

    /**
     * Descriptors in the RX ring now, counted without taking them (for tests: a test that must know
     * every queue's frames are there before it reads). Reads the kernel's index even when cached.
     */
    int framesReady() {
        int cached = availableStamped();
        rx.peek(cached);
        int arrived = rx.available(Integer.MAX_VALUE);  // the cache is empty now: this reads the kernel's index
        rx.cancel(cached);
        return cached + arrived;
    }

    /** What a read does before it sleeps: every free frame back on FILL, and a kick if the kernel asked. */
    void prepareToWait() {
        refill();
        if (fill.needsWakeup()) {
            wakeups++;
            kernel.wakeRx(); // nothing to do about a failure here: the wait's alive check finds out what is wrong
        }
    }

    /**
     * Throws if the socket's interface is gone. A deleted interface unbinds the socket and never makes
     * it readable, so a sleeping reader learns of it only by asking: the RX wake-up call
     * ({@code recvfrom}) answers ENXIO on an unbound socket.
     */
    void checkAlive() throws XdpException {
        if (kernel.wakeRx() == Errno.ENXIO) {
            throw SysCall.failure("recvfrom(AF_XDP RX, " + resources.name() + ")", Errno.ENXIO,
                    "the interface is gone (deleted, or moved to another network namespace); close this socket");
        }
    }

    /** Counts a wait that another reader made on this socket's behalf. */
    void countPoll() {
        polls++;
    }

    /**
     * Refills FILL if enough frames came back — given back by the application, or home from being
     * forwarded: a reader whose frames all leave by forwarding gets them back only here.
     */
    void refillIfDue() {
        takeHomecomers();
        if (recycleCount >= REFILL_BATCH) refill();
    }

    /** Frames forwarded out of some socket's TX ring that came home: free again. */
    private void takeHomecomers() {
        FrameReturns[] r = returns;
        for (FrameReturns ring : r) recycleCount += ring.drainTo(recycle, recycleCount);
    }

    IllegalStateException sendOnly() {
        return new IllegalStateException(resources.name() + " was opened with receive(false): it only sends");
    }

    // ---- taking descriptors: peek, use, then release (or cancel) ----------------------------------

    /**
     * Points {@code batch.packets[at .. end)} at the packets of the descriptors available, whole
     * chains only, and releases their ring slots; descriptors of a chain not complete yet stay on the
     * ring. Returns how many views were filled; nothing here can fail.
     */
    private int takeInto(PacketBatch batch, int at, int end) {
        Packet[] views = batch.packets;
        int n = rx.available(Integer.MAX_VALUE);
        int start = rx.peek(n);
        int used = 0;
        int k = at;
        while (k < end && used < n) {
            int taken = takePacket(start + used, n - used, views[k]);
            if (taken == 0) break;            // an incomplete chain: wait for the rest
            used += taken;
            if (views[k].owner == this) k++;  // else the chain was dropped
        }
        rx.release(used);
        rx.cancel(n - used);
        return k - at;
    }

    /** Points {@code view} at the next packet; false if there was none complete, or it was dropped. */
    private boolean takeOne(Packet view) {
        int n = rx.available(Integer.MAX_VALUE);
        int taken = takePacket(rx.peek(n), n, view);
        rx.release(taken);
        rx.cancel(n - taken);
        return taken > 0 && view.owner == this;
    }

    /**
     * Reads the chain of descriptors from ring index {@code start} ({@code available} of them peeked)
     * into {@code view}: on success the view shows the packet and is owned by this side. Returns how
     * many descriptors the chain used (its slots can be released), or 0 if it is not complete yet. A
     * broken chain (an invalid descriptor, or more segments than a frame may have) is dropped whole:
     * its frames go back to the free list and the view is left cleared.
     */
    private int takePacket(int start, int available, Packet view) {
        int count = 0;
        boolean ok = true;
        while (true) {
            if (count == available) {
                if (count <= Packet.MAX_SEGMENTS) return 0;
                break;  // longer than any packet may be, and still going: drop what is there
            }
            long addr = rx.address(start + count);
            int len = rx.length(start + count);
            boolean more = (rx.options(start + count) & IfXdp.XDP_PKT_CONTD) != 0;
            count++;
            if (!valid(addr, len) || count > Packet.MAX_SEGMENTS) ok = false;
            if (!more) break;
        }
        if (!ok) {
            dropChain(start, count);
            view.clear();
            return count;
        }
        long addr = rx.address(start);
        int len = rx.length(start);
        view.point(memory, addr, len, this);
        for (int i = 1; i < count; i++) view.addSegment(rx.address(start + i), rx.length(start + i));
        view.info().set(arrivalStamps ? arrivalTime(addr) : seenAt, view.length(), view.length(), ifindex, queue);
        packets++;
        bytes += view.length();
        return count;
    }

    /** A broken chain: its valid frames go back to the free list; the whole packet counts once. */
    private void dropChain(int start, int count) {
        for (int i = 0; i < count; i++) {
            long addr = rx.address(start + i);
            if (addr >= rxFirst && addr < rxEnd) recycle[recycleCount++] = addr & frameMask;
        }
        invalid++;
    }

    /**
     * Copies the next packet into a new array; {@code null} if there was none complete, or it was
     * dropped. The descriptors are released only once the copy exists: if the array cannot be
     * allocated, the packet stays on the RX ring for the next read.
     */
    private byte[] copyNext(PacketInfo info) {
        int n = rx.available(Integer.MAX_VALUE);
        int used = takePacket(rx.peek(n), n, single);
        if (used == 0 || single.owner != this) {
            rx.release(used);
            rx.cancel(n - used);
            return null;
        }
        int len = single.length();
        byte[] data;
        try {
            data = new byte[len];
        } catch (OutOfMemoryError e) {
            untake(n, len);
            throw e;
        }
        single.copyTo(0, data, 0, len);
        rx.release(used);
        rx.cancel(n - used);
        consumed(info, len, len);
        return data;
    }

    /** Copies what fits of the next packet into {@code dst}; its length, or -1 if there was none complete, or it was dropped. */
    private int copyNextInto(byte[] dst, int offset, PacketInfo info) {
        int n = rx.available(Integer.MAX_VALUE);
        int used = takePacket(rx.peek(n), n, single);
        rx.release(used);
        rx.cancel(n - used);
        if (used == 0 || single.owner != this) return -1;
        int len = single.length();
        int copied = Math.min(len, dst.length - offset);
        single.copyTo(0, dst, offset, copied);  // cannot fail: the range was checked before anything was taken
        consumed(info, copied, len);
        return len;
    }

    /**
     * Bookkeeping of a packet read by copy: its frames come back at once, the view is cleared. The
     * time is the one {@link #takePacket} gave the view: the frame's arrival stamp where there is one.
     */
    private void consumed(PacketInfo info, int copied, int len) {
        if (info != null) info.set(single.info().timestampNanos(), copied, len, ifindex, queue);
        takeBack(single);
        single.clear();
        refillIfDue();
    }

    /** Puts a packet taken by {@link #takePacket} back on the RX ring, all {@code peeked} descriptors, as if it was never read. */
    private void untake(int peeked, int len) {
        rx.cancel(peeked);
        single.clear();
        packets--;
        bytes -= len;
    }

    // ---- frames and rings ---------------------------------------------------------------------

    /**
     * A descriptor the kernel wrote must point inside one of this socket's receive frames. Always
     * true unless the kernel or another process broke the ring; checked because a bad address must
     * never reach a read.
     */
    private boolean valid(long addr, int len) {
        return addr >= rxFirst && addr < rxEnd && len >= 0 && (addr & ~frameMask) + len <= frameSize;
    }

    /** Moves free frames onto the FILL ring, as many as it takes, with one submit; first takes back frames that came home. */
    private void refill() {
        takeHomecomers();
        int n = Math.min(recycleCount, fill.free(recycleCount));
        if (n == 0) return;
        int start = fill.reserve(n);
        for (int i = 0; i < n; i++) {
            long frame = recycle[--recycleCount];
            if (arrivalStamps) memory.set(STAMP, frame + XdpOptions.HEADROOM - STAMP.byteSize(), 0L);
            fill.setAddress(start + i, frame);
        }
        fill.submit();
    }

    /** Descriptors available, waiting as the policy says; 0 only when a NONBLOCK wait timed out. */
    private int awaitFrames() throws XdpException {
        int n = availableStamped();
        if (n > 0 || !policy.await(framesArrived)) return n;
        return availableStamped();
    }

    /** {@code rx.available}, reading the clock when it had to look at the kernel's index and found descriptors. */
    private int availableStamped() {
        boolean fresh = rx.cachedEntries() == 0;
        int n = rx.available(Integer.MAX_VALUE);
        if (fresh && n > 0) seenAt = wallClockNanos();
        return n;
    }

    private long wallClockNanos() {
        long wall = clockNanos(Libc.CLOCK_REALTIME);
        if (arrivalStamps) {
            // CLOCK_TAI is CLOCK_REALTIME plus a whole number of seconds (the TAI offset the time daemon
            // sets: 37, or 0), so the difference of two reads rounded to whole seconds is exact, however
            // long the thread took between them (measured: 100 µs on a cold first read, milliseconds when
            // preempted; unrounded, every frame of the batch would be off by that much). Once per ring
            // refresh, so that a change of the offset (a leap second) shows at once.
            long tai = clockNanos(Libc.CLOCK_TAI);
            taiToWall = Math.floorDiv(wall - tai + 500_000_000L, 1_000_000_000L) * 1_000_000_000L;
        }
        return wall;
    }

    private long clockNanos(int clockId) {
        Libc.clockGettime(clockId, clock);
        return clock.getAtIndex(JAVA_LONG, 0) * 1_000_000_000L + clock.getAtIndex(JAVA_LONG, 1);
    }

    /**
     * The wall-clock time the program stamped on the frame at {@code addr} as it arrived (TAI, in the
     * metadata just in front of it), or the read's time if it carries no stamp: {@link #refill} zeroes
     * the stamp of every frame it gives the kernel, so a stale one from the frame's last use never
     * shows.
     */
    private long arrivalTime(long addr) {
        long stamp = memory.get(STAMP, addr - STAMP.byteSize());
        return stamp != 0 ? stamp + taiToWall : seenAt;
    }

    /** This socket's own waits. */
    private final class FramesArrived implements WaitPolicy.Waitable {
        @Override public boolean ready() { return pollForFrames(); }
        @Override public void beforeSleep() { prepareToWait(); }
        @Override public void checkState() throws XdpClosedException { resources.ensureOpen(); }
        @Override public void woken() throws XdpClosedException { throw resources.closedException(); }
        @Override public void checkAlive() throws XdpException { Receiver.this.checkAlive(); }
        @Override public void countPoll() { polls++; }
    }
}
