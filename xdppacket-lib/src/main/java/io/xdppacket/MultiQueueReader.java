package io.xdppacket;

import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.xsk.Poller;

import java.util.Arrays;
import java.util.List;

/**
 * The reading side of an {@link XdpMultiQueue}: for the length of each of its calls it is the reading
 * thread of every member socket, holding each member's read guard ({@link Receiver#guard()}), and it
 * waits on all of them at once with one {@code ppoll} over their fds and the set's wake-up fd.
 *
 * <p><b>Members that close on their own.</b> A member closing tells the reader
 * ({@link XdpSocket.CloseListener}) and then waits until its guard is free before it frees its
 * rings and closes its fd. The reader, at its next check (within {@link WaitPolicy#SPINS_PER_CHECK}
 * spins, or at once when asleep: the notice wakes it), stops watching the member's fd and lets go of
 * its guard, and never looks at that member again. So the member's memory and fd are never freed
 * under the reader, and "skip a closed member" is decided in one place, {@link #dropClosedMembers}.
 *
 * <p>Frames of one queue keep their order; held frames of every queue are released at the start of
 * the next call (or by {@link #release}).
 */
final class MultiQueueReader implements XdpSocket.CloseListener {
    private final SocketResources resources;
    private final UseGuard guard;
    private final Receiver[] receivers;
    private final SocketResources[] memberResources;
    private final Poller poller;
    private final WaitPolicy policy;
    private final WaitPolicy.Waitable anyFrame = new AnyFrame();
    /** Set by a closing member before it wakes us; cleared by the reader when it looks. */
    private volatile boolean memberClosing;

    // Reading thread only.
    /** Members whose guard this call holds: open, and not dropped. */
    private final boolean[] holding;
    /** Members closed for good: never read or polled again. */
    private final boolean[] dropped;
    private PacketBatch heldBatch;
    /** The queue {@link #readFairly} serves first next time. */
    private int firstQueue;
    private final byte[][] copies;

    /**
     * @param resources the set's: its arena holds the poll set, its wake-up fd ends sleeps, its closed state ends calls
     * @param receivers the members' receive sides, queue {@code q} at index {@code q}
     * @param fds       the members' socket fds, for the poll set
     */
    MultiQueueReader(SocketResources resources, Receiver[] receivers, int[] fds, XdpOptions options) {
        int n = receivers.length;
        this.resources = resources;
        this.receivers = receivers.clone();
        this.memberResources = new SocketResources[n];
        for (int q = 0; q < n; q++) memberResources[q] = receivers[q].resources();
        this.guard = resources.newGuard("two threads read from " + resources.name() + " at once: the set's reads are the"
                + " reading thread of every socket of the set, one thread at a time");
        this.poller = new Poller(resources.arena(), fds, Libc.POLLIN, resources.wakeFd(), "RX of " + resources.name());
        this.policy = WaitPolicy.forReader(poller, options);
        this.holding = new boolean[n];
        this.dropped = new boolean[n];
        this.copies = new byte[n][];
    }

    /** The set's reading guard: close waits until it is free. */
    UseGuard guard() {
        return guard;
    }

    @Override
    public void socketClosing(int queue) {
        memberClosing = true;
        resources.wake();
    }

    // ---- the set's reads --------------------------------------------------------------------------

    /** At most one frame from each queue, in queue order; waits as the policy says. 0 only after a NONBLOCK timeout. */
    int readOneEach(PacketBatch batch) throws XdpException {
        begin();
        try {
            batch.requireFree(this);
            while (true) {
                int k = 0;
                for (int q = 0; q < receivers.length; q++) {
                    if (holding[q] && receivers[q].tryReadOne(batch.packets[k])) k++;
                }
                if (k > 0) return hold(batch, k);
                if (!policy.await(anyFrame)) return 0;
            }
        } finally {
            end();
        }
    }

    /**
     * Up to {@code batch.capacity()} frames from all queues, fairly: every queue that has frames gets
     * a share ({@code capacity / queues}, at least one) before any gets more; the rest goes to the
     * queues that filled their share. The queue served first moves on after each read.
     */
    int readFairly(PacketBatch batch) throws XdpException {
        begin();
        try {
            batch.requireFree(this);
            while (true) {
                int k = takeFairly(batch);
                if (k > 0) return hold(batch, k);
                if (!policy.await(anyFrame)) return 0;
            }
        } finally {
            end();
        }
    }

