package io.xdppacket.packet;

import io.xdppacket.testing.Allocations;
import io.xdppacket.testing.UdpFrames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The header views on their own: malformed and cut frames, lengths, building, answering in place. */
class HeaderTest {
    private final Ethernet eth = new Ethernet();
    private final Ipv4 ip = new Ipv4();
    private final Ipv6 ip6 = new Ipv6();
    private final Udp udp = new Udp();
    private final Tcp tcp = new Tcp();
    private final Icmp icmp = new Icmp();
    private final Icmpv6 icmp6 = new Icmpv6();
    private final Arp arp = new Arp();

    private static final Ipv6Address A6 = Ipv6Address.parse("2001:db8::1"), B6 = Ipv6Address.parse("2001:db8::2");

    /** A TCP/IPv6 frame behind a VLAN tag, with a hop-by-hop header and TCP options. */
    private byte[] tcpOverIpv6() {
        byte[] f = new byte[14 + 4 + 40 + 8 + 24 + 5];
        eth.build(f, 0, f.length).setSource(1).setDestination(2).addVlanTag(EtherType.VLAN, 9).setEtherType(EtherType.IPV6);
        ip6.build(eth).setNextHeader(IpProtocol.HOP_BY_HOP).setSource(A6).setDestination(B6);
        ip6.setByte(40, IpProtocol.TCP);   // hop-by-hop: next header, length 0 (8 bytes), PadN
        ip6.setByte(41, 0);
        ip6.setShort(42, 0x0104);
        assertTrue(ip6.wrap(eth));
        tcp.build(ip6).setHeaderLength(24).setFlags(Tcp.SYN).setSequenceNumber(-1);
        tcp.setInt(20, 0x0204_0100);
        tcp.updateChecksum(ip6);
        return f;
    }

    @Test
    void everyCutOfAFrameWrapsOrNotButNeverThrows() {
        for (byte[] frame : new byte[][] {UdpFrames.frame(60, 1), UdpFrames.frame(99, 2), tcpOverIpv6()}) {
            for (int cut = 0; cut <= frame.length; cut++) {
                byte[] f = Arrays.copyOf(frame, cut);
                if (!eth.wrap(f, 0, cut)) {
                    assertTrue(cut < 18, "cut " + cut);
                    assertFalse(eth.isBound());
                    continue;
                }
                if (eth.etherType() == EtherType.IPV4 && ip.wrap(eth) && udp.wrap(ip)) {
                    assertTrue(udp.payloadLength() >= 0);
                    assertTrue(udp.payloadLength() <= cut - 42);
                }
                if (eth.etherType() == EtherType.IPV6 && ip6.wrap(eth)) {
                    assertEquals(IpProtocol.TCP, ip6.protocol());
                    assertEquals(48, ip6.headerLength());
                    if (tcp.wrap(ip6)) {
                        assertEquals(24, tcp.headerLength());
                        assertTrue(cut >= 18 + 48 + 24, "cut " + cut);
                    }
                }
            }
        }
        assertTrue(eth.wrap(tcpOverIpv6(), 0, 14 + 4 + 40 + 8 + 24 + 5));
        assertTrue(ip6.wrap(eth) && tcp.wrap(ip6) && tcp.isChecksumValid(ip6));
        assertEquals(20, tcp.firstOption());
        assertEquals(2, tcp.optionKind(20), "maximum segment size");
        assertEquals(4, tcp.optionLength(20));
        assertEquals(-1, tcp.nextOption(20));
        assertEquals(5, tcp.payloadLength());
    }

