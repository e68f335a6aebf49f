package io.xdppacket;

import io.xdppacket.internal.sys.Errno;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.sys.SysCall;
import io.xdppacket.internal.xsk.FillRing;
import io.xdppacket.internal.xsk.Poller;
import io.xdppacket.internal.xsk.RxRing;
import io.xdppacket.internal.xsk.XskKicks;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The receive side of a socket: RX ring in, FILL ring out, the RX frames of the UMEM, and the
 * counters only the reading thread writes.
 *
 * <p>Frame circulation: every RX frame is always in exactly one place — the FILL ring (the kernel
 * may receive into it), the RX ring (received, not yet read), {@link #held} (read zero-copy, still
 * shown to the caller) or {@link #recycle} (free, waiting to go back to FILL in a batch). A read
 * peeks descriptors, uses them, and only then releases their ring slots; if using one fails, the
 * peek is cancelled and the frame stays on the RX ring for the next read, so no caller's mistake
 * can lose a frame. Frames go back to FILL in batches of {@link #REFILL_BATCH}, and all of them
 * before the thread sleeps, so that the kernel never lacks a buffer while we wait.
 *
 * <p>One reading thread at a time ({@link #guard()}): the public reads enter the guard themselves.
 * A multi-queue reader is the reading thread of each of its sockets: it holds their guards for the
 * length of its call and uses the non-waiting {@code try...} reads, waiting on all sockets at once.
 */
final class Receiver {
    /** Frames gathered before one FILL submission. */
    static final int REFILL_BATCH = 16;

    private final RxRing rx;
    private final FillRing fill;
    private final MemorySegment umem;
    private final long rxFirst;
    private final long rxSpan;
    private final long frameMask;
    private final int frameSize;
    private final long[] recycle;
    private int recycleCount;
    private final long[] held;
    private int heldCount;
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

    // Counters: written by the reading thread only.
    long packets, bytes, polls, wakeups, invalidDescriptors;

    /**
     * @param rxFirst UMEM address of the first RX frame; the RX frames are {@code rxFrames} consecutive frames from there
     */
    Receiver(QueueContext ctx, RxRing rx, FillRing fill, long rxFirst, int rxFrames) {
        this.resources = ctx.resources();
        this.kernel = ctx.kicks();
        this.rx = rx;
        this.fill = fill;
        this.umem = ctx.umem();
        this.frameSize = ctx.frameSize();
        this.frameMask = ~((long) frameSize - 1);
        this.rxFirst = rxFirst;
        this.rxSpan = (long) rxFrames * frameSize;
        this.recycle = new long[rxFrames];
        this.held = new long[Math.max(rxFrames, 1)];
        this.receiving = ctx.options().receive();
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

    /** Frames the FILL ring could not take yet (only when numFrames exceeds the ring). */
    int framesWaitingForFill() {
        return recycleCount;
    }

    // ---- reads: each checks its arguments, then enters the guard ----------------------------------

    /** Zero-copy batch read: fills {@code batch}, returns the count; 0 only in NONBLOCK mode after the timeout. */
    int readBatch(PacketBatch batch) throws XdpException {
        Objects.requireNonNull(batch, "batch");
        enter();
        try {
            releaseHeld();
            while (true) {
                int n = awaitFrames(batch.packets.length);
                if (n == 0) return 0;
                int k = takeInto(batch, 0, n);
                if (k > 0) {
                    batch.size = k;
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
                if (awaitFrames(1) == 0) return null;
                if (takeOne(single)) return single;
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
                if (awaitFrames(1) == 0) return null;
                byte[] data = copyOne(info);
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
                if (awaitFrames(1) == 0) return -1;
                int len = copyOneInto(dst, offset, info);
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

    /**
     * Takes one frame, if one is there, into {@code view} without waiting; it is held (and the view
     * cleared) until the next {@link #releaseHeld}. The caller releases before a round of these: a
     * release clears the view the previous frame was shown in, which may by now show another socket's.
     */
    boolean tryReadOne(Packet view) {
        while (availableStamped(1) > 0) {
            if (takeOne(view)) return true;
        }
        return false;
    }

    /**
     * Takes up to {@code max} frames that are there, without waiting, into the views
     * {@code batch.packets[at .. at+max)}; returns how many. They are held until the next
     * {@link #releaseHeld}, which clears the whole of {@code batch}: this socket's frames may sit
     * anywhere in it, between other sockets' frames, so no single remembered view (as
     * {@link #heldPacket} is for {@link #tryReadOne}) would cover them. Clearing other sockets' views
     * too is harmless: it only ends their visibility early, never shows a recycled frame.
     */
    int tryReadInto(PacketBatch batch, int at, int max) {
        int n = availableStamped(max);
        return n == 0 ? 0 : takeInto(batch, at, n);
    }

    /** Copies one frame, if one is there, into a new array without waiting; {@code null} if none. */
    byte[] tryReadCopy(PacketInfo info) {
        while (availableStamped(1) > 0) {
            byte[] data = copyOne(info);
            if (data != null) return data;
        }
        return null;
    }

    /** Gives the frames of the last zero-copy read back, and clears the views that showed them. */
    void releaseHeld() {
        if (heldCount == 0) return;
        if (heldBatch != null) {
            heldBatch.clear();
            heldBatch = null;
        }
        if (heldPacket != null) {
            heldPacket.clear();
            heldPacket = null;
        }
        for (int i = 0; i < heldCount; i++) recycle[recycleCount++] = held[i];
        heldCount = 0;
        if (recycleCount >= REFILL_BATCH) refill();
    }

    /** Whether a frame is waiting, without taking it (stamps the arrival time as a read would). */
    boolean hasFrames() {
        return availableStamped(1) > 0;
    }

    /**
     * Frames in the RX ring now, counted without taking them (for tests: a test that must know every
     * queue's frames are there before it reads). Reads the kernel's index even when frames are cached.
     */
    int framesReady() {
        int cached = availableStamped(Integer.MAX_VALUE);
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

    IllegalStateException sendOnly() {
        return new IllegalStateException(resources.name() + " was opened with receive(false): it only sends");
    }

    // ---- taking descriptors: peek, use, then release (or cancel) ----------------------------------

    /**
     * Points {@code batch.packets[at ..]} at the {@code n} available descriptors (skipping invalid
     * ones), holds their frames and releases the ring slots. Returns how many views were filled.
     * Nothing here can fail: the views exist and the descriptors were checked.
     */
    private int takeInto(PacketBatch batch, int at, int n) {
        Packet[] views = batch.packets;
        int start = rx.peek(n);
        long now = seenAt;
        int k = 0;
        for (int i = 0; i < n; i++) {
            long addr = rx.address(start + i);
            int len = rx.length(start + i);
            if (!valid(addr, len)) continue;
            Packet p = views[at + k++];
            p.point(umem, addr, len);
            p.info().set(now, len, len, ifindex, queue);
            held[heldCount++] = addr & frameMask;
            bytes += len;
        }
        rx.release(n);
        packets += k;
        if (k > 0) heldBatch = batch;
        return k;
    }

    /** Points {@code view} at the next available descriptor; false (slot released) if it was invalid. */
    private boolean takeOne(Packet view) {
        int index = rx.peek(1);
        long addr = rx.address(index);
        int len = rx.length(index);
        rx.release(1);
        if (!valid(addr, len)) return false;
        view.point(umem, addr, len);
        view.info().set(seenAt, len, len, ifindex, queue);
        held[heldCount++] = addr & frameMask;
        heldPacket = view;
        packets++;
        bytes += len;
        return true;
    }

    /** Copies the next available frame into a new array; {@code null} if it was invalid. */
    private byte[] copyOne(PacketInfo info) {
        int index = rx.peek(1);
        long addr = rx.address(index);
        int len = rx.length(index);
        if (!valid(addr, len)) {
            rx.release(1);
            return null;
        }
        byte[] data;
        try {
            data = new byte[len];
        } catch (OutOfMemoryError e) {
            rx.cancel(1);  // the frame stays on the ring: the next read gets it
            throw e;
        }
        MemorySegment.copy(umem, JAVA_BYTE, addr, data, 0, len);
        rx.release(1);
        consumed(addr, len, len, info);
        return data;
    }

    /** Copies the next available frame into {@code dst}; its length, or -1 if it was invalid. */
    private int copyOneInto(byte[] dst, int offset, PacketInfo info) {
        int index = rx.peek(1);
        long addr = rx.address(index);
        int len = rx.length(index);
        if (!valid(addr, len)) {
            rx.release(1);
            return -1;
        }
        int copied = Math.min(len, dst.length - offset);
        try {
            MemorySegment.copy(umem, JAVA_BYTE, addr, dst, offset, copied);
        } catch (RuntimeException e) {
            rx.cancel(1);
            throw e;
        }
        rx.release(1);
        consumed(addr, copied, len, info);
        return len;
    }

    /** Bookkeeping of a frame read by copy: its buffer goes back toward FILL, the counters and the info. */
    private void consumed(long addr, int copied, int len, PacketInfo info) {
        recycle[recycleCount++] = addr & frameMask;
        if (recycleCount >= REFILL_BATCH) refill();
        if (info != null) info.set(seenAt, copied, len, ifindex, queue);
        packets++;
        bytes += len;
    }

    // ---- frames and rings ---------------------------------------------------------------------

    /**
     * A descriptor the kernel wrote must point inside one RX frame. Always true unless the kernel
     * or another process broke the ring; checked because a bad address must never reach a read.
     */
    private boolean valid(long addr, int len) {
        long rel = addr - rxFirst;
        if (rel >= 0 && rel < rxSpan && len >= 0 && (addr & ~frameMask) + len <= frameSize) return true;
        invalidDescriptors++;
        return false;
    }

    /** Moves free frames onto the FILL ring, as many as it takes, with one submit. */
    private void refill() {
        int n = Math.min(recycleCount, fill.free(recycleCount));
        if (n == 0) return;
        int start = fill.reserve(n);
        for (int i = 0; i < n; i++) fill.setAddress(start + i, recycle[--recycleCount]);
        fill.submit();
    }

    /** Up to {@code max} available descriptors, waiting as the policy says; 0 only when a NONBLOCK wait timed out. */
    private int awaitFrames(int max) throws XdpException {
        int n = availableStamped(max);
        if (n > 0 || !policy.await(framesArrived)) return n;
        return availableStamped(max);
    }

    /** {@code rx.available}, reading the clock when it had to look at the kernel's index and found frames. */
    private int availableStamped(int max) {
        boolean fresh = rx.cachedEntries() == 0;
        int n = rx.available(max);
        if (fresh && n > 0) seenAt = wallClockNanos();
        return n;
    }

    private long wallClockNanos() {
        Libc.clockGettime(Libc.CLOCK_REALTIME, clock);
        return clock.getAtIndex(JAVA_LONG, 0) * 1_000_000_000L + clock.getAtIndex(JAVA_LONG, 1);
    }

    /** This socket's own waits. */
    private final class FramesArrived implements WaitPolicy.Waitable {
        @Override public boolean ready() { return hasFrames(); }
        @Override public void beforeSleep() { prepareToWait(); }
        @Override public void checkState() throws XdpClosedException { resources.ensureOpen(); }
        @Override public void woken() throws XdpClosedException { throw resources.closedException(); }
        @Override public void checkAlive() throws XdpException { Receiver.this.checkAlive(); }
        @Override public void countPoll() { polls++; }
    }
}
