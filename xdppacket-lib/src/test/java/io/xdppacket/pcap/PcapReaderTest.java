package io.xdppacket.pcap;

import io.xdppacket.testing.CaptureBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.xdppacket.pcap.CaptureRoundTripTest.frame;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reader on hand-built files: every format variant it accepts, and every way a file can be wrong. */
class PcapReaderTest {

    @TempDir
    Path dir;

    private static final int LINUX_SLL = 113;
    private static final int LINUX_SLL2 = 276;

    private static void assertNext(PcapReader r, byte[] frame, int originalLength, long timestampNanos) throws IOException {
        assertTrue(r.next(), "another record");
        assertEquals(frame.length, r.capturedLength());
        assertEquals(originalLength, r.originalLength());
        assertTrue(r.hasTimestamp());
        assertEquals(timestampNanos, r.timestampNanos());
        byte[] copy = new byte[r.capturedLength()];
        r.copyFrame(copy, 0);
        assertArrayEquals(frame, copy);
    }

    @ParameterizedTest
    @CsvSource({"LITTLE_ENDIAN, false", "BIG_ENDIAN, false", "LITTLE_ENDIAN, true", "BIG_ENDIAN, true"})
    void classicPcapInBothByteOrdersWithMicroOrNanoseconds(String order, boolean nanos) throws IOException {
        ByteOrder byteOrder = order.equals("BIG_ENDIAN") ? BIG_ENDIAN : LITTLE_ENDIAN;
        Path file = CaptureBytes.pcap(byteOrder, nanos, 65535, LinkType.ETHERNET)
                .pcapRecord(1_700_000_000L, nanos ? 123_456_789 : 123_456, frame(60, 1), 60)
                .pcapRecord(0xFFFF_FFFFL, nanos ? 999_999_999 : 999_999, Arrays.copyOf(frame(1514, 2), 100), 1514)
                .writeTo(dir.resolve("x.pcap"));
        try (PcapReader r = PcapReader.open(file)) {
            assertNext(r, frame(60, 1), 60, nanos ? 1_700_000_000_123_456_789L : 1_700_000_000_123_456_000L);
            assertEquals(24, r.recordOffset());
            assertEquals(LinkType.ETHERNET, r.linkType());
            assertNext(r, Arrays.copyOf(frame(1514, 2), 100), 1514,
                    0xFFFF_FFFFL * 1_000_000_000L + (nanos ? 999_999_999 : 999_999_000));
            assertEquals(24 + 16 + 60, r.recordOffset());
            assertFalse(r.next());
        }
    }

    /**
     * A pcapng file with what our writer never makes: two sections in opposite byte orders (interface
     * ids restart), per-interface resolutions 10^-6 (default), 10^-3 and 2^-20 with an if_tsoffset, an
     * unknown block, an EPB with a comment, a Simple Packet Block, an obsolete Packet Block, and an
     * interface snaplen that cuts frames.
     */
    static Path mixedPcapng(Path file) throws IOException {
        return CaptureBytes.pcapng()
                .section(LITTLE_ENDIAN)
                .interfaceDescription(LinkType.ETHERNET, 262144, -1, 0)
                .interfaceDescription(LinkType.ETHERNET, 65535, 3, 0)
                .interfaceDescription(LinkType.ETHERNET, 262144, 0x80 | 20, 1000)
                .enhancedPacket(0, 1_700_000_000_123_456L, frame(60, 1), 60, null)
                .block(0x7FFF_0099, new byte[] {1, 2, 3, 4, 5, 6, 7})
                .enhancedPacket(1, 1_700_000_000_123L, frame(61, 2), 61, "a comment to skip")
                .enhancedPacket(2, (1_699_999_000L << 20) | 0x12345, frame(100, 3), 100, null)
                .simplePacket(frame(64, 4), 64)
                .obsoletePacket(1, 1_700_000_001_000L, frame(62, 5), 62)
                .section(BIG_ENDIAN)
                .interfaceDescription(LinkType.ETHERNET, 128, 9, 0)
                .enhancedPacket(0, 1_700_000_002_000_000_007L, Arrays.copyOf(frame(1514, 6), 128), 1514, null)
                .simplePacket(Arrays.copyOf(frame(1514, 7), 128), 1514)
                .writeTo(file);
    }

    @Test
    void pcapngSectionsInterfacesResolutionsAndPacketBlockKinds() throws IOException {
        try (PcapReader r = PcapReader.open(mixedPcapng(dir.resolve("x.pcapng")))) {
            assertNext(r, frame(60, 1), 60, 1_700_000_000_123_456_000L);
            assertNext(r, frame(61, 2), 61, 1_700_000_000_123_000_000L);
            // 1699999000 s + 0x12345 / 2^20 s + 1000 s offset; 0x12345 * 10^9 / 2^20 = 71110725.4...
            assertNext(r, frame(100, 3), 100, 1_700_000_000_071_110_725L);

            assertTrue(r.next());
            assertFalse(r.hasTimestamp(), "a Simple Packet Block has no timestamp");
            assertEquals(64, r.capturedLength());
            assertEquals(64, r.originalLength());
            byte[] spb = new byte[64];
            r.copyFrame(spb, 0);
            assertArrayEquals(frame(64, 4), spb);

            assertNext(r, frame(62, 5), 62, 1_700_000_001_000_000_000L);
            assertNext(r, Arrays.copyOf(frame(1514, 6), 128), 1514, 1_700_000_002_000_000_007L);
            assertTrue(r.next());
            assertEquals(128, r.capturedLength(), "SPB captured length: the original cut to the interface snaplen");
            assertEquals(1514, r.originalLength());
            assertFalse(r.next());
        }
    }

