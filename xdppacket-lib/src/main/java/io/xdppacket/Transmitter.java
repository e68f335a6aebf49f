package io.xdppacket;

import io.xdppacket.internal.sys.Errno;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.sys.SysCall;
import io.xdppacket.internal.xsk.CompletionRing;
import io.xdppacket.internal.xsk.Poller;
import io.xdppacket.internal.xsk.TxRing;
import io.xdppacket.internal.xsk.XskKicks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The transmit half of a socket: TX ring out, COMPLETION ring in, the TX frames of the UMEM, and
 * the counters only the writing thread writes.
 *
 * <p>A TX frame is either free ({@link #free}, a stack) or in flight (posted on the TX ring, not yet
 * returned on COMPLETION). A write copies the frame into a free one, posts the descriptors of the
 * whole batch with one submit and kicks the kernel.
 *
 * <p>Kicks. In copy mode (veth, generic XDP, drivers without zero-copy) the kernel sends only inside
 * a {@code sendto}, at most 32 frames per call ({@code XDP_MAX_TX_SKB_BUDGET}), and answers EAGAIN
 * when it stopped for that budget: so a write kicks until the ring is drained, one syscall per 32
 * frames, and the frames are on their way when it returns. EBUSY means the driver dropped one frame
 * (the peer's ring was full, or the frame exceeds the peer's MTU); that frame is still completed, so
 * it is counted in {@link #dropped}. In zero-copy mode the driver sends on its own and one kick when
 * the kernel asks for it ({@code need_wakeup}) is enough.
 *
 * <p>Single producer: one thread at a time writes to a socket.
 */
final class Transmitter {
    /** A blocking wait re-checks the closed flag at least this often. */
    private static final long WAIT_CHUNK_NANOS = 1_000_000L;

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

    private final Poller poller;
    private final boolean block;
    private final long pollTimeoutNanos;
    private final Lifecycle life;
    private final XskKicks kernel;
    private final boolean copyMode;

    // Counters: written by the writing thread only.
    long packets, bytes, completed, dropped, kicks, polls, invalidCompletions;

    Transmitter(Arena arena, Lifecycle life, int fd, int wakeFd, XskKicks kernel, TxRing tx, CompletionRing cq, MemorySegment umem,
                int frameSize, long txFirst, int txFrames, XdpOptions options, boolean copyMode) {
        this.life = life;
        this.kernel = kernel;
        this.tx = tx;
        this.cq = cq;
        this.umem = umem;
        this.frameSize = frameSize;
        this.room = options.frameRoom();
        this.txFirst = txFirst;
        this.txSpan = (long) txFrames * frameSize;
        this.frames = txFrames;
        this.free = new long[txFrames];
        for (int i = txFrames - 1; i >= 0; i--) free[freeCount++] = txFirst + (long) i * frameSize;
        this.block = options.ioMode() == IoMode.BLOCK;
        this.pollTimeoutNanos = options.pollTimeout().toNanos();
        this.poller = new Poller(arena, new int[] {fd}, Libc.POLLOUT, wakeFd, "TX of " + life.name());
        this.copyMode = copyMode;
    }

    /** The largest frame a write accepts. */
    int room() {
        return room;
    }

    // ---- writes -------------------------------------------------------------------------------

    boolean write(byte[] src, int offset, int length) throws XdpException {
        Objects.checkFromIndexSize(offset, length, src.length);
        checkLength(length);
        if (awaitRoom(1) == 0) return false;
        long addr = free[--freeCount];
        MemorySegment.copy(src, offset, umem, JAVA_BYTE, addr, length);
        post(addr, length);
        return true;
    }

    boolean write(MemorySegment src) throws XdpException {
        long size = src.byteSize();
        checkLength(size);
        if (awaitRoom(1) == 0) return false;
        long addr = free[--freeCount];
        MemorySegment.copy(src, 0, umem, addr, size);
        post(addr, (int) size);
        return true;
    }

    /** Writes the buffer's remaining bytes; advances its position only if the frame was taken. */
    boolean write(ByteBuffer src) throws XdpException {
        int length = src.remaining();
        checkLength(length);
        if (awaitRoom(1) == 0) return false;
        long addr = free[--freeCount];
        if (src.hasArray()) {
            MemorySegment.copy(src.array(), src.arrayOffset() + src.position(), umem, JAVA_BYTE, addr, length);
        } else {
            MemorySegment.copy(MemorySegment.ofBuffer(src), 0, umem, addr, length);
        }
        src.position(src.position() + length);
        post(addr, length);
        return true;
    }

    private void post(long addr, int length) throws XdpException {
        int index = tx.reservedStart();
        tx.reserve(1);
        tx.setDescriptor(index, addr, length, 0);
        tx.submit();
        packets++;
        bytes += length;
        kickUntilSent();
    }

    /** Writes {@code frames[from .. from+count)}; returns how many were taken (fewer only in NONBLOCK mode after the timeout). */
    int writeBatch(byte[][] batch, int from, int count) throws XdpException {
        Objects.checkFromIndexSize(from, count, batch.length);
        return writeFrames(batch, null, from, count);
    }

    /** {@link #writeBatch(byte[][], int, int)} over a list (indexed access, no iterator). */
    int writeBatch(List<byte[]> batch) throws XdpException {
        return writeBatch(batch, 0, batch.size());
    }

    /** {@link #writeBatch(byte[][], int, int)} for {@code batch[from .. from+count)} of a list. */
    int writeBatch(List<byte[]> batch, int from, int count) throws XdpException {
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
        int done = 0;
        while (done < count) {
            int n = awaitRoom(count - done);
            if (n == 0) break;
            int start = tx.reservedStart();
            n = tx.reserve(n);
            for (int i = 0; i < n; i++) {
                byte[] f = array != null ? array[from + done + i] : list.get(from + done + i);
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
    }

    /** Rejects a frame no write would take, before anything is written. */
    void checkLength(long length) {
        if (length < 14 || length > room) {
            throw new IllegalArgumentException("frame of " + length + " bytes: a frame must be between 14 (an Ethernet header) and "
                    + room + " bytes (frameSize " + frameSize + " minus " + XdpOptions.HEADROOM + " bytes of headroom)");
        }
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
        return flush(timeoutNanos, false);
    }

    /** {@link #flush(long)} for close(), which has already marked the socket closed. */
    boolean flushForClose(long timeoutNanos) throws XdpException {
        return flush(timeoutNanos, true);
    }

    private boolean flush(long timeoutNanos, boolean closing) throws XdpException {
        long deadline = System.nanoTime() + timeoutNanos;
        int idle = 0;
        while (true) {
            if (tx.pendingInKernel() > 0) kickUntilSent();
            if (reclaim() > 0) idle = 0;
            if (freeCount == frames) return true;
            if (timeoutNanos >= 0 && deadline - System.nanoTime() <= 0) return false;
            if (!closing) life.ensureOpen();
            backOff(idle++);
        }
    }

    /** Takes completed frames back onto the free stack. */
    int reclaim() {
        int n = cq.peek(frames);
        if (n == 0) return 0;
        int start = cq.consumedStart() - n;
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

    /**
     * Room for up to {@code wanted} frames: free frames and free TX slots. Waits as the I/O mode says;
     * returns 0 only in NONBLOCK mode after the timeout.
     */
    private int awaitRoom(int wanted) throws XdpException {
        if (freeCount < wanted) reclaim();
        int n = Math.min(Math.min(freeCount, tx.free(wanted)), wanted);
        if (n > 0) return n;
        long deadline = System.nanoTime() + pollTimeoutNanos;
        while (true) {
            life.ensureOpen();
            kickUntilSent();
            reclaim();
            n = Math.min(Math.min(freeCount, tx.free(wanted)), wanted);
            if (n > 0) return n;
            long wait = WAIT_CHUNK_NANOS;
            if (!block) {
                wait = deadline - System.nanoTime();
                if (wait <= 0) return 0;
            }
            // Copy mode: ppoll itself drives the TX ring (xsk_poll calls the generic xmit) and returns
            // when the ring is at most half full, or when completions free socket memory.
            polls++;
            if (poller.await(wait) == Poller.WOKEN) throw life.closedException();
        }
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
            case Errno.ENETDOWN -> throw SysCall.failure("sendto(AF_XDP TX kick, " + life.name() + ")", e, "the interface is down");
            case Errno.ENXIO -> throw SysCall.failure("sendto(AF_XDP TX kick, " + life.name() + ")", e, "the interface is gone");
            default -> throw SysCall.failure("sendto(AF_XDP TX kick, " + life.name() + ")", e, null);
        }
    }

    private static void backOff(int idle) {
        if (idle < 64) Thread.onSpinWait();
        else if (idle < 128) Thread.yield();
        else LockSupport.parkNanos(50_000);
    }
}
