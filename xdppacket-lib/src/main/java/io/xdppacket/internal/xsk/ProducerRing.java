package io.xdppacket.internal.xsk;

import java.lang.foreign.MemorySegment;

/**
 * A ring that user space produces into and the kernel consumes from: FILL and TX.
 *
 * <p>Use, as libxdp's {@code xsk_ring_prod__reserve}/{@code __submit}: {@code n = free(want)} (capped
 * at what you want), {@code start = reserve(n)}, write entries {@code start .. start+n-1}, then
 * {@link #submit()} once for the batch — or {@link #cancel} the reservation if something went wrong
 * before it was submitted. Entries become visible to the kernel only at submit.
 */
public abstract sealed class ProducerRing extends Ring permits FillRing, TxRing {
    /** Next index to reserve (libxdp's cached_prod). Everything below it up to {@link #published} is reserved. */
    private int cachedProducer;
    /** The value last stored to the shared producer word. */
    private int published;
    /** Consumer index as last read, plus size: free entries = cachedConsumer - cachedProducer (libxdp's cached_cons). */
    private int cachedConsumer;

    ProducerRing(MemorySegment mapping, long producerOffset, long consumerOffset, long flagsOffset,
                 long entriesOffset, int size, long entrySize) {
        super(mapping, producerOffset, consumerOffset, flagsOffset, entriesOffset, size, entrySize);
        // A freshly created ring has both indices at 0, but start from what is there, as libxdp does.
        this.cachedProducer = (int) INDEX.getAcquire(mapping, producerOffset);
        this.published = cachedProducer;
        this.cachedConsumer = (int) INDEX.getAcquire(mapping, consumerOffset) + size;
    }

    /**
     * Free entries, at least {@code wanted} if the ring has that many. Reads the kernel's consumer
     * index (acquire, pairs with the kernel's release of it: (A)–(D)) only when the cached value
     * says there are fewer than {@code wanted}.
     */
    public final int free(int wanted) {
        int free = cachedConsumer - cachedProducer;
        if (free >= wanted) return free;
        cachedConsumer = (int) INDEX.getAcquire(mapping, consumerOffset) + size;
        return cachedConsumer - cachedProducer;
    }

    /**
     * Reserves exactly {@code n} entries, which {@link #free} must have reported, and returns the
     * index of the first; the entries are {@code start .. start+n-1}.
     *
     * @throws IllegalStateException if the ring has fewer than {@code n} free entries
     */
    public final int reserve(int n) {
        if (n < 0 || free(n) < n) {
            throw new IllegalStateException("cannot reserve " + n + " entries: " + (cachedConsumer - cachedProducer) + " free");
        }
        int start = cachedProducer;
        cachedProducer += n;
        return start;
    }

    /** Gives back the last {@code n} reserved, unsubmitted entries. */
    public final void cancel(int n) {
        if (n < 0 || n > cachedProducer - published) {
            throw new IllegalArgumentException("cannot cancel " + n + " of " + (cachedProducer - published) + " reserved entries");
        }
        cachedProducer -= n;
    }

    /**
     * Publishes every reserved entry to the kernel: one release store of the producer index
     * (B), after the entries were written, paired with the kernel's acquire load of it (C).
     */
    public final void submit() {
        if (published != cachedProducer) {
            published = cachedProducer;
            INDEX.setRelease(mapping, producerOffset, published);
        }
    }

    /** Entries submitted but not yet consumed by the kernel (reads the consumer index, acquire). */
    public final int pendingInKernel() {
        return published - (int) INDEX.getAcquire(mapping, consumerOffset);
    }

    /** Byte offset of entry {@code index}'s slot inside the mapping. */
    final long slot(int index, int entryShift) {
        return entriesOffset + ((long) (index & mask) << entryShift);
    }
}
