package io.xdppacket.cli.send;

import io.xdppacket.cli.testing.Allocations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token bucket on a clock of the test's own: exact arithmetic, no sleeping. */
class PacerTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 123_456_789_000L;

    @Test
    void slowRateOneFrameAtATime() {
        Pacer p = new Pacer(1000, 64, T0);
        assertEquals(1, p.grant(T0, 64), "the first frame goes at once");
        assertEquals(0, p.grant(T0, 64));
        assertEquals(MS, p.nanosUntil(T0, 64), "the next token in 1 ms");
        assertEquals(0, p.grant(T0 + MS - 1, 64));
        assertEquals(1, p.grant(T0 + MS, 64));
        assertEquals(3, p.grant(T0 + 4 * MS, 64), "tokens accumulate");
        assertEquals(2, p.grant(T0 + 6 * MS, 5), "no more than wanted");
    }

    @Test
    void theBucketHoldsOneBatch() {
        Pacer p = new Pacer(1000, 64, T0);
        assertEquals(1, p.grant(T0, 64));
        long later = T0 + 3_600_000 * MS; // an hour idle
        assertEquals(64, p.grant(later, 64), "at most a batch after any pause");
        assertEquals(1, p.grant(later, 64), "and a token of slack");
        assertEquals(0, p.grant(later, 64));
    }

    /** At high rates it waits for a whole batch (less than 100 µs' worth) rather than writing frame by frame. */
    @Test
    void fastRateGrantsWholeBatches() {
        Pacer p = new Pacer(1_000_000, 64, T0);
        assertEquals(64, p.threshold());
        assertEquals(64, p.grant(T0, 64), "the first batch goes at once");
        assertEquals(0, p.grant(T0 + 32_000, 64), "32 tokens: not yet");
        assertEquals(32_000, p.nanosUntil(T0 + 32_000, 64));
        assertEquals(64, p.grant(T0 + 64_000, 64));
        assertEquals(10, p.grant(T0 + 74_000, 10), "a request below the threshold needs only its own tokens");
        assertEquals(20, new Pacer(200_000, 64, T0).threshold(), "200k pps: 20 frames in 100 µs");
        assertEquals(1, new Pacer(5_000, 64, T0).threshold());
        assertEquals(4, new Pacer(5_000, 64, 4, T0).threshold(), "four queues: a frame for each in every write");
        assertEquals(20, new Pacer(200_000, 64, 4, T0).threshold(), "more than that where the rate gives it");
        assertEquals(8, new Pacer(5_000, 8, 16, T0).threshold(), "never more than a batch");
    }

    /** A sender that asks for batches and waits as told gets the rate, to within one batch, at any rate. */
    @ParameterizedTest
    @CsvSource({"1, 64", "333.3, 64", "10000, 1", "10000, 64", "250000, 32", "14880952, 64", "1000000000, 1024"})
    void longRunAverageIsTheRate(double rate, int batch) {
        long t = T0;
        Pacer p = new Pacer(rate, batch, t);
        long seconds = 10;
        long end = T0 + seconds * 1000 * MS;
        long sent = 0;
        while (t < end) {
            int n = p.grant(t, batch);
            sent += n;
            long wait = p.nanosUntil(t, batch);
            t += n > 0 ? Math.max(1, wait) : wait; // a sender as fast as the clock
        }
        double expected = rate * seconds;
        assertTrue(Math.abs(sent - expected) <= batch + 1, "sent " + sent + ", expected " + expected);
    }

    @Test
    void grantingAllocatesNothing() throws Exception {
        Pacer p = new Pacer(1_000_000, 64, T0);
        long[] t = {T0};
        long bytes = Allocations.of(() -> {
            for (int i = 0; i < 100_000; i++) {
                t[0] += 1_000;
                if (p.grant(t[0], 64) == 0) p.nanosUntil(t[0], 64);
            }
        });
        assertTrue(bytes < 1024, "allocated " + bytes + " bytes for 100000 grants"); // a deoptimisation may cost a few
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0, 64, T0));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(Double.NaN, 64, T0));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(Double.POSITIVE_INFINITY, 64, T0));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(100, 0, T0));
    }
}
