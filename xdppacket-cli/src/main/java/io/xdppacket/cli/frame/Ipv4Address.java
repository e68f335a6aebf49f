package io.xdppacket.cli.frame;

import java.util.Objects;

/**
 * An IPv4 address as an immutable value.
 *
 * @param value the address in network order: the first octet is bits 31..24
 */
public record Ipv4Address(int value) {

    /**
     * Parses dotted-quad notation, e.g. {@code 198.18.0.1}: four decimal octets 0..255 with no sign and no
     * leading zeros (which some parsers read as octal, so they are refused rather than guessed).
     *
     * @throws IllegalArgumentException naming {@code text} if it is not such an address
     */
    public static Ipv4Address parse(String text) {
        Objects.requireNonNull(text, "IPv4 address");
        int value = 0;
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (true) {
            int start = i;
            int octet = 0;
            while (i < n && i - start < 3 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                octet = octet * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && text.charAt(start) == '0')) throw bad(text);
            value = value << 8 | octet;
            octets++;
            if (octets == 4) {
                if (i != n) throw bad(text);
                return new Ipv4Address(value);
            }
            if (i >= n || text.charAt(i) != '.') throw bad(text);
            i++;
        }
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("not an IPv4 address: \"" + text
                + "\" (expected four decimal octets 0..255 without leading zeros, e.g. 198.18.0.1)");
    }

    /** The address from its four bytes, as on the wire. */
    public static Ipv4Address of(byte[] bytes) {
        if (bytes.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + bytes.length);
        }
        return new Ipv4Address((bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | bytes[3] & 0xFF);
    }

    /** The four bytes, as on the wire. */
    public byte[] toBytes() {
        byte[] bytes = new byte[4];
        writeTo(bytes, 0);
        return bytes;
    }

    /** Writes the four bytes at {@code dst[offset..offset+3]}. */
    public void writeTo(byte[] dst, int offset) {
        for (int i = 0; i < 4; i++) dst[offset + i] = (byte) (value >>> (24 - 8 * i));
    }

    @Override
    public String toString() {
        return (value >>> 24) + "." + (value >>> 16 & 0xFF) + "." + (value >>> 8 & 0xFF) + "." + (value & 0xFF);
    }
}
