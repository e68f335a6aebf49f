package io.xdppacket.internal.filter;

import io.xdppacket.testing.PcapFile;
import io.xdppacket.testing.Tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Frames to run filters on: well-formed ones of every kind, built by scapy (a tool nobody here
 * wrote), every truncation of some of them, and random bytes, some of them with a plausible
 * EtherType and IP header start so that filters look deeper than the first comparison.
 */
public final class FrameCorpus {
    private FrameCorpus() {}

    /**
     * Ethernet, 802.1Q, QinQ (0x88a8 and 0x9100 outer tags), IPv4 with options and fragments, IPv6
     * with extension headers, TCP with every common flag combination, UDP (DNS, NTP, VXLAN), ICMP,
     * ICMPv6 (echo, neighbour solicitation), ARP, IGMP, GRE, SCTP, MPLS, 802.3/LLC (STP), an
     * experimental EtherType; unicast, multicast and broadcast. Addresses from 198.18.0.0/15 and
     * 2001:db8::/32.
     */
    public static final String SCAPY = """
import sys
from scapy.all import (Ether, Dot1Q, Dot1AD, IP, IPv6, TCP, UDP, ICMP, ARP, Raw, IPOption_RR, IPOption_Router_Alert,
    IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, IPv6ExtHdrFragment, IPv6ExtHdrDestOpt, ICMPv6EchoRequest, ICMPv6EchoReply,
    ICMPv6ND_NS, Dot3, LLC, STP, GRE, SCTP, DNS, DNSQR, NTP, wrpcap, fragment)
from scapy.contrib.mpls import MPLS
from scapy.contrib.igmp import IGMP
A, B, C = "198.18.0.1", "198.18.0.2", "198.19.7.9"
M1, M2, BC = "02:00:00:00:00:01", "02:00:00:00:00:02", "ff:ff:ff:ff:ff:ff"
V6A, V6B = "2001:db8::1", "2001:db8::2"
f = []
e = lambda dst=M2, src=M1: Ether(dst=dst, src=src)
for sport, dport in [(1234, 80), (80, 1234), (40000, 443), (22, 50000), (1500, 8080), (999, 2001), (2000, 1000)]:
    for flags in ["S", "SA", "A", "PA", "F", "R", "FA"]:
        f.append(e()/IP(src=A, dst=B)/TCP(sport=sport, dport=dport, flags=flags)/Raw(b"x" * (sport % 7)))
f.append(e()/IP(src=C, dst=A, options=[IPOption_RR()])/TCP(sport=5000, dport=80, flags="S"))
f.append(e()/IP(src=B, dst=A, options=[IPOption_Router_Alert()])/UDP(sport=53, dport=5353)/Raw(b"q" * 20))
f.append(e(M1, M2)/IP(src=A, dst=B, tos=0xb8)/UDP(sport=5000, dport=53)/DNS(rd=1, qd=DNSQR(qname="example.com")))
f.append(e(M1, M2)/IP(src=B, dst=A)/UDP(sport=53, dport=5000)/DNS(qr=1, qd=DNSQR(qname="example.com")))
f.append(e()/IP(src=A, dst=B)/UDP(sport=123, dport=123)/NTP())
f.append(e()/IP(src=A, dst=B)/UDP(sport=7, dport=4789)/Raw(bytes([0x08, 0, 0, 0, 0, 0, 1, 0]) + b"i" * 14))
f.append(e()/IP(src=A, dst=B)/UDP(sport=9, dport=9)/Raw(bytes([0x12, 0x34]) + b"p" * 30))
f.append(e()/IP(src=A, dst=B)/UDP(sport=9, dport=9)/Raw(b"\\x00" * 1400))
for frag in fragment(e()/IP(src=A, dst=B, id=77)/UDP(sport=9, dport=53)/Raw(b"F" * 300), fragsize=120):
    f.append(frag)
f.append(e()/IP(src=A, dst=B, flags="DF")/TCP(sport=80, dport=3333, flags="PA")/Raw(b"GET / HTTP/1.0\\r\\n\\r\\n"))
f.append(e()/IP(src=A, dst=B)/ICMP(type=8)/Raw(b"ping"))
f.append(e(M1, M2)/IP(src=B, dst=A)/ICMP(type=0)/Raw(b"pong"))
f.append(e()/IP(src=A, dst=B)/ICMP(type=3, code=3)/IP(src=B, dst=A)/UDP(sport=1, dport=2))
f.append(e(BC, M1)/ARP(op=1, psrc=A, pdst=B, hwsrc=M1))
f.append(e(M1, M2)/ARP(op=2, psrc=B, pdst=A, hwsrc=M2, hwdst=M1))
f.append(e("01:00:5e:00:00:fb", M1)/IP(src=A, dst="224.0.0.251")/UDP(sport=5353, dport=5353)/Raw(b"m" * 12))
f.append(e("01:00:5e:00:00:16", M1)/IP(src=A, dst="224.0.0.22", ttl=1)/IGMP(type=0x16, gaddr="239.1.2.3"))
f.append(e(BC, M1)/IP(src=A, dst="255.255.255.255")/UDP(sport=68, dport=67)/Raw(b"d" * 40))
f.append(e()/IP(src=A, dst=B)/GRE()/IP(src="198.19.0.1", dst="198.19.0.2")/UDP(sport=1, dport=2))
f.append(e()/IP(src=A, dst=B)/SCTP(sport=3868, dport=3868))
f.append(e()/IPv6(src=V6A, dst=V6B)/TCP(sport=443, dport=50000, flags="SA"))
f.append(e()/IPv6(src=V6B, dst=V6A)/TCP(sport=50000, dport=443, flags="S"))
f.append(e()/IPv6(src=V6A, dst=V6B)/UDP(sport=53, dport=53)/Raw(b"6" * 16))
f.append(e()/IPv6(src=V6A, dst=V6B)/IPv6ExtHdrHopByHop()/UDP(sport=9, dport=9))
f.append(e()/IPv6(src=V6A, dst=V6B)/IPv6ExtHdrRouting(addresses=["2001:db8::3"])/TCP(sport=22, dport=2222, flags="A"))
f.append(e()/IPv6(src=V6A, dst=V6B)/IPv6ExtHdrFragment(m=1, id=5)/UDP(sport=9, dport=53))
f.append(e()/IPv6(src=V6A, dst=V6B)/IPv6ExtHdrDestOpt()/IPv6ExtHdrFragment(offset=10)/Raw(b"z" * 8))
f.append(e()/IPv6(src=V6A, dst=V6B)/IPv6ExtHdrHopByHop()/IPv6ExtHdrDestOpt()/TCP(sport=80, dport=80, flags="S"))
f.append(e()/IPv6(src=V6A, dst=V6B)/ICMPv6EchoRequest(data=b"abc"))
f.append(e(M1, M2)/IPv6(src=V6B, dst=V6A)/ICMPv6EchoReply(data=b"abc"))
f.append(e("33:33:ff:00:00:02", M1)/IPv6(src=V6A, dst="ff02::1:ff00:2")/ICMPv6ND_NS(tgt=V6B))
f.append(e()/IPv6(src=V6A, dst=V6B, nh=132)/SCTP(sport=1, dport=2))
for vid in [100, 200, 4095]:
    f.append(e()/Dot1Q(vlan=vid)/IP(src=A, dst=B)/UDP(sport=9, dport=53))
    f.append(e()/Dot1Q(vlan=vid)/IP(src=A, dst=B)/TCP(sport=1234, dport=80, flags="S"))
    f.append(e()/Dot1Q(vlan=vid)/IPv6(src=V6A, dst=V6B)/UDP(sport=9, dport=9))
    f.append(e()/Dot1Q(vlan=vid)/ARP(psrc=A, pdst=B))
f.append(e()/Dot1AD(vlan=300)/Dot1Q(vlan=200)/IP(src=A, dst=B)/UDP(sport=9, dport=9))
f.append(e()/Dot1AD(vlan=100)/Dot1Q(vlan=100)/IP(src=A, dst=B)/TCP(sport=80, dport=1, flags="A"))
f.append(Ether(dst=M2, src=M1, type=0x9100)/Dot1Q(vlan=200)/IP(src=A, dst=B)/UDP(sport=9, dport=9))
f.append(e()/Dot1Q(vlan=100)/Dot1Q(vlan=200)/IPv6(src=V6A, dst=V6B)/UDP(sport=9, dport=53))
f.append(Dot3(dst="01:80:c2:00:00:00", src=M1)/LLC()/STP())
f.append(e()/MPLS(label=16, s=1)/IP(src=A, dst=B)/UDP(sport=9, dport=9))
f.append(Ether(dst=M2, src=M1, type=0x88b5)/Raw(b"\\x00\\x00\\x00\\x01" + b"e" * 50))
f.append(Ether(dst=BC, src=M2, type=0x88b5)/Raw(b"e" * 60))
wrpcap(sys.argv[1], f)
""";

