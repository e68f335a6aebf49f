package io.xdppacket.packet;

/**
 * An ICMPv6 message (RFC 4443): echo request and reply, and the neighbour discovery messages a host
 * answers (RFC 4861): neighbour solicitation and advertisement, with their link-layer address
 * options.
 *
 * <p>{@code wrap} accepts 8 bytes or more; the message is all of the IPv6 payload it was wrapped
 * from. The checksum covers an IPv6 pseudo-header, so its methods take the {@link Ipv6} view.
 * Neighbour discovery fields (target address, flags, options) need the 24 bytes of those messages;
 * their accessors throw {@link IndexOutOfBoundsException} on a shorter one.
 */
public final class Icmpv6 extends Header<Icmpv6> {
    /** Bytes of the header: type, code, checksum and the 4 type-specific bytes. */
    public static final int HEADER_LENGTH = 8;
    /** Type: echo request. */
    public static final int ECHO_REQUEST = 128;
    /** Type: echo reply. */
    public static final int ECHO_REPLY = 129;
    /** Type: router solicitation. */
    public static final int ROUTER_SOLICITATION = 133;
    /** Type: router advertisement. */
    public static final int ROUTER_ADVERTISEMENT = 134;
    /** Type: neighbour solicitation: who has the target address? */
    public static final int NEIGHBOR_SOLICITATION = 135;
    /** Type: neighbour advertisement: the target address is at this link-layer address. */
    public static final int NEIGHBOR_ADVERTISEMENT = 136;
    /** Neighbour discovery option: the sender's link-layer address. */
    public static final int OPTION_SOURCE_LINK_LAYER_ADDRESS = 1;
    /** Neighbour discovery option: the target's link-layer address. */
    public static final int OPTION_TARGET_LINK_LAYER_ADDRESS = 2;
    /** Neighbour advertisement flag: the sender is a router. */
    public static final int FLAG_ROUTER = 0x80;
    /** Neighbour advertisement flag: sent in answer to a solicitation. */
    public static final int FLAG_SOLICITED = 0x40;
    /** Neighbour advertisement flag: override an existing cache entry. */
    public static final int FLAG_OVERRIDE = 0x20;
    /** Bytes of a neighbour solicitation or advertisement before its options. */
    public static final int NEIGHBOR_MESSAGE_LENGTH = 24;

    private static final int TYPE = 0, CODE = 1, CHECKSUM = 2, IDENTIFIER = 4, SEQUENCE = 6, FLAGS = 4, TARGET = 8;

    /** An unbound view; {@code wrap} or {@code build} binds it. */
    public Icmpv6() {}

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

    /** {@return an echo message's identifier} */
    public int identifier() {
        return getUnsignedShort(IDENTIFIER);
    }

    /** {@return an echo message's sequence number} */
    public int sequence() {
        return getUnsignedShort(SEQUENCE);
    }

    // ---- neighbour discovery --------------------------------------------------------------------

    /** {@return a neighbour advertisement's flags: {@link #FLAG_ROUTER}, {@link #FLAG_SOLICITED}, {@link #FLAG_OVERRIDE}} */
    public int neighborFlags() {
        return getUnsignedByte(FLAGS) & 0xE0;
    }

    /** {@return the first eight bytes of a neighbour message's target address} */
    public long targetHigh() {
        require(NEIGHBOR_MESSAGE_LENGTH, "a target address");
        return getLong(TARGET);
    }

    /** {@return the last eight bytes of a neighbour message's target address} */
    public long targetLow() {
        require(NEIGHBOR_MESSAGE_LENGTH, "a target address");
        return getLong(TARGET + 8);
    }

    /** {@return a neighbour message's target address as a value (allocates)} */
    public Ipv6Address targetAddress() {
        return new Ipv6Address(targetHigh(), targetLow());
    }

    /**
     * Looks for a link-layer address option of a neighbour solicitation or advertisement.
     *
     * @param type {@link #OPTION_SOURCE_LINK_LAYER_ADDRESS} or {@link #OPTION_TARGET_LINK_LAYER_ADDRESS}
     * @return the Ethernet address it carries (48 bits), or -1 if there is none (or the options are malformed)
     */
    public long linkLayerAddressOption(int type) {
        require(NEIGHBOR_MESSAGE_LENGTH, "neighbour discovery options");
        for (int at = NEIGHBOR_MESSAGE_LENGTH; at + 2 <= length(); ) {
            int units = getUnsignedByte(at + 1);
            if (units == 0 || at + units * 8 > length()) return -1;
            if (getUnsignedByte(at) == type && units == 1) return getUnsignedInt48(at + 2);
            at += units * 8;
        }
        return -1;
    }

    // ---- checksum -------------------------------------------------------------------------------

    /**
     * Compute checksum.
     *
     * @param ip the IPv6 header this message is in
     * @return the checksum the message should have
     */
    public int computeChecksum(Ipv6 ip) {
        return InetChecksum.finish(messageSum(ip.pseudoHeaderSum(IpProtocol.ICMPV6, length()), 0xFFFF_0000L));
    }

