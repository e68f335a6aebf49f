package io.xdppacket.packet;

/**
 * An Ethernet II header, with up to {@value #MAX_VLAN_TAGS} VLAN tags (IEEE 802.1Q, and 802.1ad
 * QinQ): destination, source, the tags, and the EtherType of the payload.
 *
 * <pre>{@code
 * Ethernet eth = new Ethernet();   // once per thread
 * if (eth.wrap(packet) && eth.etherType() == EtherType.IPV4) { ... ip.wrap(eth) ... }
 * }</pre>
 *
 * <p>{@link #etherType()} is the type after the tags; {@link #headerLength()} is 14 plus 4 per tag.
 * Addresses are {@code long}s holding 48 bits ({@link MacAddress#value()}), so nothing allocates.
 * A frame shorter than 14 bytes, or whose tags run past its end, does not wrap.
 */
public final class Ethernet extends Header<Ethernet> {
    /** Bytes of an untagged header. */
    public static final int HEADER_LENGTH = 14;
    /** Bytes of one VLAN tag. */
    public static final int VLAN_TAG_LENGTH = 4;
    /** The most tags a header is parsed with; a frame with more wraps with the extra ones as its payload type. */
    public static final int MAX_VLAN_TAGS = 4;

    private static final int DESTINATION = 0, SOURCE = 6, TYPE = 12;

    private int tags;

    /** An unbound view; {@code wrap} or {@code build} binds it. */
    public Ethernet() {}

    @Override
    boolean parse() {
        if (length() < HEADER_LENGTH) return false;
        int n = 0;
        while (n < MAX_VLAN_TAGS && EtherType.isVlanTag(getUnsignedShort(TYPE + VLAN_TAG_LENGTH * n))) {
            if (length() < HEADER_LENGTH + VLAN_TAG_LENGTH * (n + 1)) return false;
            n++;
        }
        tags = n;
        return true;
    }

    @Override
    int minimumLength() {
        return HEADER_LENGTH;
    }

    @Override
    void format() {
        setLong(0, 0);
        setLong(HEADER_LENGTH - 8, 0); // bytes 6 .. 13: two writes for the 14 bytes
        tags = 0;
    }

    @Override
    public int headerLength() {
        return HEADER_LENGTH + VLAN_TAG_LENGTH * tags;
    }

    @Override
    public int payloadLength() {
        return length() - headerLength();
    }

    /** {@return the destination address, 48 bits} */
    public long destination() {
        return getUnsignedInt48(DESTINATION);
    }

    /** {@return the source address, 48 bits} */
    public long source() {
        return getUnsignedInt48(SOURCE);
    }

    /** {@return the destination address as a value (allocates)} */
    public MacAddress destinationAddress() {
        return new MacAddress(destination());
    }

    /** {@return the source address as a value (allocates)} */
    public MacAddress sourceAddress() {
        return new MacAddress(source());
    }

    /** {@return the EtherType of the payload, after any VLAN tags} */
    public int etherType() {
        return getUnsignedShort(TYPE + VLAN_TAG_LENGTH * tags);
    }

    /** {@return how many VLAN tags the header has, 0 .. {@value #MAX_VLAN_TAGS}} */
    public int vlanCount() {
        return tags;
    }

    /**
     * Vlan tpid.
     *
     * @param i a tag, 0 (the outermost) .. {@code vlanCount() - 1}
     * @return its tag protocol identifier ({@link EtherType#VLAN}, {@link EtherType#QINQ}...)
     */
    public int vlanTpid(int i) {
        return getUnsignedShort(TYPE + VLAN_TAG_LENGTH * checkTag(i));
    }

    /**
     * Vlan tci.
     *
     * @param i a tag, 0 (the outermost) .. {@code vlanCount() - 1}
     * @return its tag control information: priority (3 bits), drop eligible (1), VLAN id (12)
     */
    public int vlanTci(int i) {
        return getUnsignedShort(TYPE + 2 + VLAN_TAG_LENGTH * checkTag(i));
    }

