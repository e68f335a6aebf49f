package io.xdppacket;

import java.time.Duration;

/** The one reading of a public {@code Duration} limit. */
final class Durations {
    private Durations() {}

    /**
     * {@code limit} in nanoseconds for a wait: {@code -1} (no limit) for {@code null}; a duration
     * longer than a {@code long} of nanoseconds (about 292 years) saturates to {@link Long#MAX_VALUE},
     * which no wait reaches.
     *
     * @param what how the message names the parameter
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    static long limitNanos(Duration limit, String what) {
        if (limit == null) return -1;
        if (limit.isNegative()) {
            throw new IllegalArgumentException(what + " = " + limit + ": must not be negative (null for no limit)");
        }
        try {
            return limit.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
