package io.xdppacket;

import java.util.List;

/**
 * The writing side of an {@link XdpMultiQueue}: spreads a range of frames over the queues, one
 * contiguous chunk per queue, and flushes every queue within one limit. Its guard makes the set's
 * writes and flushes one writer; each chunk then enters its socket's own write guard, so a thread
 * writing to one of the sockets directly at the same time is refused too.
 */
final class MultiQueueWriter {
    private final SocketResources resources;
    private final UseGuard guard;
    private final Transmitter[] transmitters;

    MultiQueueWriter(SocketResources resources, XdpSocket[] members) {
        this.resources = resources;
        this.transmitters = new Transmitter[members.length];
        for (int q = 0; q < members.length; q++) transmitters[q] = members[q].transmitter();
        this.guard = resources.newGuard("two threads write to " + resources.name() + " at once: the set's writes"
                + " and flush are the writing thread of every socket of the set, one thread at a time");
    }

    /** The set's writing guard: close waits until it is free. */
    UseGuard guard() {
        return guard;
    }

    /**
     * Writes {@code array[from .. from+total)} (or, if {@code array} is null, that range of
     * {@code list}) in {@code queueCount} contiguous chunks, chunk {@code q} to queue {@code q}; the
     * first {@code total % queueCount} chunks are one frame longer. Every frame is checked first.
     * The array-or-list test is loop-invariant, so the JIT unswitches it.
     *
     * @return frames taken, a prefix of the range
     */
    int write(byte[][] array, List<byte[]> list, int from, int total) throws XdpException {
        for (int i = from; i < from + total; i++) {
            byte[] f = array != null ? array[i] : list.get(i);
            if (f == null) throw new NullPointerException("frame " + i + " is null");
            transmitters[0].checkLength(f.length);  // same options, same limit on every queue
        }
        return spread(array, list, null, from, total);
    }

    /** Forwards the packets of {@code batch} in chunks over the queues, as {@link #write}. */
    int forward(PacketBatch batch) throws XdpException {
        return spread(null, null, batch, 0, batch.size());
    }

    /** The one chunking loop: frames of an array or a list, or a batch's packets to forward. */
    private int spread(byte[][] array, List<byte[]> list, PacketBatch batch, int from, int total) throws XdpException {
        guard.enter();
        try {
            int n = transmitters.length;
            int base = total / n;
            int longer = total % n;
            int written = 0;
            for (int q = 0; q < n; q++) {
                int count = base + (q < longer ? 1 : 0);
                if (count == 0) break;
                int taken;
                try {
                    taken = batch != null ? transmitters[q].forward(batch, from + written, count)
                            : array != null ? transmitters[q].writeBatch(array, from + written, count)
                            : transmitters[q].writeBatch(list, from + written, count);
                } catch (XdpException e) {
                    XdpPartialWriteException partial = new XdpPartialWriteException(written, q, e);
                    if (!resources.isClosed()) throw partial;
                    XdpClosedException closed = resources.closedException();  // as every other call on a closed set
                    closed.initCause(partial);
                    throw closed;
                }
                written += taken;
                if (taken < count) break;  // NONBLOCK timeout: later chunks would break the prefix
            }
            return written;
        } finally {
            guard.exit();
        }
    }

    /**
     * Waits until every open queue's written frames have completed, all within {@code limitNanos}
     * ({@code < 0}: no limit). Sockets closed on their own are skipped: their close completed them.
     */
    boolean flush(long limitNanos) throws XdpException {
        guard.enter();
        try {
            long start = System.nanoTime();
            for (Transmitter t : transmitters) {
                long left = limitNanos < 0 ? -1 : Math.max(0, limitNanos - (System.nanoTime() - start));
                try {
                    if (!t.flush(left)) return false;
                } catch (XdpClosedException e) {
                    if (resources.isClosed()) throw e;  // else that one socket closed on its own: skip it
                }
            }
            return true;
        } finally {
            guard.exit();
        }
    }
}