    /** The frames scapy builds, in order. */
    static List<byte[]> wellFormed(Path dir) throws IOException {
        Path script = dir.resolve("corpus.py");
        Path pcap = dir.resolve("corpus.pcap");
        Files.writeString(script, SCAPY);
        Tools.run(Tools.PYTHON, script.toString(), pcap.toString());
        List<byte[]> frames = new ArrayList<>();
        for (PcapFile.Record r : PcapFile.read(pcap)) frames.add(r.data());
        return frames;
    }

    /** Every prefix of each frame from {@code minLength} bytes to the full frame. */
    static List<byte[]> truncations(List<byte[]> frames, int minLength) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] f : frames) {
            for (int len = minLength; len <= f.length; len++) out.add(Arrays.copyOf(f, len));
        }
        return out;
    }

    /**
     * {@code count} random frames of {@code minLength} to 200 bytes; three in four start like a frame
     * a filter cares about (IPv4, IPv6, ARP, 802.1Q, QinQ EtherType; for IPv4 a version-4 first byte).
     */
    public static List<byte[]> random(int count, int minLength, long seed) {
        Random r = new Random(seed);
        int[] types = {0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8, 0x9100, 0x8847};
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] f = new byte[minLength + r.nextInt(201 - minLength)];
            r.nextBytes(f);
            if (f.length >= 15 && r.nextInt(4) != 0) {
                int type = types[r.nextInt(types.length)];
                f[12] = (byte) (type >> 8);
                f[13] = (byte) type;
                if (type == 0x0800) f[14] = (byte) (0x40 | (5 + r.nextInt(11)));
                if ((type == 0x8100 || type == 0x88a8 || type == 0x9100) && f.length >= 19) {
                    int inner = types[r.nextInt(3)];
                    f[16] = (byte) (inner >> 8);
                    f[17] = (byte) inner;
                    if (inner == 0x0800) f[18] = 0x45;
                }
            }
            out.add(f);
        }
        return out;
    }
}