    /** Adds the message to {@code sum}, the checksum word masked with {@code checksumMask}: the header in one read. */
    private long messageSum(long sum, long checksumMask) {
        long h = getLong(0);
        return onesComplementSum(sum + ((h >>> 32) & checksumMask) + (h & 0xFFFF_FFFFL), HEADER_LENGTH, length() - HEADER_LENGTH);
    }

    /**
     * Writes the computed checksum.
     *
     * @param ip the IPv6 header this message is in
     * @return this view
     */
    public Icmpv6 updateChecksum(Ipv6 ip) {
        setShort(CHECKSUM, computeChecksum(ip));
        return this;
    }

    /**
     * Is checksum valid.
     *
     * @param ip the IPv6 header this message is in
     * @return whether the checksum is correct
     */
    public boolean isChecksumValid(Ipv6 ip) {
        return InetChecksum.fold(messageSum(ip.pseudoHeaderSum(IpProtocol.ICMPV6, length()), 0xFFFF_FFFFL)) == 0xFFFF;
    }

    /**
     * Turns an echo request into its reply in place: the type becomes {@link #ECHO_REPLY} and the
     * checksum is updated for that one change (RFC 1624). Exchange the IPv6 addresses (which leaves
     * the checksum right) and the Ethernet addresses too.
     *
     * @return this view
     * @throws IllegalStateException if this is not an echo request
     */
    public Icmpv6 toEchoReply() {
        int word = getUnsignedShort(TYPE);
        if (word >>> 8 != ECHO_REQUEST) throw new IllegalStateException("ICMPv6 type " + (word >>> 8) + " is not an echo request (128)");
        int reply = ECHO_REPLY << 8 | word & 0xFF;
        setShort(TYPE, reply);
        setShort(CHECKSUM, InetChecksum.adjust(checksum(), word, reply));
        return this;
    }

    // ---- setters --------------------------------------------------------------------------------

    /**
     * Sets the type.
     *
     * @param type e.g. {@link #ECHO_REPLY}
     * @return this view
     */
    public Icmpv6 setType(int type) {
        setByte(TYPE, type);
        return this;
    }

    /**
     * Sets the code.
     *
     * @param code the code
     * @return this view
     */
    public Icmpv6 setCode(int code) {
        setByte(CODE, code);
        return this;
    }

    /**
     * Sets the checksum.
     *
     * @param checksum the checksum field
     * @return this view
     */
    public Icmpv6 setChecksum(int checksum) {
        setShort(CHECKSUM, checksum);
        return this;
    }

    /**
     * Sets the identifier.
     *
     * @param identifier an echo message's identifier
     * @return this view
     */
    public Icmpv6 setIdentifier(int identifier) {
        setShort(IDENTIFIER, identifier);
        return this;
    }

    /**
     * Sets the sequence.
     *
     * @param sequence an echo message's sequence number
     * @return this view
     */
    public Icmpv6 setSequence(int sequence) {
        setShort(SEQUENCE, sequence);
        return this;
    }

    /**
     * Sets a neighbour advertisement's flags and clears the reserved bits after them.
     *
     * @param flags {@link #FLAG_ROUTER}, {@link #FLAG_SOLICITED}, {@link #FLAG_OVERRIDE}, or'ed
     * @return this view
     */
    public Icmpv6 setNeighborFlags(int flags) {
        setInt(FLAGS, (flags & 0xE0) << 24);
        return this;
    }

    /**
     * Sets the target.
     *
     * @param high the first eight bytes of the target address
     * @param low  the last eight bytes
     * @return this view
     */
    public Icmpv6 setTarget(long high, long low) {
        require(NEIGHBOR_MESSAGE_LENGTH, "a target address");
        setLong(TARGET, high);
        setLong(TARGET + 8, low);
        return this;
    }

    /**
     * Sets the target.
     *
     * @param address the target address of a neighbour message
     * @return this view
     */
    public Icmpv6 setTarget(Ipv6Address address) {
        return setTarget(address.high(), address.low());
    }

    /**
     * Writes a link-layer address option as the first option of a neighbour message (bytes 24 .. 31),
     * as a host's advertisement carries its own address.
     *
     * @param type {@link #OPTION_SOURCE_LINK_LAYER_ADDRESS} or {@link #OPTION_TARGET_LINK_LAYER_ADDRESS}
     * @param mac  the Ethernet address, 48 bits
     * @return this view
     */
    public Icmpv6 setLinkLayerAddressOption(int type, long mac) {
        require(NEIGHBOR_MESSAGE_LENGTH + 8, "a link-layer address option");
        setByte(NEIGHBOR_MESSAGE_LENGTH, type);
        setByte(NEIGHBOR_MESSAGE_LENGTH + 1, 1);
        setUnsignedInt48(NEIGHBOR_MESSAGE_LENGTH + 2, mac);
        return this;
    }
}
