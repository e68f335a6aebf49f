package io.xdppacket.packet;

/** The frame the toolkit benchmarks parse and build: Ethernet / IPv4 / UDP, 198.18.0.1:40000 to 198.18.0.2:9. */
final class UdpFrame {
    private UdpFrame() {}

    static final long SRC_MAC = 0x02_00_00_00_00_01L, DST_MAC = 0x02_00_00_00_00_02L;
    static final int SRC_IP = 0xC612_0001, DST_IP = 0xC612_0002;
    static final int SRC_PORT = 40000, DST_PORT = 9;

    /** A frame of {@code length} bytes (at least 42) with a patterned payload and correct checksums. */
    static byte[] bytes(int length) {
        byte[] f = new byte[length];
        Ethernet eth = new Ethernet().build(f, 0, length).setSource(SRC_MAC).setDestination(DST_MAC).setEtherType(EtherType.IPV4);
        Ipv4 ip = new Ipv4().build(eth).setProtocol(IpProtocol.UDP).setSource(SRC_IP).setDestination(DST_IP);
        Udp udp = new Udp().build(ip).setSourcePort(SRC_PORT).setDestinationPort(DST_PORT);
        for (int i = Udp.HEADER_LENGTH; i < udp.length(); i++) udp.setByte(i, i * 31);
        udp.updateChecksum(ip);
        ip.updateChecksum();
        return f;
    }
}
