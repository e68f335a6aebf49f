package io.xdppacket.packet;

/**
 * An IPv6 header (RFC 8200) and the extension headers after it.
 *
 * <p>{@code wrap} checks the fixed 40-byte header and walks the extension headers (hop-by-hop,
 * routing, fragment, destination options, authentication, mobility, HIP, shim6, experimental), up to
 * {@value #MAX_EXTENSIONS} of them, checking that each fits: {@link #protocol()} is then the upper
 * layer's protocol and {@link #headerLength()} covers the extensions, so {@code udp.wrap(ip6)} finds
 * the UDP header behind them. Walk them without allocating with {@link #extensionCount()},
 * {@link #extensionType(int)} and {@link #extensionOffset(int)}; the fragment header's fields have
 * their own accessors. A header with more extensions, or one that runs past the payload, does not
 * wrap.
 *
 * <p>Addresses are two {@code long}s each ({@link Ipv6Address#high()}, {@link Ipv6Address#low()}).
 */
public final class Ipv6 extends Header<Ipv6> {
    /** Bytes of the fixed header. */
    public static final int HEADER_LENGTH = 40;
    /** The most extension headers {@code wrap} walks. */
    public static final int MAX_EXTENSIONS = 8;

    private static final int PAYLOAD_LENGTH = 4, NEXT_HEADER = 6, HOP_LIMIT = 7, SOURCE = 8, DESTINATION = 24;

    private int headerLength;
    private int end;
    private int protocol;
    private int extensions;
    private final int[] extensionType = new int[MAX_EXTENSIONS];
    private final int[] extensionOffset = new int[MAX_EXTENSIONS];
    /** Index of the fragment header, or -1. */
    private int fragment;

    /** An unbound view; {@code wrap} or {@code build} binds it. */
    public Ipv6() {}

    @Override
    boolean parse() {
        if (length() < HEADER_LENGTH || getUnsignedByte(0) >>> 4 != 6) return false;
        int payload = getUnsignedShort(PAYLOAD_LENGTH);
        int next = getUnsignedByte(NEXT_HEADER);
        // A payload length of 0 behind a hop-by-hop header may be a jumbogram (RFC 2675): take all there is.
        end = payload == 0 && next == IpProtocol.HOP_BY_HOP ? length() : Math.min(HEADER_LENGTH + payload, length());
        int at = HEADER_LENGTH;
        int n = 0;
        fragment = -1;
        while (IpProtocol.isIpv6Extension(next)) {
            if (n == MAX_EXTENSIONS || at + 8 > end) return false;
            int size = next == IpProtocol.FRAGMENT ? 8
                    : next == IpProtocol.AH ? (getUnsignedByte(at + 1) + 2) * 4
                    : (getUnsignedByte(at + 1) + 1) * 8;
            if (at + size > end) return false;
            if (next == IpProtocol.FRAGMENT) fragment = at;
            extensionType[n] = next;
            extensionOffset[n] = at;
            n++;
            next = getUnsignedByte(at);
            at += size;
        }
        extensions = n;
        protocol = next;
        headerLength = at;
        return true;
    }

    @Override
    int minimumLength() {
        return HEADER_LENGTH;
    }

    @Override
    void format() {
        int payload = Math.min(length() - HEADER_LENGTH, 0xFFFF);
        setInt(0, 0x6000_0000);
        setInt(PAYLOAD_LENGTH, payload << 16 | IpProtocol.NO_NEXT_HEADER << 8 | 64);
        for (int i = SOURCE; i < HEADER_LENGTH; i += 8) setLong(i, 0);
        headerLength = HEADER_LENGTH;
        end = HEADER_LENGTH + payload;
        protocol = IpProtocol.NO_NEXT_HEADER;
        extensions = 0;
        fragment = -1;
    }

    @Override
    public int headerLength() {
        return headerLength;
    }

    @Override
    public int payloadLength() {
        return end - headerLength;
    }

    /** {@return the version field: 6} */
    public int version() {
        return getUnsignedByte(0) >>> 4;
    }

    /** {@return the traffic class, 0 .. 255} */
    public int trafficClass() {
        return getInt(0) >>> 20 & 0xFF;
    }

    /** {@return the flow label, 20 bits} */
    public int flowLabel() {
        return getInt(0) & 0xF_FFFF;
    }

    /** {@return the payload length field: bytes after the fixed header, extension headers included} */
    public int payloadLengthField() {
        return getUnsignedShort(PAYLOAD_LENGTH);
    }

    /** {@return the next-header field of the fixed header (the first extension header's type, if any)} */
    public int nextHeader() {
        return getUnsignedByte(NEXT_HEADER);
    }

    /** {@return the protocol after the extension headers, e.g. {@link IpProtocol#UDP}} */
    public int protocol() {
        return protocol;
    }

    /** {@return the hop limit, 0 .. 255} */
    public int hopLimit() {
        return getUnsignedByte(HOP_LIMIT);
    }

    /** {@return the first eight bytes of the source address} */
    public long sourceHigh() {
        return getLong(SOURCE);
    }

    /** {@return the last eight bytes of the source address} */
    public long sourceLow() {
        return getLong(SOURCE + 8);
    }

    /** {@return the first eight bytes of the destination address} */
    public long destinationHigh() {
        return getLong(DESTINATION);
    }

    /** {@return the last eight bytes of the destination address} */
    public long destinationLow() {
        return getLong(DESTINATION + 8);
    }

    /** {@return the source address as a value (allocates)} */
    public Ipv6Address sourceAddress() {
        return new Ipv6Address(sourceHigh(), sourceLow());
    }

