package io.xdppacket.packet;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void rfc1624Example() {
        // RFC 1624 section 4: checksum 0xdd2f, a word 0x5555 becomes 0x3285; equation 3 gives 0x0000 (equation 2 the wrong 0xffff).
        assertEquals(0x0000, InetChecksum.adjust(0xDD2F, 0x5555, 0x3285));
    }

    @Test
    void adjustingAgreesWithRecomputing() {
        java.util.Random rnd = new java.util.Random(1624);
        for (int i = 0; i < 10_000; i++) {
            byte[] data = new byte[2 + 2 * rnd.nextInt(40)];
            rnd.nextBytes(data);
            if (i % 10 == 0) java.util.Arrays.fill(data, (byte) (i % 20 == 0 ? 0 : 0xFF)); // the two zeros
            int at = 2 * rnd.nextInt(data.length / 2);
            int before = InetChecksum.of(data, 0, data.length);
            int oldWord = (data[at] & 0xFF) << 8 | data[at + 1] & 0xFF;
            int newWord = rnd.nextInt(65536);
            data[at] = (byte) (newWord >>> 8);
            data[at + 1] = (byte) newWord;
            int after = InetChecksum.of(data, 0, data.length);
            int adjusted = InetChecksum.adjust(before, oldWord, newWord);
            // Ones' complement has two zeros; the data's sum may be either, the checksum must be right modulo 0xffff.
            assertEquals(after % 0xFFFF, adjusted % 0xFFFF, "data " + HexFormat.of().formatHex(data) + " word at " + at);
        }
    }

    @Test
    void adjusting32BitsIsAdjustingBothWords() {
        java.util.Random rnd = new java.util.Random(32);
        for (int i = 0; i < 10_000; i++) {
            int c = rnd.nextInt(65536), o = rnd.nextInt(), n = rnd.nextInt();
            assertEquals(InetChecksum.adjust(InetChecksum.adjust(c, o >>> 16, n >>> 16), o & 0xFFFF, n & 0xFFFF) % 0xFFFF,
                    InetChecksum.adjust32(c, o, n) % 0xFFFF);
        }
    }

    @Test
    void segmentsAndArraysSumAlikeAtEveryLengthAndOffset() {
        byte[] data = new byte[300];
        new java.util.Random(7).nextBytes(data);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment s = arena.allocate(300);
            java.lang.foreign.MemorySegment.copy(data, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, 300);
            for (int from = 0; from < 40; from += 2) {
                for (int length = 0; length < 260; length++) {
                    int wordByWord = 0;
                    for (int i = from; i < from + length; i += 2) {
                        wordByWord += (data[i] & 0xFF) << 8 | (i + 1 < from + length ? data[i + 1] & 0xFF : 0);
                        wordByWord = (wordByWord & 0xFFFF) + (wordByWord >>> 16);
                    }
                    assertEquals(~wordByWord & 0xFFFF, InetChecksum.of(data, from, length), from + "+" + length);
                    assertEquals(~wordByWord & 0xFFFF, InetChecksum.of(s, from, length), from + "+" + length);
                }
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> InetChecksum.of(data, 299, 2));
    }

    /** Long runs are summed in 2 KB copies: lengths around and across the copies, at even and odd offsets. */
    @Test
    void longRunsAcrossTheCopiesSumAlike() {
        byte[] data = new byte[9100];
        new java.util.Random(9).nextBytes(data);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment s = arena.allocate(data.length);
            java.lang.foreign.MemorySegment.copy(data, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, data.length);
            for (int from : new int[] {0, 1, 2, 7}) {
                for (int length : new int[] {127, 128, 129, 2047, 2048, 2049, 2055, 4096, 4101, 9000}) {
                    long wordByWord = 0;
                    for (int i = from; i < from + length; i += 2) {
                        wordByWord += (data[i] & 0xFF) << 8 | (i + 1 < from + length ? data[i + 1] & 0xFF : 0);
                    }
                    int expected = InetChecksum.finish(wordByWord);
                    assertEquals(expected, InetChecksum.of(data, from, length), from + "+" + length);
                    assertEquals(expected, InetChecksum.of(s, from, length), from + "+" + length);
                }
            }
        }
    }
}
