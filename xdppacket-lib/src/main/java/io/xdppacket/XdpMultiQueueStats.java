package io.xdppacket;

import java.util.List;

/**
 * Counters of an {@link XdpPort}: one {@link XdpStats} per queue and their sum. Queues keep their
 * own index ({@code perQueue().get(q)} is queue {@code q}); {@link #total()} is the sum. An immutable
 * snapshot, taken by {@link XdpPort#queueStats()} from any thread.
 *
 * <p>Each queue's counters are its socket's, as {@link XdpSocket#stats()} reports them; a queue
 * whose socket was closed on its own keeps the counters it had when it closed. A multi-queue read
 * that waited counts one {@code rxPolls} on every queue it waited on, so the total of
 * {@code rxPolls} counts queue-waits, not {@code ppoll} calls.
 *
 * @param perQueue the counters of queue {@code q} at index {@code q}
 * @param filterMatched frames the set's XDP filter matched (0 without a filter)
 * @param filterPassed frames the set's filter passed on to the kernel's stack
 */
public record XdpMultiQueueStats(List<XdpStats> perQueue, long filterMatched, long filterPassed) {

    /**
     * Makes a snapshot of the given per-queue counters (copied).
     *
     * @param perQueue the counters of queue {@code q} at index {@code q}; not {@code null}, no
     *                 {@code null} element
     * @throws IllegalArgumentException if there is no queue
     * @throws NullPointerException if {@code perQueue} or one of its elements is {@code null}
     */
    public XdpMultiQueueStats {
        perQueue = List.copyOf(perQueue);
        if (perQueue.isEmpty()) throw new IllegalArgumentException("no queue");
    }

    /**
     * Counters without a set-wide filter count (a single socket's, whose filter counts are its own).
     *
     * @param perQueue the counters of queue {@code q} at index {@code q}
     */
    public XdpMultiQueueStats(List<XdpStats> perQueue) {
        this(perQueue, 0, 0);
    }

    /**
     * The counters of one queue.
     *
     * @param queue the queue id, {@code 0 .. perQueue().size() - 1}
     * @return that queue's counters
     * @throws IndexOutOfBoundsException if there is no such queue
     */
    public XdpStats queue(int queue) {
        return perQueue.get(queue);
    }

    /**
     * The field-by-field sum over all queues, with the set's filter counts; computed on each call.
     *
     * @return the total counters
     */
    public XdpStats total() {
        XdpStats sum = XdpStats.ZERO;
        for (XdpStats s : perQueue) sum = sum.plus(s);
        if (filterMatched == 0 && filterPassed == 0) return sum;
        return sum.plus(XdpStats.builder().filterMatched(filterMatched).filterPassed(filterPassed).build());
    }
}
