package io.xdppacket.packet;

/**
 * An ARP message for IPv4 over Ethernet (RFC 826): operation, and the sender's and target's MAC and
 * IPv4 addresses.
 *
 * <p>{@code wrap} accepts 28 bytes or more with hardware type 1 (Ethernet), protocol type
 * {@link EtherType#IPV4} and address lengths 6 and 4; ARP for other networks does not wrap.
 * {@link #toReply(long)} answers a request in place.
 */
public final class Arp extends Header<Arp> {
    /** Bytes of an Ethernet/IPv4 ARP message. */
    public static final int LENGTH = 28;
    /** Operation: request. */
    public static final int REQUEST = 1;
    /** Operation: reply. */
    public static final int REPLY = 2;

    private static final long ETHERNET_IPV4 = 0x0001_0800_0604L; // hardware type, protocol type, lengths
    private static final int OPERATION = 6, SENDER_MAC = 8, SENDER_IP = 14, TARGET_MAC = 18, TARGET_IP = 24;

    /** An unbound view; {@code wrap} or {@code build} binds it. */
    public Arp() {}

    @Override
    boolean parse() {
        return length() >= LENGTH && getUnsignedInt48(0) == ETHERNET_IPV4;
    }

    @Override
    int minimumLength() {
        return LENGTH;
    }

    @Override
    void format() {
        setUnsignedInt48(0, ETHERNET_IPV4);
        for (int i = OPERATION; i < LENGTH - 1; i += 2) setShort(i, 0);
    }

    @Override
    public int headerLength() {
        return LENGTH;
    }

    @Override
    public int payloadLength() {
        return 0;
    }

    /** {@return the operation, {@link #REQUEST} or {@link #REPLY}} */
    public int operation() {
        return getUnsignedShort(OPERATION);
    }

    /** {@return the sender's MAC address, 48 bits} */
    public long senderMac() {
        return getUnsignedInt48(SENDER_MAC);
    }

    /** {@return the sender's IPv4 address} */
    public int senderIp() {
        return getInt(SENDER_IP);
    }

    /** {@return the target's MAC address, 48 bits (0 in a request)} */
    public long targetMac() {
        return getUnsignedInt48(TARGET_MAC);
    }

    /** {@return the target's IPv4 address: in a request, the address asked about} */
    public int targetIp() {
        return getInt(TARGET_IP);
    }

    /**
     * Sets the operation.
     *
     * @param operation {@link #REQUEST} or {@link #REPLY}
     * @return this view
     */
    public Arp setOperation(int operation) {
        setShort(OPERATION, operation);
        return this;
    }

    /**
     * Sets the sender mac.
     *
     * @param mac the sender's MAC address, 48 bits
     * @return this view
     */
    public Arp setSenderMac(long mac) {
        setUnsignedInt48(SENDER_MAC, mac);
        return this;
    }

    /**
     * Sets the sender ip.
     *
     * @param ip the sender's IPv4 address
     * @return this view
     */
    public Arp setSenderIp(int ip) {
        setInt(SENDER_IP, ip);
        return this;
    }

    /**
     * Sets the target mac.
     *
     * @param mac the target's MAC address, 48 bits
     * @return this view
     */
    public Arp setTargetMac(long mac) {
        setUnsignedInt48(TARGET_MAC, mac);
        return this;
    }

    /**
     * Sets the target ip.
     *
     * @param ip the target's IPv4 address
     * @return this view
     */
    public Arp setTargetIp(int ip) {
        setInt(TARGET_IP, ip);
        return this;
    }

    /**
     * Turns a request into its reply in place: operation {@link #REPLY}, the requester becomes the
     * target, and the sender is {@code mac} with the address that was asked about. Exchange the
     * Ethernet addresses too (the reply's source is {@code mac}).
     *
     * @param mac the MAC address that has the requested IPv4 address, 48 bits
     * @return this view
     * @throws IllegalStateException if this is not a request
     */
    public Arp toReply(long mac) {
        if (operation() != REQUEST) throw new IllegalStateException("ARP operation " + operation() + " is not a request (1)");
        long requesterMac = senderMac();
        int requesterIp = senderIp();
        int asked = targetIp();
        setOperation(REPLY);
        setSenderMac(mac);
        setSenderIp(asked);
        setTargetMac(requesterMac);
        setTargetIp(requesterIp);
        return this;
    }
}
