package io.xdppacket.pcap;

import io.xdppacket.testing.Allocations;
import io.xdppacket.testing.UdpFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Our writers' files read back by our reader, and the writers' contract. */
class CaptureRoundTripTest {

    @TempDir
    Path dir;

    /** Frame {@code seq} of a given length: real UDP frames, distinct per sequence number. */
    static byte[] frame(int length, long seq) {
        return UdpFrames.frame(length, seq);
    }

    /** A timestamp with all nine digits of nanoseconds significant. */
    static long timestamp(long i) {
        return 1_700_000_000_123_456_789L + i * 1_000_001_001L;
    }

    static final int[] LENGTHS = {60, 61, 62, 63, 64, 127, 1000, 1513, 1514};

    @ParameterizedTest
    @ValueSource(strings = {"x.pcap", "x.pcapng"})
    void framesFromArraysAndSegmentsComeBackWithLengthsAndNanosecondTimestamps(String name) throws IOException {
        Path file = dir.resolve(name);
        try (CaptureWriter w = CaptureWriter.open(file); Arena arena = Arena.ofConfined()) {
            MemorySegment umem = arena.allocate(4096);
            for (int i = 0; i < LENGTHS.length; i++) {
                byte[] f = frame(LENGTHS[i], i);
                if (i % 2 == 0) {
                    byte[] padded = new byte[f.length + 10];
                    System.arraycopy(f, 0, padded, 3, f.length);
                    w.write(padded, 3, f.length, f.length, timestamp(i));
                } else {
                    MemorySegment.copy(f, 0, umem, ValueLayout.JAVA_BYTE, 256, f.length);
                    w.write(umem, 256, f.length, f.length, timestamp(i));
                }
            }
            // A frame cut by the capture: 50 bytes recorded of 1514.
            w.write(frame(1514, 99), 0, 50, 1514, timestamp(99));
        }
        try (PcapReader r = PcapReader.open(file)) {
            for (int i = 0; i < LENGTHS.length; i++) {
                assertTrue(r.next(), "record " + i);
                assertRecord(r, frame(LENGTHS[i], i), LENGTHS[i], timestamp(i));
            }
            assertTrue(r.next());
            assertRecord(r, Arrays.copyOf(frame(1514, 99), 50), 1514, timestamp(99));
            assertFalse(r.next());
            assertFalse(r.next(), "stays at the end");
        }
    }

