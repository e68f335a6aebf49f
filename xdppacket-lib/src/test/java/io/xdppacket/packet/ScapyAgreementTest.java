package io.xdppacket.packet;

import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scapy as the judge of the header views: it builds frames of every kind the toolkit knows (VLAN
 * and QinQ tags, IPv4 options and fragments, IPv6 extension headers, TCP options, ICMP, ICMPv6
 * echo and neighbour discovery, ARP), computes their checksums and reports every field; the views
 * must read the same values and compute the same checksums. The other way round, frames built by
 * the views are taken apart by scapy, which recomputes lengths and checksums and must arrive at
 * the same bytes.
 */
@Privileged(tools = Tools.PYTHON + ":scapy")
class ScapyAgreementTest {

    /** Scapy's frames, one per line: the hex, then key=value for each field it decoded. */
    private static final String SCAPY_FRAMES = """
            import random
            from scapy.all import *
            from scapy.layers.inet import TCPOptions
            rnd = random.Random(11)
            A4, B4 = "198.18.0.1", "198.19.255.254"
            A6, B6 = "2001:db8::1", "2001:db8:0:1:0:0:0:fe"
            M1, M2 = "02:00:00:00:00:01", "02:aa:bb:cc:dd:ee"
            def pay(n): return Raw(bytes(rnd.getrandbits(8) for _ in range(n)))
            frames = []
            for n in [0, 1, 17, 18, 100, 1472]:
                frames.append(Ether(src=M1, dst=M2)/IP(src=A4, dst=B4, id=rnd.randint(0, 65535), flags="DF", tos=0xb8)
                              /UDP(sport=rnd.randint(1024, 65535), dport=4789)/pay(n))
            frames.append(Ether(src=M1, dst=M2)/IP(src=A4, dst=B4)/UDP(sport=7, dport=7, chksum=0)/pay(20))
            frames.append(Ether(src=M1, dst=M2)/Dot1Q(vlan=100, prio=5)/IP(src=A4, dst=B4, ttl=3)
                          /TCP(sport=40000, dport=80, seq=0xfedcba98, ack=12345, flags="SA", window=29200,
                               options=[('MSS', 1460), ('NOP', None), ('WScale', 7), ('SAckOK', b''), ('Timestamp', (1, 2))])
                          /pay(33))
            frames.append(Ether(src=M1, dst=M2)/Dot1AD(vlan=200)/Dot1Q(vlan=300, prio=2)/IPv6(src=A6, dst=B6, tc=0x2e, fl=0xabcde)
                          /UDP(sport=5000, dport=5001)/pay(64))
            frames.append(Ether(src=M1, dst=M2)/IP(src=A4, dst=B4, options=[IPOption_Router_Alert()])/UDP(sport=1, dport=2)/pay(5))
            frames.append(Ether(src=M1, dst=M2)/IP(src=A4, dst=B4, options=[IPOption_NOP(), IPOption_RR(routers=["198.18.0.9", "198.18.0.10"])])
                          /ICMP(type=8, id=0x1234, seq=7)/pay(56))
            for f in fragment(IP(src=A4, dst=B4, id=4242)/UDP(sport=9, dport=9)/pay(2000), fragsize=800):
                frames.append(Ether(src=M1, dst=M2)/f)
            frames.append(Ether(src=M1, dst=M2)/IPv6(src=A6, dst=B6)/IPv6ExtHdrHopByHop()/IPv6ExtHdrDestOpt()
                          /IPv6ExtHdrRouting(addresses=["2001:db8::9"])/IPv6ExtHdrFragment(id=0x12345678, m=1)/UDP(sport=11, dport=12)/pay(40))
            frames.append(Ether(src=M1, dst=M2)/IPv6(src=A6, dst=B6)/TCP(sport=443, dport=50000, flags="PA", seq=1, ack=2)/pay(100))
            frames.append(Ether(src=M1, dst=M2)/IPv6(src=A6, dst=B6)/ICMPv6EchoRequest(id=77, seq=88, data=b"ping"*10))
            frames.append(Ether(src=M1, dst=M2)/IPv6(src=A6, dst=B6)/ICMPv6EchoReply(id=78, seq=89, data=b"pong"))
            frames.append(Ether(src=M1, dst="33:33:ff:00:00:fe")/IPv6(src=A6, dst="ff02::1:ff00:fe", hlim=255)
                          /ICMPv6ND_NS(tgt=B6)/ICMPv6NDOptSrcLLAddr(lladdr=M1))
            frames.append(Ether(src=M2, dst=M1)/IPv6(src=B6, dst=A6, hlim=255)/ICMPv6ND_NA(tgt=B6, R=0, S=1, O=1)
                          /ICMPv6NDOptDstLLAddr(lladdr=M2))
            frames.append(Ether(src=M1, dst="ff:ff:ff:ff:ff:ff")/ARP(op=1, hwsrc=M1, psrc=A4, pdst=B4))
            frames.append(Ether(src=M2, dst=M1)/ARP(op=2, hwsrc=M2, psrc=B4, hwdst=M1, pdst=A4))
            frames.append(Ether(src=M1, dst=M2)/IP(src=A4, dst=B4)/ICMP(type=0, id=1, seq=2)/pay(1))
            frames.append(Ether(src=M1, dst=M2)/Dot1Q(vlan=4095)/Dot1Q(vlan=1)/Dot1Q(vlan=2)/IP(src=A4, dst=B4)/UDP()/pay(3))
            EXT = (IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, IPv6ExtHdrFragment)
            KINDS = TCPOptions[1]
            for f in frames:
                raw = bytes(f)
                p = Ether(raw)
                d = {"eth.dst": p.dst, "eth.src": p.src}
                vl, t, l = [], p.type, p.payload
                while isinstance(l, (Dot1Q, Dot1AD)):
                    vl.append("%d:%d:%d" % (t, l.vlan, l.prio)); t, l = l.type, l.payload
                d["eth.vlans"], d["eth.type"] = ",".join(vl) or "-", t
                up, proto = None, None
                if isinstance(l, IP):
                    d.update({"ip.hl": l.ihl * 4, "ip.len": l.len, "ip.id": l.id, "ip.df": int(l.flags.DF), "ip.mf": int(l.flags.MF),
                              "ip.frag": l.frag, "ip.ttl": l.ttl, "ip.proto": l.proto, "ip.chksum": l.chksum, "ip.tos": l.tos,
                              "ip.src": l.src, "ip.dst": l.dst, "ip.optlen": l.ihl * 4 - 20})
                    opts, at, hdr = [], 20, raw[len(raw) - len(bytes(l)):][:l.ihl * 4]
                    while at < len(hdr) and hdr[at] != 0:
                        opts.append(str(hdr[at])); at += 1 if hdr[at] == 1 else hdr[at + 1]
                    d["ip.opts"] = ",".join(opts) or "-"
                    if l.frag == 0 and l.flags.MF == 0: up, proto = l.payload, l.proto
                    elif l.frag == 0: d["udp.partial"] = 1; up, proto = l.payload, l.proto
                elif isinstance(l, IPv6):
                    d.update({"ip6.plen": l.plen, "ip6.nh": l.nh, "ip6.hlim": l.hlim, "ip6.tc": l.tc, "ip6.fl": l.fl,
                              "ip6.src": l.src, "ip6.dst": l.dst})
                    exts, nh, x = [], l.nh, l.payload
                    while isinstance(x, EXT):
                        exts.append(str(nh))
                        if isinstance(x, IPv6ExtHdrFragment):
                            d.update({"ip6.fragid": x.id, "ip6.m": x.m, "ip6.fragoff": x.offset})
                        nh, x = x.nh, x.payload
                    d["ip6.exts"], d["ip6.proto"] = ",".join(exts) or "-", nh
                    up, proto = x, nh
                elif isinstance(l, ARP):
                    d.update({"arp.op": l.op, "arp.hwsrc": l.hwsrc, "arp.psrc": l.psrc, "arp.hwdst": l.hwdst, "arp.pdst": l.pdst})
                if proto == 17:
                    d.update({"udp.sport": up.sport, "udp.dport": up.dport, "udp.len": up.len, "udp.chksum": up.chksum})
                elif proto == 6:
                    d.update({"tcp.sport": up.sport, "tcp.dport": up.dport, "tcp.seq": up.seq, "tcp.ack": up.ack,
                              "tcp.hl": up.dataofs * 4, "tcp.flags": int(up.flags), "tcp.window": up.window,
                              "tcp.chksum": up.chksum, "tcp.urgptr": up.urgptr,
                              "tcp.opts": ",".join(str(KINDS[o[0]]) for o in up.options) or "-"})
                elif proto == 1:
                    d.update({"icmp.type": up.type, "icmp.code": up.code, "icmp.chksum": up.chksum, "icmp.id": up.id, "icmp.seq": up.seq})
                elif proto == 58:
                    d.update({"icmp6.type": up.type, "icmp6.code": up.code, "icmp6.cksum": up.cksum})
                    if up.type in (128, 129): d.update({"icmp6.id": up.id, "icmp6.seq": up.seq})
                    if up.type in (135, 136):
                        d["icmp6.tgt"] = up.tgt
                        o = up.payload
                        d["icmp6.srclla"] = o.lladdr if type(o) is ICMPv6NDOptSrcLLAddr else "-"
                        d["icmp6.dstlla"] = o.lladdr if type(o) is ICMPv6NDOptDstLLAddr else "-"
                    if up.type == 136: d.update({"icmp6.R": up.R, "icmp6.S": up.S, "icmp6.O": up.O})
                print(raw.hex(), " ".join("%s=%s" % kv for kv in d.items()))
            """;