    @Test
    void malformedHeadersDoNotWrapAndLeaveTheViewUnbound() {
        byte[] f = UdpFrames.frame(60, 1);
        assertTrue(eth.wrap(f, 0, 60) && ip.wrap(eth));
        byte[] bad = f.clone();
        bad[14] = 0x44; // IHL 4
        assertFalse(eth.wrap(bad, 0, 60) && ip.wrap(eth));
        assertFalse(ip.isBound());
        bad = f.clone();
        bad[14] = 0x55; // version 5
        assertFalse(eth.wrap(bad, 0, 60) && ip.wrap(eth));
        bad = f.clone();
        bad[16] = 0;
        bad[17] = 19; // total length shorter than the header
        assertFalse(eth.wrap(bad, 0, 60) && ip.wrap(eth));
        bad = f.clone();
        bad[14] = 0x4F; // 60-byte header in a 46-byte packet
        assertFalse(eth.wrap(bad, 0, 60) && ip.wrap(eth));
        bad = f.clone();
        bad[38] = 0;
        bad[39] = 7; // UDP length 7
        assertTrue(eth.wrap(bad, 0, 60) && ip.wrap(eth));
        assertFalse(udp.wrap(ip));
        assertFalse(udp.isBound());

        byte[] t = tcpOverIpv6();
        byte[] badTcp = t.clone();
        badTcp[18 + 48 + 12] = 0x40; // data offset 16 bytes
        assertTrue(eth.wrap(badTcp, 0, badTcp.length) && ip6.wrap(eth));
        assertFalse(tcp.wrap(ip6));
        byte[] longExtension = t.clone();
        longExtension[18 + 41] = 9; // hop-by-hop header of 80 bytes
        assertTrue(eth.wrap(longExtension, 0, longExtension.length));
        assertFalse(ip6.wrap(eth));
        byte[] arpFor = new byte[42];
        eth.build(arpFor, 0, 42).setEtherType(EtherType.ARP);
        arp.build(eth);
        assertTrue(arp.wrap(eth));
        arpFor[14 + 5] = 16; // protocol address length 16: not IPv4
        assertFalse(arp.wrap(eth));
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        byte[] f = new byte[60];
        eth.build(f, 0, 60).setEtherType(EtherType.IPV4);
        ip.build(eth).setProtocol(IpProtocol.UDP).setTotalLength(28 + 3);
        udp.build(ip).setDatagramLength(8 + 3);
        assertTrue(eth.wrap(f, 0, 60) && ip.wrap(eth) && udp.wrap(ip));
        assertEquals(46, eth.payloadLength());
        assertEquals(11, ip.payloadLength());
        assertEquals(11, udp.length(), "the UDP view ends where the datagram does");
        assertEquals(3, udp.payloadLength());
    }

