package io.xdppacket.pcap;

/** Link-layer header types of pcap and pcapng (https://www.tcpdump.org/linktypes.html) that we name. */
public final class LinkType {
    private LinkType() {}

    /** IEEE 802.3 Ethernet: what AF_XDP sends and receives, the only type we write or replay. */
    public static final int ETHERNET = 1;

    /**
     * A number and, where known, its name, for error messages.
     *
     * @param linkType a link type number
     * @return e.g. {@code 113 (LINUX_SLL)}
     */
    public static String describe(int linkType) {
        String name = switch (linkType) {
            case 0 -> "NULL";
            case 1 -> "ETHERNET";
            case 101 -> "RAW";
            case 105 -> "IEEE802_11";
            case 113 -> "LINUX_SLL";
            case 127 -> "IEEE802_11_RADIOTAP";
            case 228 -> "IPV4";
            case 276 -> "LINUX_SLL2";
            default -> null;
        };
        return name == null ? Integer.toString(linkType) : linkType + " (" + name + ")";
    }
}
