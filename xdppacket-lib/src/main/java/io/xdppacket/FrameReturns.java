package io.xdppacket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The way home of received frames that were forwarded out of another socket's TX ring (or the same
 * socket's, from its writing thread): a single-producer/single-consumer ring of UMEM addresses from
 * one transmit side (it reclaims the frame from its COMPLETION ring) to one receive side (it puts the
 * frame back on its FILL ring). The two may be different threads; as with the kernel's rings, the
 * producer releases its index after writing entries and the consumer acquires it before reading
 * them, and the other way round for the consumer's index.
 *
 * <p>It never fills: its capacity is at least the receive side's frame count, and a frame is either
 * here, in flight, or with its receive side.
 */
final class FrameReturns {
    private static final VarHandle PRODUCER, CONSUMER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PRODUCER = l.findVarHandle(FrameReturns.class, "producer", long.class);
            CONSUMER = l.findVarHandle(FrameReturns.class, "consumer", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] entries;
    private final int mask;
    @SuppressWarnings("unused") private volatile long producer;  // through PRODUCER
    @SuppressWarnings("unused") private volatile long consumer;  // through CONSUMER
    // Producer side only.
    private long produced;
    // Consumer side only.
    private long consumed;

    /** @param frames how many frames can be on their way back at once (the receive side's frame count) */
    FrameReturns(int frames) {
        int size = Integer.highestOneBit(Math.max(1, frames - 1)) << 1;
        this.entries = new long[size];
        this.mask = size - 1;
    }

    /** Producer: adds a frame; visible to the consumer at the next {@link #publish}. */
    void put(long address) {
        if (produced - (long) CONSUMER.getAcquire(this) == entries.length) {
            throw new IllegalStateException("frame return ring full: more frames on their way back than the socket has");
        }
        entries[(int) produced & mask] = address;
        produced++;
    }

    /** Producer: makes every frame put so far visible (release, after the entries were written). */
    void publish() {
        PRODUCER.setRelease(this, produced);
    }

    /**
     * Consumer: moves the frames that arrived into {@code into} from {@code at} (room is guaranteed by
     * the caller: it is the receive side's free list) and returns how many.
     */
    int drainTo(long[] into, int at) {
        long available = (long) PRODUCER.getAcquire(this) - consumed;
        if (available == 0) return 0;
        for (long i = 0; i < available; i++) into[at + (int) i] = entries[(int) (consumed + i) & mask];
        consumed += available;
        CONSUMER.setRelease(this, consumed);
        return (int) available;
    }

    /** The frames waiting to be drained, for tests of who holds which frame (from the consumer's thread). */
    long[] pendingFrames() {
        int n = pending();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = entries[(int) (consumed + i) & mask];
        return out;
    }

    /** Frames waiting to be drained (for tests and frame accounting; racy from the producer's thread). */
    int pending() {
        return (int) ((long) PRODUCER.getAcquire(this) - consumed);
    }
}
