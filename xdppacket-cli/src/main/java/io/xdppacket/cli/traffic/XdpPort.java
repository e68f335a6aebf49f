package io.xdppacket.cli.traffic;

import io.xdppacket.PacketBatch;
import io.xdppacket.XdpException;
import io.xdppacket.XdpMultiQueue;
import io.xdppacket.XdpMultiQueueStats;
import io.xdppacket.XdpOptions;
import io.xdppacket.XdpSocket;
import io.xdppacket.XdpStats;

import java.time.Duration;

/**
 * Where {@code send} puts frames and {@code recv} takes them from: the AF_XDP socket, or sockets, of
 * one interface. The commands' hot loops see only this, so the queue layout is decided in
 * {@link #open} alone: one socket on queue 0, or one per queue on queues {@code [0, n)}, all served
 * by the one thread that calls {@link #write} or {@link #read}.
 * Threads: one writer and one reader at a time; {@link #stats()} and {@link #close()} from any thread.
 */
public interface XdpPort extends AutoCloseable {

    /**
     * Opens the sockets that {@code options} ask for on {@code ifname} (in its network namespace, if
     * one is set): one {@link XdpSocket} for one queue, an {@link XdpMultiQueue} for more.
     */
    static XdpPort open(String ifname, XdpOptions options) throws XdpException {
        if (options.queueCount() == 1) return new SingleQueuePort(XdpSocket.open(ifname, options));
        return new MultiQueuePort(XdpMultiQueue.open(ifname, options));
    }

    /**
     * Writes {@code frames[from .. from+count)}, each array exactly one frame.
     *
     * @return frames taken, in order; fewer than {@code count} (maybe 0) if there was no room for a poll timeout
     */
    int write(byte[][] frames, int from, int count) throws XdpException;

    /**
     * Reads up to {@code batch.capacity()} frames in place; they stay valid until the next read.
     *
     * @return frames read; 0 if none arrived for a poll timeout
     */
    int read(PacketBatch batch) throws XdpException;

    /** Waits until every frame written has completed; returns false if that took longer than {@code timeout}. */
    boolean flush(Duration timeout) throws XdpException;

    /** Counters of all queues together. */
    default XdpStats stats() throws XdpException {
        return queueStats().total();
    }

    /** Counters of each queue (queue {@code q} at index {@code q}) and their total. */
    XdpMultiQueueStats queueStats() throws XdpException;

    /** Queues in use. */
    int queueCount();

    /** The longest frame a write accepts and a read returns. */
    int maxFrameLength();

    /** Whether the driver moves frames without copying. */
    boolean isZeroCopy();

    /** Closes every socket; never throws. */
    @Override
    void close();
}