    /**
     * Vlan id.
     *
     * @param i a tag, 0 (the outermost) .. {@code vlanCount() - 1}
     * @return its VLAN id, 0 .. 4095
     */
    public int vlanId(int i) {
        return vlanTci(i) & 0xFFF;
    }

    /**
     * Vlan priority.
     *
     * @param i a tag, 0 (the outermost) .. {@code vlanCount() - 1}
     * @return its priority code point, 0 .. 7
     */
    public int vlanPriority(int i) {
        return vlanTci(i) >>> 13;
    }

    private int checkTag(int i) {
        if (i < 0 || i >= tags) {
            throw new IndexOutOfBoundsException("VLAN tag " + i + " of a header with " + tags + " tag" + (tags == 1 ? "" : "s"));
        }
        return i;
    }

    // ---- setters --------------------------------------------------------------------------------

    /**
     * Sets the destination.
     *
     * @param mac the destination address, 48 bits
     * @return this view
     */
    public Ethernet setDestination(long mac) {
        setUnsignedInt48(DESTINATION, mac);
        return this;
    }

    /**
     * Sets the destination.
     *
     * @param mac the destination address
     * @return this view
     */
    public Ethernet setDestination(MacAddress mac) {
        return setDestination(mac.value());
    }

    /**
     * Sets the source.
     *
     * @param mac the source address, 48 bits
     * @return this view
     */
    public Ethernet setSource(long mac) {
        setUnsignedInt48(SOURCE, mac);
        return this;
    }

    /**
     * Sets the source.
     *
     * @param mac the source address
     * @return this view
     */
    public Ethernet setSource(MacAddress mac) {
        return setSource(mac.value());
    }

    /**
     * Sets the EtherType of the payload (after the tags).
     *
     * @param etherType 0 .. 0xffff, e.g. {@link EtherType#IPV4}
     * @return this view
     */
    public Ethernet setEtherType(int etherType) {
        setShort(TYPE + VLAN_TAG_LENGTH * tags, etherType);
        return this;
    }

    /**
     * Sets the tag control information of tag {@code i}.
     *
     * @param i   a tag, 0 .. {@code vlanCount() - 1}
     * @param tci priority (3 bits), drop eligible (1), VLAN id (12)
     * @return this view
     */
    public Ethernet setVlanTci(int i, int tci) {
        setShort(TYPE + 2 + VLAN_TAG_LENGTH * checkTag(i), tci);
        return this;
    }

    /**
     * Adds a VLAN tag after the present ones, moving the EtherType 4 bytes on: for building a header,
     * before the payload is written (the 4 bytes after the header become the header's).
     *
     * @param tpid the tag protocol identifier: {@link EtherType#VLAN}, or {@link EtherType#QINQ} for an outer tag
     * @param tci  priority (3 bits), drop eligible (1), VLAN id (12)
     * @return this view
     * @throws IllegalStateException     if the header has {@value #MAX_VLAN_TAGS} tags already
     * @throws IndexOutOfBoundsException if there is no room for the tag
     */
    public Ethernet addVlanTag(int tpid, int tci) {
        if (tags == MAX_VLAN_TAGS) throw new IllegalStateException("the header has " + MAX_VLAN_TAGS + " VLAN tags already");
        require(headerLength() + VLAN_TAG_LENGTH, "another VLAN tag");
        int type = etherType();
        int at = TYPE + VLAN_TAG_LENGTH * tags;
        setShort(at, tpid);
        setShort(at + 2, tci);
        setShort(at + VLAN_TAG_LENGTH, type);
        tags++;
        return this;
    }

    /**
     * Exchanges destination and source: the first step of answering a frame in place.
     *
     * @return this view
     */
    public Ethernet swapAddresses() {
        long d = destination();
        setDestination(source());
        setSource(d);
        return this;
    }
}
