package io.xdppacket.packet;

import java.util.Objects;

/**
 * A 48-bit Ethernet (MAC) address, an immutable value. Held in the low 48 bits of a {@code long}, so
 * that header views can hand it out and take it without allocating: {@code eth.destination()} is
 * the same {@code long} as {@code MacAddress.value()}.
 *
 * @param value the address, its first byte (as on the wire) in bits 47..40
 */
public record MacAddress(long value) {

    /** ff:ff:ff:ff:ff:ff: every station on the link accepts it. */
    public static final MacAddress BROADCAST = new MacAddress(0xFFFF_FFFF_FFFFL);

    /**
     * Checks the value.
     *
     * @throws IllegalArgumentException if {@code value} has bits above bit 47
     */
    public MacAddress {
        if ((value >>> 48) != 0) {
            throw new IllegalArgumentException("MAC address value 0x" + Long.toHexString(value) + " has more than 48 bits");
        }
    }

    /**
     * Parses six two-digit hex bytes separated by {@code ':'} or {@code '-'} (one kind throughout),
     * e.g. {@code 02:00:00:00:00:01}; either case.
     *
     * @param text the address
     * @return the address
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

    /**
     * The address from its six bytes, as on the wire.
     *
     * @param bytes six bytes
     * @return the address
     * @throws IllegalArgumentException if {@code bytes} is not six bytes long
     */
    public static MacAddress of(byte[] bytes) {
        if (bytes.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + bytes.length);
        }
        return of(bytes, 0);
    }

    /**
     * The address from the six bytes at {@code bytes[offset .. offset+5]}.
     *
     * @param bytes  holds the address
     * @param offset where it starts
     * @return the address
     * @throws IndexOutOfBoundsException if the six bytes are not all in the array
     */
    public static MacAddress of(byte[] bytes, int offset) {
        Objects.checkFromIndexSize(offset, 6, bytes.length);
        long value = 0;
        for (int i = 0; i < 6; i++) value = value << 8 | (bytes[offset + i] & 0xFF);
        return new MacAddress(value);
    }

    /**
     * The Ethernet multicast address that IPv6 multicast {@code group} maps to (RFC 2464): 33:33
     * followed by the group's last four bytes, e.g. for a solicited-node address.
     *
     * @param group an IPv6 multicast address
     * @return its Ethernet address
     */
    public static MacAddress ofIpv6Multicast(Ipv6Address group) {
        return new MacAddress(0x3333_0000_0000L | (group.low() & 0xFFFF_FFFFL));
    }

    /** {@return the six bytes, as on the wire, in a new array} */
    public byte[] toBytes() {
        byte[] bytes = new byte[6];
        writeTo(bytes, 0);
        return bytes;
    }

    /**
     * Writes the six bytes at {@code dst[offset .. offset+5]}.
     *
     * @param dst    the array
     * @param offset where the first byte goes
     * @throws IndexOutOfBoundsException if the six bytes do not fit there
     */
    public void writeTo(byte[] dst, int offset) {
        Objects.checkFromIndexSize(offset, 6, dst.length);
        for (int i = 0; i < 6; i++) dst[offset + i] = (byte) (value >>> (40 - 8 * i));
    }

    /** {@return whether this is a group address (the least significant bit of the first byte), broadcast included} */
    public boolean isMulticast() {
        return (value & 0x0100_0000_0000L) != 0;
    }

    /** {@return whether this is ff:ff:ff:ff:ff:ff} */
    public boolean isBroadcast() {
        return value == 0xFFFF_FFFF_FFFFL;
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