    /** One frame from each queue that has one, copied into new arrays; {@code infos[i]} gets the i-th frame's info. */
    List<byte[]> readCopies(PacketInfo[] infos) throws XdpException {
        begin();
        try {
            while (true) {
                int k = 0;
                for (int q = 0; q < receivers.length; q++) {
                    if (!holding[q]) continue;
                    byte[] f = receivers[q].tryReadCopy(infoAt(infos, k));
                    if (f != null) copies[k++] = f;
                }
                if (k > 0) {
                    List<byte[]> out = List.of(Arrays.copyOf(copies, k));
                    Arrays.fill(copies, 0, k, null);
                    return out;
                }
                if (!policy.await(anyFrame)) return List.of();
            }
        } finally {
            end();
        }
    }

    /** Gives the frames of the last zero-copy read back now. */
    void release() throws XdpException {
        begin();
        end();
    }

    private int hold(PacketBatch batch, int k) {
        batch.lend(k, this);
        heldBatch = batch;
        return k;
    }

    private static PacketInfo infoAt(PacketInfo[] infos, int k) {
        if (infos == null) return null;
        PacketInfo info = infos[k];
        if (info == null) infos[k] = info = new PacketInfo();
        return info;
    }

    /**
     * One non-waiting round of {@link #readFairly}: a share for each queue in turn, from
     * {@link #firstQueue}, then the rest of the batch to the queues that may have more.
     */
    private int takeFairly(PacketBatch batch) {
        int n = receivers.length;
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

    private int take(int q, PacketBatch batch, int at, int max) {
        return holding[q] ? receivers[q].tryReadInto(batch, at, max) : 0;
    }

    // ---- the members' guards ----------------------------------------------------------------------

    /**
     * Enters the set's guard and every open member's, and releases the frames of the last read. A
     * member another thread is reading from makes the call fail (the rule is one reading thread per
     * socket); a closed member is dropped for good.
     */
    private void begin() throws XdpException {
        guard.enter();
        try {
            for (int q = 0; q < receivers.length; q++) {
                if (dropped[q]) continue;
                if (!receivers[q].guard().tryEnter()) throw receivers[q].guard().refusal();
                holding[q] = true;
            }
            dropClosedMembers();
            for (int q = 0; q < receivers.length; q++) {
                if (holding[q]) receivers[q].releaseHeld();
            }
            if (heldBatch != null) {
                heldBatch.giveBack(this);  // each frame to the socket that lent it
                heldBatch = null;
            }
            for (int q = 0; q < receivers.length; q++) {
                if (holding[q]) receivers[q].refillIfDue();
            }
        } catch (XdpException | RuntimeException | Error e) {
            end();
            throw e;
        }
    }

    /** Lets go of every member's guard, then the set's. */
    private void end() {
        for (int q = 0; q < receivers.length; q++) {
            if (holding[q]) {
                holding[q] = false;
                receivers[q].guard().exit();
            }
        }
        guard.exit();
    }

    /**
     * The one place that decides to skip a member: a member that is closed stops being polled, its
     * guard is let go (its close is waiting for that) and it is never read again.
     *
     * @throws XdpClosedException if no member is left
     */
    private void dropClosedMembers() throws XdpClosedException {
        memberClosing = false;
        int open = 0;
        for (int q = 0; q < receivers.length; q++) {
            if (dropped[q]) continue;
            if (memberResources[q].isClosed()) {
                poller.exclude(q);
                dropped[q] = true;
                if (holding[q]) {
                    holding[q] = false;
                    receivers[q].guard().exit();
                }
                continue;
            }
            open++;
        }
        if (open == 0) throw new XdpClosedException("every socket of " + resources.name());
    }

    /** The set's wait: any member with a frame. */
    private final class AnyFrame implements WaitPolicy.Waitable {
        @Override
        public boolean ready() {
            for (int q = 0; q < receivers.length; q++) {
                if (holding[q] && receivers[q].pollForFrames()) return true;
            }
            return false;
        }

        @Override
        public void beforeSleep() {
            for (int q = 0; q < receivers.length; q++) {
                if (holding[q]) receivers[q].prepareToWait();
            }
        }

        @Override
        public void checkState() throws XdpClosedException {
            resources.ensureOpen();
            if (memberClosing) dropClosedMembers();
        }

        @Override
        public void woken() throws XdpClosedException {
            resources.ensureOpen();  // the set is closing: throws
            poller.clearWake();      // a member closed on its own: checkState drops it
        }

        @Override
        public void checkAlive() throws XdpException {
            for (int q = 0; q < receivers.length; q++) {
                if (holding[q]) receivers[q].checkAlive();
            }
        }

        @Override
        public void countPoll() {
            for (int q = 0; q < receivers.length; q++) {
                if (holding[q]) receivers[q].countPoll();
            }
        }
    }
}