    private record Frame(byte[] bytes, Map<String, String> fields) {}

    private static List<Frame> scapyFrames() {
        List<Frame> frames = new ArrayList<>();
        for (String line : Tools.run(Tools.PYTHON, "-c", SCAPY_FRAMES).stdout().lines().toList()) {
            String[] words = line.split(" ");
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 1; i < words.length; i++) {
                int eq = words[i].indexOf('=');
                fields.put(words[i].substring(0, eq), words[i].substring(eq + 1));
            }
            frames.add(new Frame(HexFormat.of().parseHex(words[0]), fields));
        }
        return frames;
    }

    private final Ethernet eth = new Ethernet();
    private final Ipv4 ip = new Ipv4();
    private final Ipv6 ip6 = new Ipv6();
    private final Arp arp = new Arp();
    private final Udp udp = new Udp();
    private final Tcp tcp = new Tcp();
    private final Icmp icmp = new Icmp();
    private final Icmpv6 icmp6 = new Icmpv6();

    /** Reads every field the way a user of the toolkit would, in scapy's names; checks checksums on the way. */
    private Map<String, String> describe(String what) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("eth.dst", eth.destinationAddress().toString());
        d.put("eth.src", eth.sourceAddress().toString());
        StringJoiner vlans = new StringJoiner(",");
        for (int i = 0; i < eth.vlanCount(); i++) vlans.add(eth.vlanTpid(i) + ":" + eth.vlanId(i) + ":" + eth.vlanPriority(i));
        d.put("eth.vlans", eth.vlanCount() == 0 ? "-" : vlans.toString());
        d.put("eth.type", Integer.toString(eth.etherType()));
        int proto = -1;
        boolean whole = true;
        if (eth.etherType() == EtherType.IPV4) {
            assertTrue(ip.wrap(eth), what);
            put(d, "ip.hl", ip.headerLength(), "ip.len", ip.totalLength(), "ip.id", ip.identification(),
                    "ip.df", ip.dontFragment() ? 1 : 0, "ip.mf", ip.moreFragments() ? 1 : 0, "ip.frag", ip.fragmentOffset(),
                    "ip.ttl", ip.ttl(), "ip.proto", ip.protocol(), "ip.chksum", ip.checksum(), "ip.tos", ip.tos(),
                    "ip.optlen", ip.optionsLength());
            d.put("ip.src", ip.sourceAddress().toString());
            d.put("ip.dst", ip.destinationAddress().toString());
            StringJoiner opts = new StringJoiner(",");
            for (int at = ip.firstOption(); at >= 0; at = ip.nextOption(at)) opts.add(Integer.toString(ip.optionType(at)));
            d.put("ip.opts", ip.optionsLength() == 0 || opts.length() == 0 ? "-" : opts.toString());
            assertEquals(ip.checksum(), ip.computeChecksum(), what);
            assertTrue(ip.isChecksumValid(), what);
            if (ip.fragmentOffset() == 0) proto = ip.protocol();
            whole = !ip.isFragment();
        } else if (eth.etherType() == EtherType.IPV6) {
            assertTrue(ip6.wrap(eth), what);
            put(d, "ip6.plen", ip6.payloadLengthField(), "ip6.nh", ip6.nextHeader(), "ip6.hlim", ip6.hopLimit(),
                    "ip6.tc", ip6.trafficClass(), "ip6.fl", ip6.flowLabel(), "ip6.proto", ip6.protocol());
            d.put("ip6.src", ip6.sourceAddress().toString());
            d.put("ip6.dst", ip6.destinationAddress().toString());
            StringJoiner exts = new StringJoiner(",");
            for (int i = 0; i < ip6.extensionCount(); i++) exts.add(Integer.toString(ip6.extensionType(i)));
            d.put("ip6.exts", ip6.extensionCount() == 0 ? "-" : exts.toString());
            if (ip6.isFragment()) {
                put(d, "ip6.m", ip6.moreFragments() ? 1 : 0, "ip6.fragoff", ip6.fragmentOffset());
                d.put("ip6.fragid", Long.toString(ip6.fragmentIdentification()));
                whole = false;
            }
            proto = ip6.protocol();
        } else if (eth.etherType() == EtherType.ARP) {
            assertTrue(arp.wrap(eth), what);
            d.put("arp.op", Integer.toString(arp.operation()));
            d.put("arp.hwsrc", new MacAddress(arp.senderMac()).toString());
            d.put("arp.psrc", new Ipv4Address(arp.senderIp()).toString());
            d.put("arp.hwdst", new MacAddress(arp.targetMac()).toString());
            d.put("arp.pdst", new Ipv4Address(arp.targetIp()).toString());
        }
        boolean v4 = eth.etherType() == EtherType.IPV4;
        Header<?> outer = v4 ? ip : ip6;
        switch (proto) {
            case IpProtocol.UDP -> {
                assertTrue(udp.wrap(outer), what);
                put(d, "udp.sport", udp.sourcePort(), "udp.dport", udp.destinationPort(), "udp.len", udp.datagramLength(),
                        "udp.chksum", udp.checksum());
                if (whole) {
                    assertTrue(v4 ? udp.isChecksumValid(ip) : udp.isChecksumValid(ip6), what);
                    if (udp.checksum() != 0) assertEquals(udp.checksum(), v4 ? udp.computeChecksum(ip) : udp.computeChecksum(ip6), what);
                } else if (v4) {
                    d.put("udp.partial", "1"); // the first fragment of a datagram: its checksum covers more than is here
                }
            }
            case IpProtocol.TCP -> {
                assertTrue(tcp.wrap(outer), what);
                put(d, "tcp.sport", tcp.sourcePort(), "tcp.dport", tcp.destinationPort(), "tcp.hl", tcp.headerLength(),
                        "tcp.flags", tcp.flags(), "tcp.window", tcp.window(), "tcp.chksum", tcp.checksum(), "tcp.urgptr", tcp.urgentPointer());
                d.put("tcp.seq", Long.toString(Integer.toUnsignedLong(tcp.sequenceNumber())));
                d.put("tcp.ack", Long.toString(Integer.toUnsignedLong(tcp.acknowledgmentNumber())));
                StringJoiner opts = new StringJoiner(",");
                for (int at = tcp.firstOption(); at >= 0; at = tcp.nextOption(at)) opts.add(Integer.toString(tcp.optionKind(at)));
                d.put("tcp.opts", opts.length() == 0 ? "-" : opts.toString());
                assertEquals(tcp.checksum(), v4 ? tcp.computeChecksum(ip) : tcp.computeChecksum(ip6), what);
                assertTrue(v4 ? tcp.isChecksumValid(ip) : tcp.isChecksumValid(ip6), what);
            }
            case IpProtocol.ICMP -> {
                assertTrue(icmp.wrap(ip), what);
                put(d, "icmp.type", icmp.type(), "icmp.code", icmp.code(), "icmp.chksum", icmp.checksum(),
                        "icmp.id", icmp.identifier(), "icmp.seq", icmp.sequence());
                assertEquals(icmp.checksum(), icmp.computeChecksum(), what);
                assertTrue(icmp.isChecksumValid(), what);
            }
            case IpProtocol.ICMPV6 -> {
                assertTrue(icmp6.wrap(ip6), what);
                put(d, "icmp6.type", icmp6.type(), "icmp6.code", icmp6.code(), "icmp6.cksum", icmp6.checksum());
                if (icmp6.type() == Icmpv6.ECHO_REQUEST || icmp6.type() == Icmpv6.ECHO_REPLY) {
                    put(d, "icmp6.id", icmp6.identifier(), "icmp6.seq", icmp6.sequence());
                }
                if (icmp6.type() == Icmpv6.NEIGHBOR_SOLICITATION || icmp6.type() == Icmpv6.NEIGHBOR_ADVERTISEMENT) {
                    d.put("icmp6.tgt", icmp6.targetAddress().toString());
                    long src = icmp6.linkLayerAddressOption(Icmpv6.OPTION_SOURCE_LINK_LAYER_ADDRESS);
                    long dst = icmp6.linkLayerAddressOption(Icmpv6.OPTION_TARGET_LINK_LAYER_ADDRESS);
                    d.put("icmp6.srclla", src < 0 ? "-" : new MacAddress(src).toString());
                    d.put("icmp6.dstlla", dst < 0 ? "-" : new MacAddress(dst).toString());
                }
                if (icmp6.type() == Icmpv6.NEIGHBOR_ADVERTISEMENT) {
                    int f = icmp6.neighborFlags();
                    put(d, "icmp6.R", (f & Icmpv6.FLAG_ROUTER) != 0 ? 1 : 0, "icmp6.S", (f & Icmpv6.FLAG_SOLICITED) != 0 ? 1 : 0,
                            "icmp6.O", (f & Icmpv6.FLAG_OVERRIDE) != 0 ? 1 : 0);
                }
                assertEquals(icmp6.checksum(), icmp6.computeChecksum(ip6), what);
                assertTrue(icmp6.isChecksumValid(ip6), what);
            }
            default -> { }
        }
        return d;
    }

    private static void put(Map<String, String> d, Object... keyValues) {
        for (int i = 0; i < keyValues.length; i += 2) d.put((String) keyValues[i], keyValues[i + 1].toString());
    }

    @Test
    void viewsReadWhatScapyWroteOverArraysAndSegments() {
        List<Frame> frames = scapyFrames();
        assertEquals(24, frames.size(), "frames scapy made");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment native_ = arena.allocate(4096);
            for (int i = 0; i < frames.size(); i++) {
                Frame f = frames.get(i);
                String what = "frame " + i + " " + f.fields();
                if (i % 2 == 0) {
                    assertTrue(eth.wrap(f.bytes(), 0, f.bytes().length), what);
                } else {
                    MemorySegment.copy(f.bytes(), 0, native_, ValueLayout.JAVA_BYTE, 100, f.bytes().length);
                    assertTrue(eth.wrap(native_, 100, f.bytes().length), what);
                }
                Map<String, String> ours = describe(what);
                for (var e : f.fields().entrySet()) {
                    assertEquals(e.getValue(), ours.get(e.getKey()), e.getKey() + " of " + what + "\nours: " + ours);
                }
                assertEquals(f.fields().keySet(), ours.keySet(), "the same layers decoded, " + what);
            }
        }
    }

    /** Frames built with the views; scapy deletes every length and checksum, rebuilds, and must get the same bytes. */
    @Test
    void scapyRebuildsTheFramesTheViewsBuiltToTheSameBytes(@TempDir Path dir) throws IOException {
        List<byte[]> built = new ArrayList<>();
        long m1 = 0x02_00_00_00_00_01L, m2 = 0x02_AA_BB_CC_DD_EEL;
        int a4 = Ipv4Address.parse("198.18.0.1").value(), b4 = Ipv4Address.parse("198.19.255.254").value();
        Ipv6Address a6 = Ipv6Address.parse("2001:db8::1"), b6 = Ipv6Address.parse("fe80::2:3");
        for (int length : new int[] {42, 43, 60, 61, 1514}) { // UDP over IPv4, odd and even
            byte[] f = new byte[length];
            eth.build(f, 0, length).setDestination(m2).setSource(m1).setEtherType(EtherType.IPV4);
            ip.build(eth).setTtl(17).setIdentification(length).setDontFragment(true).setProtocol(IpProtocol.UDP).setSource(a4).setDestination(b4);
            udp.build(ip).setSourcePort(1000 + length).setDestinationPort(7);
            for (int i = 8; i < udp.length(); i++) udp.setByte(i, i * 7);
            udp.updateChecksum(ip);
            ip.updateChecksum();
            built.add(f);
        }
        { // QinQ, IPv6, TCP with options
            byte[] f = new byte[14 + 8 + 40 + 32 + 10];
            eth.build(f, 0, f.length).setDestination(m2).setSource(m1).addVlanTag(EtherType.QINQ, 10).addVlanTag(EtherType.VLAN, 5 << 13 | 20)
                    .setEtherType(EtherType.IPV6);
            ip6.build(eth).setSource(a6).setDestination(b6).setNextHeader(IpProtocol.TCP).setFlowLabel(0x12345).setTrafficClass(0x10);
            tcp.build(ip6).setSourcePort(5555).setDestinationPort(80).setSequenceNumber(0x80000001).setAcknowledgmentNumber(9)
                    .setFlags(Tcp.SYN | Tcp.ACK).setWindow(1024).setHeaderLength(32);
            tcp.setInt(20, 0x0204_05B4); // MSS 1460
            tcp.setInt(24, 0x0101_0402); // NOP NOP SACK-permitted
            tcp.setInt(28, 0x0103_0307); // NOP, window scale 7
            for (int i = 32; i < tcp.length(); i++) tcp.setByte(i, 'a' + i);
            tcp.updateChecksum(ip6);
            built.add(f);
        }
        { // IPv4 with options, ICMP echo request
            byte[] f = new byte[14 + 24 + 8 + 31];
            eth.build(f, 0, f.length).setDestination(m2).setSource(m1).setEtherType(EtherType.IPV4);
            ip.build(eth).setHeaderLength(24).setProtocol(IpProtocol.ICMP).setSource(a4).setDestination(b4);
            ip.setInt(20, 0x9404_0000); // router alert
            icmp.build(ip).setType(Icmp.ECHO_REQUEST).setIdentifier(0xBEEF).setSequence(3);
            icmp.fill(8, icmp.length() - 8, 0x5A);
            icmp.updateChecksum();
            ip.updateChecksum();
            built.add(f);
        }
        { // IPv6 neighbour advertisement with the target link-layer address
            byte[] f = new byte[14 + 40 + 32];
            eth.build(f, 0, f.length).setDestination(m1).setSource(m2).setEtherType(EtherType.IPV6);
            ip6.build(eth).setSource(b6).setDestination(a6).setNextHeader(IpProtocol.ICMPV6).setHopLimit(255);
            icmp6.build(ip6).setType(Icmpv6.NEIGHBOR_ADVERTISEMENT).setNeighborFlags(Icmpv6.FLAG_SOLICITED | Icmpv6.FLAG_OVERRIDE)
                    .setTarget(b6).setLinkLayerAddressOption(Icmpv6.OPTION_TARGET_LINK_LAYER_ADDRESS, m2);
            icmp6.updateChecksum(ip6);
            built.add(f);
        }
        { // ICMPv6 echo reply, UDP over IPv6
            byte[] f = new byte[14 + 40 + 8 + 13];
            eth.build(f, 0, f.length).setDestination(m1).setSource(m2).setEtherType(EtherType.IPV6);
            ip6.build(eth).setSource(a6).setDestination(b6).setNextHeader(IpProtocol.ICMPV6);
            icmp6.build(ip6).setType(Icmpv6.ECHO_REPLY).setIdentifier(1).setSequence(65535);
            icmp6.fill(8, 13, 0xEE);
            icmp6.updateChecksum(ip6);
            built.add(f);
            byte[] g = new byte[14 + 40 + 8 + 3];
            eth.build(g, 0, g.length).setDestination(m1).setSource(m2).setEtherType(EtherType.IPV6);
            ip6.build(eth).setSource(a6).setDestination(b6).setNextHeader(IpProtocol.UDP);
            udp.build(ip6).setSourcePort(53).setDestinationPort(53).copyFrom(new byte[] {1, 2, 3}, 0, 8, 3);
            udp.updateChecksum(ip6);
            built.add(g);
        }
        { // ARP reply
            byte[] f = new byte[42];
            eth.build(f, 0, 42).setDestination(m1).setSource(m2).setEtherType(EtherType.ARP);
            arp.build(eth).setOperation(Arp.REPLY).setSenderMac(m2).setSenderIp(b4).setTargetMac(m1).setTargetIp(a4);
            built.add(f);
        }
        String script = """
                import sys
                from scapy.all import *
                n = 0
                for line in open(sys.argv[1]).read().split():
                    raw = bytes.fromhex(line)
                    p = Ether(raw)
                    for l in p.iterpayloads():
                        for f in ("len", "plen", "chksum", "cksum"):
                            if f in l.fields:
                                del l.fields[f]
                    q = bytes(p)
                    if q != raw:
                        print("frame", n, "differs: ours", raw.hex(), "scapy", q.hex(), repr(Ether(raw)))
                    n += 1
                print("checked", n)
                """;
        Path hex = dir.resolve("built.hex");
        Files.write(hex, built.stream().map(HexFormat.of()::formatHex).toList());
        String out = Tools.run(Tools.PYTHON, "-c", script, hex.toString()).stdout();
        assertEquals("checked " + built.size() + "\n", out);
    }
}
