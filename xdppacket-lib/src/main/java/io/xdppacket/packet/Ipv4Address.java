package io.xdppacket.packet;

import java.util.Objects;

/**
 * An IPv4 address, an immutable value. Held in an {@code int}, so that header views can hand it out
 * and take it without allocating: {@code ip.source()} is the same {@code int} as {@code value()}.
 *
 * @param value the address in network order: the first octet is bits 31..24
 */
public record Ipv4Address(int value) {

    /**
     * Parses dotted-quad notation, e.g. {@code 198.18.0.1}: four decimal octets 0..255 with no sign and no
     * leading zeros (which some parsers read as octal, so they are refused rather than guessed).
     *
     * @param text the address
     * @return the address
     * @throws IllegalArgumentException naming {@code text} if it is not such an address
     */
    public static Ipv4Address parse(String text) {
        Objects.requireNonNull(text, "IPv4 address");
        int value = parse(text, 0, text.length());
        if (value == -1 && !text.equals("255.255.255.255")) throw bad(text);
        return new Ipv4Address(value);
    }

    /**
     * Parses {@code text[from .. to)} as a dotted quad; -1 if it is not one (also the value of
     * 255.255.255.255, which callers tell apart by the text). Shared with {@link Ipv6Address}, whose
     * text may end in one.
     */
    static int parse(String text, int from, int to) {
        int value = 0;
        int i = from;
        for (int octets = 1; ; octets++) {
            int start = i;
            int octet = 0;
            while (i < to && i - start < 3 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                octet = octet * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && text.charAt(start) == '0')) return -1;
            value = value << 8 | octet;
            if (octets == 4) return i == to ? value : -1;
            if (i >= to || text.charAt(i) != '.') return -1;
            i++;
        }
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("not an IPv4 address: \"" + text
                + "\" (expected four decimal octets 0..255 without leading zeros, e.g. 198.18.0.1)");
    }

    /**
     * The address from its four bytes, as on the wire.
     *
     * @param bytes four bytes
     * @return the address
     * @throws IllegalArgumentException if {@code bytes} is not four bytes long
     */
    public static Ipv4Address of(byte[] bytes) {
        if (bytes.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + bytes.length);
        }
        return new Ipv4Address((bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | bytes[3] & 0xFF);
    }

    /** {@return the four bytes, as on the wire, in a new array} */
    public byte[] toBytes() {
        byte[] bytes = new byte[4];
        writeTo(bytes, 0);
        return bytes;
    }

    /**
     * Writes the four bytes at {@code dst[offset .. offset+3]}.
     *
     * @param dst    the array
     * @param offset where the first byte goes
     * @throws IndexOutOfBoundsException if the four bytes do not fit there
     */
    public void writeTo(byte[] dst, int offset) {
        Objects.checkFromIndexSize(offset, 4, dst.length);
        for (int i = 0; i < 4; i++) dst[offset + i] = (byte) (value >>> (24 - 8 * i));
    }

    /** Dotted quad: {@code 198.18.0.1}. */
    @Override
    public String toString() {
        return (value >>> 24) + "." + (value >>> 16 & 0xFF) + "." + (value >>> 8 & 0xFF) + "." + (value & 0xFF);
    }
}
