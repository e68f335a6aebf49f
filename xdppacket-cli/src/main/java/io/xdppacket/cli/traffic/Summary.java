package io.xdppacket.cli.traffic;

import io.xdppacket.XdpStats;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.ToLongFunction;

/**
 * A command's result as {@code key=value} lines, one per line, in a fixed order: easy for people to
 * read and for scripts to pick up ({@code grep '^pps='}, or split each line at the first '=').
 * Numbers are plain (no grouping), with a '.' decimal point.
 */
public final class Summary {
    private final List<String> lines = new ArrayList<>();

    public Summary put(String key, String value) {
        lines.add(key + "=" + value);
        return this;
    }

    public Summary put(String key, long value) {
        return put(key, Long.toString(value));
    }

    /**
     * One counter per queue, comma-separated in queue order ({@code 12,40,3,9}): one key for any
     * number of queues, so the set of keys stays the same whatever {@code --queues} is.
     */
    public Summary put(String key, List<XdpStats> perQueue, ToLongFunction<XdpStats> counter) {
        StringJoiner values = new StringJoiner(",");
        for (XdpStats s : perQueue) values.add(Long.toString(counter.applyAsLong(s)));
        return put(key, values.toString());
    }

    /** A decimal with {@code decimals} digits after the point. */
    public Summary put(String key, double value, int decimals) {
        return put(key, String.format(Locale.ROOT, "%." + decimals + "f", value));
    }

    public void print(PrintWriter out) {
        for (String line : lines) out.println(line);
        out.flush();
    }

    /** Frames per second over {@code nanos}; 0 if no time passed. */
    public static double perSecond(long count, long nanos) {
        return nanos <= 0 ? 0 : count * 1e9 / nanos;
    }

    /** Megabits per second of {@code bytes} over {@code nanos}: frame bytes, without FCS, preamble or gap. */
    public static double mbps(long bytes, long nanos) {
        return nanos <= 0 ? 0 : bytes * 8e3 / nanos;
    }
}