    @Test
    void aBlockLargerThanTheBufferGrowsIt() throws IOException {
        byte[] huge = new byte[3 << 20];
        for (int i = 0; i < huge.length; i++) huge[i] = (byte) (i * 31 + (i >>> 12));
        Path file = CaptureBytes.pcapng().section(LITTLE_ENDIAN)
                .interfaceDescription(LinkType.ETHERNET, 0, 9, 0)
                .enhancedPacket(0, 1, frame(60, 1), 60, null)
                .enhancedPacket(0, 2, huge, huge.length, null)
                .enhancedPacket(0, 3, frame(61, 2), 61, null)
                .writeTo(dir.resolve("x.pcapng"));
        try (PcapReader r = PcapReader.open(file)) {
            assertNext(r, frame(60, 1), 60, 1);
            assertNext(r, huge, huge.length, 2);
            assertNext(r, frame(61, 2), 61, 3);
            assertFalse(r.next());
        }
    }

    /** Replay loops: rewind goes back to the first record, also after a byte-order change or a grown buffer. */
    @Test
    void rewindReadsTheFileAgainWithoutAllocating() throws Exception {
        Path pcap = CaptureBytes.pcap(BIG_ENDIAN, true, 65535, LinkType.ETHERNET)
                .pcapRecord(1, 2, frame(60, 1), 60)
                .pcapRecord(3, 4, frame(1514, 2), 1514)
                .writeTo(dir.resolve("x.pcap"));
        Path pcapng = mixedPcapng(dir.resolve("x.pcapng"));
        for (Path file : new Path[] {pcap, pcapng}) {
            try (PcapReader r = PcapReader.openForReplay(file)) {
                int records = 0;
                long sum = 0;
                while (r.next()) {
                    records++;
                    sum += r.capturedLength() * 31L + r.timestampNanos();
                }
                for (int pass = 0; pass < 3; pass++) {
                    r.rewind();
                    int again = 0;
                    long sumAgain = 0;
                    while (r.next()) {
                        again++;
                        sumAgain += r.capturedLength() * 31L + r.timestampNanos();
                        if (pass == 1 && again == 1) break; // rewind from the middle, too
                    }
                    if (pass != 1) {
                        assertEquals(records, again, file + " pass " + pass);
                        assertEquals(sum, sumAgain, file + " pass " + pass);
                    }
                }
                r.rewind();
                assertNext(r, frame(60, 1), 60, file == pcap ? 1_000_000_002L : 1_700_000_000_123_456_000L);
                byte[] copy = new byte[2048];
                long bytes = io.xdppacket.testing.Allocations.of(() -> {
                    r.rewind();
                    while (r.next()) r.copyFrame(copy, 0);
                });
                // Not exactly 0: a deoptimisation re-allocates objects the JIT had eliminated, some tens of bytes.
                assertTrue(bytes < 1024, file + ": " + bytes + " bytes allocated by a rewind and a pass");
            }
        }
    }

    // ---- errors ------------------------------------------------------------------------

    private PcapFormatException failure(byte[] content, int goodRecords) throws IOException {
        Path file = dir.resolve("bad.cap");
        Files.write(file, content);
        return assertThrows(PcapFormatException.class, () -> {
            try (PcapReader r = PcapReader.open(file)) {
                for (int i = 0; i < goodRecords; i++) assertTrue(r.next(), "good record " + i);
                r.next();
            }
        });
    }

    private static void assertMessage(PcapFormatException e, long offset, String... parts) {
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().startsWith(e.file() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("bad.cap"), e.getMessage());
        if (offset >= 0) assertTrue(e.getMessage().contains("offset " + offset), e.getMessage());
        for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
    }

    private static CaptureBytes goodPcap() {
        return CaptureBytes.pcap(LITTLE_ENDIAN, true, 262144, LinkType.ETHERNET).pcapRecord(1, 2, frame(60, 1), 60);
    }

    @Test
    void notACaptureFile() throws IOException {
        assertMessage(failure(new byte[0], 0), -1, "empty file");
        assertMessage(failure(new byte[] {0x0A, 0x0D}, 0), -1, "only 2 bytes");
        assertMessage(failure("hello, world\n".getBytes(), 0), -1, "unknown magic number 0x68656c6c");
        assertMessage(failure(new byte[] {0x1F, (byte) 0x8B, 8, 0, 0, 0, 0, 0}, 0), -1, "gzip");
    }

