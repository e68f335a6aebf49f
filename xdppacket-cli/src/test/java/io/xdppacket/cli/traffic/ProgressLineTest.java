package io.xdppacket.cli.traffic;

import io.xdppacket.cli.Terminal;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress line: redrawn in place on a terminal, a line per second into a pipe; the summary after it starts on a fresh line. */
class ProgressLineTest {
    private final StringWriter out = new StringWriter(), err = new StringWriter();
    private final Meter meter = new Meter();

    private ProgressLine line(Terminal terminal) {
        return new ProgressLine(new PrintWriter(out, true), new PrintWriter(err, true), terminal,
                ProgressLine.Direction.RECEIVE, meter, new FakePort(0, f -> { }, 60));
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlaceAndEndedBeforeTheSummary() {
        ProgressLine p = line(new Terminal(true, true));
        meter.add(10, 600);
        p.tick(1);
        meter.add(5, 300);
        p.tick(2);
        String shown = err.toString();
        assertEquals("\rprogress t=1 received=10 pps=", shown.substring(0, 30), shown);
        assertFalse(shown.contains("\n"), () -> "no line feed while it runs: " + shown);
        assertEquals(2, shown.split("\r", -1).length - 1, "one carriage return per redraw");
        assertEquals(2, shown.split(java.util.regex.Pattern.quote(ProgressLine.ERASE_TO_END), -1).length - 1, "each redraw erases what a longer one left");
        assertTrue(shown.contains("\rprogress t=2 received=15 "), shown);
        p.end(false);
        assertTrue(err.toString().endsWith(ProgressLine.ERASE_TO_END + System.lineSeparator()), "ended: the cursor is on a fresh line");
        assertEquals("", out.toString());
    }

    @Test
    void intoAPipeEachSecondIsALineOfItsOwn() {
        ProgressLine p = line(Terminal.NONE);
        meter.add(10, 600);
        p.tick(1);
        p.tick(2);
        p.end(true);
        String[] lines = err.toString().split(System.lineSeparator());
        assertEquals(2, lines.length, err::toString);
        assertTrue(lines[0].startsWith("progress t=1 received=10 pps="), lines[0]);
        assertTrue(lines[1].startsWith("progress t=2 received=10 pps=0 mbps=0.0 "), lines[1]);
        assertFalse(err.toString().contains("\r") || err.toString().contains("\033"), "no terminal controls in a pipe");
        assertEquals("", out.toString(), "no terminal: Ctrl-C adds no line");
    }

    /** Ctrl-C with no line drawn in place (--quiet, or progress into a pipe): the terminal's ^C must not run into the summary. */
    @Test
    void afterCtrlCOnATerminalTheSummaryStartsOnAFreshLine() {
        line(new Terminal(true, true)).end(true);
        assertEquals(System.lineSeparator(), err.toString(), "a fresh line on the terminal that shows progress");
        assertEquals("", out.toString());

        err.getBuffer().setLength(0);
        line(new Terminal(true, false)).end(true);
        assertEquals("", err.toString());
        assertEquals(System.lineSeparator(), out.toString(), "stderr into a file: the fresh line on stdout, the terminal");

        out.getBuffer().setLength(0);
        line(new Terminal(true, true)).end(false);
        assertEquals("", err.toString() + out.toString(), "no Ctrl-C, no line drawn: nothing to end");
    }
}
