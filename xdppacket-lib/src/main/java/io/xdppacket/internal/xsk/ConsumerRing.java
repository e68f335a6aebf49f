package io.xdppacket.internal.xsk;

import java.lang.foreign.MemorySegment;

/**
 * A ring that the kernel produces into and user space consumes from: RX and COMPLETION.
 *
 * <p>Use, as libxdp's {@code xsk_ring_cons__peek}/{@code __release}: {@code n = available(max)},
 * {@code start = peek(n)}, read entries {@code start .. start+n-1}, then {@link #release(int)} them
 * (once for the batch) — or {@link #cancel} the ones not consumed, which the next peek sees again.
 */
public abstract sealed class ConsumerRing extends Ring permits RxRing, CompletionRing {
    /** Next index to peek (libxdp's cached_cons). */
    private int cachedConsumer;
    /** Producer index as last read (libxdp's cached_prod). */
    private int cachedProducer;
    /** The value last stored to the shared consumer word. */
    private int released;

    ConsumerRing(MemorySegment mapping, long producerOffset, long consumerOffset, long flagsOffset,
                 long entriesOffset, int size, long entrySize) {
        super(mapping, producerOffset, consumerOffset, flagsOffset, entriesOffset, size, entrySize);
        this.cachedConsumer = (int) INDEX.getAcquire(mapping, consumerOffset);
        this.released = cachedConsumer;
        this.cachedProducer = (int) INDEX.getAcquire(mapping, producerOffset);
    }

    /**
     * Entries ready to read, at most {@code max}. Reads the kernel's producer index (acquire (C),
     * pairs with its release (B)) only when every cached entry has been peeked.
     */
    public final int available(int max) {
        int entries = cachedProducer - cachedConsumer;
        if (entries == 0) {
            cachedProducer = (int) INDEX.getAcquire(mapping, producerOffset);
            entries = cachedProducer - cachedConsumer;
        }
        return Math.min(entries, max);
    }

    /**
     * Entries known to be ready without reading the kernel's index. 0 means the next
     * {@link #peek} will look at the shared producer index: what it finds is newly arrived.
     */
    public final int cachedEntries() {
        return cachedProducer - cachedConsumer;
    }

    /**
     * Takes exactly {@code n} entries, which {@link #available} must have reported, for reading and
     * returns the index of the first; the entries are {@code start .. start+n-1}.
     *
     * @throws IllegalStateException if fewer than {@code n} entries are ready
     */
    public final int peek(int n) {
        if (n < 0 || available(n) < n) {
            throw new IllegalStateException("cannot peek " + n + " entries: " + (cachedProducer - cachedConsumer) + " ready");
        }
        int start = cachedConsumer;
        cachedConsumer += n;
        return start;
    }

    /** Puts back the last {@code n} peeked, unreleased entries (they will be peeked again). */
    public final void cancel(int n) {
        if (n < 0 || n > cachedConsumer - released) {
            throw new IllegalArgumentException("cannot cancel " + n + " of " + (cachedConsumer - released) + " peeked entries");
        }
        cachedConsumer -= n;
    }

    /**
     * Hands {@code n} read entries back to the kernel: one release store of the consumer index
     * (D) after the entries were read, paired with the kernel's acquire load of it (A).
     */
    public final void release(int n) {
        if (n < 0 || n > cachedConsumer - released) {
            throw new IllegalArgumentException("cannot release " + n + " of " + (cachedConsumer - released) + " peeked entries");
        }
        if (n == 0) return;
        released += n;
        INDEX.setRelease(mapping, consumerOffset, released);
    }

    /** Byte offset of entry {@code index}'s slot inside the mapping. */
    final long slot(int index, int entryShift) {
        return entriesOffset + ((long) (index & mask) << entryShift);
    }
}
