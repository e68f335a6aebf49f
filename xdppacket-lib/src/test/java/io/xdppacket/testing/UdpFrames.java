package io.xdppacket.testing;

import io.xdppacket.packet.EtherType;
import io.xdppacket.packet.Ethernet;
import io.xdppacket.packet.IpProtocol;
import io.xdppacket.packet.Ipv4;
import io.xdppacket.packet.Ipv4Address;
import io.xdppacket.packet.Udp;

/**
 * Ethernet/IPv4/UDP test frames built with the packet toolkit: 198.18.0.1 to 198.18.0.2, port 9, the
 * sequence number as the payload's first 8 bytes, then bytes 8, 9, 10... Distinct per sequence
 * number, checksums correct.
 */
public final class UdpFrames {
    private UdpFrames() {}

    /** Between locally administered addresses 02:00:00:00:00:01 and 02:00:00:00:00:02. */
    public static byte[] frame(int length, long seq) {
        return frame(0x02_00_00_00_00_01L, 0x02_00_00_00_00_02L, 9, length, seq);
    }

    /** A frame of {@code length} (at least 50) bytes from {@code srcMac} to {@code dstMac}, source port {@code srcPort}. */
    public static byte[] frame(long srcMac, long dstMac, int srcPort, int length, long seq) {
        byte[] f = new byte[length];
        Ethernet eth = new Ethernet().build(f, 0, length).setSource(srcMac).setDestination(dstMac).setEtherType(EtherType.IPV4);
        Ipv4 ip = new Ipv4().build(eth).setProtocol(IpProtocol.UDP).setIdentification((int) seq & 0xFFFF)
                .setSource(Ipv4Address.parse("198.18.0.1")).setDestination(Ipv4Address.parse("198.18.0.2"));
        Udp udp = new Udp().build(ip).setSourcePort(srcPort).setDestinationPort(9);
        udp.setLong(Udp.HEADER_LENGTH, seq);
        for (int i = Udp.HEADER_LENGTH + 8; i < udp.length(); i++) udp.setByte(i, i - Udp.HEADER_LENGTH);
        ip.updateChecksum();
        udp.updateChecksum(ip);
        return f;
    }
}
