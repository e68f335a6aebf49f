package io.xdppacket.packet;

/**
 * An IPv4 header (RFC 791), options and fragment fields included.
 *
 * <p>{@code wrap} accepts version 4 with a header length (IHL) of 20 .. 60 bytes that fits, and a
 * total length that covers the header. The payload ({@link #payloadLength()}) is what the total length
 * says, cut to what is there: the Ethernet padding of a short frame is left out. Addresses are
 * {@code int}s ({@link Ipv4Address#value()}).
 *
 * <p>Checksum: {@link #updateChecksum()} after changing fields, or {@link InetChecksum#adjust} for
 * one changed word; {@link #isChecksumValid()} to check a received header. Exchanging source and
 * destination leaves the checksum as it was.
 */
public final class Ipv4 extends Header<Ipv4> {
    /** Bytes of a header without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Bytes of a header with the most options (IHL 15). */
    public static final int MAX_HEADER_LENGTH = 60;
    /** Option type: end of the option list. */
    public static final int OPTION_END = 0;
    /** Option type: no operation (one byte, for alignment). */
    public static final int OPTION_NOP = 1;

    private static final int TOS = 1, TOTAL_LENGTH = 2, ID = 4, FLAGS = 6, TTL = 8, PROTOCOL = 9, CHECKSUM = 10,
            SOURCE = 12, DESTINATION = 16;
    private static final int DF = 0x4000, MF = 0x2000, OFFSET_MASK = 0x1FFF;

    private int headerLength;
    /** Where the datagram ends in the view: the total length, cut to the view. */
    private int end;

    /** An unbound view; {@code wrap} or {@code build} binds it. */
    public Ipv4() {}

    @Override
    boolean parse() {
        if (length() < MIN_HEADER_LENGTH) return false;
        int first = getInt(0); // version, IHL, TOS, total length: one read
        int ihl = (first >>> 24 & 0xF) * 4;
        int total = first & 0xFFFF;
        if (first >>> 28 != 4 || ihl < MIN_HEADER_LENGTH || ihl > length() || total < ihl) return false;
        headerLength = ihl;
        end = Math.min(total, length());
        return true;
    }

    @Override
    int minimumLength() {
        return MIN_HEADER_LENGTH;
    }

    @Override
    void format() {
        int total = Math.min(length(), 0xFFFF);
        setLong(0, (0x4500_0000L | total) << 32);      // version, IHL, TOS, total length; id, flags 0
        setLong(TTL, 64L << 56);                        // TTL 64, protocol, checksum and source 0
        setInt(DESTINATION, 0);
        headerLength = MIN_HEADER_LENGTH;
        end = total;
    }

    @Override
    public int headerLength() {
        return headerLength;
    }

    @Override
    public int payloadLength() {
        return end - headerLength;
    }

    /** {@return the version field: 4} */
    public int version() {
        return getUnsignedByte(0) >>> 4;
    }

    /** {@return the type of service byte: DSCP (6 bits) and ECN (2 bits)} */
    public int tos() {
        return getUnsignedByte(TOS);
    }

    /** {@return the differentiated services code point, 0 .. 63} */
    public int dscp() {
        return tos() >>> 2;
    }

    /** {@return the explicit congestion notification bits, 0 .. 3} */
    public int ecn() {
        return tos() & 3;
    }

    /** {@return the total length field: bytes of header and payload} */
    public int totalLength() {
        return getUnsignedShort(TOTAL_LENGTH);
    }

    /** {@return the identification field, which fragments of one datagram share} */
    public int identification() {
        return getUnsignedShort(ID);
    }

    /** {@return whether the don't-fragment flag is set} */
    public boolean dontFragment() {
        return (getUnsignedShort(FLAGS) & DF) != 0;
    }

    /** {@return whether the more-fragments flag is set} */
    public boolean moreFragments() {
        return (getUnsignedShort(FLAGS) & MF) != 0;
    }

    /** {@return the fragment offset in units of 8 bytes, 0 .. 8191} */
    public int fragmentOffset() {
        return getUnsignedShort(FLAGS) & OFFSET_MASK;
    }

    /** {@return whether this datagram is a fragment: more fragments follow, or it is not the first} */
    public boolean isFragment() {
        return (getUnsignedShort(FLAGS) & (MF | OFFSET_MASK)) != 0;
    }

    /** {@return the time to live, 0 .. 255} */
    public int ttl() {
        return getUnsignedByte(TTL);
    }

