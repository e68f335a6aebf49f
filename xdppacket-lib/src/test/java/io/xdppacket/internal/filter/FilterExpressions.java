package io.xdppacket.internal.filter;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Real-world pcap-filter expressions the translation is checked with. */
public final class FilterExpressions {
    private FilterExpressions() {}

    public static final List<String> ALL = List.of(
            // protocols
            "ip", "ip6", "arp", "tcp", "udp", "icmp", "icmp6", "igmp", "sctp", "stp", "mpls",
            "ether proto 0x88b5", "ip proto \\tcp", "ip proto 47", "ip6 proto 17",
            // hosts and nets
            "host 198.18.0.1", "src host 198.18.0.1", "dst host 198.18.0.2",
            "ip host 198.18.0.1 and ip host 198.18.0.2", "net 198.18.0.0/24", "src net 198.19.0.0/16",
            "host 2001:db8::1", "dst net 2001:db8::/64",
            // ports and ranges
            "port 53", "tcp port 80", "udp dst port 123", "dst port 8080 or src port 8080",
            "portrange 1000-2000", "tcp src portrange 1024-65535", "ip6 and tcp port 443",
            // TCP flags, header fields
            "tcp[tcpflags] & (tcp-syn|tcp-ack) != 0",
            "tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack == 0",
            "tcp[tcpflags] & (tcp-fin|tcp-rst) != 0", "tcp[13] == 18",
            "tcp port 80 and (((ip[2:2] - ((ip[0]&0xf)<<2)) - ((tcp[12]&0xf0)>>2)) != 0)",
            "ip[6] & 0x20 != 0", "ip[6:2] & 0x1fff != 0", "ip[0] & 0xf != 5", "ip[2:2] > 576",
            "ip and ip[1] & 0xfc == 0xb8", "icmp[icmptype] == icmp-echo", "icmp6 and ip6[40] == 128",
            "ip6 and ip6[6] == 0", "udp[8:2] = 0x1234", "ip and udp and dst port 53 and udp[10] & 0x80 = 0",
            "udp port 4789 and udp[8:1] & 0x08 != 0",
            // VLAN
            "vlan", "vlan 100", "vlan 100 and udp", "vlan and vlan 200", "vlan 200 and ip6",
            // negation and combinations
            "not ip", "not arp and not ip6", "tcp or udp", "(tcp and port 22) or (udp and port 53)",
            "host 198.18.0.1 and not port 22", "not (tcp or udp or icmp)",
            // lengths
            "len < 100", "greater 1000", "less 64", "len >= 60 and len <= 128", "ether[len - 1] = 0",
            // link layer, broadcast and multicast
            "ether host 02:00:00:00:00:01", "ether src 02:00:00:00:00:02", "ether broadcast", "ether multicast",
            "ether[0] & 1 = 0", "ip multicast", "ip6 multicast", "ip dst 255.255.255.255",
            // arithmetic libpcap compiles to MOD, XOR, DIV and shifts by X
            "ip[0] % 3 = 1", "ip[0] ^ ip[1] = 0x45", "ip[8] / ip[1] = 0", "ip[0] >> ip[1] = 0", "ip[1] * 3 > 100",
            // large programs: long chains and many merges for the verifier to walk
            IntStream.rangeClosed(1, 40).mapToObj(i -> "host 198.18.0." + i).collect(Collectors.joining(" or ")),
            IntStream.range(0, 20).mapToObj(i -> "net 2001:db8:" + Integer.toHexString(i) + "::/48")
                    .collect(Collectors.joining(" or ")),
            "(ip6 and tcp port 22) or (ip and tcp port 22) or (vlan and tcp port 22) or (vlan and vlan and tcp port 22)",
            "(tcp port 80 or tcp port 443 or udp port 53) and not (src net 198.18.0.0/24 or dst net 198.19.0.0/24)");
}