    /** {@return the destination address as a value (allocates)} */
    public Ipv6Address destinationAddress() {
        return new Ipv6Address(destinationHigh(), destinationLow());
    }

    // ---- extension headers ----------------------------------------------------------------------

    /** {@return how many extension headers precede the upper-layer header} */
    public int extensionCount() {
        return extensions;
    }

    /**
     * Extension type.
     *
     * @param i an extension header, 0 .. {@code extensionCount() - 1}, in order
     * @return its type, e.g. {@link IpProtocol#FRAGMENT}
     */
    public int extensionType(int i) {
        return extensionType[checkExtension(i)];
    }

    /**
     * Extension offset.
     *
     * @param i an extension header, 0 .. {@code extensionCount() - 1}, in order
     * @return the index in this view where it starts (its next-header byte)
     */
    public int extensionOffset(int i) {
        return extensionOffset[checkExtension(i)];
    }

    private int checkExtension(int i) {
        if (i < 0 || i >= extensions) {
            throw new IndexOutOfBoundsException("extension header " + i + " of " + extensions);
        }
        return i;
    }

    /** {@return whether a fragment header is present} */
    public boolean isFragment() {
        return fragment >= 0;
    }

    /** {@return the fragment header's offset in units of 8 bytes, 0 without a fragment header} */
    public int fragmentOffset() {
        return fragment < 0 ? 0 : getUnsignedShort(fragment + 2) >>> 3;
    }

    /** {@return the fragment header's more-fragments flag, false without a fragment header} */
    public boolean moreFragments() {
        return fragment >= 0 && (getUnsignedShort(fragment + 2) & 1) != 0;
    }

    /** {@return the fragment header's identification, 0 without a fragment header} */
    public long fragmentIdentification() {
        return fragment < 0 ? 0 : getUnsignedInt(fragment + 4);
    }

    /** The sum of the pseudo-header that upper-layer checksums over IPv6 cover (RFC 8200 8.1). */
    long pseudoHeaderSum(int nextHeader, int upperLength) {
        long sum = nextHeader + upperLength;
        for (int i = SOURCE; i < SOURCE + 32; i += 8) {
            long w = getLong(i);
            sum += (w >>> 32) + (w & 0xFFFF_FFFFL);
        }
        return sum;
    }

    // ---- setters --------------------------------------------------------------------------------

    /**
     * Sets the traffic class.
     *
     * @param trafficClass 0 .. 255
     * @return this view
     */
    public Ipv6 setTrafficClass(int trafficClass) {
        setInt(0, getInt(0) & 0xF00F_FFFF | (trafficClass & 0xFF) << 20);
        return this;
    }

    /**
     * Sets the flow label.
     *
     * @param flowLabel 20 bits
     * @return this view
     */
    public Ipv6 setFlowLabel(int flowLabel) {
        setInt(0, getInt(0) & 0xFFF0_0000 | flowLabel & 0xF_FFFF);
        return this;
    }

    /**
     * Sets the payload length field; the payload is then that long (cut to the view).
     *
     * @param payloadLength bytes after the fixed header, 0 .. 65535
     * @return this view
     * @throws IllegalArgumentException if it is out of range or shorter than the extension headers
     */
    public Ipv6 setPayloadLengthField(int payloadLength) {
        if (payloadLength < headerLength - HEADER_LENGTH || payloadLength > 0xFFFF) {
            throw new IllegalArgumentException("IPv6 payload length " + payloadLength + ": must be "
                    + (headerLength - HEADER_LENGTH) + " .. 65535");
        }
        setShort(PAYLOAD_LENGTH, payloadLength);
        end = Math.min(HEADER_LENGTH + payloadLength, length());
        return this;
    }

    /**
     * Sets the fixed header's next-header field; without extension headers that is also {@link #protocol()}.
     *
     * @param nextHeader e.g. {@link IpProtocol#UDP}
     * @return this view
     */
    public Ipv6 setNextHeader(int nextHeader) {
        setByte(NEXT_HEADER, nextHeader);
        if (extensions == 0) protocol = nextHeader & 0xFF;
        return this;
    }

    /**
     * Sets the hop limit.
     *
     * @param hopLimit 0 .. 255
     * @return this view
     */
    public Ipv6 setHopLimit(int hopLimit) {
        setByte(HOP_LIMIT, hopLimit);
        return this;
    }

    /**
     * Sets the source.
     *
     * @param high the first eight bytes of the source address
     * @param low  the last eight bytes
     * @return this view
     */
    public Ipv6 setSource(long high, long low) {
        setLong(SOURCE, high);
        setLong(SOURCE + 8, low);
        return this;
    }

    /**
     * Sets the source.
     *
     * @param address the source address
     * @return this view
     */
    public Ipv6 setSource(Ipv6Address address) {
        return setSource(address.high(), address.low());
    }

    /**
     * Sets the destination.
     *
     * @param high the first eight bytes of the destination address
     * @param low  the last eight bytes
     * @return this view
     */
    public Ipv6 setDestination(long high, long low) {
        setLong(DESTINATION, high);
        setLong(DESTINATION + 8, low);
        return this;
    }

    /**
     * Sets the destination.
     *
     * @param address the destination address
     * @return this view
     */
    public Ipv6 setDestination(Ipv6Address address) {
        return setDestination(address.high(), address.low());
    }

    /**
     * Exchanges source and destination, for answering in place; upper-layer checksums stay correct.
     *
     * @return this view
     */
    public Ipv6 swapAddresses() {
        long sh = sourceHigh(), sl = sourceLow();
        setSource(destinationHigh(), destinationLow());
        setDestination(sh, sl);
        return this;
    }
}
