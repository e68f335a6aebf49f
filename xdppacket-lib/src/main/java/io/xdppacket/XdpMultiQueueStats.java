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
 */
public record XdpMultiQueueStats(List<XdpStats> perQueue) {

    /** @throws IllegalArgumentException if there is no queue */
    public XdpMultiQueueStats {
        perQueue = List.copyOf(perQueue);
        if (perQueue.isEmpty()) throw new IllegalArgumentException("no queue");
    }

    /** The counters of queue {@code queue}. */
    public XdpStats queue(int queue) {
        return perQueue.get(queue);
    }

    /** The field-by-field sum over all queues. */
    public XdpStats total() {
        XdpStats sum = XdpStats.ZERO;
        for (XdpStats s : perQueue) sum = sum.plus(s);
        return sum;
    }
}