    static void assertRecord(PcapReader r, byte[] expected, int originalLength, long timestampNanos) {
        assertEquals(expected.length, r.capturedLength());
        assertEquals(originalLength, r.originalLength());
        assertEquals(timestampNanos, r.timestampNanos());
        assertTrue(r.hasTimestamp());
        assertEquals(LinkType.ETHERNET, r.linkType());
        byte[] copy = new byte[r.capturedLength()];
        r.copyFrame(copy, 0);
        assertArrayEquals(expected, copy);
        byte[] view = r.buffer().asSlice(r.frameOffset(), r.capturedLength()).toArray(ValueLayout.JAVA_BYTE);
        assertArrayEquals(expected, view);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x.pcap", "x.pcapng"})
    void manyRecordsCrossTheWriteAndReadBuffers(String name) throws IOException {
        Path file = dir.resolve(name);
        int n = 5000; // 7.5 MB: several 1 MiB buffers on both sides, records split across buffer ends
        byte[] f;
        try (CaptureWriter w = CaptureWriter.open(file)) {
            for (int i = 0; i < n; i++) {
                int length = 60 + i % 1455;
                f = frame(1514, i);
                w.write(f, 0, length, 1514, timestamp(i));
            }
        }
        byte[] got = new byte[1514];
        try (PcapReader r = PcapReader.open(file)) {
            for (int i = 0; i < n; i++) {
                assertTrue(r.next(), "record " + i);
                f = frame(1514, i);
                assertEquals(60 + i % 1455, r.capturedLength());
                assertEquals(timestamp(i), r.timestampNanos());
                r.copyFrame(got, 0);
                assertTrue(Arrays.equals(f, 0, r.capturedLength(), got, 0, r.capturedLength()), "bytes of record " + i);
            }
            assertFalse(r.next());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"x.pcap", "x.pcapng"})
    void snaplenCutsLongFramesAndKeepsTheOriginalLength(String name) throws IOException {
        Path file = dir.resolve(name);
        try (CaptureWriter w = CaptureWriter.open(file, 96, "veth0")) {
            assertEquals(96, w.snaplen());
            w.write(frame(1514, 1), 0, 1514, 1514, timestamp(1));
            w.write(frame(90, 2), 0, 90, 90, timestamp(2));
        }
        try (PcapReader r = PcapReader.open(file)) {
            assertTrue(r.next());
            assertRecord(r, Arrays.copyOf(frame(1514, 1), 96), 1514, timestamp(1));
            assertTrue(r.next());
            assertRecord(r, frame(90, 2), 90, timestamp(2));
            assertFalse(r.next());
        }
    }

    @Test
    void theExtensionPicksTheFormat() throws IOException {
        try (CaptureWriter w = CaptureWriter.open(dir.resolve("a.PCAP"))) {
            assertInstanceOf(PcapWriter.class, w);
        }
        try (CaptureWriter w = CaptureWriter.open(dir.resolve("a.pcapng"))) {
            assertInstanceOf(PcapngWriter.class, w);
        }
        ByteBuffer pcap = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("a.PCAP"))).order(ByteOrder.nativeOrder());
        assertEquals(24, pcap.limit(), "the file header only");
        assertEquals(0xA1B23C4D, pcap.getInt(0), "nanosecond magic");
        assertEquals(262144, pcap.getInt(16), "snaplen");
        assertEquals(1, pcap.getInt(20), "LINKTYPE_ETHERNET");
        ByteBuffer pcapng = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("a.pcapng"))).order(ByteOrder.nativeOrder());
        assertEquals(0x0A0D0D0A, pcapng.getInt(0));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CaptureWriter.open(dir.resolve("a.cap")));
        assertTrue(e.getMessage().contains("a.cap") && e.getMessage().contains(".pcapng"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("a.cap")), "nothing created for a refused name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x.pcap", "x.pcapng"})
    void flushPutsRecordsInTheFileBeforeClose(String name) throws IOException {
        Path file = dir.resolve(name);
        try (CaptureWriter w = CaptureWriter.open(file)) {
            long sizeAtOpen = Files.size(file);
            w.write(frame(60, 1), 0, 60, 60, timestamp(1));
            assertEquals(sizeAtOpen, Files.size(file), "buffered, not yet written");
            w.flush();
            try (PcapReader r = PcapReader.open(file)) {
                assertTrue(r.next());
                assertRecord(r, frame(60, 1), 60, timestamp(1));
                assertFalse(r.next());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"x.pcap", "x.pcapng"})
    void badArgumentsAreRejectedWithoutCorruptingTheFile(String name) throws IOException {
        Path file = dir.resolve(name);
        byte[] f = frame(60, 1);
        try (CaptureWriter w = CaptureWriter.open(file); Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> w.write(f, 0, 60, 59, timestamp(1)), "original < captured");
            assertThrows(IllegalArgumentException.class, () -> w.write(f, 0, -1, 60, timestamp(1)));
            assertThrows(IllegalArgumentException.class, () -> w.write(f, 0, 60, 60, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> w.write(f, 1, 60, 60, timestamp(1)));
            assertThrows(IndexOutOfBoundsException.class, () -> w.write(arena.allocate(64), 8, 60, 60, timestamp(1)));
            w.write(f, 0, 60, 60, timestamp(1));
        }
        try (PcapReader r = PcapReader.open(file)) {
            assertTrue(r.next());
            assertRecord(r, f, 60, timestamp(1));
            assertFalse(r.next());
        }
    }

    @Test
    void pcapSecondsEndIn2106PcapngGoesOn() throws IOException {
        long past2106 = (1L << 32) * 1_000_000_000L + 5;
        try (CaptureWriter w = CaptureWriter.open(dir.resolve("x.pcap"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.write(frame(60, 1), 0, 60, 60, past2106));
            assertTrue(e.getMessage().contains("pcapng"), e.getMessage());
            w.write(frame(60, 1), 0, 60, 60, past2106 - 6); // the last representable nanosecond
        }
        try (CaptureWriter w = CaptureWriter.open(dir.resolve("x.pcapng"))) {
            w.write(frame(60, 1), 0, 60, 60, past2106);
            w.write(frame(60, 2), 0, 60, 60, Long.MAX_VALUE);
        }
        try (PcapReader r = PcapReader.open(dir.resolve("x.pcap"))) {
            assertTrue(r.next());
            assertEquals(past2106 - 6, r.timestampNanos());
        }
        try (PcapReader r = PcapReader.open(dir.resolve("x.pcapng"))) {
            assertTrue(r.next());
            assertEquals(past2106, r.timestampNanos());
            assertTrue(r.next());
            assertEquals(Long.MAX_VALUE, r.timestampNanos());
        }
    }

    @Test
    void aClosedWriterRefusesWritesAndClosesOnce() throws IOException {
        CaptureWriter w = CaptureWriter.open(dir.resolve("x.pcapng"));
        w.close();
        w.close();
        IOException e = assertThrows(IOException.class, () -> w.write(frame(60, 1), 0, 60, 60, 1));
        assertTrue(e.getMessage().contains("x.pcapng") && e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IOException.class, w::flush);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x.pcap", "x.pcapng"})
    void writingAndReadingAllocateNothingPerFrame(String name) throws Exception {
        Path file = dir.resolve(name);
        int n = 20_000; // 30 MB: many buffer flushes and refills
        byte[] f = frame(1514, 7);
        try (CaptureWriter w = CaptureWriter.open(file); Arena arena = Arena.ofConfined()) {
            MemorySegment umem = arena.allocate(2048);
            MemorySegment.copy(f, 0, umem, ValueLayout.JAVA_BYTE, 0, f.length);
            long[] ts = {0};
            long bytes = Allocations.of(() -> {
                for (int i = 0; i < n; i++) {
                    w.write(f, 0, 1514, 1514, ts[0]++);
                    w.write(umem, 0, 1000, 1514, ts[0]++);
                }
            });
            if (bytes > 16_384) fail(bytes + " bytes allocated writing " + 2 * n + " frames");
        }
        try (PcapReader r = PcapReader.open(file); Arena arena = Arena.ofConfined()) {
            MemorySegment umem = arena.allocate(2048);
            byte[] copy = new byte[2048];
            long bytes = Allocations.of(() -> {
                for (int i = 0; i < n; i++) {
                    if (!r.next()) throw new AssertionError("short file");
                    r.copyFrame(umem, 0);
                    r.copyFrame(copy, 0);
                }
            });
            if (bytes > 16_384) fail(bytes + " bytes allocated reading " + n + " frames");
        }
    }
}
