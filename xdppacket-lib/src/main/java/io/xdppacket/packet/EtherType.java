package io.xdppacket.packet;

/** EtherType values (IEEE 802, IANA) that the header views know. */
public final class EtherType {
    private EtherType() {}

    /** Internet Protocol version 4. */
    public static final int IPV4 = 0x0800;
    /** Address Resolution Protocol. */
    public static final int ARP = 0x0806;
    /** An IEEE 802.1Q VLAN tag (customer VLAN, C-tag). */
    public static final int VLAN = 0x8100;
    /** An IEEE 802.1ad service VLAN tag (S-tag, the outer tag of QinQ). */
    public static final int QINQ = 0x88A8;
    /** The pre-standard QinQ tag some switches still use. */
    public static final int QINQ_LEGACY = 0x9100;
    /** Internet Protocol version 6. */
    public static final int IPV6 = 0x86DD;

    /**
     * Is vlan tag.
     *
     * @param etherType an EtherType
     * @return whether it announces a VLAN tag ({@link #VLAN}, {@link #QINQ}, {@link #QINQ_LEGACY})
     */
    public static boolean isVlanTag(int etherType) {
        return etherType == VLAN || etherType == QINQ || etherType == QINQ_LEGACY;
    }
}
