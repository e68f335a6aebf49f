package io.xdppacket.cli.frame;

import io.xdppacket.packet.InetChecksum;
import io.xdppacket.packet.MacAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Decodes a generated frame field by field from fixed offsets and checks it against its spec and
 * sequence number. Written apart from {@link UdpFrameBuilder} and {@link InetChecksum}: checksums are
 * verified the receiver's way (the sum over the data including the checksum field must be 0xffff).
 */
final class FrameCheck {
    private FrameCheck() {}

    /** A spec for which {@link #zeroSumSequence()} finds a frame whose UDP checksum computes to 0. */
    static final UdpFrameSpec ZERO_SUM_SPEC =
            UdpFrameSpec.defaults().withFrameLength(77).withSrcPorts(PortRange.parse("1-65535"));

    static int u16(byte[] f, int at) {
        return (f[at] & 0xFF) << 8 | f[at + 1] & 0xFF;
    }

    /**
     * The first sequence number whose frame of {@link #ZERO_SUM_SPEC} has a UDP checksum that computes to 0
     * (one in 65535 frames), recognised by its field: 0xffff as it should be, or 0 if the builder is wrong.
     */
    static long zeroSumSequence() {
        UdpFrameBuilder b = new UdpFrameBuilder(ZERO_SUM_SPEC);
        byte[] f = new byte[b.frameLength()];
        for (long seq = 0; seq < 10_000_000; seq++) {
            b.write(f, 0, seq);
            if (u16(f, 40) == 0xFFFF || u16(f, 40) == 0) return seq;
        }
        throw new AssertionError("no frame with a zero UDP checksum sum in 10M sequence numbers");
    }

    /** Adds with end-around carry after every word: a different route to the same ones' complement sum. */
    private static int onesComplementSum(int sum, byte[] b, int from, int to) {
        for (int i = from; i < to; i += 2) {
            sum += (b[i] & 0xFF) << 8 | (i + 1 < to ? b[i + 1] & 0xFF : 0);
            if (sum > 0xFFFF) sum -= 0xFFFF;
        }
        return sum;
    }

    static void assertValid(UdpFrameSpec spec, long seq, byte[] f) {
        String what = spec + " seq " + seq;
        int len = spec.frameLength();
        assertEquals(len, f.length, what);
        byte[] mac = new byte[6];
        System.arraycopy(f, 0, mac, 0, 6);
        assertEquals(spec.dstMac(), MacAddress.of(mac), what);
        System.arraycopy(f, 6, mac, 0, 6);
        assertEquals(spec.srcMac(), MacAddress.of(mac), what);
        assertEquals(0x0800, u16(f, 12), "EtherType " + what);

        assertEquals(0x45, f[14] & 0xFF, "IPv4, 20-byte header " + what);
        assertEquals(0, f[15], "TOS " + what);
        assertEquals(len - 14, u16(f, 16), "IP total length " + what);
        assertEquals((int) seq & 0xFFFF, u16(f, 18), "IP id " + what);
        assertEquals(spec.dontFragment() ? 0x4000 : 0, u16(f, 20), "flags and fragment offset " + what);
        assertEquals(64, f[22] & 0xFF, "TTL " + what);
        assertEquals(17, f[23] & 0xFF, "protocol UDP " + what);
        assertEquals(spec.srcIp().value(), u16(f, 26) << 16 | u16(f, 28), what);
        assertEquals(spec.dstIp().value(), u16(f, 30) << 16 | u16(f, 32), what);
        assertEquals(0xFFFF, onesComplementSum(0, f, 14, 34), "IP header checksum " + what);

        long flow = Long.remainderUnsigned(seq, spec.flowCount());
        int srcCount = spec.srcPorts().size();
        assertEquals(spec.srcPorts().first() + (int) (flow % srcCount), u16(f, 34), "source port " + what);
        assertEquals(spec.dstPorts().first() + (int) (flow / srcCount), u16(f, 36), "destination port " + what);
        assertEquals(len - 34, u16(f, 38), "UDP length " + what);
        if (spec.udpChecksum()) {
            assertNotEquals(0, u16(f, 40), "a computed UDP checksum is never sent as 0 " + what);
            byte[] pseudo = new byte[12];
            System.arraycopy(f, 26, pseudo, 0, 8);
            pseudo[9] = 17;
            pseudo[10] = f[38];
            pseudo[11] = f[39];
            assertEquals(0xFFFF, onesComplementSum(onesComplementSum(0, pseudo, 0, 12), f, 34, len), "UDP checksum " + what);
        } else {
            assertEquals(0, u16(f, 40), "UDP checksum off " + what);
        }

        long payloadSeq = 0;
        for (int i = 42; i < 50; i++) payloadSeq = payloadSeq << 8 | (f[i] & 0xFF);
        assertEquals(seq, payloadSeq, "payload sequence number " + what);
        byte[] rest = new byte[len - 50];
        for (int i = 0; i < rest.length; i++) rest[i] = (byte) (i + 8);
        byte[] actualRest = new byte[len - 50];
        System.arraycopy(f, 50, actualRest, 0, actualRest.length);
        assertArrayEquals(rest, actualRest, "payload pattern " + what);
    }
}
