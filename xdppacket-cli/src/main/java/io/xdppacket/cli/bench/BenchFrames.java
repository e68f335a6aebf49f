package io.xdppacket.cli.bench;

import io.xdppacket.cli.frame.PortRange;
import io.xdppacket.cli.frame.UdpFrameBuilder;
import io.xdppacket.cli.frame.UdpFrameSpec;

/**
 * The frames every sender of the bench sends, ours and C's alike: Ethernet/IPv4/UDP from vA's to
 * vB's address, 198.18.0.1 → 198.18.0.2 port 9 (RFC 2544's benchmarking range, discard), the
 * source port varying over 64 values. Built once before the run: the senders' loops only hand them
 * to the socket, as cbench posts frames it wrote into the UMEM once.
 */
final class BenchFrames {
    static final int FIRST_SOURCE_PORT = 10_000;
    static final int SOURCE_PORTS = 64;

    private BenchFrames() {}

    /** {@code count} frames of {@code length} bytes for {@code pair}, one after another in sequence. */
    static byte[][] build(BenchPair pair, int length, int count) {
        UdpFrameSpec spec = UdpFrameSpec.defaults().withSrcMac(pair.macA).withDstMac(pair.macB).withFrameLength(length)
                .withSrcPorts(new PortRange(FIRST_SOURCE_PORT, FIRST_SOURCE_PORT + SOURCE_PORTS - 1)).withUdpChecksum(false);
        UdpFrameBuilder builder = new UdpFrameBuilder(spec);
        byte[][] frames = new byte[count][length];
        for (int i = 0; i < count; i++) builder.write(frames[i], 0, i);
        return frames;
    }
}
