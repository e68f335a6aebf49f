package io.xdppacket.pcap;

import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.xdppacket.pcap.CaptureRoundTripTest.frame;
import static io.xdppacket.pcap.CaptureRoundTripTest.timestamp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Wireshark's reader as the judge: it reads our files as we wrote them, and our reader as it reads others. */
@Privileged(tools = "tshark")
class TsharkAgreementTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ours.pcap", "ours.pcapng"})
    void tsharkReadsOurFilesFrameForFrame(String name) throws IOException {
        Path file = dir.resolve(name);
        int[] lengths = {60, 61, 62, 63, 64, 127, 1000, 1513, 1514};
        int n = lengths.length + 1;
        byte[][] expected = new byte[n][];
        try (CaptureWriter w = CaptureWriter.open(file, CaptureWriter.DEFAULT_SNAPLEN, "xp0"); Arena arena = Arena.ofConfined()) {
            MemorySegment umem = arena.allocate(2048);
            for (int i = 0; i < lengths.length; i++) {
                expected[i] = frame(lengths[i], i);
                MemorySegment.copy(expected[i], 0, umem, ValueLayout.JAVA_BYTE, 0, lengths[i]);
                if (i % 2 == 0) w.write(expected[i], 0, lengths[i], lengths[i], timestamp(i));
                else w.write(umem, 0, lengths[i], lengths[i], timestamp(i));
            }
            expected[n - 1] = Arrays.copyOf(frame(1514, 99), 54); // cut: 54 of 1514 bytes
            w.write(frame(1514, 99), 0, 54, 1514, timestamp(n - 1));
        }

        List<String[]> rows = Tshark.fields(file, "frame.len", "frame.cap_len", "frame.time_epoch", "frame.interface_name");
        List<byte[]> frames = Tshark.frames(file);
        assertEquals(n, rows.size());
        assertEquals(n, frames.size());
        for (int i = 0; i < n; i++) {
            String what = name + " frame " + (i + 1);
            assertEquals(Integer.toString(i == n - 1 ? 1514 : lengths[i]), rows.get(i)[0], what);
            assertEquals(Integer.toString(expected[i].length), rows.get(i)[1], what);
            assertEquals(Tshark.epoch(timestamp(i)), rows.get(i)[2], what);
            assertEquals(name.endsWith("ng") ? "xp0" : "", rows.get(i)[3], what);
            assertArrayEquals(expected[i], frames.get(i), what);
        }
    }

    /** Sections, byte orders, resolutions and block kinds our writer never makes, read by both readers. */
    @Test
    void ourReaderAgreesWithTsharkOnAHandBuiltPcapng() throws IOException {
        Path file = PcapReaderTest.mixedPcapng(dir.resolve("mixed.pcapng"));
        assertAgree(file);
    }

    /** Reads {@code file} with our reader and with tshark: same frames, lengths and (where recorded) times. */
    static void assertAgree(Path file) throws IOException {
        List<String[]> rows = Tshark.fields(file, "frame.len", "frame.cap_len", "frame.time_epoch");
        List<byte[]> frames = Tshark.frames(file);
        assertEquals(rows.size(), frames.size());
        try (PcapReader r = PcapReader.open(file)) {
            for (int i = 0; i < rows.size(); i++) {
                String what = file.getFileName() + " frame " + (i + 1);
                assertTrue(r.next(), what);
                assertEquals(rows.get(i)[0], Integer.toString(r.originalLength()), what);
                assertEquals(rows.get(i)[1], Integer.toString(r.capturedLength()), what);
                if (r.hasTimestamp()) assertEquals(rows.get(i)[2], Tshark.epoch(r.timestampNanos()), what);
                byte[] copy = new byte[r.capturedLength()];
                r.copyFrame(copy, 0);
                assertArrayEquals(frames.get(i), copy, what);
            }
            assertFalse(r.next(), "tshark saw " + rows.size() + " frames, we see more");
        }
    }
}
