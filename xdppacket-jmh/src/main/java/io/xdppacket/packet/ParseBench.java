package io.xdppacket.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.xdppacket.Packet;
import io.xdppacket.ReceivedFrames;
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
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.UdpPacket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * Parsing the headers of a UDP frame, one op per frame: check Ethernet, IPv4 and UDP, and read the
 * 5-tuple and the lengths (EtherType, IP version and header length, total length, protocol, source
 * and destination address, ports, UDP length), summed into the result.
 *
 * <ul>
 *   <li>{@code toolkitPacket}: a received frame in a UMEM-like segment, as a read hands it over:
 *       point the {@link Packet}, wrap the three views, read, release (which unbinds the views);</li>
 *   <li>{@code toolkitArray}, {@code toolkitSegment}: the views over a {@code byte[]} and native memory;</li>
 *   <li>{@code nettyHeap}, {@code nettyDirect}: a {@link ByteBuf} wrapped once, read with its
 *       absolute accessors at the offsets the headers give (Netty has no header classes);</li>
 *   <li>{@code nettyUmemFrame}: the same, with the frame in the UMEM-like segment wrapped per frame
 *       ({@code Unpooled.wrappedBuffer} of a {@code ByteBuffer} slice), as a Netty user would take
 *       each received frame;</li>
 *   <li>{@code pcap4j}: {@code EthernetPacket.newPacket} and the typed headers it builds, as pcap4j
 *       hands frames to a listener.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ParseBench {
    @Param({"64", "1514"})
    public int frameLength;

    private byte[] frame;
    private Arena arena;
    private MemorySegment umem;
    private Packet packet;
    private ByteBuf heap, direct;
    private java.nio.ByteBuffer umemBuffer;
    private final Ethernet eth = new Ethernet();
    private final Ipv4 ip = new Ipv4();
    private final Udp udp = new Udp();

    @Setup
    public void setUp() {
        frame = UdpFrame.bytes(frameLength);
        arena = Arena.ofShared();
        umem = arena.allocate(2 * 2048, 4096);
        MemorySegment.copy(frame, 0, umem, ValueLayout.JAVA_BYTE, 2048 + 256, frameLength);
        packet = ReceivedFrames.newPacket();
        heap = Unpooled.wrappedBuffer(frame);
        umemBuffer = umem.asByteBuffer();
        direct = Unpooled.directBuffer(frameLength).writeBytes(frame);
    }

    @TearDown
    public void tearDown() {
        direct.release();
        arena.close();
    }

    private long fields() {
        if (eth.etherType() != EtherType.IPV4 || !ip.wrap(eth) || ip.protocol() != IpProtocol.UDP || !udp.wrap(ip)) return -1;
        return ip.headerLength() + ip.totalLength() + ip.source() + ip.destination()
                + udp.sourcePort() + udp.destinationPort() + udp.datagramLength();
    }

    @Benchmark
    public long toolkitPacket() {
        ReceivedFrames.receive(packet, umem, 2048 + 256, frameLength);
        long r = eth.wrap(packet) ? fields() : -1;
        ReceivedFrames.release(packet);
        return r;
    }

    @Benchmark
    public long toolkitArray() {
        return eth.wrap(frame, 0, frameLength) ? fields() : -1;
    }

    @Benchmark
    public long toolkitSegment() {
        return eth.wrap(umem, 2048 + 256, frameLength) ? fields() : -1;
    }

    @Benchmark
    public long nettyHeap() {
        return netty(heap);
    }

    @Benchmark
    public long nettyDirect() {
        return netty(direct);
    }

    @Benchmark
    public long nettyUmemFrame() {
        return netty(Unpooled.wrappedBuffer(umemBuffer.slice(2048 + 256, frameLength)));
    }

    private static long netty(ByteBuf b) {
        if (b.readableBytes() < 34 || b.getUnsignedShort(12) != EtherType.IPV4) return -1;
        int vihl = b.getUnsignedByte(14);
        int ihl = (vihl & 0xF) * 4;
        int total = b.getUnsignedShort(16);
        if (vihl >>> 4 != 4 || ihl < 20 || 14 + ihl > b.readableBytes() || total < ihl || b.getUnsignedByte(23) != IpProtocol.UDP) return -1;
        int u = 14 + ihl;
        if (u + 8 > b.readableBytes()) return -1;
        int udpLength = b.getUnsignedShort(u + 4);
        if (udpLength < 8) return -1;
        return ihl + total + b.getInt(26) + b.getInt(30) + b.getUnsignedShort(u) + b.getUnsignedShort(u + 2) + udpLength;
    }

    @Benchmark
    public long pcap4j() throws IllegalRawDataException {
        EthernetPacket e = EthernetPacket.newPacket(frame, 0, frameLength);
        IpV4Packet ip4 = e.get(IpV4Packet.class);
        UdpPacket u = e.get(UdpPacket.class);
        if (ip4 == null || u == null) return -1;
        IpV4Packet.IpV4Header h = ip4.getHeader();
        UdpPacket.UdpHeader uh = u.getHeader();
        return h.getIhlAsInt() * 4 + h.getTotalLengthAsInt() + h.getSrcAddr().hashCode() + h.getDstAddr().hashCode()
                + uh.getSrcPort().valueAsInt() + uh.getDstPort().valueAsInt() + uh.getLengthAsInt();
    }
}
