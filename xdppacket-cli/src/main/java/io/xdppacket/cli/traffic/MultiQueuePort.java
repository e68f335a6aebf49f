package io.xdppacket.cli.traffic;

import io.xdppacket.PacketBatch;
import io.xdppacket.XdpException;
import io.xdppacket.XdpMultiQueue;
import io.xdppacket.XdpMultiQueueStats;
import io.xdppacket.XdpSocket;

import java.time.Duration;

/**
 * An {@link XdpPort} of one socket per queue, {@code [0, n)}, served by one thread: a write cuts its
 * frames into one contiguous chunk per queue, a read fills the batch from all queues, fairly. Both
 * allocate nothing, so the hot loops stay as they are for one queue.
 */
final class MultiQueuePort implements XdpPort {
    private final XdpMultiQueue queues;

    MultiQueuePort(XdpMultiQueue queues) {
        this.queues = queues;
    }

    @Override
    public int write(byte[][] frames, int from, int count) throws XdpException {
        // A prefix of the range, as for one socket: the loop writes the rest again, spread anew.
        return queues.writePacket(frames, from, count);
    }

    @Override
    public int read(PacketBatch batch) throws XdpException {
        return queues.zeroCopyReadPackets(batch);
    }

    /** Every queue, within one deadline for all of them. */
    @Override
    public boolean flush(Duration timeout) throws XdpException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (XdpSocket s : queues.sockets()) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!s.flush(Duration.ofNanos(left))) return false;
        }
        return true;
    }

    @Override
    public XdpMultiQueueStats queueStats() throws XdpException {
        return queues.stats();
    }

    @Override
    public int queueCount() {
        return queues.queueCount();
    }

    @Override
    public int maxFrameLength() {
        return queues.socket(0).maxFrameLength();
    }

    @Override
    public boolean isZeroCopy() {
        return queues.socket(0).isZeroCopy();
    }

    @Override
    public void close() {
        queues.close();
    }

    @Override
    public String toString() {
        return queues.toString();
    }
}
