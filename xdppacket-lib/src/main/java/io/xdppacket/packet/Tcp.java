package io.xdppacket.packet;

/**
 * A TCP header (RFC 9293): ports, sequence and acknowledgment numbers, flags, window, checksum,
 * urgent pointer and options.
 *
 * <p>{@code wrap} accepts a data offset of 20 .. 60 bytes that fits in the segment. The segment is
 * all of the IP payload the view was wrapped from; the payload is what follows the options.
 * Sequence and acknowledgment numbers are raw 32-bit values ({@code Integer.toUnsignedLong} for
 * display; compare them with wrap-around).
 *
 * <p>Checksum: as for UDP, the methods take the IP header for the pseudo-header; over both IP
 * versions it is mandatory.
 */
public final class Tcp extends Header<Tcp> {
    /** Bytes of a header without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Bytes of a header with the most options. */
    public static final int MAX_HEADER_LENGTH = 60;
    /** Flag: no more data from the sender. */
    public static final int FIN = 0x01;
    /** Flag: synchronize sequence numbers. */
    public static final int SYN = 0x02;
    /** Flag: reset the connection. */
    public static final int RST = 0x04;
    /** Flag: push. */
    public static final int PSH = 0x08;
    /** Flag: the acknowledgment number is significant. */
    public static final int ACK = 0x10;
    /** Flag: the urgent pointer is significant. */
    public static final int URG = 0x20;
    /** Flag: ECN echo. */
    public static final int ECE = 0x40;
    /** Flag: congestion window reduced. */
    public static final int CWR = 0x80;
    /** Option kind: end of the option list. */
    public static final int OPTION_END = 0;
    /** Option kind: no operation (one byte). */
    public static final int OPTION_NOP = 1;

    private static final int SOURCE_PORT = 0, DESTINATION_PORT = 2, SEQUENCE = 4, ACKNOWLEDGMENT = 8, OFFSET = 12,
            FLAGS = 13, WINDOW = 14, CHECKSUM = 16, URGENT = 18;

    private int headerLength;

    /** An unbound view; {@code wrap} or {@code build} binds it. */
    public Tcp() {}

    @Override
    boolean parse() {
        if (length() < MIN_HEADER_LENGTH) return false;
        int offset = (getUnsignedByte(OFFSET) >>> 4) * 4;
        if (offset < MIN_HEADER_LENGTH || offset > length()) return false;
        headerLength = offset;
        return true;
    }

    @Override
    int minimumLength() {
        return MIN_HEADER_LENGTH;
    }

    @Override
    void format() {
        setLong(0, 0);
        setLong(8, 0x5000L << 16);
        setInt(16, 0);
        headerLength = MIN_HEADER_LENGTH;
    }

    @Override
    public int headerLength() {
        return headerLength;
    }

    @Override
    public int payloadLength() {
        return length() - headerLength;
    }

    /** {@return the source port, 0 .. 65535} */
    public int sourcePort() {
        return getUnsignedShort(SOURCE_PORT);
    }

    /** {@return the destination port, 0 .. 65535} */
    public int destinationPort() {
        return getUnsignedShort(DESTINATION_PORT);
    }

    /** {@return the sequence number, 32 bits} */
    public int sequenceNumber() {
        return getInt(SEQUENCE);
    }

    /** {@return the acknowledgment number, 32 bits} */
    public int acknowledgmentNumber() {
        return getInt(ACKNOWLEDGMENT);
    }

    /** {@return the flags byte: {@link #FIN} .. {@link #CWR}} */
    public int flags() {
        return getUnsignedByte(FLAGS);
    }

    /**
     * Has flags.
     *
     * @param flag one or more of {@link #FIN} .. {@link #CWR}
     * @return whether all of them are set
     */
    public boolean hasFlags(int flag) {
        return (flags() & flag) == flag;
    }

    /** {@return the receive window, 0 .. 65535 (before any window scaling)} */
    public int window() {
        return getUnsignedShort(WINDOW);
    }

    /** {@return the checksum field} */
    public int checksum() {
        return getUnsignedShort(CHECKSUM);
    }

    /** {@return the urgent pointer} */
    public int urgentPointer() {
        return getUnsignedShort(URGENT);
    }

    // ---- options --------------------------------------------------------------------------------

    /** {@return bytes of options, 0 .. 40} */
    public int optionsLength() {
        return headerLength - MIN_HEADER_LENGTH;
    }

    /**
     * Where the first option starts, for walking the options without allocating:
     * {@code for (int at = tcp.firstOption(); at >= 0; at = tcp.nextOption(at)) tcp.optionKind(at) ...}.
     *
     * @return the index of the first option, or -1 if there is none
     */
    public int firstOption() {
        return optionAt(MIN_HEADER_LENGTH);
    }

    /**
     * Next option.
     *
     * @param at the index of an option
     * @return the index of the option after it, or -1 at the end of the list
     */
    public int nextOption(int at) {
        return optionAt(at + optionLength(at));
    }

    private int optionAt(int at) {
        if (at >= headerLength || getUnsignedByte(at) == OPTION_END) return -1;
        if (getUnsignedByte(at) == OPTION_NOP) return at;
        if (at + 2 > headerLength) return -1;
        int len = getUnsignedByte(at + 1);
        return len < 2 || at + len > headerLength ? -1 : at;
    }

    /**
     * Option kind.
     *
     * @param at the index of an option
     * @return its kind, e.g. 2 for the maximum segment size
     */
    public int optionKind(int at) {
        return getUnsignedByte(checkOption(at));
    }

    /**
     * Option length.
     *
     * @param at the index of an option
     * @return its length in bytes, kind and length bytes included (1 for a no-operation)
     */
    public int optionLength(int at) {
        return getUnsignedByte(checkOption(at)) == OPTION_NOP ? 1 : getUnsignedByte(at + 1);
    }

