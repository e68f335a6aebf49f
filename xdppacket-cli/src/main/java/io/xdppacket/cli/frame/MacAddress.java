package io.xdppacket.cli.frame;

import java.util.Objects;

/**
 * A 48-bit Ethernet address. Held in the low 48 bits of a {@code long} rather than a {@code byte[]} so
 * that it is an immutable value with working {@code equals}.
 *
 * @param value the address, most significant byte first in bits 47..40
 */
public record MacAddress(long value) {

    /** ff:ff:ff:ff:ff:ff: every station on the link accepts it. */
    public static final MacAddress BROADCAST = new MacAddress(0xFFFF_FFFF_FFFFL);

    public MacAddress {
        if ((value >>> 48) != 0) {
            throw new IllegalArgumentException("MAC address value 0x" + Long.toHexString(value) + " has more than 48 bits");
        }
    }

    /**
     * Parses six two-digit hex bytes separated by {@code ':'} or {@code '-'} (one kind throughout),
     * e.g. {@code 02:00:00:00:00:01}; either case.
     *
     * @throws IllegalArgumentException naming {@code text} if it is not such an address
     */
    public static MacAddress parse(String text) {
        Objects.requireNonNull(text, "MAC address");
        if (text.length() != 17) throw bad(text);
        char separator = text.charAt(2);
        if (separator != ':' && separator != '-') throw bad(text);
        long value = 0;
        for (int i = 0; i < 6; i++) {
            int at = i * 3;
            if (i > 0 && text.charAt(at - 1) != separator) throw bad(text);
            int hi = Character.digit(text.charAt(at), 16);
            int lo = Character.digit(text.charAt(at + 1), 16);
            if (hi < 0 || lo < 0) throw bad(text);
            value = value << 8 | hi << 4 | lo;
        }
        return new MacAddress(value);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("not a MAC address: \"" + text
                + "\" (expected six hex bytes separated by ':' or '-', e.g. 02:00:00:00:00:01)");
    }

    /** The address in six bytes, as on the wire. */
    public static MacAddress of(byte[] bytes) {
        if (bytes.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + bytes.length);
        }
        long value = 0;
        for (byte b : bytes) value = value << 8 | (b & 0xFF);
        return new MacAddress(value);
    }

    /** The six bytes, as on the wire. */
    public byte[] toBytes() {
        byte[] bytes = new byte[6];
        writeTo(bytes, 0);
        return bytes;
    }

    /** Writes the six bytes at {@code dst[offset..offset+5]}. */
    public void writeTo(byte[] dst, int offset) {
        for (int i = 0; i < 6; i++) dst[offset + i] = (byte) (value >>> (40 - 8 * i));
    }

    /** Lower-case, colon-separated: {@code 02:00:00:00:00:01}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) sb.append(':');
            int b = (int) (value >>> (40 - 8 * i)) & 0xFF;
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }
}
