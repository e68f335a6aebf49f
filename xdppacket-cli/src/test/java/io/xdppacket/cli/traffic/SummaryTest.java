package io.xdppacket.cli.traffic;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A summary: a sentence for people first, then key=value lines for scripts. */
class SummaryTest {
    @Test
    void theSentenceComesFirstThenTheKeyValueLines() {
        StringWriter w = new StringWriter();
        new Summary("received 9,318,103 frames in 10.0 s").put("frames", 9318103).put("seconds", 10.0, 6).print(new PrintWriter(w));
        assertEquals(String.join(System.lineSeparator(), "received 9,318,103 frames in 10.0 s", "frames=9318103",
                "seconds=10.000000", ""), w.toString());
    }

    @Test
    void aSentenceThatScriptsCouldTakeForAKeyValueLineIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Summary("pps=5"));
        assertThrows(IllegalArgumentException.class, () -> new Summary("two\nlines"));
    }

    @Test
    void numbersInTheSentenceAreForPeople() {
        assertEquals("9,318,103", Summary.count(9_318_103));
        assertEquals("1 frame", Summary.frames(1));
        assertEquals("0 frames", Summary.frames(0));
        assertEquals("10.0 s", Summary.seconds(10_000_000_000L));
        assertEquals("0.300 s", Summary.seconds(300_000_000L));
        assertEquals("931,810/s, 477.1 Mbit/s", Summary.rates(9_318_103, 596_358_592, 10_000_000_000L));
        assertEquals("0/s, 0.0 Mbit/s", Summary.rates(5, 300, 0));
    }
}