    /** {@return the payload's protocol, e.g. {@link IpProtocol#UDP}} */
    public int protocol() {
        return getUnsignedByte(PROTOCOL);
    }

    /** {@return the header checksum field} */
    public int checksum() {
        return getUnsignedShort(CHECKSUM);
    }

    /** {@return the source address, first octet in bits 31..24} */
    public int source() {
        return getInt(SOURCE);
    }

    /** {@return the destination address, first octet in bits 31..24} */
    public int destination() {
        return getInt(DESTINATION);
    }

    /** {@return the source address as a value (allocates)} */
    public Ipv4Address sourceAddress() {
        return new Ipv4Address(source());
    }

    /** {@return the destination address as a value (allocates)} */
    public Ipv4Address destinationAddress() {
        return new Ipv4Address(destination());
    }

    // ---- options --------------------------------------------------------------------------------

    /** {@return bytes of options, 0 .. 40} */
    public int optionsLength() {
        return headerLength - MIN_HEADER_LENGTH;
    }

    /**
     * Where the first option starts, for walking the options without allocating:
     * {@code for (int at = ip.firstOption(); at >= 0; at = ip.nextOption(at)) ip.optionType(at) ...}.
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
     * @return the index of the option after it, or -1 at the end of the list (an end-of-list option,
     *     the end of the header, or an option whose length does not fit)
     */
    public int nextOption(int at) {
        int type = optionType(at);
        return optionAt(at + (type == OPTION_NOP ? 1 : optionLength(at)));
    }

    private int optionAt(int at) {
        if (at >= headerLength || getUnsignedByte(at) == OPTION_END) return -1;
        if (getUnsignedByte(at) == OPTION_NOP) return at;
        if (at + 2 > headerLength) return -1;
        int len = getUnsignedByte(at + 1);
        return len < 2 || at + len > headerLength ? -1 : at;
    }

    /**
     * Option type.
     *
     * @param at the index of an option
     * @return its type byte (copied flag, class, number)
     */
    public int optionType(int at) {
        return getUnsignedByte(checkOption(at));
    }

    /**
     * Option length.
     *
     * @param at the index of an option
     * @return its length in bytes, type and length bytes included (1 for a no-operation)
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

    /** {@return the checksum the header should have, computed over it with the field as 0} */
    public int computeChecksum() {
        return InetChecksum.finish(headerSum(0xFFFF_0000L));
    }

    /**
     * Writes the computed checksum into the header.
     *
     * @return this view
     */
    public Ipv4 updateChecksum() {
        setShort(CHECKSUM, computeChecksum());
        return this;
    }

    /** {@return whether the header's checksum is correct} */
    public boolean isChecksumValid() {
        return InetChecksum.fold(headerSum(0xFFFF_FFFFL)) == 0xFFFF;
    }

    /**
     * The header's sum in three reads (32-bit words sum to the same folded value as 16-bit ones), the
     * word with the checksum masked with {@code checksumMask}; options are added to it.
     */
    private long headerSum(long checksumMask) {
        long a = getLong(0), b = getLong(TTL);
        long sum = (a >>> 32) + (a & 0xFFFF_FFFFL) + ((b >>> 32) & checksumMask) + (b & 0xFFFF_FFFFL)
                + (getInt(DESTINATION) & 0xFFFF_FFFFL);
        return headerLength == MIN_HEADER_LENGTH ? sum : onesComplementSum(sum, MIN_HEADER_LENGTH, headerLength - MIN_HEADER_LENGTH);
    }

    /** The sum of the pseudo-header that UDP and TCP checksums over IPv4 cover (RFC 768, RFC 9293). */
    long pseudoHeaderSum(int protocol, int upperLength) {
        long addresses = getLong(SOURCE);
        return (addresses >>> 32) + (addresses & 0xFFFF_FFFFL) + protocol + upperLength;
    }

    // ---- setters --------------------------------------------------------------------------------

    /**
     * Sets the header length (IHL), making room for options; the options themselves are written
     * with the byte setters from index 20. For building, before the payload.
     *
     * @param bytes 20 .. 60, a multiple of 4
     * @return this view
     * @throws IllegalArgumentException if {@code bytes} is not such a length or exceeds the view
     */
    public Ipv4 setHeaderLength(int bytes) {
        if (bytes < MIN_HEADER_LENGTH || bytes > MAX_HEADER_LENGTH || (bytes & 3) != 0 || bytes > length()) {
            throw new IllegalArgumentException("IPv4 header length " + bytes + ": must be a multiple of 4 in 20 .. 60,"
                    + " and at most the " + length() + " bytes of the view");
        }
        setByte(0, 0x40 | bytes / 4);
        headerLength = bytes;
        end = Math.max(end, bytes);
        return this;
    }

