package io.xdppacket;

import java.util.List;

/**
 * Counters of an {@link XdpMultiQueue}: one {@link XdpStats} per queue and their sum. The seed put
 * the total at index 0 of one array, shifting every queue by one; here the queues keep their own
 * index ({@code perQueue().get(q)} is queue {@code q}) and {@link #total()} is separate.
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
     * Copies the list.
     *
     * @throws IllegalArgumentException if there is no queue
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
     * @param queue the queue
     * @return the counters of queue {@code queue}
     */
    public XdpStats queue(int queue) {
        return perQueue.get(queue);
    }

    /** @return the field-by-field sum over all queues, with the set's filter counts */
    public XdpStats total() {
        XdpStats sum = XdpStats.ZERO;
        for (XdpStats s : perQueue) sum = sum.plus(s);
        if (filterMatched == 0 && filterPassed == 0) return sum;
        return sum.plus(XdpStats.builder().filterMatched(filterMatched).filterPassed(filterPassed).build());
    }
}
