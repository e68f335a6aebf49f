package io.xdppacket.packet;

/**
 * A UDP header (RFC 768): ports, length, checksum; the payload follows its 8 bytes.
 *
 * <p>{@code wrap} accepts 8 bytes or more whose length field is at least 8; the payload
 * ({@link #payloadLength()}) is what the length field says, cut to what is there.
 *
 * <p>Checksum: the pseudo-header comes from the IP header the datagram is in, so the checksum
 * methods take that view ({@link Ipv4} or {@link Ipv6}). Over IPv4 a checksum field of 0 means "none"
 * (and a computed 0 is sent as 0xffff); over IPv6 the checksum is mandatory. For one changed word
 * (a port, an address) {@link #adjustChecksum(int, int)} updates it without summing the payload.
 */
public final class Udp extends Header<Udp> {
    /** Bytes of the header. */
    public static final int HEADER_LENGTH = 8;

    private static final int SOURCE_PORT = 0, DESTINATION_PORT = 2, LENGTH = 4, CHECKSUM = 6;

    private int end;

    /** An unbound view; {@code wrap} or {@code build} binds it. */
    public Udp() {}

    @Override
    boolean parse() {
        if (length() < HEADER_LENGTH) return false;
        int datagram = getUnsignedShort(LENGTH);
        if (datagram < HEADER_LENGTH) return false;
        end = Math.min(datagram, length());
        return true;
    }

    @Override
    int minimumLength() {
        return HEADER_LENGTH;
    }

    @Override
    void format() {
        end = Math.min(length(), 0xFFFF);
        setLong(0, (long) end << 16);
    }

    @Override
    public int headerLength() {
        return HEADER_LENGTH;
    }

    @Override
    public int payloadLength() {
        return end - HEADER_LENGTH;
    }

    /** {@return the source port, 0 .. 65535} */
    public int sourcePort() {
        return getUnsignedShort(SOURCE_PORT);
    }

    /** {@return the destination port, 0 .. 65535} */
    public int destinationPort() {
        return getUnsignedShort(DESTINATION_PORT);
    }

    /** {@return the length field: bytes of header and payload} */
    public int datagramLength() {
        return getUnsignedShort(LENGTH);
    }

    /** {@return the checksum field (0 over IPv4: none)} */
    public int checksum() {
        return getUnsignedShort(CHECKSUM);
    }

    // ---- checksum -------------------------------------------------------------------------------

    /**
     * Compute checksum.
     *
     * @param ip the IPv4 header this datagram is in
     * @return the checksum the datagram should have (0xffff where the sum gives 0)
     * @throws IndexOutOfBoundsException if the datagram is not all there (a cut capture)
     */
    public int computeChecksum(Ipv4 ip) {
        return nonZero(InetChecksum.finish(sumWithoutChecksum(ip.pseudoHeaderSum(IpProtocol.UDP, datagramLength()))));
    }

    /**
     * Compute checksum.
     *
     * @param ip the IPv6 header this datagram is in
     * @return the checksum the datagram should have (0xffff where the sum gives 0)
     * @throws IndexOutOfBoundsException if the datagram is not all there (a cut capture)
     */
    public int computeChecksum(Ipv6 ip) {
        return nonZero(InetChecksum.finish(sumWithoutChecksum(ip.pseudoHeaderSum(IpProtocol.UDP, datagramLength()))));
    }

    /**
     * Writes the computed checksum.
     *
     * @param ip the IPv4 header this datagram is in
     * @return this view
     */
    public Udp updateChecksum(Ipv4 ip) {
        setShort(CHECKSUM, computeChecksum(ip));
        return this;
    }

    /**
     * Writes the computed checksum.
     *
     * @param ip the IPv6 header this datagram is in
     * @return this view
     */
    public Udp updateChecksum(Ipv6 ip) {
        setShort(CHECKSUM, computeChecksum(ip));
        return this;
    }

