package io.xdppacket;

import io.xdppacket.internal.sys.Errno;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.sys.SysCall;
import io.xdppacket.internal.xsk.CompletionRing;
import io.xdppacket.internal.xsk.Poller;
import io.xdppacket.internal.xsk.TxRing;
import io.xdppacket.internal.xsk.XskKicks;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The transmit side of a socket: TX ring out, COMPLETION ring in, the TX frames of the UMEM, and
 * the counters only the writing thread writes.
 *
 * <p>A TX frame is either free ({@link #free}, a stack) or in flight (posted on the TX ring, not yet
 * returned on COMPLETION). A write checks its arguments, reserves TX slots, takes free frames and
 * copies into them, then submits the whole batch with one release store and kicks the kernel; if a
 * copy fails (the caller's memory cannot be read), it cancels the reservation and puts the frames
 * back, so a failed write costs nothing.
 *
 * <p>Kicks. In copy mode (veth, generic XDP, drivers without zero-copy) the kernel sends only inside
 * a {@code sendto}, at most {@code txBudget} frames per call, and answers EAGAIN when it stopped for
 * that budget: so a write kicks until the ring is drained, and the frames are on their way when it
 * returns. EBUSY means the driver dropped one frame (the peer's ring was full, or the frame exceeds
 * the peer's MTU); that frame is still completed, so it is counted in {@link #dropped}. In zero-copy
 * mode the driver sends on its own and one kick when the kernel asks for it ({@code need_wakeup})
 * is enough.
 *
 * <p>One writing thread at a time ({@link #guard()}): every write and flush enters the guard.
 */
final class Transmitter {
    /** The smallest frame a write takes: an Ethernet header. */
    static final int MIN_FRAME = 14;

    private final TxRing tx;
    private final CompletionRing cq;
    private final MemorySegment umem;
    private final int frameSize;
    private final int room;
    private final long txFirst;
    private final long txSpan;
    private final long[] free;
    private int freeCount;
    private final int frames;

    private final SocketResources resources;
    private final UseGuard guard;
    private final WaitPolicy policy;
    private final Room roomForWrite = new Room();
    private final Drained drained = new Drained();
    private final XskKicks kernel;
    private final boolean copyMode;

    // Counters: written by the writing thread only.
    long packets, bytes, completed, dropped, kicks, polls, invalidCompletions;

    Transmitter(QueueContext ctx, TxRing tx, CompletionRing cq, long txFirst, int txFrames, boolean copyMode) {
        this.resources = ctx.resources();
        this.kernel = ctx.kicks();
        this.tx = tx;
        this.cq = cq;
        this.umem = ctx.umem();
        this.frameSize = ctx.frameSize();
        this.room = ctx.options().frameRoom();
        this.txFirst = txFirst;
        this.txSpan = (long) txFrames * frameSize;
        this.frames = txFrames;
        this.free = new long[txFrames];
        for (int i = txFrames - 1; i >= 0; i--) free[freeCount++] = txFirst + (long) i * frameSize;
        this.copyMode = copyMode;
        this.guard = resources.newGuard("two threads write to " + resources.name() + " at once: a socket has one writing thread at a time"
                + " (its TX and COMPLETION rings each have one user-space side; an XdpMultiQueue's writes and flush are the writing thread"
                + " of every socket of the set). Write from one thread, or hand the socket from one thread to the next between writes");
        Poller poller = new Poller(resources.arena(), new int[] {ctx.fd()}, Libc.POLLOUT, resources.wakeFd(), "TX of " + resources.name());
        this.policy = WaitPolicy.forWriter(poller, ctx.options());
    }

    /** The writing side's guard. */
    UseGuard guard() {
        return guard;
    }

    /** The largest frame a write accepts. */
    int room() {
        return room;
    }

    // ---- writes: each checks its arguments, then enters the guard ---------------------------------

    boolean write(byte[] src, int offset, int length) throws XdpException {
        Objects.requireNonNull(src, "frame");
        Objects.checkFromIndexSize(offset, length, src.length);
        checkLength(length);
        return writeOne(src, null, null, offset, length);
    }

    boolean write(MemorySegment src) throws XdpException {
        Objects.requireNonNull(src, "frame");
        checkReadable(src);
        checkLength(src.byteSize());
        return writeOne(null, src, null, 0, (int) src.byteSize());
    }

    /** Writes the buffer's remaining bytes; advances its position only if the frame was taken. */
    boolean write(ByteBuffer src) throws XdpException {
        Objects.requireNonNull(src, "frame");
        checkLength(src.remaining());
        return writeOne(null, null, src, src.position(), src.remaining());
    }

    /**
     * The single write, from whichever of {@code array}, {@code segment} or {@code buffer} is not
     * null (checked by the caller): reserve a TX slot and take a frame, copy, submit — or, if the copy
     * fails (memory closed or taken by another thread since the check), give both back.
     */
    private boolean writeOne(byte[] array, MemorySegment segment, ByteBuffer buffer, int offset, int length) throws XdpException {
        guard.enter();
        try {
            if (!awaitRoom(1)) return false;
            int slot = tx.reserve(1);
            long addr = free[--freeCount];
            try {
                if (array != null) {
                    MemorySegment.copy(array, offset, umem, JAVA_BYTE, addr, length);
                } else if (segment != null) {
                    MemorySegment.copy(segment, 0, umem, addr, length);
                } else if (buffer.hasArray()) {
                    MemorySegment.copy(buffer.array(), buffer.arrayOffset() + offset, umem, JAVA_BYTE, addr, length);
                } else {
                    MemorySegment.copy(MemorySegment.ofBuffer(buffer), 0, umem, addr, length);
                }
            } catch (RuntimeException e) {
                unwind(1, 1);
                throw e;
            }
            if (buffer != null) buffer.position(offset + length);
            tx.setDescriptor(slot, addr, length, 0);
            tx.submit();
            packets++;
            bytes += length;
            kickUntilSent();
            return true;
        } finally {
            guard.exit();
        }
    }

    /** Writes {@code frames[from .. from+count)}; returns how many were taken (fewer only in NONBLOCK mode after the timeout). */
    int writeBatch(byte[][] batch, int from, int count) throws XdpException {
        Objects.requireNonNull(batch, "frames");
        Objects.checkFromIndexSize(from, count, batch.length);
        return writeFrames(batch, null, from, count);
    }

    /** {@link #writeBatch(byte[][], int, int)} for {@code batch[from .. from+count)} of a list (indexed access, no iterator). */
    int writeBatch(List<byte[]> batch, int from, int count) throws XdpException {
        Objects.requireNonNull(batch, "frames");
        Objects.checkFromIndexSize(from, count, batch.size());
        return writeFrames(null, batch, from, count);
    }

    /**
     * The batch write, over an array or (if {@code array} is null) a list: checks every frame, then
     * posts as many as there is room for with one submit and kicks, until all are taken. The
     * array-or-list test is loop-invariant, so the JIT unswitches it out of the copy loop.
     */
    private int writeFrames(byte[][] array, List<byte[]> list, int from, int count) throws XdpException {
        for (int i = from; i < from + count; i++) {
            byte[] f = array != null ? array[i] : list.get(i);
            if (f == null) throw new NullPointerException("frame " + i + " is null");
            checkLength(f.length);
        }
        guard.enter();
        try {
            int done = 0;
            while (done < count) {
                if (!awaitRoom(count - done)) break;
                int n = Math.min(count - done, Math.min(freeCount, tx.free(count - done)));
                int start = tx.reserve(n);
                for (int i = 0; i < n; i++) {
                    byte[] f = array != null ? array[from + done + i] : list.get(from + done + i);
                    // Checked above; checked again because the caller's array may have changed since:
                    // a longer frame would be copied over the next UMEM frame.
                    if (f == null || f.length < MIN_FRAME || f.length > room) {
                        unwind(n, i);
                        throw new IllegalStateException("frame " + (from + done + i) + " changed while it was being written");
                    }
                    long addr = free[--freeCount];
                    MemorySegment.copy(f, 0, umem, JAVA_BYTE, addr, f.length);
                    tx.setDescriptor(start + i, addr, f.length, 0);
                    bytes += f.length;
                }
                tx.submit();
                packets += n;
                done += n;
                kickUntilSent();
            }
            return done;
        } finally {
            guard.exit();
        }
    }

    /** Rejects a frame no write would take, before anything is written. */
    void checkLength(long length) {
        if (length < MIN_FRAME || length > room) {
            throw new IllegalArgumentException("frame of " + length + " bytes: a frame must be between " + MIN_FRAME
                    + " (an Ethernet header) and " + room + " bytes (frameSize " + frameSize + " minus " + XdpOptions.HEADROOM
                    + " bytes of headroom)");
        }
    }

    /** Rejects a segment whose memory this thread cannot read, before anything is taken. */
    private static void checkReadable(MemorySegment src) {
        if (!src.scope().isAlive()) {
            throw new IllegalStateException("frame segment: its arena is closed, its memory is gone");
        }
        if (!src.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalStateException("frame segment: it belongs to a confined arena of another thread");
        }
    }

    /**
     * Undoes a write that failed before it submitted: its {@code reserved} TX slots go back to the
     * ring, and the {@code taken} frames it popped back on the free stack (they are still in the
     * array, just above its top).
     */
    private void unwind(int reserved, int taken) {
        tx.cancel(reserved);
        freeCount += taken;
    }

    // ---- completion ---------------------------------------------------------------------------

    /** Frames written and not yet completed. */
    int inFlight() {
        return frames - freeCount;
    }

    /**
     * Waits until every written frame has completed, kicking as needed.
     *
     * @param timeoutNanos {@code < 0}: no limit
     * @return whether all completed in time
     */
    boolean flush(long timeoutNanos) throws XdpException {
        guard.enter();
        try {
            return policy.awaitBackingOff(drained, timeoutNanos);
        } finally {
            guard.exit();
        }
    }

    /**
     * For close, after the writers left: lets the kernel complete what was written, for up to
     * {@code timeoutNanos}. Never throws: an interface that is gone completes nothing more.
     */
    void flushForClose(long timeoutNanos) {
        if (!guard.tryEnter()) return;  // a writer stayed inside: leave its frames alone
        try {
            long deadline = System.nanoTime() + timeoutNanos;
            for (int idle = 0; inFlight() > 0 && deadline - System.nanoTime() > 0; idle++) {
                if (tx.pendingInKernel() > 0) kickUntilSent();
                reclaim();
                if (idle > 0) Thread.onSpinWait();
            }
        } catch (XdpException | RuntimeException ignored) {
            // The interface is gone or down: nothing more will complete.
        } finally {
            guard.exit();
        }
    }

    /** Takes completed frames back onto the free stack. */
    int reclaim() {
        int n = cq.available(frames);
        if (n == 0) return 0;
        int start = cq.peek(n);
        for (int i = 0; i < n; i++) {
            long addr = cq.address(start + i);
            long rel = addr - txFirst;
            // Only addresses we posted come back; anything else must never be written to.
            if (rel >= 0 && rel < txSpan && rel % frameSize == 0 && freeCount < free.length) {
                free[freeCount++] = addr;
            } else {
                invalidCompletions++;
            }
        }
        cq.release(n);
        completed += n;
        return n;
    }

    /** Room for at least one of {@code wanted} frames (free frames and free TX slots), waiting as the policy says. */
    private boolean awaitRoom(int wanted) throws XdpException {
        if (freeCount < wanted) reclaim();
        if (freeCount > 0 && tx.free(1) > 0) return true;
        return policy.await(roomForWrite);
    }

    private void kickUntilSent() throws XdpException {
        // Kick only when the kernel asks (need_wakeup). In copy mode it always asks.
        if (!tx.needsWakeup()) return;
        if (!copyMode) {
            kick();
            return;
        }
        int pending = tx.pendingInKernel();
        int stalls = 0;
        while (pending > 0) {
            kick();
            reclaim();
            int now = tx.pendingInKernel();
            // No progress twice in a row: the driver is busy (EAGAIN from a full peer ring); the rest
            // goes with the next write, flush or wait.
            if (now >= pending && ++stalls >= 2) return;
            pending = now;
        }
    }

    private void kick() throws XdpException {
        kicks++;
        int e = kernel.kickTx();
        if (e == 0) return;
        switch (e) {
            case Errno.EAGAIN, Errno.ENOBUFS -> { } // budget used up, driver busy, or no completion room yet: kick again later
            case Errno.EBUSY -> dropped++;          // the driver dropped one frame; it is still completed
            case Errno.ENETDOWN -> throw SysCall.failure("sendto(AF_XDP TX kick, " + resources.name() + ")", e, "the interface is down");
            case Errno.ENXIO -> throw SysCall.failure("sendto(AF_XDP TX kick, " + resources.name() + ")", e,
                    "the interface is gone (deleted, or moved to another network namespace); close this socket");
            default -> throw SysCall.failure("sendto(AF_XDP TX kick, " + resources.name() + ")", e, null);
        }
    }

    /** A write's wait: at least one free frame and one free TX slot. */
    private final class Room implements WaitPolicy.Waitable {
        @Override public boolean ready() { return freeCount > 0 && tx.free(1) > 0; }
        @Override public void beforeSleep() throws XdpException {
            kickUntilSent();
            reclaim();
        }
        @Override public void checkState() throws XdpClosedException { resources.ensureOpen(); }
        @Override public void woken() throws XdpClosedException { throw resources.closedException(); }
        @Override public void checkAlive() { }  // the kicks before each sleep answer ENXIO when the interface is gone
        @Override public void countPoll() { polls++; }
    }

    /** A flush's wait: every frame back. */
    private final class Drained implements WaitPolicy.Waitable {
        @Override public boolean ready() { return freeCount == frames; }
        @Override public void beforeSleep() throws XdpException {
            if (tx.pendingInKernel() > 0) kickUntilSent();
            reclaim();
        }
        @Override public void checkState() throws XdpClosedException { resources.ensureOpen(); }
        @Override public void woken() throws XdpClosedException { throw resources.closedException(); }
        @Override public void checkAlive() throws XdpException { kick(); }  // ENXIO or ENETDOWN: nothing more will complete
        @Override public void countPoll() { polls++; }
    }
}