    @Test
    void brokenClassicPcap() throws IOException {
        byte[] good = goodPcap().bytes(); // header 24 + record 16 + 60
        assertMessage(failure(Arrays.copyOf(good, 10), 0), 0, "truncated pcap file header");
        byte[] v3 = good.clone();
        v3[4] = 3;
        assertMessage(failure(v3, 0), 0, "pcap version 3.4");
        assertMessage(failure(Arrays.copyOf(good, 24 + 16 + 59), 0), 24, "truncated record", "76 bytes", "ends after 75");
        assertMessage(failure(Arrays.copyOf(good, 100 + 7), 1), 100, "truncated record header");
        assertMessage(failure(goodPcap().raw(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, 0x7F, 60, 0, 0, 0}).bytes(), 1),
                100, "claims 2147483647 captured bytes");
    }

    @Test
    void brokenPcapng() throws IOException {
        byte[] header = CaptureBytes.pcapng().section(LITTLE_ENDIAN).interfaceDescription(LinkType.ETHERNET, 0, 9, 0).bytes();
        int at = header.length;
        byte[] good = CaptureBytes.pcapng().section(LITTLE_ENDIAN).interfaceDescription(LinkType.ETHERNET, 0, 9, 0)
                .enhancedPacket(0, 1, frame(60, 1), 60, null).bytes();

        assertMessage(failure(Arrays.copyOf(good, good.length - 1), 0), at, "truncated block of type 0x00000006");
        assertMessage(failure(Arrays.copyOf(good, at + 5), 0), at, "truncated block header");

        byte[] mismatch = good.clone();
        mismatch[good.length - 4]++;
        assertMessage(failure(mismatch, 0), at, "block length 92 at the start and 93 at the end disagree");

        byte[] unaligned = good.clone();
        unaligned[at + 4]++;
        assertMessage(failure(unaligned, 0), at, "total length 93", "multiple of 4");

        byte[] noInterface = CaptureBytes.pcapng().section(LITTLE_ENDIAN).enhancedPacket(0, 1, frame(60, 1), 60, null).bytes();
        assertMessage(failure(noInterface, 0), 28, "interface 0", "0 interface descriptions");
        byte[] wrongInterface = CaptureBytes.pcapng().section(LITTLE_ENDIAN).interfaceDescription(LinkType.ETHERNET, 0, 9, 0)
                .enhancedPacket(3, 1, frame(60, 1), 60, null).bytes();
        assertMessage(failure(wrongInterface, 0), at, "interface 3", "1 interface description ");

        byte[] byteOrder = good.clone();
        byteOrder[8] = 0x55;
        assertMessage(failure(byteOrder, 0), 0, "byte-order magic 0x");
        byte[] version2 = good.clone();
        version2[12] = 2;
        assertMessage(failure(version2, 0), 0, "pcapng version 2.0");

        byte[] overlong = good.clone();
        overlong[at + 8 + 12] = 61; // captured length 61 in a block with room for 60
        assertMessage(failure(overlong, 0), at, "claims 61 captured bytes");

        byte[] shortSpb = CaptureBytes.pcapng().section(LITTLE_ENDIAN).interfaceDescription(LinkType.ETHERNET, 0, 9, 0)
                .simplePacket(frame(60, 1), 100).bytes(); // 100 bytes promised, 60 stored
        assertMessage(failure(shortSpb, 0), at, "claims 100 captured bytes");

        byte[] tsresol = CaptureBytes.pcapng().section(LITTLE_ENDIAN).interfaceDescription(LinkType.ETHERNET, 0, 19, 0).bytes();
        assertMessage(failure(tsresol, 0), 28, "if_tsresol 10^-19");
    }

    @Test
    void replayRefusesOtherLinkTypesNamingThem() throws IOException {
        Path sll = CaptureBytes.pcap(LITTLE_ENDIAN, false, 262144, LINUX_SLL).pcapRecord(1, 2, frame(60, 1), 60)
                .writeTo(dir.resolve("bad.cap"));
        PcapFormatException e = assertThrows(PcapFormatException.class, () -> PcapReader.openForReplay(sll));
        assertMessage(e, 0, "link type 113 (LINUX_SLL) cannot be replayed", "1 (ETHERNET)");
        try (PcapReader r = PcapReader.open(sll)) {
            assertTrue(r.next());
            assertEquals(LINUX_SLL, r.linkType(), "any link type when not replaying");
        }

        byte[] mixed = CaptureBytes.pcapng().section(BIG_ENDIAN)
                .interfaceDescription(LinkType.ETHERNET, 0, 9, 0)
                .interfaceDescription(LINUX_SLL2, 0, 9, 0)
                .enhancedPacket(0, 1, frame(60, 1), 60, null)
                .enhancedPacket(1, 2, frame(60, 2), 60, null).bytes();
        int secondEpb = mixed.length - 92;
        Path file = dir.resolve("bad.cap");
        Files.write(file, mixed);
        try (PcapReader r = PcapReader.openForReplay(file)) {
            assertNext(r, frame(60, 1), 60, 1);
            assertMessage(assertThrows(PcapFormatException.class, r::next), secondEpb,
                    "link type 276 (LINUX_SLL2) cannot be replayed");
        }
    }
}
