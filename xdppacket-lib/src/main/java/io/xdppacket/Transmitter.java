package io.xdppacket;

import io.xdppacket.internal.sys.Errno;
import io.xdppacket.internal.sys.IfXdp;
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
 * The transmit side of a socket: TX ring out, COMPLETION ring in, the socket's transmit frames of
 * the UMEM, and the counters only the writing thread writes.
 *
 * <p><b>Where a transmit frame is.</b> Free ({@link #free}, a stack); claimed by the application
 * ({@link #claim}, shown by a {@link Packet} this side lent out); on the TX ring (written, not yet
 * sent); on the COMPLETION ring (sent, not yet reclaimed). Frames of other sockets of the same UMEM
 * pass through too: a forwarded packet's frames go on the TX ring, and once reclaimed they go home
 * to the receive side they came from, through a {@link FrameReturns} ring.
 *
 * <p><b>Writes</b> check their arguments, reserve TX slots, take free frames and copy into them,
 * then submit the batch with one release store and kick the kernel; if a copy fails (the caller's
 * memory cannot be read), they cancel the reservation and put the frames back, so a failed write
 * costs nothing. A frame longer than one UMEM frame (multi-buffer sockets) goes out as a chain of
 * descriptors, all but the last marked {@code XDP_PKT_CONTD}.
 *
 * <p><b>Kicks.</b> In copy mode (veth, generic XDP, drivers without zero-copy) the kernel sends only
 * inside a {@code sendto}, at most {@code txBudget} frames per call, and answers EAGAIN when it
 * stopped for that budget: so a write kicks until the ring is drained, and the frames are on their
 * way when it returns. EBUSY means the driver dropped one frame (the peer's ring was full, or the
 * frame exceeds the peer's MTU); that frame is still completed, so it is counted in {@link #dropped}.
 * In zero-copy mode the driver sends on its own and one kick when the kernel asks for it
 * ({@code need_wakeup}) is enough.
 *
 * <p>One writing thread at a time ({@link #guard()}): every write, forward, claim, submit and flush
 * enters the guard.
 */
final class Transmitter {
    /** The smallest frame a write takes: an Ethernet header. */
    static final int MIN_FRAME = 14;
    /**
     * The most descriptors one frame may be sent in: copy mode builds an skb of the first and up to
     * {@code MAX_SKB_FRAGS − 1} more before it answers EOVERFLOW, so stay one below the kernel's 18.
     */
    static final int MAX_TX_SEGMENTS = Packet.MAX_SEGMENTS - 1;

    private final TxRing tx;
    private final CompletionRing cq;
    private final XdpUmem umem;
    private final MemorySegment memory;
    private final int frameSize;
    private final long frameMask;
    /** Bytes one UMEM frame carries. */
    private final int room;
    /** The longest frame: {@link #room}, or a chain of {@link #MAX_TX_SEGMENTS} of them on a multi-buffer socket. */
    private final int maxFrame;
    private final long txFirst;
    private final long txEnd;
    private final long[] free;
    private int freeCount;
    private final int frames;
    /** Per UMEM frame: 1 while it is posted as a segment that more follow (its completion ends no packet). */
    private final byte[] continued;
    private final Packet claimed = new Packet();
    private int claimedFrames;

    /** Where this side's reclaimed frames of other receive sides go home; found by address, the last one cached. */
    private XdpUmem.Region homeRegion;
    private FrameReturns homeReturns;
    private XdpUmem.Region[] knownRegions = new XdpUmem.Region[0];
    private FrameReturns[] knownReturns = new FrameReturns[0];

    private final SocketResources resources;
    private final UseGuard guard;
    private final WaitPolicy policy;
    private final Room room1 = new Room();
    private final Drained drained = new Drained();
    private final XskKicks kernel;
    private final boolean copyMode;

    // Counters: written by the writing thread only. Packets, not descriptors.
    long packets, bytes, completed, dropped, kicks, polls, invalidCompletions, forwarded;

    Transmitter(QueueContext ctx, TxRing tx, CompletionRing cq, long txFirst, int txFrames, boolean copyMode) {
        this.resources = ctx.resources();
        this.kernel = ctx.kicks();
        this.tx = tx;
        this.cq = cq;
        this.umem = ctx.umem();
        this.memory = umem.memory();
        this.frameSize = umem.frameSize();
        this.frameMask = ~((long) frameSize - 1);
        this.room = frameSize - XdpOptions.HEADROOM;
        this.maxFrame = ctx.multiBuffer() ? MAX_TX_SEGMENTS * room : room;
        this.txFirst = txFirst;
        this.txEnd = txFirst + (long) txFrames * frameSize;
        this.frames = txFrames;
        this.free = new long[txFrames];
        for (int i = txFrames - 1; i >= 0; i--) free[freeCount++] = txFirst + (long) i * frameSize;
        // Only a multi-buffer socket posts chains, so only it must tell a chain's last completion from the others.
        this.continued = ctx.multiBuffer() ? new byte[umem.frameCount()] : null;
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

    boolean isClosed() {
        return resources.isClosed();
    }

    /** The longest frame a write accepts. */
    int maxFrame() {
        return maxFrame;
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
     * null (checked by the caller): reserve TX slots and take frames, copy, submit — or, if the copy
     * fails (memory closed or taken by another thread since the check), give both back.
     */
    private boolean writeOne(byte[] array, MemorySegment segment, ByteBuffer buffer, int offset, int length) throws XdpException {
        int segs = segmentsFor(length);
        guard.enter();
        try {
            if (!awaitRoom(segs, segs)) return false;
            int slot = tx.reserve(segs);
            int taken = 0;
            try {
                for (int k = 0; k < segs; k++) {
                    int at = k * room;
                    int part = Math.min(room, length - at);
                    long addr = free[--freeCount];
                    taken++;
                    if (array != null) {
                        MemorySegment.copy(array, offset + at, memory, JAVA_BYTE, addr, part);
                    } else if (segment != null) {
                        MemorySegment.copy(segment, at, memory, addr, part);
                    } else if (buffer.hasArray()) {
                        MemorySegment.copy(buffer.array(), buffer.arrayOffset() + offset + at, memory, JAVA_BYTE, addr, part);
                    } else {
                        MemorySegment.copy(MemorySegment.ofBuffer(buffer), at, memory, addr, part);
                    }
                    post(slot + k, addr, part, k < segs - 1);
                }
            } catch (RuntimeException e) {
                unwind(segs, taken);
                throw e;
            }
            if (buffer != null) buffer.position(offset + length);
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
                byte[] first = array != null ? array[from + done] : list.get(from + done);
                int firstSegs = segmentsFor(first.length);
                if (!awaitRoom(firstSegs, firstSegs)) break;
                // As many frames as the free frames and TX slots hold now.
                int budget = Math.min(freeCount, tx.free(count - done));
                int n = 0;
                int need = 0;
                while (done + n < count) {
                    byte[] f = array != null ? array[from + done + n] : list.get(from + done + n);
                    int s = f == null ? 1 : segmentsFor(f.length);
                    if (need + s > budget) break;
                    need += s;
                    n++;
                }
                int slot = tx.reserve(need);
                int taken = 0;
                for (int i = 0; i < n; i++) {
                    byte[] f = array != null ? array[from + done + i] : list.get(from + done + i);
                    // Checked above; checked again because the caller's array may have changed since:
                    // a longer frame would be copied over the next UMEM frame.
                    if (f == null || f.length < MIN_FRAME || f.length > maxFrame || taken + segmentsFor(f.length) > need) {
                        unwind(need, taken);
                        throw new IllegalStateException("frame " + (from + done + i) + " changed while it was being written");
                    }
                    int segs = segmentsFor(f.length);
                    for (int k = 0; k < segs; k++) {
                        int at = k * room;
                        int part = Math.min(room, f.length - at);
                        long addr = free[--freeCount];
                        taken++;
                        MemorySegment.copy(f, at, memory, JAVA_BYTE, addr, part);
                        post(slot++, addr, part, k < segs - 1);
                    }
                    bytes += f.length;
                }
                if (taken < need) tx.cancel(need - taken);  // frames grew shorter since the count: fewer slots
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

    // ---- zero-copy: forwarding received frames, and claims ------------------------------------------

    /**
     * Sends the packets {@code batch} shows, {@code from .. from+count)}, without copying: each
     * packet's frames go on the TX ring as they are, and the view is cleared — the frames are this
     * side's until their send completes, then they go home to the socket that received them. Every
     * packet is checked first. Returns how many were taken: a prefix; fewer only in NONBLOCK mode,
     * and then the rest still show their frames (released with their read).
     */
    int forward(PacketBatch batch, int from, int count) throws XdpException {
        Objects.requireNonNull(batch, "batch");
        Objects.checkFromIndexSize(from, count, batch.size());
        for (int i = from; i < from + count; i++) checkForwardable(batch.packets[i], i);
        guard.enter();
        try {
            int done = 0;
            while (done < count) {
                int segs = batch.packets[from + done].segmentCount();
                if (!awaitRoom(0, segs)) break;
                int budget = tx.free(count - done);
                int n = 0;
                int need = 0;
                while (done + n < count && need + batch.packets[from + done + n].segmentCount() <= budget) {
                    need += batch.packets[from + done + n].segmentCount();
                    n++;
                }
                int slot = tx.reserve(need);
                for (int i = 0; i < n; i++) {
                    Packet p = batch.packets[from + done + i];
                    int s = p.segmentCount();
                    for (int k = 0; k < s; k++) post(slot++, p.segmentAddress(k), p.segmentLength(k), k < s - 1);
                    bytes += p.length();
                    p.clear();  // the frames are in flight: no read's release gives them back now
                }
                tx.submit();
                packets += n;
                forwarded += n;
                done += n;
                kickUntilSent();
            }
            return done;
        } finally {
            guard.exit();
        }
    }

    /** A packet that may be forwarded here: it shows a received frame of this UMEM that this socket can send. */
    private void checkForwardable(Packet p, int index) {
        if (!(p.owner instanceof Receiver r)) {
            throw new IllegalArgumentException("packet " + index + " shows no received frame (released, forwarded already, or claimed)");
        }
        if (r.umem() != umem) {
            throw new IllegalArgumentException("packet " + index + " was received by " + r.resources().name()
                    + ", which does not share this socket's UMEM (" + resources.name() + "): open both on one XdpUmem, or write a copy");
        }
        if (p.segmentCount() > 1 && maxFrame == room) {
            throw new IllegalArgumentException("packet " + index + " spans " + p.segmentCount() + " buffers, but "
                    + resources.name() + " has no multi-buffer support (multiBuffer)");
        }
        if (p.segmentCount() > MAX_TX_SEGMENTS) {
            throw new IllegalArgumentException("packet " + index + " spans " + p.segmentCount() + " buffers; the kernel sends at most "
                    + MAX_TX_SEGMENTS);
        }
    }

    /**
     * Claims free frames for one frame of up to {@code length} bytes and shows them, writable, in
     * this side's claim view; {@code null} in NONBLOCK mode when none came free in time.
     */
    Packet claim(int length) throws XdpException {
        checkLength(length);
        guard.enter();
        try {
            if (claimed.owner != null) {
                throw new IllegalStateException("a frame claimed before is neither submitted nor aborted: one claim at a time"
                        + " (claim(PacketBatch, length) claims many)");
            }
            int segs = segmentsFor(length);
            if (!awaitRoom(segs, 0)) return null;
            claimInto(claimed, length, segs);
            return claimed;
        } finally {
            guard.exit();
        }
    }

    /**
     * Claims frames of up to {@code length} bytes into {@code batch}'s views: as many as are free,
     * at most its capacity, waiting for at least one as the I/O mode says. Returns how many (0 only in
     * NONBLOCK mode after the timeout).
     */
    int claim(PacketBatch batch, int length) throws XdpException {
        Objects.requireNonNull(batch, "batch");
        checkLength(length);
        guard.enter();
        try {
            batch.requireFree(this);
            int segs = segmentsFor(length);
            if (!awaitRoom(segs, 0)) return 0;
            int n = Math.min(batch.capacity(), freeCount / segs);
            for (int i = 0; i < n; i++) claimInto(batch.packets[i], length, segs);
            batch.lend(n, this);
            return n;
        } finally {
            guard.exit();
        }
    }

    private void claimInto(Packet view, int length, int segs) {
        long addr = free[--freeCount];
        view.point(memory, addr, Math.min(room, length), this);
        for (int k = 1; k < segs; k++) view.addSegment(free[--freeCount], Math.min(room, length - k * room));
        view.allowLength(length, room);
        claimedFrames += segs;
    }

    /**
     * Sends claimed frames {@code views[from .. from+count)} of {@code batch} (or the single claim
     * view): their frames go on the TX ring at each view's length, segments left empty by
     * {@link Packet#setLength} go back free. Returns how many were sent; fewer only in NONBLOCK mode.
     */
    int submit(PacketBatch batch) throws XdpException {
        Objects.requireNonNull(batch, "batch");
        for (int i = 0; i < batch.size(); i++) checkClaimed(batch.packets[i], i);
        return submitViews(batch.packets, batch.size(), batch);
    }

    boolean submit(Packet view) throws XdpException {
        Objects.requireNonNull(view, "packet");
        checkClaimed(view, 0);
        return submitViews(new Packet[] {view}, 1, null) == 1;
    }

    private int submitViews(Packet[] views, int count, PacketBatch batch) throws XdpException {
        guard.enter();
        try {
            int done = 0;
            while (done < count) {
                int segs = usedSegments(views[done]);
                if (!awaitRoom(0, segs)) break;
                int slot = tx.reserve(segs);
                Packet p = views[done];
                int total = p.segmentCount();
                for (int k = 0; k < total; k++) {
                    long addr = p.segmentAddress(k);
                    if (k < segs) post(slot++, addr, p.segmentLength(k), k < segs - 1);
                    else free[freeCount++] = addr;  // left empty by setLength
                }
                claimedFrames -= total;
                tx.submit();
                packets++;
                bytes += p.length();
                p.clear();
                done++;
                if (done == count || tx.free(1) == 0) kickUntilSent();
            }
            kickUntilSent();
            if (batch != null && done == count) batch.clear();
            return done;
        } finally {
            guard.exit();
        }
    }

    /** Gives claimed frames back without sending them. */
    void abort(PacketBatch batch) throws XdpException {
        Objects.requireNonNull(batch, "batch");
        for (int i = 0; i < batch.size(); i++) checkClaimed(batch.packets[i], i);
        guard.enter();
        try {
            for (int i = 0; i < batch.size(); i++) unclaim(batch.packets[i]);
            batch.clear();
        } finally {
            guard.exit();
        }
    }

    void abort(Packet view) throws XdpException {
        Objects.requireNonNull(view, "packet");
        checkClaimed(view, 0);
        guard.enter();
        try {
            unclaim(view);
        } finally {
            guard.exit();
        }
    }

    private void unclaim(Packet p) {
        for (int k = 0; k < p.segmentCount(); k++) free[freeCount++] = p.segmentAddress(k);
        claimedFrames -= p.segmentCount();
        p.clear();
    }

    private void checkClaimed(Packet p, int index) {
        if (p.owner != this) {
            throw new IllegalArgumentException("packet " + index + " is not a frame claimed from " + resources.name()
                    + " (submitted or aborted already, or received)");
        }
    }

    /** Segments a claimed frame uses at its length: the empty ones at the end go back free. */
    private int usedSegments(Packet p) {
        return Math.max(1, segmentsFor(p.length()));
    }

    // ---- descriptors ------------------------------------------------------------------------------

    /** Writes TX descriptor {@code slot}; a segment that more follow is marked, on the ring and here. */
    private void post(int slot, long addr, int length, boolean more) {
        tx.setDescriptor(slot, addr, length, more ? IfXdp.XDP_PKT_CONTD : 0);
        if (more) continued[(int) (addr / frameSize)] = 1;
    }

    private void unmark(long addr) {
        if (continued != null) continued[(int) (addr / frameSize)] = 0;
    }

    /**
     * Undoes a write that failed before it submitted: its {@code reserved} TX slots go back to the
     * ring, and the {@code taken} frames it popped back on the free stack (they are still in the
     * array, just above its top).
     */
    private void unwind(int reserved, int taken) {
        tx.cancel(reserved);
        for (int i = 0; i < taken; i++) unmark(free[freeCount + i]);
        freeCount += taken;
    }

    private int segmentsFor(int length) {
        return length <= room ? 1 : (length + room - 1) / room;
    }

    /** Rejects a frame no write would take, before anything is written. */
    void checkLength(long length) {
        if (length < MIN_FRAME || length > maxFrame) {
            throw new IllegalArgumentException("frame of " + length + " bytes: a frame must be between " + MIN_FRAME
                    + " (an Ethernet header) and " + maxFrame + " bytes (" + (maxFrame == room
                    ? "frameSize " + frameSize + " minus " + XdpOptions.HEADROOM + " bytes of headroom; multiBuffer sends longer frames"
                    : MAX_TX_SEGMENTS + " UMEM frames of " + room + " bytes") + ")");
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

    // ---- completion ---------------------------------------------------------------------------

    /** The frames free here, for tests of who holds which frame. */
    long[] framesHere() {
        return java.util.Arrays.copyOf(free, freeCount);
    }

    /** Packets written and not yet completed. */
    int inFlight() {
        return (int) (packets - completed);
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

    /** Takes completed frames back: this side's onto the free stack, other sockets' on their way home. */
    int reclaim() {
        int n = cq.available(Integer.MAX_VALUE);
        if (n == 0) return 0;
        int start = cq.peek(n);
        long done = 0;
        for (int i = 0; i < n; i++) {
            long addr = cq.address(start + i);
            int index = (int) (addr / frameSize);
            if (continued != null && index >= 0 && index < continued.length && continued[index] != 0) {
                continued[index] = 0;  // a segment that more followed: the packet completes with its last one
            } else {
                done++;
            }
            long rel = addr - txFirst;
            if (rel >= 0 && addr < txEnd && rel % frameSize == 0 && freeCount < free.length) {
                free[freeCount++] = addr;
            } else {
                sendHome(addr & frameMask);
            }
        }
        cq.release(n);
        if (homeReturns != null) homeReturns.publish();
        completed += done;
        return n;
    }

    /** A reclaimed frame of another receive side of this UMEM goes home; anything else must never be written to. */
    private void sendHome(long frame) {
        XdpUmem.Region r = homeRegion;
        if (r == null || frame < r.first() || frame >= r.end()) {
            r = umem.regionOf(frame);
            if (r == null) {
                invalidCompletions++;
                return;
            }
            if (homeReturns != null) homeReturns.publish();
            homeRegion = r;
            homeReturns = returnsFor(r);
        }
        homeReturns.put(frame);
    }

    /** The return ring from this side to the receive side of region {@code r}, made on first use. */
    private FrameReturns returnsFor(XdpUmem.Region r) {
        for (int i = 0; i < knownRegions.length; i++) {
            if (knownRegions[i] == r) return knownReturns[i];
        }
        FrameReturns ring = r.home().newReturns();
        knownRegions = java.util.Arrays.copyOf(knownRegions, knownRegions.length + 1);
        knownReturns = java.util.Arrays.copyOf(knownReturns, knownReturns.length + 1);
        knownRegions[knownRegions.length - 1] = r;
        knownReturns[knownReturns.length - 1] = ring;
        return ring;
    }

    /** Room for {@code framesWanted} free frames and {@code slotsWanted} TX slots, waiting as the policy says. */
    private boolean awaitRoom(int framesWanted, int slotsWanted) throws XdpException {
        if (freeCount < framesWanted) reclaim();
        if (freeCount >= framesWanted && tx.free(slotsWanted) >= slotsWanted) return true;
        room1.frames = framesWanted;
        room1.slots = slotsWanted;
        return policy.await(room1);
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

    /** A write's wait: enough free frames and TX slots. */
    private final class Room implements WaitPolicy.Waitable {
        int frames;
        int slots;

        @Override public boolean ready() { return freeCount >= frames && tx.free(slots) >= slots; }
        @Override public void beforeSleep() throws XdpException {
            kickUntilSent();
            reclaim();
        }
        @Override public void checkState() throws XdpClosedException { resources.ensureOpen(); }
        @Override public void woken() throws XdpClosedException { throw resources.closedException(); }
        @Override public void checkAlive() { }  // the kicks before each sleep answer ENXIO when the interface is gone
        @Override public void countPoll() { polls++; }
    }

    /** A flush's wait: every packet completed. */
    private final class Drained implements WaitPolicy.Waitable {
        @Override public boolean ready() { return packets == completed; }
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
