package io.xdppacket.cli.send;

import io.xdppacket.XdpException;
import io.xdppacket.cli.traffic.Meter;
import io.xdppacket.cli.traffic.StopSignal;
import io.xdppacket.XdpPort;

import java.io.IOException;
import java.time.Duration;

/**
 * The hot loop of {@code send}: take tokens, fill a batch, write it (over several calls if the TX
 * ring is full), until the count, the duration, the end of the source or a stop signal; then wait
 * until every written frame has completed. Allocates nothing per frame: no lambdas, boxing or
 * iterators in here, counters in plain fields, progress published once per write.
 */
final class SendLoop {
    /** Why sending ended, as the summary's {@code stopped=} says it. */
    enum Stop {
        COUNT("count"), DURATION("duration"), END("end"), INTERRUPT("interrupt");

        final String key;

        Stop(String key) {
            this.key = key;
        }
    }

    /** How long the final flush may wait for completions. */
    static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);

    private final XdpPort port;
    private final FrameSource source;
    private final Pacer pacer;
    private final StopSignal signal;
    private final long count;
    private final long durationNanos;
    private final int batch;
    final Meter meter = new Meter();

    // Results, valid after run() (Thread.join orders them).
    long frames, bytes, startNanos, endNanos;
    boolean flushed;
    Stop stop;

    /**
     * @param pacer    null: as fast as the socket takes frames
     * @param count    frames to send; {@code Long.MAX_VALUE}: no limit
     * @param duration how long to send; null: no limit
     */
    SendLoop(XdpPort port, FrameSource source, Pacer pacer, StopSignal signal, long count, Duration duration, int batch) {
        this.port = port;
        this.source = source;
        this.pacer = pacer;
        this.signal = signal;
        this.count = count;
        this.durationNanos = duration == null ? 0 : duration.toNanos();
        this.batch = batch;
    }

    void run() throws IOException, XdpException {
        byte[][] slots = source.slots();
        int head = 0, tail = 0; // slots[head, tail) are filled and not yet taken
        startNanos = System.nanoTime();
        long deadline = startNanos + durationNanos;
        while (true) {
            if (signal.raised()) {
                stop = Stop.INTERRUPT;
                break;
            }
            long now = System.nanoTime();
            if (durationNanos > 0 && now - deadline >= 0) {
                stop = Stop.DURATION;
                break;
            }
            if (head == tail) {
                long left = count - frames;
                if (left <= 0) {
                    stop = Stop.COUNT;
                    break;
                }
                int want = (int) Math.min(batch, left);
                if (pacer != null) {
                    int granted = pacer.grant(now, want);
                    if (granted == 0) {
                        Pacer.pause(pacer.nanosUntil(now, want));
                        continue;
                    }
                    want = granted;
                }
                head = 0;
                tail = source.fill(want);
                if (tail == 0) {
                    stop = Stop.END;
                    break;
                }
            }
            int n = port.writePackets(slots, head, tail - head);
            if (n > 0) {
                long b = 0;
                for (int i = head; i < head + n; i++) b += slots[i].length;
                source.written(head, n);
                head += n;
                frames += n;
                bytes += b;
                meter.add(n, b);
            }
        }
        flushed = port.flush(FLUSH_TIMEOUT);
        endNanos = System.nanoTime();
    }
}
