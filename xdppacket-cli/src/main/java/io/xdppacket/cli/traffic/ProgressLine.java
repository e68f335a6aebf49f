package io.xdppacket.cli.traffic;

import io.xdppacket.XdpPort;
import io.xdppacket.XdpStats;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The once-a-second progress line of {@code send} and {@code recv}, with rates over that second:
 * <pre>
 *   progress t=SECONDS sent=FRAMES pps=RATE mbps=RATE dropped=N errors=N      (send)
 *   progress t=SECONDS received=FRAMES pps=RATE mbps=RATE dropped=N           (recv)
 * </pre>
 * {@code dropped}: frames the driver dropped after we sent them ({@code txDropped}), or frames the
 * kernel dropped before we could read them ({@code kernelRxDropsTotal}); -1 while the socket is
 * closing. Runs on the reporting thread, not the hot one; allocates (formatting) once a second only.
 */
public final class ProgressLine {
    /** Which way the frames go, and so which counters the line shows. */
    public enum Direction { SEND, RECEIVE }

    private final PrintWriter err;
    private final Direction direction;
    private final Meter meter;
    private final XdpPort xdp;
    private long lastFrames, lastBytes, lastNanos = System.nanoTime();

    public ProgressLine(PrintWriter err, Direction direction, Meter meter, XdpPort xdp) {
        this.err = err;
        this.direction = direction;
        this.meter = meter;
        this.xdp = xdp;
    }

    public void tick(long second) {
        long now = System.nanoTime();
        long frames = meter.frames(), bytes = meter.bytes();
        XdpStats st = null;
        try {
            st = xdp.stats();
        } catch (Exception e) {
            // The socket is closing under us: the summary will tell.
        }
        double pps = Summary.perSecond(frames - lastFrames, now - lastNanos);
        double mbps = Summary.mbps(bytes - lastBytes, now - lastNanos);
        if (direction == Direction.SEND) {
            err.printf(Locale.ROOT, "progress t=%d sent=%d pps=%.0f mbps=%.1f dropped=%d errors=%d%n", second, frames,
                    pps, mbps, st == null ? -1 : st.txDropped(), st == null ? -1 : st.kernelTxInvalidDescs());
        } else {
            err.printf(Locale.ROOT, "progress t=%d received=%d pps=%.0f mbps=%.1f dropped=%d%n", second, frames,
                    pps, mbps, st == null ? -1 : st.kernelRxDropsTotal());
        }
        err.flush();
        lastFrames = frames;
        lastBytes = bytes;
        lastNanos = now;
    }
}