    @Test
    void buildingNeedsRoomAndWritableMemory() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> eth.build(new byte[13], 0, 13));
        assertTrue(e.getMessage().contains("Ethernet header needs 14 bytes, the space has 13"), e.getMessage());
        assertFalse(eth.isBound());
        eth.build(new byte[30], 0, 30);
        assertThrows(IllegalArgumentException.class, () -> ip.build(eth));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ro = arena.allocate(64).asReadOnly();
            assertThrows(UnsupportedOperationException.class, () -> eth.build(ro, 0, 64));
            assertTrue(eth.wrap(ro, 0, 64), "wrapping read-only memory is fine");
            assertThrows(UnsupportedOperationException.class, () -> eth.setSource(1));
        }
        eth.build(new byte[64], 0, 64);
        assertThrows(IllegalArgumentException.class, () -> ip.build(eth).setHeaderLength(22));
        assertThrows(IllegalArgumentException.class, () -> ip.setTotalLength(19));
        assertThrows(IllegalStateException.class, () -> {
            for (int i = 0; i < 5; i++) eth.addVlanTag(EtherType.VLAN, i);
        });
    }

    @Test
    void answeringAnEchoRequestInPlaceKeepsTheChecksumsRight() {
        byte[] f = new byte[14 + 20 + 8 + 37];
        eth.build(f, 0, f.length).setSource(0x02_00_00_00_00_01L).setDestination(0x02_00_00_00_00_02L).setEtherType(EtherType.IPV4);
        ip.build(eth).setProtocol(IpProtocol.ICMP).setSource(0xC612_0001).setDestination(0xC612_0002).updateChecksum();
        icmp.build(ip).setType(Icmp.ECHO_REQUEST).setIdentifier(0x4321).setSequence(9);
        icmp.fill(8, 37, 0xA5);
        icmp.updateChecksum();

        eth.swapAddresses();
        ip.swapAddresses();
        icmp.toEchoReply();
        assertEquals(0x02_00_00_00_00_01L, eth.destination());
        assertEquals(0xC612_0002, ip.source());
        assertEquals(Icmp.ECHO_REPLY, icmp.type());
        assertTrue(ip.isChecksumValid());
        assertTrue(icmp.isChecksumValid());
        assertEquals(icmp.computeChecksum(), icmp.checksum());
        assertThrows(IllegalStateException.class, icmp::toEchoReply, "a reply is not answered");

        byte[] g = new byte[14 + 40 + 8 + 4];
        eth.build(g, 0, g.length).setEtherType(EtherType.IPV6);
        ip6.build(eth).setNextHeader(IpProtocol.ICMPV6).setSource(A6).setDestination(B6);
        icmp6.build(ip6).setType(Icmpv6.ECHO_REQUEST).setIdentifier(1).setSequence(2).setInt(8, 0xCAFEBABE);
        icmp6.updateChecksum(ip6);
        ip6.swapAddresses();
        icmp6.toEchoReply();
        assertEquals(B6, ip6.sourceAddress());
        assertTrue(icmp6.isChecksumValid(ip6));

        byte[] a = new byte[42];
        eth.build(a, 0, 42).setEtherType(EtherType.ARP);
        arp.build(eth).setOperation(Arp.REQUEST).setSenderMac(0x0A).setSenderIp(1).setTargetIp(2);
        arp.toReply(0x0B);
        assertEquals(Arp.REPLY, arp.operation());
        assertEquals(0x0B, arp.senderMac());
        assertEquals(2, arp.senderIp());
        assertEquals(0x0A, arp.targetMac());
        assertEquals(1, arp.targetIp());
        assertThrows(IllegalStateException.class, () -> arp.toReply(0x0B));
    }

    @Test
    void incrementalUpdatesAgreeWithRecomputing() {
        Random rnd = new Random(5);
        for (int i = 0; i < 2000; i++) {
            byte[] f = UdpFrames.frame(60 + rnd.nextInt(1455), i);
            assertTrue(eth.wrap(f, 0, f.length) && ip.wrap(eth) && udp.wrap(ip));
            int oldDst = ip.destination(), newDst = rnd.nextInt();
            int oldPort = udp.destinationPort(), newPort = rnd.nextInt(65536);
            ip.setDestination(newDst).setChecksum(InetChecksum.adjust32(ip.checksum(), oldDst, newDst));
            udp.setDestinationPort(newPort).adjustChecksum(oldPort, newPort).adjustChecksum32(oldDst, newDst);
            assertEquals(ip.computeChecksum(), ip.checksum(), "IPv4 after NAT, frame " + i);
            assertTrue(udp.isChecksumValid(ip), "UDP after NAT, frame " + i);
            assertEquals(udp.computeChecksum(ip), udp.checksum(), "UDP after NAT, frame " + i);
        }
        byte[] f = UdpFrames.frame(60, 1);
        assertTrue(eth.wrap(f, 0, 60) && ip.wrap(eth) && udp.wrap(ip));
        udp.setChecksum(0).adjustChecksum(9, 10);
        assertEquals(0, udp.checksum(), "an absent UDP checksum stays absent");
    }

    @Test
    void parsingAndBuildingAllocateNothing() throws Exception {
        byte[] rx = tcpOverIpv6();
        byte[] tx = new byte[1514];
        long[] sum = {0};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(1514);
            long bytes = Allocations.of(() -> {
                for (int i = 0; i < 50_000; i++) {
                    if (eth.wrap(rx, 0, rx.length) && eth.etherType() == EtherType.IPV6 && ip6.wrap(eth) && tcp.wrap(ip6)) {
                        sum[0] += tcp.sourcePort() + tcp.sequenceNumber() + ip6.sourceLow() + eth.vlanId(0);
                    }
                    int length = 60 + (i & 63);
                    if ((i & 1) == 0) eth.build(tx, 0, length); // an array and native memory through the same views
                    else eth.build(out, 0, length);
                    eth.setEtherType(EtherType.IPV4);
                    ip.build(eth).setProtocol(IpProtocol.UDP).setSource(i).setDestination(~i);
                    udp.build(ip).setSourcePort(i).setDestinationPort(9).updateChecksum(ip);
                    ip.updateChecksum();
                    sum[0] += udp.checksum();
                }
            });
            assertEquals(0, bytes, "bytes allocated parsing and building 100,000 frames");
        }
        assertTrue(sum[0] != 0);
    }
}
