package io.xdppacket;

import io.xdppacket.internal.xsk.Poller;

import java.util.concurrent.locks.LockSupport;

/**
 * How every engine waits — a read for frames, a write for room, a multi-queue read for any queue, a
 * flush for completions — in the shape of Agrona's idle strategies: the engine says what it waits
 * for ({@link Waitable}), the policy decides how. One instance per waiting engine; it owns that
 * engine's {@link Poller}.
 *
 * <ol>
 *   <li><b>Spin</b> for {@code busyPoll}: check the rings, no system call. While frames keep coming a
 *       spinning reader never sleeps, which also spares the kernel the work of waking it.</li>
 *   <li><b>Sleep</b> in {@code ppoll} in chunks ({@link #RX_CHUNK_NANOS} for readers,
 *       {@link #TX_CHUNK_NANOS} for writers, who re-kick between chunks), until ready, woken by the
 *       owner's wake-up fd (close), or — in NONBLOCK mode — out of {@code pollTimeout}. Between
 *       chunks the waiter checks that its interface still exists: a deleted interface never makes a
 *       socket readable, so without this a reader would sleep until close.</li>
 *   <li><b>Back off</b> ({@link #awaitBackingOff}): for waits the kernel does not signal through
 *       {@code ppoll} (a flush waiting for the last completions): spin, yield, then park briefly.</li>
 * </ol>
 *
 * Every phase looks at the owner's closed flag at least every {@link #SPINS_PER_CHECK} checks or
 * once per chunk, so close ends any wait.
 */
final class WaitPolicy {
    /** Ring checks between two looks at the clock and the closed flag while spinning. */
    static final int SPINS_PER_CHECK = 32;
    /** A reader's longest sleep without looking at its interface; also how often a spinning reader looks. */
    static final long RX_CHUNK_NANOS = 250_000_000L;
    /** A writer's longest sleep before it kicks again. */
    static final long TX_CHUNK_NANOS = 1_000_000L;
    /** Back-off: spins, then yields, then parks of this length. */
    private static final int BACKOFF_SPINS = 64;
    private static final int BACKOFF_YIELDS = 64;
    private static final long BACKOFF_PARK_NANOS = 50_000L;

    /** What an engine waits for, and what it does around the waiting. */
    interface Waitable {
        /** Whether the wait is over. Cheap and side-effect free beyond ring caches: it runs in the spin loop. */
        boolean ready();

        /** Before each sleep: give the kernel what it needs to make progress (refill FILL, kick TX). */
        void beforeSleep() throws XdpException;

        /** At every check point: throws if the owner closed (a multi-queue reader also drops closed members here). */
        void checkState() throws XdpException;

        /** A sleep ended by the wake-up fd: throws if the owner is closing, else makes the next sleep possible. */
        void woken() throws XdpException;

        /** Once per chunk: throws if the interface is gone. */
        void checkAlive() throws XdpException;

        /** Counts one {@code ppoll} (the stats' rxPolls / txPolls). */
        void countPoll();
    }

    private final Poller poller;
    private final boolean block;
    private final long pollTimeoutNanos;
    private final long busyPollNanos;
    private final long chunkNanos;

    /**
     * @param busyPollNanos how long to spin before sleeping (0: sleep at once)
     * @param chunkNanos the longest single sleep
     */
    WaitPolicy(Poller poller, XdpOptions options, long busyPollNanos, long chunkNanos) {
        this.poller = poller;
        this.block = options.ioMode() == IoMode.BLOCK;
        this.pollTimeoutNanos = options.pollTimeout().toNanos();
        this.busyPollNanos = busyPollNanos;
        this.chunkNanos = chunkNanos;
    }

    /** A reader's policy: spins for {@code options.busyPoll()}, sleeps in chunks of {@link #RX_CHUNK_NANOS}. */
    static WaitPolicy forReader(Poller poller, XdpOptions options) {
        return new WaitPolicy(poller, options, options.busyPoll().toNanos(), RX_CHUNK_NANOS);
    }

    /** A writer's policy: no spin (copy mode moves frames only inside a kick), chunks of {@link #TX_CHUNK_NANOS}. */
    static WaitPolicy forWriter(Poller poller, XdpOptions options) {
        return new WaitPolicy(poller, options, 0, TX_CHUNK_NANOS);
    }

    /**
     * Waits until {@code w} is ready: in BLOCK mode as long as that takes, in NONBLOCK mode at most
     * {@code pollTimeout} (the spin counts against it).
     *
     * @return true when ready; false when a NONBLOCK wait ran out of time
     * @throws XdpClosedException if the owner was closed before or during the wait
     * @throws XdpException if the interface went away, or ppoll failed
     */
    boolean await(Waitable w) throws XdpException {
        long start = System.nanoTime();
        long limit = block ? Long.MAX_VALUE : pollTimeoutNanos;
        long spin = Math.min(busyPollNanos, limit);
        if (spin > 0) {
            long nextAliveCheck = start + chunkNanos;
            for (int i = 1; ; i++) {
                Thread.onSpinWait();
                if (w.ready()) return true;
                if (i % SPINS_PER_CHECK == 0) {
                    w.checkState();
                    long now = System.nanoTime();
                    if (now - start >= spin) break;
                    if (now - nextAliveCheck >= 0) {
                        w.checkAlive();
                        nextAliveCheck = now + chunkNanos;
                    }
                }
            }
        }
        while (true) {
            w.checkState();
            w.beforeSleep();
            if (w.ready()) return true;
            long wait = chunkNanos;
            if (!block) {
                long left = limit - (System.nanoTime() - start);
                if (left <= 0) return false;
                wait = Math.min(wait, left);
            }
            w.countPoll();
            int result = poller.await(wait);
            if (result == Poller.WOKEN) w.woken();
            if (w.ready()) return true;
            if (result == 0) w.checkAlive();  // a chunk without news: is the interface still there?
        }
    }

    /**
     * Waits by backing off until {@code w} is ready or {@code timeoutNanos} passed ({@code < 0}: no
     * limit), calling {@link Waitable#beforeSleep} before every check (a flush kicks and reclaims
     * there). For waits {@code ppoll} cannot signal.
     *
     * @return whether {@code w} became ready in time
     */
    boolean awaitBackingOff(Waitable w, long timeoutNanos) throws XdpException {
        long start = System.nanoTime();
        long nextAliveCheck = start + chunkNanos;
        for (int idle = 0; ; idle++) {
            w.beforeSleep();
            if (w.ready()) return true;
            long now = System.nanoTime();
            if (timeoutNanos >= 0 && now - start >= timeoutNanos) return false;
            w.checkState();
            if (now - nextAliveCheck >= 0) {
                w.checkAlive();
                nextAliveCheck = now + chunkNanos;
            }
            backOff(idle);
        }
    }

    private static void backOff(int idle) {
        if (idle < BACKOFF_SPINS) Thread.onSpinWait();
        else if (idle < BACKOFF_SPINS + BACKOFF_YIELDS) Thread.yield();
        else LockSupport.parkNanos(BACKOFF_PARK_NANOS);
    }
}
