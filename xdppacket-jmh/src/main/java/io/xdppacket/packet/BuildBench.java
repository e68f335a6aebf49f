package io.xdppacket.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.UdpPort;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Building a UDP frame, one op per frame: write the Ethernet, IPv4 and UDP headers (addresses,
 * ports, a per-frame IPv4 identification and source port, lengths) in front of a payload already in
 * place, then the IPv4 header checksum and the UDP checksum over pseudo-header, header and payload.
 *
 * <ul>
 *   <li>{@code toolkitArray}, {@code toolkitSegment}: the views' {@code build} and setters, into a
 *       {@code byte[]} and into native memory (a frame to send);</li>
 *   <li>{@code nettyHeap}, {@code nettyDirect}: a {@link ByteBuf}'s absolute setters, and the
 *       checksums summed with its 32-bit getters (Netty has neither header classes nor checksums);</li>
 *   <li>{@code pcap4j}: its builders, made once and reused, {@code build()} with lengths and
 *       checksums corrected, and the frame's bytes ({@code getRawData()}).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class BuildBench {
    @Param({"64", "1514"})
    public int frameLength;

    private byte[] frame;
    private Arena arena;
    private MemorySegment segment;
    private ByteBuf heap, direct;
    private int seq;
    private final Ethernet eth = new Ethernet();
    private final Ipv4 ip = new Ipv4();
    private final Udp udp = new Udp();
    private org.pcap4j.packet.EthernetPacket.Builder pcap4jFrame;
    private UdpPacket.Builder pcap4jUdp;
    private IpV4Packet.Builder pcap4jIp;

    @Setup
    public void setUp() throws UnknownHostException {
        frame = UdpFrame.bytes(frameLength);
        arena = Arena.ofConfined();
        segment = arena.allocate(frameLength);
        MemorySegment.copy(MemorySegment.ofArray(frame), 0, segment, 0, frameLength);
        heap = Unpooled.wrappedBuffer(frame.clone());
        direct = Unpooled.directBuffer(frameLength).writeBytes(frame);

        Inet4Address src = (Inet4Address) InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, 1});
        Inet4Address dst = (Inet4Address) InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, 2});
        byte[] payload = Arrays.copyOfRange(frame, 42, frameLength);
        pcap4jUdp = new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) UdpFrame.SRC_PORT))
                .dstPort(UdpPort.getInstance((short) UdpFrame.DST_PORT)).srcAddr(src).dstAddr(dst)
                .payloadBuilder(new UnknownPacket.Builder().rawData(payload)).correctChecksumAtBuild(true).correctLengthAtBuild(true);
        pcap4jIp = new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc791Tos.newInstance((byte) 0)).ttl((byte) 64)
                .protocol(IpNumber.UDP).srcAddr(src).dstAddr(dst).payloadBuilder(pcap4jUdp)
                .correctChecksumAtBuild(true).correctLengthAtBuild(true);
        pcap4jFrame = new org.pcap4j.packet.EthernetPacket.Builder()
                .dstAddr(org.pcap4j.util.MacAddress.getByAddress(new byte[] {2, 0, 0, 0, 0, 2}))
                .srcAddr(org.pcap4j.util.MacAddress.getByAddress(new byte[] {2, 0, 0, 0, 0, 1}))
                .type(org.pcap4j.packet.namednumber.EtherType.IPV4).payloadBuilder(pcap4jIp).paddingAtBuild(true);
    }

    @TearDown
    public void tearDown() {
        direct.release();
        arena.close();
    }

    private int headersAndChecksums() {
        int s = seq++;
        eth.setDestination(UdpFrame.DST_MAC).setSource(UdpFrame.SRC_MAC).setEtherType(EtherType.IPV4);
        ip.build(eth).setIdentification(s).setProtocol(IpProtocol.UDP).setSource(UdpFrame.SRC_IP).setDestination(UdpFrame.DST_IP);
        udp.build(ip).setSourcePort(UdpFrame.SRC_PORT + (s & 0xFF)).setDestinationPort(UdpFrame.DST_PORT).updateChecksum(ip);
        ip.updateChecksum();
        return udp.checksum();
    }

    @Benchmark
    public int toolkitArray() {
        eth.build(frame, 0, frameLength);
        return headersAndChecksums();
    }

    @Benchmark
    public int toolkitSegment() {
        eth.build(segment, 0, frameLength);
        return headersAndChecksums();
    }

    @Benchmark
    public int nettyHeap() {
        return netty(heap, frameLength, seq++);
    }

    @Benchmark
    public int nettyDirect() {
        return netty(direct, frameLength, seq++);
    }

    private static int netty(ByteBuf b, int length, int s) {
        b.setInt(0, (int) (UdpFrame.DST_MAC >>> 16)).setShort(4, (int) UdpFrame.DST_MAC)
                .setInt(6, (int) (UdpFrame.SRC_MAC >>> 16)).setShort(10, (int) UdpFrame.SRC_MAC).setShort(12, EtherType.IPV4);
        int total = length - 14;
        b.setInt(14, 0x4500_0000 | total).setInt(18, (s & 0xFFFF) << 16).setInt(22, 64 << 24 | IpProtocol.UDP << 16)
                .setInt(26, UdpFrame.SRC_IP).setInt(30, UdpFrame.DST_IP);
        b.setShort(24, ~fold(sum(b, 14, 20, 0)));
        int udpLength = total - 20;
        b.setShort(34, UdpFrame.SRC_PORT + (s & 0xFF)).setShort(36, UdpFrame.DST_PORT).setShort(38, udpLength).setShort(40, 0);
        long pseudo = sum(b, 26, 8, 0) + IpProtocol.UDP + udpLength;
        int c = ~fold(sum(b, 34, udpLength, pseudo)) & 0xFFFF;
        b.setShort(40, c == 0 ? 0xFFFF : c);
        return c;
    }

    /** RFC 1071 over a ByteBuf with its 32-bit getter, as a Netty user would write it. */
    static long sum(ByteBuf b, int from, int length, long sum) {
        int end = from + length, i = from;
        for (; i + 4 <= end; i += 4) sum += b.getUnsignedInt(i);
        if (i + 2 <= end) {
            sum += b.getUnsignedShort(i);
            i += 2;
        }
        if (i < end) sum += b.getUnsignedByte(i) << 8;
        return sum;
    }

    static int fold(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) sum;
    }

    @Benchmark
    public byte[] pcap4j() {
        int s = seq++;
        pcap4jIp.identification((short) s);
        pcap4jUdp.srcPort(UdpPort.getInstance((short) (UdpFrame.SRC_PORT + (s & 0xFF))));
        return pcap4jFrame.build().getRawData();
    }
}
