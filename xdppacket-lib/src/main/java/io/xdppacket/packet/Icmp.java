package io.xdppacket.packet;

/**
 * An ICMP message for IPv4 (RFC 792): type, code, checksum, the 4 bytes that depend on the type,
 * then the data. Echo request and reply have an identifier and a sequence number there.
 *
 * <p>{@code wrap} accepts 8 bytes or more; the message is all of the IP payload it was wrapped from,
 * and the checksum covers all of it. {@link #toEchoReply()} answers an echo request in place.
 */
public final class Icmp extends Header<Icmp> {
    /** Bytes of the header: type, code, checksum and the 4 type-specific bytes. */
    public static final int HEADER_LENGTH = 8;
    /** Type: echo reply. */
    public static final int ECHO_REPLY = 0;
    /** Type: destination unreachable. */
    public static final int DESTINATION_UNREACHABLE = 3;
    /** Type: echo request. */
    public static final int ECHO_REQUEST = 8;
    /** Type: time exceeded. */
    public static final int TIME_EXCEEDED = 11;

    private static final int TYPE = 0, CODE = 1, CHECKSUM = 2, IDENTIFIER = 4, SEQUENCE = 6;

    /** An unbound view; {@code wrap} or {@code build} binds it. */
    public Icmp() {}

    @Override
    boolean parse() {
        return length() >= HEADER_LENGTH;
    }

    @Override
    int minimumLength() {
        return HEADER_LENGTH;
    }

    @Override
    void format() {
        setLong(0, 0);
    }

    @Override
    public int headerLength() {
        return HEADER_LENGTH;
    }

    @Override
    public int payloadLength() {
        return length() - HEADER_LENGTH;
    }

    /** {@return the type, e.g. {@link #ECHO_REQUEST}} */
    public int type() {
        return getUnsignedByte(TYPE);
    }

    /** {@return the code} */
    public int code() {
        return getUnsignedByte(CODE);
    }

    /** {@return the checksum field} */
    public int checksum() {
        return getUnsignedShort(CHECKSUM);
    }

    /** {@return the 4 type-specific bytes after the checksum} */
    public int restOfHeader() {
        return getInt(IDENTIFIER);
    }

    /** {@return an echo message's identifier} */
    public int identifier() {
        return getUnsignedShort(IDENTIFIER);
    }

    /** {@return an echo message's sequence number} */
    public int sequence() {
        return getUnsignedShort(SEQUENCE);
    }

    /** {@return the checksum the message should have} */
    public int computeChecksum() {
        return InetChecksum.finish(messageSum(0xFFFF_0000L));
    }

    /** The message's sum, the checksum word masked with {@code checksumMask}: the header in one read. */
    private long messageSum(long checksumMask) {
        long h = getLong(0);
        return onesComplementSum(((h >>> 32) & checksumMask) + (h & 0xFFFF_FFFFL), HEADER_LENGTH, length() - HEADER_LENGTH);
    }

    /**
     * Writes the computed checksum.
     *
     * @return this view
     */
    public Icmp updateChecksum() {
        setShort(CHECKSUM, computeChecksum());
        return this;
    }

    /** {@return whether the checksum is correct} */
    public boolean isChecksumValid() {
        return InetChecksum.fold(messageSum(0xFFFF_FFFFL)) == 0xFFFF;
    }

    /**
     * Turns an echo request into its reply in place: the type becomes {@link #ECHO_REPLY} and the
     * checksum is updated for that one change (RFC 1624). Identifier, sequence number and data stay.
     * Exchange the IP addresses and the Ethernet addresses too.
     *
     * @return this view
     * @throws IllegalStateException if this is not an echo request
     */
    public Icmp toEchoReply() {
        int word = getUnsignedShort(TYPE);
        if (word >>> 8 != ECHO_REQUEST) throw new IllegalStateException("ICMP type " + (word >>> 8) + " is not an echo request (8)");
        int reply = ECHO_REPLY << 8 | word & 0xFF;
        setShort(TYPE, reply);
        setShort(CHECKSUM, InetChecksum.adjust(checksum(), word, reply));
        return this;
    }

    /**
     * Sets the type.
     *
     * @param type e.g. {@link #ECHO_REPLY}
     * @return this view
     */
    public Icmp setType(int type) {
        setByte(TYPE, type);
        return this;
    }

    /**
     * Sets the code.
     *
     * @param code the code
     * @return this view
     */
    public Icmp setCode(int code) {
        setByte(CODE, code);
        return this;
    }

    /**
     * Sets the checksum.
     *
     * @param checksum the checksum field
     * @return this view
     */
    public Icmp setChecksum(int checksum) {
        setShort(CHECKSUM, checksum);
        return this;
    }

    /**
     * Sets the identifier.
     *
     * @param identifier an echo message's identifier
     * @return this view
     */
    public Icmp setIdentifier(int identifier) {
        setShort(IDENTIFIER, identifier);
        return this;
    }

    /**
     * Sets the sequence.
     *
     * @param sequence an echo message's sequence number
     * @return this view
     */
    public Icmp setSequence(int sequence) {
        setShort(SEQUENCE, sequence);
        return this;
    }
}
