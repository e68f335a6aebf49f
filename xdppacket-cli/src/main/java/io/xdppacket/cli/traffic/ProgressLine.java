package io.xdppacket.cli.traffic;

import io.xdppacket.XdpPort;
import io.xdppacket.XdpStats;
import io.xdppacket.cli.Terminal;

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
 * closing.
 *
 * <p>On a terminal the line is redrawn in place (carriage return, the line, erase to its end), as
 * tools people know do; into a pipe or a file each second is a line of its own. {@link #end} leaves
 * the cursor at the start of a fresh line for the summary, also after Ctrl-C, whose {@code ^C} the
 * terminal echoed wherever the cursor was.
 *
 * <p>Runs on the reporting thread, not the hot one; allocates (formatting) once a second only.
 */
public final class ProgressLine {
    /** Which way the frames go, and so which counters the line shows. */
    public enum Direction { SEND, RECEIVE }

    /** ECMA-48 "erase in line", to the end: clears what a longer previous line left. */
    static final String ERASE_TO_END = "\033[K";

    private final PrintWriter out, err;
    private final Terminal terminal;
    private final Direction direction;
    private final Meter meter;
    private final XdpPort xdp;
    private long lastFrames, lastBytes, lastNanos = System.nanoTime();
    /** A line is drawn in place and the cursor stands at its end. */
    private boolean open;

    /**
     * @param out      where the summary goes (stdout)
     * @param err      where the progress goes (stderr)
     * @param terminal which of the two a person watches
     */
    public ProgressLine(PrintWriter out, PrintWriter err, Terminal terminal, Direction direction, Meter meter, XdpPort xdp) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.direction = direction;
        this.meter = meter;
        this.xdp = xdp;
    }

    /** Prints the line for second {@code second}: in place on a terminal, else as a line of its own. */
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
        String line = direction == Direction.SEND
                ? String.format(Locale.ROOT, "progress t=%d sent=%d pps=%.0f mbps=%.1f dropped=%d errors=%d", second, frames,
                        pps, mbps, st == null ? -1 : st.txDropped(), st == null ? -1 : st.kernelTxInvalidDescs())
                : String.format(Locale.ROOT, "progress t=%d received=%d pps=%.0f mbps=%.1f dropped=%d", second, frames,
                        pps, mbps, st == null ? -1 : st.kernelRxDropsTotal());
        if (terminal.err()) {
            err.print("\r" + line + ERASE_TO_END);
            open = true;
        } else {
            err.println(line);
        }
        err.flush();
        lastFrames = frames;
        lastBytes = bytes;
        lastNanos = now;
    }

    /**
     * Before the summary: ends a line drawn in place, so that the summary starts on a fresh line. After
     * Ctrl-C ({@code interrupted}) on a terminal with no such line, starts a fresh line anyway: the
     * terminal echoed {@code ^C} where the cursor was, and the summary must not run on after it.
     */
    public void end(boolean interrupted) {
        if (open) {
            err.println();
            err.flush();
            open = false;
        } else if (interrupted && terminal.err()) {
            err.println();
            err.flush();
        } else if (interrupted && terminal.out()) {
            out.println();
            out.flush();
        }
    }
}
