package io.xdppacket.cli.traffic;

import io.xdppacket.PacketBatch;
import io.xdppacket.XdpException;
import io.xdppacket.XdpMultiQueueStats;
import io.xdppacket.XdpSocket;

import java.time.Duration;
import java.util.List;

/** An {@link XdpPort} of one socket, on queue 0. */
final class SingleQueuePort implements XdpPort {
    private final XdpSocket socket;

    SingleQueuePort(XdpSocket socket) {
        this.socket = socket;
    }

    @Override
    public int write(byte[][] frames, int from, int count) throws XdpException {
        return socket.writePackets(frames, from, count);
    }

    @Override
    public int read(PacketBatch batch) throws XdpException {
        return socket.zeroCopyReadPackets(batch);
    }

    @Override
    public boolean flush(Duration timeout) throws XdpException {
        return socket.flush(timeout);
    }

    @Override
    public XdpMultiQueueStats queueStats() throws XdpException {
        return new XdpMultiQueueStats(List.of(socket.stats()));
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int maxFrameLength() {
        return socket.maxFrameLength();
    }

    @Override
    public boolean isZeroCopy() {
        return socket.isZeroCopy();
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return socket.toString();
    }
}