    private int checkOption(int at) {
        if (at < MIN_HEADER_LENGTH || at >= headerLength) {
            throw new IndexOutOfBoundsException("index " + at + " is not in the options, " + MIN_HEADER_LENGTH + " .. "
                    + (headerLength - 1));
        }
        return at;
    }

    // ---- checksum -------------------------------------------------------------------------------

    /**
     * Compute checksum.
     *
     * @param ip the IPv4 header this segment is in
     * @return the checksum the segment should have
     */
    public int computeChecksum(Ipv4 ip) {
        return InetChecksum.finish(sumWithoutChecksum(ip.pseudoHeaderSum(IpProtocol.TCP, length())));
    }

    /**
     * Compute checksum.
     *
     * @param ip the IPv6 header this segment is in
     * @return the checksum the segment should have
     */
    public int computeChecksum(Ipv6 ip) {
        return InetChecksum.finish(sumWithoutChecksum(ip.pseudoHeaderSum(IpProtocol.TCP, length())));
    }

    /**
     * Writes the computed checksum.
     *
     * @param ip the IPv4 header this segment is in
     * @return this view
     */
    public Tcp updateChecksum(Ipv4 ip) {
        setShort(CHECKSUM, computeChecksum(ip));
        return this;
    }

    /**
     * Writes the computed checksum.
     *
     * @param ip the IPv6 header this segment is in
     * @return this view
     */
    public Tcp updateChecksum(Ipv6 ip) {
        setShort(CHECKSUM, computeChecksum(ip));
        return this;
    }

    /**
     * Is checksum valid.
     *
     * @param ip the IPv4 header this segment is in
     * @return whether the checksum is correct
     */
    public boolean isChecksumValid(Ipv4 ip) {
        return InetChecksum.fold(segmentSum(ip.pseudoHeaderSum(IpProtocol.TCP, length()), 0xFFFF_FFFFL)) == 0xFFFF;
    }

    /**
     * Is checksum valid.
     *
     * @param ip the IPv6 header this segment is in
     * @return whether the checksum is correct
     */
    public boolean isChecksumValid(Ipv6 ip) {
        return InetChecksum.fold(segmentSum(ip.pseudoHeaderSum(IpProtocol.TCP, length()), 0xFFFF_FFFFL)) == 0xFFFF;
    }

    /** Adds the segment to {@code sum}, the checksum masked with {@code checksumMask}: the fixed header in three reads. */
    private long segmentSum(long sum, long checksumMask) {
        long a = getLong(0), b = getLong(8);
        sum += (a >>> 32) + (a & 0xFFFF_FFFFL) + (b >>> 32) + (b & 0xFFFF_FFFFL) + (getInt(CHECKSUM) & checksumMask);
        return onesComplementSum(sum, MIN_HEADER_LENGTH, length() - MIN_HEADER_LENGTH);
    }

    private long sumWithoutChecksum(long sum) {
        return segmentSum(sum, 0x0000_FFFFL);
    }

    // ---- setters --------------------------------------------------------------------------------

    /**
     * Sets the source port.
     *
     * @param port 0 .. 65535
     * @return this view
     */
    public Tcp setSourcePort(int port) {
        setShort(SOURCE_PORT, port);
        return this;
    }

    /**
     * Sets the destination port.
     *
     * @param port 0 .. 65535
     * @return this view
     */
    public Tcp setDestinationPort(int port) {
        setShort(DESTINATION_PORT, port);
        return this;
    }

    /**
     * Sets the sequence number.
     *
     * @param sequence 32 bits
     * @return this view
     */
    public Tcp setSequenceNumber(int sequence) {
        setInt(SEQUENCE, sequence);
        return this;
    }

    /**
     * Sets the acknowledgment number.
     *
     * @param acknowledgment 32 bits
     * @return this view
     */
    public Tcp setAcknowledgmentNumber(int acknowledgment) {
        setInt(ACKNOWLEDGMENT, acknowledgment);
        return this;
    }

    /**
     * Sets the header length (data offset), making room for options written with the byte setters
     * from index 20. For building, before the payload.
     *
     * @param bytes 20 .. 60, a multiple of 4
     * @return this view
     * @throws IllegalArgumentException if {@code bytes} is not such a length or exceeds the view
     */
    public Tcp setHeaderLength(int bytes) {
        if (bytes < MIN_HEADER_LENGTH || bytes > MAX_HEADER_LENGTH || (bytes & 3) != 0 || bytes > length()) {
            throw new IllegalArgumentException("TCP header length " + bytes + ": must be a multiple of 4 in 20 .. 60,"
                    + " and at most the " + length() + " bytes of the view");
        }
        setByte(OFFSET, getUnsignedByte(OFFSET) & 0x0F | bytes / 4 << 4);
        headerLength = bytes;
        return this;
    }

    /**
     * Sets the flags.
     *
     * @param flags the flags byte, e.g. {@code Tcp.SYN | Tcp.ACK}
     * @return this view
     */
    public Tcp setFlags(int flags) {
        setByte(FLAGS, flags);
        return this;
    }

    /**
     * Sets the window.
     *
     * @param window 0 .. 65535
     * @return this view
     */
    public Tcp setWindow(int window) {
        setShort(WINDOW, window);
        return this;
    }

    /**
     * Sets the checksum.
     *
     * @param checksum the checksum field
     * @return this view
     */
    public Tcp setChecksum(int checksum) {
        setShort(CHECKSUM, checksum);
        return this;
    }

    /**
     * Sets the urgent pointer.
     *
     * @param pointer the urgent pointer
     * @return this view
     */
    public Tcp setUrgentPointer(int pointer) {
        setShort(URGENT, pointer);
        return this;
    }
}
