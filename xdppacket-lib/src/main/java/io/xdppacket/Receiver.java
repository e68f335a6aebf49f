package io.xdppacket;

import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.xsk.FillRing;
import io.xdppacket.internal.xsk.Poller;
import io.xdppacket.internal.xsk.RxRing;
import io.xdppacket.internal.xsk.XskKicks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The receive half of a socket: RX ring in, FILL ring out, the RX frames of the UMEM, and the
 * counters only the reading thread writes.
 *
 * <p>Frame circulation: every RX frame is always in exactly one place — the FILL ring (the kernel
 * may receive into it), the RX ring (received, not yet read), {@link #held} (read zero-copy, still
 * shown to the caller) or {@link #recycle} (free, waiting to go back to FILL in a batch). Descriptors
 * are copied out of the RX ring and the slots released at once; frames are given back to FILL in
 * batches of {@link #REFILL_BATCH}, and all of them before the thread waits, so that the kernel
 * never lacks a buffer while we sleep.
 *
 * <p>Single consumer: one thread at a time reads from a socket. A multi-queue reader is that one
 * thread for each of its sockets: it uses the non-waiting reads and waits on all sockets at once.
 */
final class Receiver {
    /** Frames gathered before one FILL submission. */
    static final int REFILL_BATCH = 16;
    /** Ring checks between two looks at the clock and the closed flag while a read spins. */
    static final int SPINS_PER_CHECK = 32;
    /** A blocking wait re-checks the closed flag at least this often, even if no wake-up arrives. */
    private static final long BLOCK_CHUNK_NANOS = 1_000_000_000L;

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

    private final Poller poller;
    private final boolean block;
    private final long pollTimeoutNanos;
    private final long busyPollNanos;
    private final Lifecycle life;
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
    Receiver(Arena arena, Lifecycle life, int fd, int wakeFd, XskKicks kernel, RxRing rx, FillRing fill, MemorySegment umem,
             int frameSize, long rxFirst, int rxFrames, XdpOptions options, int ifindex, int queue) {
        this.life = life;
        this.kernel = kernel;
        this.rx = rx;
        this.fill = fill;
        this.umem = umem;
        this.frameSize = frameSize;
        this.frameMask = ~((long) frameSize - 1);
        this.rxFirst = rxFirst;
        this.rxSpan = (long) rxFrames * frameSize;
        this.recycle = new long[rxFrames];
        this.held = new long[Math.max(rxFrames, 1)];
        this.receiving = options.receive();
        this.block = options.ioMode() == IoMode.BLOCK;
        this.pollTimeoutNanos = options.pollTimeout().toNanos();
        this.busyPollNanos = options.busyPoll().toNanos();
        this.poller = new Poller(arena, new int[] {fd}, Libc.POLLIN, wakeFd, "RX of " + life.name());
        this.ifindex = ifindex;
        this.queue = queue;
        for (int i = rxFrames - 1; i >= 0; i--) recycle[recycleCount++] = rxFirst + (long) i * frameSize;
        refill();
    }

    /** Frames the FILL ring could not take yet (only when numFrames exceeds the ring). */
    int framesWaitingForFill() {
        return recycleCount;
    }

    // ---- reads --------------------------------------------------------------------------------

    /** Zero-copy batch read: fills {@code batch}, returns the count; 0 only in NONBLOCK mode after the timeout. */
    int readBatch(PacketBatch batch) throws XdpException {
        releaseHeld();
        while (true) {
            int n = awaitFrames(batch.packets.length);
            if (n == 0) return 0;
            int k = takePeekedInto(batch.packets, 0, n);
            batch.size = k;
            heldBatch = batch;
            if (k > 0) return k;
        }
    }

    /** Zero-copy single read: the socket's own view, or {@code null} in NONBLOCK mode after the timeout. */
    Packet readOne() throws XdpException {
        releaseHeld();
        while (true) {
            if (awaitFrames(1) == 0) return null;
            if (takePeeked(single)) return single;
        }
    }

    /** Copying read into a new array, or {@code null} in NONBLOCK mode after the timeout. */
    byte[] readCopy(PacketInfo info) throws XdpException {
        releaseHeld();
        while (true) {
            if (awaitFrames(1) == 0) return null;
            byte[] data = copyPeeked(info);
            if (data != null) return data;
        }
    }

    /**
     * Copying read into the caller's array: copies {@code min(length, dst.length - offset)} bytes and
     * returns the frame's length, or -1 in NONBLOCK mode after the timeout.
     */
    int readInto(byte[] dst, int offset, PacketInfo info) throws XdpException {
        releaseHeld();
        while (true) {
            if (awaitFrames(1) == 0) return -1;
            int index = rx.consumedStart() - 1;
            long addr = rx.address(index);
            int len = rx.length(index);
            rx.release(1);
            if (!valid(addr, len)) continue;
            int copied = Math.min(len, dst.length - offset);
            MemorySegment.copy(umem, JAVA_BYTE, addr, dst, offset, copied);
            recycleFrame(addr & frameMask);
            if (info != null) info.set(seenAt, copied, len, ifindex, queue);
            packets++;
            bytes += len;
            return len;
        }
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

    // ---- non-waiting reads, for a reader that waits on several sockets itself ---------------

    /**
     * Takes one frame, if one is there, into {@code view} without waiting; it is held (and the view
     * cleared) until the next {@link #releaseHeld}. The caller releases before a round of these: a
     * release clears the view the previous frame was shown in, which may by now show another socket's.
     */
    boolean tryReadOne(Packet view) {
        while (peekStamped(1) > 0) {
            if (takePeeked(view)) return true;
        }
        return false;
    }

    /**
     * Takes up to {@code max} frames that are there, without waiting, into the views
     * {@code batch.packets[at .. at+max)}; returns how many. They are held until the next
     * {@link #releaseHeld}, which clears the whole of {@code batch}: this socket's frames may sit
     * anywhere in it, several of them, between other sockets' frames, so no single remembered view
     * (as {@link #heldPacket} is for {@link #tryReadOne}) would cover them. Clearing other sockets'
     * views too is harmless: it only ends their visibility early, never shows a recycled frame.
     * The caller releases before a round of these, as for {@link #tryReadOne}.
     */
    int tryReadInto(PacketBatch batch, int at, int max) {
        int n = peekStamped(max);
        if (n == 0) return 0;
        int k = takePeekedInto(batch.packets, at, n);
        if (k > 0) heldBatch = batch;
        return k;
    }

    /** Copies one frame, if one is there, into a new array without waiting; {@code null} if none. */
    byte[] tryReadCopy(PacketInfo info) {
        while (peekStamped(1) > 0) {
            byte[] data = copyPeeked(info);
            if (data != null) return data;
        }
        return null;
    }

    private IllegalStateException sendOnly() {
        return new IllegalStateException(life.name() + " was opened with receive(false): it only sends");
    }

    /** Whether a frame is waiting, without taking it (stamps the arrival time as a read would). */
    boolean hasFrames() {
        if (!receiving) throw sendOnly();
        boolean fresh = rx.cachedEntries() == 0;
        int n = rx.available(1);
        if (fresh && n > 0) seenAt = wallClockNanos();
        return n > 0;
    }

    /**
     * Frames in the RX ring now, counted without taking them (for tests and tools: a test that must
     * know every queue's frames are there before it reads). Peeks the cached entries and then the
     * kernel's index, and puts all of them back.
     */
    int framesReady() {
        if (!receiving) throw sendOnly();
        boolean fresh = rx.cachedEntries() == 0;
        int cached = rx.peek(Integer.MAX_VALUE);
        int arrived = rx.peek(Integer.MAX_VALUE);  // the cache is empty now: this one reads the kernel's index
        rx.cancel(cached + arrived);
        if (fresh && cached + arrived > 0) seenAt = wallClockNanos();
        return cached + arrived;
    }

    /** What a read does before it sleeps: every free frame back on FILL, and a kick if the kernel asked. */
    void prepareToWait() {
        refill();
        if (fill.needsWakeup()) wakeKernel();
    }

    /** Counts a wait that another reader made on this socket's behalf. */
    void countPoll() {
        polls++;
    }

    /**
     * Points {@code views[at ..]} at the {@code n} descriptors just peeked (skipping invalid ones),
     * holds their frames and releases the ring slots. Returns how many views were filled.
     */
    private int takePeekedInto(Packet[] views, int at, int n) {
        int start = rx.consumedStart() - n;
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
        return k;
    }

    /** Points {@code view} at the one descriptor just peeked and releases its slot; false if it was invalid. */
    private boolean takePeeked(Packet view) {
        int index = rx.consumedStart() - 1;
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

    /** Copies the one descriptor just peeked into a new array and recycles its frame; {@code null} if it was invalid. */
    private byte[] copyPeeked(PacketInfo info) {
        int index = rx.consumedStart() - 1;
        long addr = rx.address(index);
        int len = rx.length(index);
        rx.release(1);
        if (!valid(addr, len)) return null;
        byte[] data = new byte[len];
        MemorySegment.copy(umem, JAVA_BYTE, addr, data, 0, len);
        recycleFrame(addr & frameMask);
        if (info != null) info.set(seenAt, len, len, ifindex, queue);
        packets++;
        bytes += len;
        return data;
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

    private void recycleFrame(long frame) {
        recycle[recycleCount++] = frame;
        if (recycleCount >= REFILL_BATCH) refill();
    }

    /** Moves free frames onto the FILL ring, as many as it takes, with one submit. */
    private void refill() {
        if (recycleCount == 0) return;
        int start = fill.reservedStart();
        int n = fill.reserve(recycleCount);
        for (int i = 0; i < n; i++) fill.setAddress(start + i, recycle[--recycleCount]);
        fill.submit();
    }

    /**
     * Peeks up to {@code max} descriptors, waiting as the I/O mode says: first spinning on the ring
     * for {@code busyPoll}, then sleeping in {@code ppoll}. Returns how many; they start at
     * {@code rx.consumedStart() - n}. Returns 0 only in NONBLOCK mode.
     */
    private int awaitFrames(int max) throws XdpException {
        int n = peekStamped(max);
        if (n > 0) return n;
        refill();
        if (fill.needsWakeup()) wakeKernel();
        long start = System.nanoTime();
        if (busyPollNanos > 0) {
            n = spin(max, start + (block ? busyPollNanos : Math.min(busyPollNanos, pollTimeoutNanos)));
            if (n > 0) return n;
        }
        if (block) {
            while (true) {
                life.ensureOpen();
                polls++;
                if (poller.await(BLOCK_CHUNK_NANOS) == Poller.WOKEN) throw life.closedException();
                n = peekStamped(max);
                if (n > 0) return n;
                if (fill.needsWakeup()) wakeKernel();
            }
        }
        long deadline = start + pollTimeoutNanos;
        long left = deadline - System.nanoTime();
        while (left > 0) {
            polls++;
            if (poller.await(left) == Poller.WOKEN) throw life.closedException();
            n = peekStamped(max);
            if (n > 0) return n;
            left = deadline - System.nanoTime();
        }
        return 0;
    }

    /**
     * Checks the RX ring until frames are there or {@code until} has passed (0 then). Looks at the
     * clock and the closed flag every {@link #SPINS_PER_CHECK} checks: a close ends the spin as it
     * ends a sleep.
     */
    private int spin(int max, long until) throws XdpClosedException {
        for (int i = 1; ; i++) {
            Thread.onSpinWait();
            int n = peekStamped(max);
            if (n > 0) return n;
            if (i % SPINS_PER_CHECK == 0) {
                if (life.isClosed()) throw life.closedException();
                if (System.nanoTime() - until >= 0) return 0;
            }
        }
    }

    /** {@code rx.peek}, reading the clock when the peek had to look at the kernel's index and found frames. */
    private int peekStamped(int max) {
        if (!receiving) throw sendOnly();
        boolean fresh = rx.cachedEntries() == 0;
        int n = rx.peek(max);
        if (fresh && n > 0) seenAt = wallClockNanos();
        return n;
    }

    /** The kernel asked for a kick before it fills again (zero-copy drivers; copy mode never asks). */
    private void wakeKernel() {
        wakeups++;
        kernel.wakeRx(); // nothing to do about a failure here: the next wait finds out what is wrong
    }

    private long wallClockNanos() {
        Libc.clockGettime(Libc.CLOCK_REALTIME, clock);
        return clock.getAtIndex(JAVA_LONG, 0) * 1_000_000_000L + clock.getAtIndex(JAVA_LONG, 1);
    }
}