    /**
     * Sets the tos.
     *
     * @param tos the type of service byte (DSCP and ECN)
     * @return this view
     */
    public Ipv4 setTos(int tos) {
        setByte(TOS, tos);
        return this;
    }

    /**
     * Sets the total length; the payload is then that long (cut to the view).
     *
     * @param totalLength bytes of header and payload, at least the header length, at most 65535
     * @return this view
     * @throws IllegalArgumentException if it is shorter than the header or longer than 65535
     */
    public Ipv4 setTotalLength(int totalLength) {
        if (totalLength < headerLength || totalLength > 0xFFFF) {
            throw new IllegalArgumentException("IPv4 total length " + totalLength + ": must be " + headerLength + " .. 65535");
        }
        setShort(TOTAL_LENGTH, totalLength);
        end = Math.min(totalLength, length());
        return this;
    }

    /**
     * Sets the identification.
     *
     * @param id the identification field, 0 .. 65535
     * @return this view
     */
    public Ipv4 setIdentification(int id) {
        setShort(ID, id);
        return this;
    }

    /**
     * Sets the dont fragment.
     *
     * @param df whether the don't-fragment flag is set
     * @return this view
     */
    public Ipv4 setDontFragment(boolean df) {
        int v = getUnsignedShort(FLAGS);
        setShort(FLAGS, df ? v | DF : v & ~DF);
        return this;
    }

    /**
     * Sets the more fragments.
     *
     * @param mf whether the more-fragments flag is set
     * @return this view
     */
    public Ipv4 setMoreFragments(boolean mf) {
        int v = getUnsignedShort(FLAGS);
        setShort(FLAGS, mf ? v | MF : v & ~MF);
        return this;
    }

    /**
     * Sets the fragment offset.
     *
     * @param offset the fragment offset in units of 8 bytes, 0 .. 8191
     * @return this view
     * @throws IllegalArgumentException if it is out of range
     */
    public Ipv4 setFragmentOffset(int offset) {
        if (offset < 0 || offset > OFFSET_MASK) throw new IllegalArgumentException("fragment offset " + offset + ": must be 0 .. 8191");
        setShort(FLAGS, getUnsignedShort(FLAGS) & ~OFFSET_MASK | offset);
        return this;
    }

    /**
     * Sets the ttl.
     *
     * @param ttl the time to live, 0 .. 255
     * @return this view
     */
    public Ipv4 setTtl(int ttl) {
        setByte(TTL, ttl);
        return this;
    }

    /**
     * Sets the protocol.
     *
     * @param protocol the payload's protocol, e.g. {@link IpProtocol#UDP}
     * @return this view
     */
    public Ipv4 setProtocol(int protocol) {
        setByte(PROTOCOL, protocol);
        return this;
    }

    /**
     * Sets the checksum.
     *
     * @param checksum the checksum field
     * @return this view
     */
    public Ipv4 setChecksum(int checksum) {
        setShort(CHECKSUM, checksum);
        return this;
    }

    /**
     * Sets the source.
     *
     * @param address the source address, first octet in bits 31..24
     * @return this view
     */
    public Ipv4 setSource(int address) {
        setInt(SOURCE, address);
        return this;
    }

    /**
     * Sets the source.
     *
     * @param address the source address
     * @return this view
     */
    public Ipv4 setSource(Ipv4Address address) {
        return setSource(address.value());
    }

    /**
     * Sets the destination.
     *
     * @param address the destination address, first octet in bits 31..24
     * @return this view
     */
    public Ipv4 setDestination(int address) {
        setInt(DESTINATION, address);
        return this;
    }

    /**
     * Sets the destination.
     *
     * @param address the destination address
     * @return this view
     */
    public Ipv4 setDestination(Ipv4Address address) {
        return setDestination(address.value());
    }

    /**
     * Exchanges source and destination, for answering in place; the header checksum stays correct
     * (the sum does not depend on the order of the words), and so do UDP and TCP checksums.
     *
     * @return this view
     */
    public Ipv4 swapAddresses() {
        long both = getLong(SOURCE);
        setLong(SOURCE, both << 32 | both >>> 32);
        return this;
    }
}
