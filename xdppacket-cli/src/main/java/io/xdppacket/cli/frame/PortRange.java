package io.xdppacket.cli.frame;

import java.util.Objects;

/**
 * An inclusive range of UDP ports, {@code first..last}. Generated traffic walks through it to make many
 * flows (NICs spread flows over queues by hashing the ports).
 */
public record PortRange(int first, int last) {

    public PortRange {
        if (first < 0 || last > 0xFFFF || first > last) {
            throw new IllegalArgumentException("not a port range: " + first + "-" + last
                    + " (ports are 0..65535, first <= last)");
        }
    }

    /** A range of one port. */
    public static PortRange of(int port) {
        return new PortRange(port, port);
    }

    /**
     * Parses {@code PORT} or {@code FIRST-LAST}, e.g. {@code 9} or {@code 1024-2047}.
     *
     * @throws IllegalArgumentException naming {@code text} if it is not such a range
     */
    public static PortRange parse(String text) {
        Objects.requireNonNull(text, "port range");
        int dash = text.indexOf('-');
        try {
            if (dash < 0) return of(parsePort(text));
            return new PortRange(parsePort(text.substring(0, dash)), parsePort(text.substring(dash + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a port range: \"" + text
                    + "\" (expected PORT or FIRST-LAST, ports 0..65535, first <= last, e.g. 1024-2047)", e);
        }
    }

    private static int parsePort(String s) {
        // parseInt accepts a leading '+' or '-', which a port never has.
        if (s.isEmpty() || s.length() > 5 || !Character.isDigit(s.charAt(0))) throw new IllegalArgumentException(s);
        return Integer.parseInt(s);
    }

    /** How many ports: {@code last - first + 1}. */
    public int size() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
