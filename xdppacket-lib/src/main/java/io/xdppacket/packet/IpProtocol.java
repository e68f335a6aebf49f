package io.xdppacket.packet;

/** IP protocol numbers (IANA), the IPv4 protocol and IPv6 next-header values, that the header views know. */
public final class IpProtocol {
    private IpProtocol() {}

    /** IPv6 hop-by-hop options (an extension header). */
    public static final int HOP_BY_HOP = 0;
    /** ICMP for IPv4. */
    public static final int ICMP = 1;
    /** TCP. */
    public static final int TCP = 6;
    /** UDP. */
    public static final int UDP = 17;
    /** IPv6 routing header (an extension header). */
    public static final int ROUTING = 43;
    /** IPv6 fragment header (an extension header). */
    public static final int FRAGMENT = 44;
    /** Encapsulating security payload: encrypted, the end of what can be parsed. */
    public static final int ESP = 50;
    /** Authentication header (an IPv6 extension header; its length counts 4-byte units). */
    public static final int AH = 51;
    /** ICMP for IPv6. */
    public static final int ICMPV6 = 58;
    /** IPv6: nothing follows. */
    public static final int NO_NEXT_HEADER = 59;
    /** IPv6 destination options (an extension header). */
    public static final int DESTINATION_OPTIONS = 60;
    /** IPv6 mobility header (an extension header). */
    public static final int MOBILITY = 135;
    /** Host identity protocol (an IPv6 extension header). */
    public static final int HIP = 139;
    /** Shim6 (an IPv6 extension header). */
    public static final int SHIM6 = 140;
    /** Reserved for experiments (an IPv6 extension header, RFC 3692). */
    public static final int EXPERIMENT_1 = 253;
    /** Reserved for experiments (an IPv6 extension header, RFC 3692). */
    public static final int EXPERIMENT_2 = 254;

    /**
     * Is ipv 6extension.
     *
     * @param protocol an IPv6 next-header value
     * @return whether it is an IPv6 extension header that {@link Ipv6} walks over (ESP is not: what
     *     follows it is encrypted)
     */
    public static boolean isIpv6Extension(int protocol) {
        return switch (protocol) {
            case HOP_BY_HOP, ROUTING, FRAGMENT, AH, DESTINATION_OPTIONS, MOBILITY, HIP, SHIM6, EXPERIMENT_1, EXPERIMENT_2 -> true;
            default -> false;
        };
    }
}
