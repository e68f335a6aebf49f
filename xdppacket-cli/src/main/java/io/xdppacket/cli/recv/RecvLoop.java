package io.xdppacket.cli.recv;

import io.xdppacket.Packet;
import io.xdppacket.PacketBatch;
import io.xdppacket.XdpException;
import io.xdppacket.pcap.CaptureWriter;
import io.xdppacket.cli.traffic.Meter;
import io.xdppacket.cli.traffic.StopSignal;
import io.xdppacket.XdpPort;

import java.io.IOException;
import java.time.Duration;

/**
 * The hot loop of {@code recv}: zero-copy batch reads until the count, the duration or a stop
 * signal, each frame optionally appended to a capture file. Allocates nothing per frame: the frame
 * is copied from the UMEM into one reusable array and from there into the writer's buffer.
 *
 * <p>Exactly {@code count} frames: when fewer than a batch are left, it reads one frame at a time,
 * so no frame beyond the count is taken from the ring.
 */
final class RecvLoop {
    /** Why receiving ended, as the summary's {@code stopped=} says it. */
    enum Stop {
        COUNT("count"), DURATION("duration"), INTERRUPT("interrupt");

        final String key;

        Stop(String key) {
            this.key = key;
        }
    }

    private final XdpPort port;
    private final StopSignal signal;
    private final long count;
    private final long durationNanos;
    private final CaptureWriter writer;
    private final int snaplen;
    private final PacketBatch batch;
    private final PacketBatch single = new PacketBatch(1);
    private final byte[] copy;
    final Meter meter = new Meter();

    // Results, valid after run() (Thread.join orders them).
    long frames, bytes, startNanos, endNanos;
    Stop stop;

    /**
     * @param count    frames to receive; {@code Long.MAX_VALUE}: no limit
     * @param duration how long to receive; null: no limit
     * @param writer   where frames go, or null
     */
    RecvLoop(XdpPort port, StopSignal signal, long count, Duration duration, CaptureWriter writer, int batchSize) {
        this.port = port;
        this.signal = signal;
        this.count = count;
        this.durationNanos = duration == null ? 0 : duration.toNanos();
        this.writer = writer;
        this.snaplen = writer == null ? 0 : writer.snaplen();
        this.batch = new PacketBatch(batchSize);
        this.copy = new byte[port.maxFrameLength()];
    }

    void run() throws IOException, XdpException {
        startNanos = System.nanoTime();
        long deadline = startNanos + durationNanos;
        while (true) {
            if (signal.raised()) {
                stop = Stop.INTERRUPT;
                break;
            }
            if (frames >= count) {
                stop = Stop.COUNT;
                break;
            }
            long now = System.nanoTime();
            if (durationNanos > 0 && now - deadline >= 0) {
                stop = Stop.DURATION;
                break;
            }
            PacketBatch b = count - frames < batch.capacity() ? single : batch;
            int n = port.zeroCopyReadPackets(b);
            if (n == 0) continue;
            long sum = 0;
            for (int i = 0; i < n; i++) {
                Packet p = b.get(i);
                int length = p.length();
                sum += length;
                if (writer != null) {
                    int keep = Math.min(length, snaplen);
                    p.copyTo(0, copy, 0, keep);
                    writer.write(copy, 0, keep, length, p.info().timestampNanos());
                }
            }
            frames += n;
            bytes += sum;
            meter.add(n, sum);
        }
        endNanos = System.nanoTime();
    }
}
