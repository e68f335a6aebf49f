package io.xdppacket.packet;

import java.util.Objects;

/**
 * An IPv6 address, an immutable value, held in two {@code long}s so that header views can hand it
 * out and take it without allocating ({@code ip6.sourceHigh()}, {@code ip6.sourceLow()}).
 *
 * @param high the first eight bytes (as on the wire), the first in bits 63..56
 * @param low  the last eight bytes
 */
public record Ipv6Address(long high, long low) {

    /** {@code ::1}, the loopback address. */
    public static final Ipv6Address LOOPBACK = new Ipv6Address(0, 1);

    /** {@code ff02::1}, all nodes on the link. */
    public static final Ipv6Address ALL_NODES = new Ipv6Address(0xFF02_0000_0000_0000L, 1);

    /**
     * Parses the text forms of RFC 4291: eight groups of one to four hex digits separated by
     * {@code ':'}, either case; one {@code "::"} for a run of zero groups; the last 32 bits may be a
     * dotted quad ({@code ::ffff:198.18.0.1}). No zone ({@code %eth0}), no brackets, no prefix length.
     *
     * @param text the address
     * @return the address
     * @throws IllegalArgumentException naming {@code text} if it is not such an address
     */
    public static Ipv6Address parse(String text) {
        Objects.requireNonNull(text, "IPv6 address");
        int n = text.length();
        int[] groups = new int[8];
        int count = 0;
        int gap = -1; // how many groups precede the "::", or -1 without one
        int i = 0;
        if (text.startsWith("::")) {
            gap = 0;
            i = 2;
        } else if (text.startsWith(":")) {
            throw bad(text);
        }
        while (i < n) {
            int colon = text.indexOf(':', i);
            int end = colon < 0 ? n : colon;
            if (colon < 0 && text.indexOf('.', i) >= 0) {
                if (count > 6) throw bad(text);
                int v = Ipv4Address.parse(text, i, n);
                if (v == -1 && !text.startsWith("255.255.255.255", i)) throw bad(text);
                groups[count++] = v >>> 16;
                groups[count++] = v & 0xFFFF;
                break;
            }
            int digits = end - i;
            if (digits < 1 || digits > 4 || count == 8) throw bad(text);
            int group = 0;
            for (int k = i; k < end; k++) {
                int d = Character.digit(text.charAt(k), 16);
                if (d < 0) throw bad(text);
                group = group << 4 | d;
            }
            groups[count++] = group;
            i = end;
            if (i == n) break;
            i++; // the ':'
            if (i == n) throw bad(text); // a single trailing ':'
            if (text.charAt(i) == ':') {
                if (gap >= 0) throw bad(text);
                gap = count;
                i++;
            }
        }
        if (gap < 0 ? count != 8 : count > 7) throw bad(text);
        long high = 0, low = 0;
        int zeros = 8 - count;
        for (int g = 0, src = 0; g < 8; g++) {
            int value = gap >= 0 && g >= gap && g < gap + zeros ? 0 : groups[src++];
            if (g < 4) high = high << 16 | value;
            else low = low << 16 | value;
        }
        return new Ipv6Address(high, low);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("not an IPv6 address: \"" + text
                + "\" (expected eight groups of 1-4 hex digits separated by ':', one '::' for zeros, e.g. 2001:db8::1)");
    }

    /**
     * The address from its sixteen bytes, as on the wire.
     *
     * @param bytes sixteen bytes
     * @return the address
     * @throws IllegalArgumentException if {@code bytes} is not sixteen bytes long
     */
    public static Ipv6Address of(byte[] bytes) {
        if (bytes.length != 16) {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + bytes.length);
        }
        long high = 0, low = 0;
        for (int i = 0; i < 8; i++) {
            high = high << 8 | (bytes[i] & 0xFF);
            low = low << 8 | (bytes[8 + i] & 0xFF);
        }
        return new Ipv6Address(high, low);
    }

    /** {@return the sixteen bytes, as on the wire, in a new array} */
    public byte[] toBytes() {
        byte[] bytes = new byte[16];
        writeTo(bytes, 0);
        return bytes;
    }

    /**
     * Writes the sixteen bytes at {@code dst[offset .. offset+15]}.
     *
     * @param dst    the array
     * @param offset where the first byte goes
     * @throws IndexOutOfBoundsException if the sixteen bytes do not fit there
     */
    public void writeTo(byte[] dst, int offset) {
        Objects.checkFromIndexSize(offset, 16, dst.length);
        for (int i = 0; i < 8; i++) {
            dst[offset + i] = (byte) (high >>> (56 - 8 * i));
            dst[offset + 8 + i] = (byte) (low >>> (56 - 8 * i));
        }
    }

    /** {@return whether this is a multicast address (ff00::/8)} */
    public boolean isMulticast() {
        return (high >>> 56) == 0xFF;
    }

    /** {@return whether this is a link-local unicast address (fe80::/10)} */
    public boolean isLinkLocal() {
        return (high >>> 54) == (0xFE80 >>> 6);
    }

    /**
     * The solicited-node multicast address of this address (RFC 4291 2.7.1), {@code ff02::1:ffXX:XXXX}
     * with its last three bytes: where neighbour solicitations for it are sent.
     *
     * @return the solicited-node address
     */
    public Ipv6Address solicitedNode() {
        return new Ipv6Address(0xFF02_0000_0000_0000L, 0x0000_0001_FF00_0000L | (low & 0xFF_FFFFL));
    }

    /** Group {@code g} (0..7) as a 16-bit value. */
    private int group(int g) {
        return (int) ((g < 4 ? high >>> (48 - 16 * g) : low >>> (48 - 16 * (g - 4))) & 0xFFFF);
    }

    /**
     * The canonical text of RFC 5952: lower case, no leading zeros, the longest run of two or more
     * zero groups (the first of equal runs) as {@code "::"}, and an IPv4-mapped address
     * ({@code ::ffff:0:0/96}) with its last 32 bits as a dotted quad.
     */
    @Override
    public String toString() {
        if (high == 0 && (low >>> 32) == 0xFFFF) {
            return "::ffff:" + new Ipv4Address((int) low);
        }
        int bestStart = -1, bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (group(g) != 0) {
                g++;
                continue;
            }
            int s = g;
            while (g < 8 && group(g) == 0) g++;
            if (g - s > bestLength) {
                bestStart = s;
                bestLength = g - s;
            }
        }
        StringBuilder sb = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                sb.append("::");
                g += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(group(g)));
        }
        return sb.toString();
    }
}
