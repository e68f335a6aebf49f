package io.xdppacket.packet;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InetChecksumTest {

    @Test
    void rfc1071Example() {
        // RFC 1071 section 3: words 0001 f203 f4f5 f6f7 sum to 0x2ddf0, folded 0xddf2, checksum 0x220d.
        byte[] data = HexFormat.of().parseHex("0001f203f4f5f6f7");
        // The unfolded sum depends on how words are added (we add 32 bits at a time); its fold does not.
        assertEquals(0xDDF2, InetChecksum.fold(InetChecksum.add(0, data, 0, data.length)));
        assertEquals(0xDDF2, InetChecksum.fold(0x2DDF0L));
        assertEquals(0x220D, InetChecksum.of(data, 0, data.length));
    }

    @Test
    void knownIpv4Header() {
        // The well-known 192.168.0.1 -> 192.168.0.199 header, checksum 0xb861, here with the field zeroed.
        byte[] header = HexFormat.of().parseHex("45000073000040004011" + "0000" + "c0a80001c0a800c7");
        assertEquals(0xB861, InetChecksum.of(header, 0, header.length));
        header[10] = (byte) 0xB8;
        header[11] = 0x61;
        assertEquals(0, InetChecksum.of(header, 0, header.length), "a header with a correct checksum sums to 0xffff");
    }

    @Test
    void oddLengthPadsTheLastByteWithZero() {
        byte[] data = {0x12, 0x34, 0x56};
        assertEquals(InetChecksum.of(new byte[] {0x12, 0x34, 0x56, 0x00}, 0, 4), InetChecksum.of(data, 0, 3));
        assertEquals(~(0x1234 + 0x5600) & 0xFFFF, InetChecksum.of(data, 0, 3));
    }

    @Test
    void foldingOnceAtTheEndEqualsFoldingAsYouGo() {
        byte[] data = new byte[1500];
        Arrays.fill(data, (byte) 0xFF); // maximal carries
        data[7] = 0x01;
        long sum = InetChecksum.add(0, data, 0, data.length);
        int stepwise = 0;
        for (int i = 0; i < data.length; i += 2) {
            stepwise += (data[i] & 0xFF) << 8 | data[i + 1] & 0xFF;
            stepwise = (stepwise & 0xFFFF) + (stepwise >>> 16);
        }
        assertEquals(stepwise, InetChecksum.fold(sum));
    }
}
