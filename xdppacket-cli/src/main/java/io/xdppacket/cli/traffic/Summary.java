package io.xdppacket.cli.traffic;

import io.xdppacket.XdpStats;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.ToLongFunction;

/**
 * A command's result: first a sentence for people ({@code received 9,318,103 frames in 10.0 s
 * (931,810/s, 477.1 Mbit/s); none dropped by the kernel}), then the same and more as {@code key=value}
 * lines, one per line, in a fixed order, for scripts ({@code grep '^pps='}, or split each line after
 * the first at its first '='). The sentence holds no '='. In the key=value lines numbers are plain
 * (no grouping), with a '.' decimal point.
 */
public final class Summary {
    private final String sentence;
    private final List<String> lines = new ArrayList<>();

    /** @param sentence the first line, for people; must not contain '=' */
    public Summary(String sentence) {
        if (sentence.indexOf('=') >= 0 || sentence.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a summary's sentence is one line without '=': " + sentence);
        }
        this.sentence = sentence;
    }

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
        out.println(sentence);
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

    // For the sentence: numbers as people read them.

    /** {@code 9,318,103}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 10.0 s}; three decimals under a second ({@code 0.300 s}). */
    public static String seconds(long nanos) {
        double s = nanos / 1e9;
        return String.format(Locale.ROOT, s >= 1 ? "%.1f s" : "%.3f s", s);
    }

    /** {@code 931,810/s, 477.1 Mbit/s} over {@code nanos}. */
    public static String rates(long frames, long bytes, long nanos) {
        return String.format(Locale.ROOT, "%,.0f/s, %,.1f Mbit/s", perSecond(frames, nanos), mbps(bytes, nanos));
    }

    /** {@code 1 frame} or {@code 12 frames}. */
    public static String frames(long n) {
        return count(n) + (n == 1 ? " frame" : " frames");
    }
}
