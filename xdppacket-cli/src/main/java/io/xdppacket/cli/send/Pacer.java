package io.xdppacket.cli.send;

import java.util.concurrent.locks.LockSupport;

/**
 * {@code --rate}: a token bucket refilled from {@link System#nanoTime()}, without allocation or system
 * calls. The sender asks {@link #grant} for a batch; it gets as many frames as there are tokens (up
 * to the bucket's size, one batch), or none yet, and then waits {@link #nanosUntil} with
 * {@link #pause}. Frames never leave faster than the rate, except that a batch goes out as a burst.
 *
 * <p>At rates where a batch takes less than {@link #MIN_BURST_NANOS} to earn, the sender waits for
 * the whole batch instead of writing each frame as its token comes: fewer, fuller writes, the same
 * average rate. Pure arithmetic on the times it is given, so tests can drive it with their own clock.
 */
public final class Pacer {
    /** Waiting for less than this many nanoseconds' worth of frames makes write calls that carry too few. */
    static final long MIN_BURST_NANOS = 100_000;
    /** {@code parkNanos} wakes up to ~60 µs late (timer slack): park short of the target by this, spin the rest. */
    static final long PARK_MARGIN_NANOS = 100_000;
    /** The longest single park, so that the sender looks at its stop conditions often enough. */
    static final long MAX_PARK_NANOS = 10_000_000;

    private final double perNano;
    private final double capacity;
    private final int threshold;
    private double tokens;
    private long last;

    /**
     * @param ratePps frames per second, more than 0
     * @param burst   bucket size: the most frames granted at once (the batch size)
     * @param nowNanos the clock now; the bucket starts with the tokens of one grant, so the first frames go at once
     */
    public Pacer(double ratePps, int burst, long nowNanos) {
        this(ratePps, burst, 1, nowNanos);
    }

    /**
     * @param leastGrant frames granted at a time at least (up to {@code burst}), whatever the rate: the
     *                   number of queues, so that each write gives every queue a frame (a multi-queue
     *                   write cuts its frames into one contiguous chunk per queue, the first ones first)
     */
    public Pacer(double ratePps, int burst, int leastGrant, long nowNanos) {
        if (!(ratePps > 0) || Double.isInfinite(ratePps)) throw new IllegalArgumentException("rate " + ratePps);
        if (burst < 1) throw new IllegalArgumentException("burst " + burst);
        if (leastGrant < 1) throw new IllegalArgumentException("least grant " + leastGrant);
        this.perNano = ratePps / 1e9;
        // One token of slack: waits are whole nanoseconds, so a refill overshoots a whole batch by a
        // fraction of a token, which a bucket of exactly one batch would cut off, and the rate with it.
        this.capacity = burst + 1;
        this.threshold = (int) Math.min(burst, Math.max(leastGrant, Math.floor(ratePps * MIN_BURST_NANOS / 1e9)));
        this.tokens = threshold;
        this.last = nowNanos;
    }

    /** Takes tokens for up to {@code wanted} frames at {@code now}; returns how many may go (0: wait). */
    public int grant(long nowNanos, int wanted) {
        refill(nowNanos);
        if (tokens < Math.min(wanted, threshold)) return 0;
        int n = (int) Math.min(wanted, tokens);
        tokens -= n;
        return n;
    }

    /** Nanoseconds from {@code now} until {@link #grant} will give frames for a request of {@code wanted}. */
    public long nanosUntil(long nowNanos, int wanted) {
        refill(nowNanos);
        double missing = Math.min(wanted, threshold) - tokens;
        return missing <= 0 ? 0 : (long) Math.ceil(missing / perNano);
    }

    /** Frames granted at a time at least, when that many are wanted (a test hook for the burst rule). */
    int threshold() {
        return threshold;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - last;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * perNano);
            last = nowNanos;
        }
    }

    /**
     * Waits part of {@code nanos}: parks when that is long enough to be worth a timer, else spins once.
     * Returns early by design; the caller checks its stop conditions and asks again.
     */
    public static void pause(long nanos) {
        if (nanos >= 2 * PARK_MARGIN_NANOS) {
            LockSupport.parkNanos(Math.min(nanos - PARK_MARGIN_NANOS, MAX_PARK_NANOS));
        } else {
            Thread.onSpinWait();
        }
    }
}