    /**
     * Is checksum valid.
     *
     * @param ip the IPv4 header this datagram is in
     * @return whether the checksum is correct, or absent (0)
     */
    public boolean isChecksumValid(Ipv4 ip) {
        return checksum() == 0
                || InetChecksum.fold(datagramSum(ip.pseudoHeaderSum(IpProtocol.UDP, datagramLength()), 0xFFFF_FFFFL)) == 0xFFFF;
    }

    /**
     * Is checksum valid.
     *
     * @param ip the IPv6 header this datagram is in
     * @return whether the checksum is correct (it is mandatory over IPv6)
     */
    public boolean isChecksumValid(Ipv6 ip) {
        return checksum() != 0
                && InetChecksum.fold(datagramSum(ip.pseudoHeaderSum(IpProtocol.UDP, datagramLength()), 0xFFFF_FFFFL)) == 0xFFFF;
    }

    /**
     * Updates the checksum for one 16-bit word of the datagram or its pseudo-header that changed
     * (RFC 1624); an absent checksum (0) stays absent.
     *
     * @param oldWord the word before, 0 .. 0xffff
     * @param newWord the word after
     * @return this view
     */
    public Udp adjustChecksum(int oldWord, int newWord) {
        int c = checksum();
        if (c != 0) setShort(CHECKSUM, nonZero(InetChecksum.adjust(c, oldWord, newWord)));
        return this;
    }

    /**
     * {@link #adjustChecksum(int, int)} for a 32-bit value that changed (an IPv4 address).
     *
     * @param oldValue the value before
     * @param newValue the value after
     * @return this view
     */
    public Udp adjustChecksum32(int oldValue, int newValue) {
        int c = checksum();
        if (c != 0) setShort(CHECKSUM, nonZero(InetChecksum.adjust32(c, oldValue, newValue)));
        return this;
    }

    /** Adds the datagram to {@code sum}, its checksum word masked with {@code checksumMask}: the header in one read. */
    private long datagramSum(long sum, long checksumMask) {
        long h = getLong(0);
        sum += (h >>> 32) + (h & checksumMask);
        return onesComplementSum(sum, HEADER_LENGTH, datagramLength() - HEADER_LENGTH);
    }

    private long sumWithoutChecksum(long sum) {
        return datagramSum(sum, 0xFFFF_0000L);
    }

    /** 0 in the field means "no checksum" (RFC 768), so a computed 0 goes out as its other form. */
    private static int nonZero(int checksum) {
        return checksum == 0 ? 0xFFFF : checksum;
    }

    // ---- setters --------------------------------------------------------------------------------

    /**
     * Sets the source port.
     *
     * @param port 0 .. 65535
     * @return this view
     */
    public Udp setSourcePort(int port) {
        setShort(SOURCE_PORT, port);
        return this;
    }

    /**
     * Sets the destination port.
     *
     * @param port 0 .. 65535
     * @return this view
     */
    public Udp setDestinationPort(int port) {
        setShort(DESTINATION_PORT, port);
        return this;
    }

    /**
     * Sets the length field; the payload is then that long (cut to the view).
     *
     * @param datagramLength bytes of header and payload, 8 .. 65535
     * @return this view
     * @throws IllegalArgumentException if it is out of range
     */
    public Udp setDatagramLength(int datagramLength) {
        if (datagramLength < HEADER_LENGTH || datagramLength > 0xFFFF) {
            throw new IllegalArgumentException("UDP length " + datagramLength + ": must be 8 .. 65535");
        }
        setShort(LENGTH, datagramLength);
        end = Math.min(datagramLength, length());
        return this;
    }

    /**
     * Sets the checksum.
     *
     * @param checksum the checksum field (0 over IPv4: none)
     * @return this view
     */
    public Udp setChecksum(int checksum) {
        setShort(CHECKSUM, checksum);
        return this;
    }

    /**
     * Exchanges the ports, for answering in place; the checksum stays correct.
     *
     * @return this view
     */
    public Udp swapPorts() {
        int ports = getInt(SOURCE_PORT);
        setInt(SOURCE_PORT, ports << 16 | ports >>> 16);
        return this;
    }
}
