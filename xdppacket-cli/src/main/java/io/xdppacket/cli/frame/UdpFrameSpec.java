package io.xdppacket.cli.frame;

import io.xdppacket.packet.Ipv4Address;
import io.xdppacket.packet.MacAddress;

import java.util.Objects;

/**
 * What the generated Ethernet II / IPv4 / UDP frames look like: addresses, port ranges, exact length.
 * Immutable; start from {@link #defaults()} and change fields with the {@code with...} methods.
 *
 * @param srcMac       Ethernet source
 * @param dstMac       Ethernet destination
 * @param srcIp        IPv4 source
 * @param dstIp        IPv4 destination
 * @param srcPorts     UDP source ports, walked through to vary flows (see {@link UdpFrameBuilder})
 * @param dstPorts     UDP destination ports, likewise
 * @param frameLength  total frame length as handed to the NIC, without FCS:
 *                     {@value UdpFrameBuilder#MIN_FRAME_LENGTH}..{@value UdpFrameBuilder#MAX_FRAME_LENGTH}
 * @param dontFragment whether the IPv4 DF flag is set
 * @param udpChecksum  whether the UDP checksum is computed; if not, the field is 0 ("none", allowed by IPv4)
 */
public record UdpFrameSpec(MacAddress srcMac, MacAddress dstMac, Ipv4Address srcIp, Ipv4Address dstIp,
                           PortRange srcPorts, PortRange dstPorts, int frameLength, boolean dontFragment,
                           boolean udpChecksum) {

    public UdpFrameSpec {
        Objects.requireNonNull(srcMac, "srcMac");
        Objects.requireNonNull(dstMac, "dstMac");
        Objects.requireNonNull(srcIp, "srcIp");
        Objects.requireNonNull(dstIp, "dstIp");
        Objects.requireNonNull(srcPorts, "srcPorts");
        Objects.requireNonNull(dstPorts, "dstPorts");
        if (frameLength < UdpFrameBuilder.MIN_FRAME_LENGTH || frameLength > UdpFrameBuilder.MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("frame length " + frameLength + " is out of range "
                    + UdpFrameBuilder.MIN_FRAME_LENGTH + ".." + UdpFrameBuilder.MAX_FRAME_LENGTH
                    + " (bytes handed to the NIC, without the 4-byte FCS)");
        }
    }

    /**
     * Minimum-size (60-byte) frames from 02:00:00:00:00:01 (a locally administered address; the command
     * puts the interface's own here) to broadcast, 198.18.0.1:9 to 198.18.0.2:9 (the benchmarking range,
     * RFC 2544; port 9 is discard), DF clear, UDP checksum on.
     */
    public static UdpFrameSpec defaults() {
        return new UdpFrameSpec(new MacAddress(0x02_00_00_00_00_01L), MacAddress.BROADCAST,
                Ipv4Address.parse("198.18.0.1"), Ipv4Address.parse("198.18.0.2"),
                PortRange.of(9), PortRange.of(9), UdpFrameBuilder.MIN_FRAME_LENGTH, false, true);
    }

    public UdpFrameSpec withSrcMac(MacAddress v) {
        return new UdpFrameSpec(v, dstMac, srcIp, dstIp, srcPorts, dstPorts, frameLength, dontFragment, udpChecksum);
    }

    public UdpFrameSpec withDstMac(MacAddress v) {
        return new UdpFrameSpec(srcMac, v, srcIp, dstIp, srcPorts, dstPorts, frameLength, dontFragment, udpChecksum);
    }

    public UdpFrameSpec withSrcIp(Ipv4Address v) {
        return new UdpFrameSpec(srcMac, dstMac, v, dstIp, srcPorts, dstPorts, frameLength, dontFragment, udpChecksum);
    }

    public UdpFrameSpec withDstIp(Ipv4Address v) {
        return new UdpFrameSpec(srcMac, dstMac, srcIp, v, srcPorts, dstPorts, frameLength, dontFragment, udpChecksum);
    }

    public UdpFrameSpec withSrcPorts(PortRange v) {
        return new UdpFrameSpec(srcMac, dstMac, srcIp, dstIp, v, dstPorts, frameLength, dontFragment, udpChecksum);
    }

    public UdpFrameSpec withDstPorts(PortRange v) {
        return new UdpFrameSpec(srcMac, dstMac, srcIp, dstIp, srcPorts, v, frameLength, dontFragment, udpChecksum);
    }

    public UdpFrameSpec withFrameLength(int v) {
        return new UdpFrameSpec(srcMac, dstMac, srcIp, dstIp, srcPorts, dstPorts, v, dontFragment, udpChecksum);
    }

    public UdpFrameSpec withDontFragment(boolean v) {
        return new UdpFrameSpec(srcMac, dstMac, srcIp, dstIp, srcPorts, dstPorts, frameLength, v, udpChecksum);
    }

    public UdpFrameSpec withUdpChecksum(boolean v) {
        return new UdpFrameSpec(srcMac, dstMac, srcIp, dstIp, srcPorts, dstPorts, frameLength, dontFragment, v);
    }

    /** How many distinct (source port, destination port) flows the frames cycle through. */
    public long flowCount() {
        return (long) srcPorts.size() * dstPorts.size();
    }
}
