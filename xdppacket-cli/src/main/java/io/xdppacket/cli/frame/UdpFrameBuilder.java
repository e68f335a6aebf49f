package io.xdppacket.cli.frame;

import io.xdppacket.packet.EtherType;
import io.xdppacket.packet.Ethernet;
import io.xdppacket.packet.InetChecksum;
import io.xdppacket.packet.IpProtocol;
import io.xdppacket.packet.Ipv4;
import io.xdppacket.packet.Udp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Writes Ethernet II / IPv4 / UDP frames of one {@link UdpFrameSpec}, numbered by a 64-bit sequence
 * number, without allocating per frame.
 *
 * <p>The constructor builds a template frame and the checksum sums of everything that never changes.
 * A frame then differs from the template only in:
 * <ul>
 *   <li>the UDP ports: frame {@code seq} carries flow {@code seq mod flowCount}; the source port varies
 *       fastest ({@code srcPorts.first + flow % srcPorts.size}), then the destination port
 *       ({@code dstPorts.first + flow / srcPorts.size});</li>
 *   <li>the IPv4 identification: the low 16 bits of {@code seq};</li>
 *   <li>the payload's first 8 bytes: {@code seq}, big-endian ({@link #SEQUENCE_OFFSET});</li>
 *   <li>the two checksums, each the constant sum plus the varying words, folded (RFC 1071/1624).</li>
 * </ul>
 * The rest of the payload is fixed: byte {@code i} of the payload is {@code (byte) i}.
 *
 * <p>{@link #write} copies the template and patches it; {@link #patch} only patches, for a buffer that
 * already holds a frame from this builder (e.g. UMEM frames filled once before sending), which touches
 * 16 bytes instead of the whole frame. The output for a given {@code seq} does not depend on earlier
 * calls.
 *
 * <p>Not thread-safe: it keeps a cursor so that consecutive sequence numbers cost no division. Use one
 * builder per sending thread.
 */
public final class UdpFrameBuilder {

    /** Smallest Ethernet frame without FCS; shorter frames would be padded by the NIC, changing the length. */
    public static final int MIN_FRAME_LENGTH = 60;
    /** Largest frame for a 1500-byte MTU, without FCS. */
    public static final int MAX_FRAME_LENGTH = 1514;
    /** Ethernet (14) + IPv4 without options (20) + UDP (8). */
    public static final int HEADER_LENGTH = 42;
    /** Where the payload's big-endian sequence number starts in the frame (payload offset 0). */
    public static final int SEQUENCE_OFFSET = HEADER_LENGTH;

    /** IPv4 time to live. */
    public static final int TTL = 64;

    // Field offsets in the frame.
    private static final int IP = 14;
    private static final int IP_ID = IP + 4;
    private static final int IP_CHECKSUM = IP + 10;
    private static final int IP_SRC = IP + 12;
    private static final int UDP = 34;
    private static final int UDP_SRC_PORT = UDP;
    private static final int UDP_DST_PORT = UDP + 2;
    private static final int UDP_CHECKSUM = UDP + 6;


    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final UdpFrameSpec spec;
    private final byte[] template;
    private final int length;
    private final int srcPortFirst, srcPortCount, dstPortFirst, dstPortCount;
    private final long flowCount;
    private final boolean udpChecksum;
    /** IPv4 header sum with identification and checksum zero. */
    private final long ipBaseSum;
    /** UDP pseudo-header + header + payload sum with ports, checksum and sequence number zero. */
    private final long udpBaseSum;

    // Cursor: the flow of the last sequence number, so that seq + 1 needs an increment, not a division.
    // Starts at sequence 0, whose flow is 0.
    private long lastSeq;
    private int srcIndex, dstIndex;

    public UdpFrameBuilder(UdpFrameSpec spec) {
        this.spec = spec;
        this.length = spec.frameLength();
        this.srcPortFirst = spec.srcPorts().first();
        this.srcPortCount = spec.srcPorts().size();
        this.dstPortFirst = spec.dstPorts().first();
        this.dstPortCount = spec.dstPorts().size();
        this.flowCount = spec.flowCount();
        this.udpChecksum = spec.udpChecksum();

        byte[] t = new byte[length];
        Ethernet eth = new Ethernet().build(t, 0, length)
                .setDestination(spec.dstMac()).setSource(spec.srcMac()).setEtherType(EtherType.IPV4);
        Ipv4 ip = new Ipv4().build(eth).setDontFragment(spec.dontFragment()).setTtl(TTL).setProtocol(IpProtocol.UDP)
                .setSource(spec.srcIp()).setDestination(spec.dstIp());
        new Udp().build(ip);
        int udpLength = length - UDP; // the builders set both length fields from the space
        for (int i = SEQUENCE_OFFSET + 8; i < length; i++) t[i] = (byte) (i - HEADER_LENGTH);
        this.template = t;

        this.ipBaseSum = InetChecksum.add(0, t, IP, UDP - IP);
        // Pseudo-header: source, destination, zero + protocol, UDP length. Then the UDP datagram itself.
        long pseudo = InetChecksum.add(0, t, IP_SRC, 8) + IpProtocol.UDP + udpLength;
        this.udpBaseSum = InetChecksum.add(pseudo, t, UDP, udpLength);

        // A valid frame (sequence 0) in the template, so patch() can also start from a plain copy of it.
        patch(t, 0, 0);
    }

    public UdpFrameSpec spec() {
        return spec;
    }

    /** The length of every frame: {@link UdpFrameSpec#frameLength()}. */
    public int frameLength() {
        return length;
    }

    /** Writes frame {@code seq} at {@code dst[offset..offset+frameLength)}. */
    public void write(byte[] dst, int offset, long seq) {
        System.arraycopy(template, 0, dst, offset, length);
        patch(dst, offset, seq);
    }

    /** Writes frame {@code seq} at {@code dst[offset..offset+frameLength)}, e.g. a UMEM frame. */
    public void write(MemorySegment dst, long offset, long seq) {
        MemorySegment.copy(template, 0, dst, ValueLayout.JAVA_BYTE, offset, length);
        patch(dst, offset, seq);
    }

    /**
     * Turns the frame at {@code dst[offset..]}, which must have been written by this builder (any
     * sequence number), into frame {@code seq}: rewrites only ports, identification, sequence number
     * and checksums.
     */
    public void patch(byte[] dst, int offset, long seq) {
        advance(seq);
        int srcPort = srcPortFirst + srcIndex;
        int dstPort = dstPortFirst + dstIndex;
        int id = (int) seq & 0xFFFF;
        putShort(dst, offset + IP_ID, id);
        putShort(dst, offset + IP_CHECKSUM, InetChecksum.finish(ipBaseSum + id));
        putShort(dst, offset + UDP_SRC_PORT, srcPort);
        putShort(dst, offset + UDP_DST_PORT, dstPort);
        putLong(dst, offset + SEQUENCE_OFFSET, seq);
        if (udpChecksum) putShort(dst, offset + UDP_CHECKSUM, udpChecksum(srcPort, dstPort, seq));
    }

    /** {@link #patch(byte[], int, long)} for a memory segment, e.g. a UMEM frame. */
    public void patch(MemorySegment dst, long offset, long seq) {
        advance(seq);
        int srcPort = srcPortFirst + srcIndex;
        int dstPort = dstPortFirst + dstIndex;
        int id = (int) seq & 0xFFFF;
        dst.set(SHORT_BE, offset + IP_ID, (short) id);
        dst.set(SHORT_BE, offset + IP_CHECKSUM, (short) InetChecksum.finish(ipBaseSum + id));
        dst.set(SHORT_BE, offset + UDP_SRC_PORT, (short) srcPort);
        dst.set(SHORT_BE, offset + UDP_DST_PORT, (short) dstPort);
        dst.set(LONG_BE, offset + SEQUENCE_OFFSET, seq);
        if (udpChecksum) dst.set(SHORT_BE, offset + UDP_CHECKSUM, (short) udpChecksum(srcPort, dstPort, seq));
    }

    private int udpChecksum(int srcPort, int dstPort, long seq) {
        long sum = udpBaseSum + srcPort + dstPort
                + (seq >>> 48) + (seq >>> 32 & 0xFFFF) + (seq >>> 16 & 0xFFFF) + (seq & 0xFFFF);
        int c = InetChecksum.finish(sum);
        // 0 in the field means "no checksum" (RFC 768), so a computed 0 is sent as its other form, 0xffff.
        return c == 0 ? 0xFFFF : c;
    }

    /** Sets srcIndex/dstIndex to the flow of {@code seq}. */
    private void advance(long seq) {
        // seq == 0 after 2^64 - 1 wraps the sequence, not the flow count: take the division path.
        if (seq == lastSeq + 1 && seq != 0) {
            if (++srcIndex == srcPortCount) {
                srcIndex = 0;
                if (++dstIndex == dstPortCount) dstIndex = 0;
            }
        } else if (seq != lastSeq) {
            long flow = Long.remainderUnsigned(seq, flowCount);
            srcIndex = (int) (flow % srcPortCount);
            dstIndex = (int) (flow / srcPortCount);
        }
        lastSeq = seq;
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) b[at + i] = (byte) (v >>> (56 - 8 * i));
    }
}
