package io.xdppacket.cli.send;

import io.xdppacket.cli.CliErrors;
import io.xdppacket.testing.CaptureBytes;
import io.xdppacket.pcap.LinkType;
import io.xdppacket.cli.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code send --pcap} with files that cannot be replayed: each is refused before any socket opens,
 * with exit code 2 and one line naming the file and what is wrong with it. No privilege needed.
 */
class ReplayFileErrorsTest {
    @TempDir
    Path dir;

    private static byte[] frame(int length) {
        byte[] f = new byte[length];
        Arrays.fill(f, (byte) 0x5a);
        return f;
    }

    private static Cli.Run send(Path file, String... more) {
        List<String> args = new ArrayList<>(List.of("send", "vX", "--pcap", file.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static void assertRefused(Cli.Run r, String... fragments) {
        assertEquals(CliErrors.USAGE, r.exitCode(), r::toString);
        assertEquals("", r.out());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r::toString);
        assertTrue(lines.getFirst().startsWith("xdppacket send: --pcap "), r::toString);
        for (String f : fragments) assertTrue(lines.getFirst().contains(f), () -> "'" + f + "' missing: " + r);
        assertFalse(r.err().contains("Exception"), r::toString);
    }

    @Test
    void missingFile() {
        Path none = dir.resolve("none.pcap");
        assertRefused(send(none), none + ": no such file");
    }

    @Test
    void directory() {
        assertRefused(send(dir), dir.toString(), "directory");
    }

    @Test
    void garbageEmptyGzipAndTruncated() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage.pcap"), "this is not a capture file at all\n");
        assertRefused(send(garbage), garbage.toString(), "not a pcap or pcapng capture", "unknown magic number");
        Path empty = Files.write(dir.resolve("empty.pcap"), new byte[0]);
        assertRefused(send(empty), empty.toString(), "empty file");
        Path gz = Files.write(dir.resolve("x.pcap.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0});
        assertRefused(send(gz), "gzip-compressed");
        byte[] whole = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, LinkType.ETHERNET)
                .pcapRecord(1, 0, frame(60), 60).pcapRecord(2, 0, frame(100), 100).bytes();
        Path cut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(whole, whole.length - 10));
        assertRefused(send(cut), cut.toString(), "truncated record", "byte offset 100");
    }

    @Test
    void notEthernet() throws IOException {
        Path sll = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 113)
                .pcapRecord(1, 0, frame(60), 60).writeTo(dir.resolve("sll.pcap"));
        assertRefused(send(sll), "link type 113 (LINUX_SLL) cannot be replayed");
        Path ng = CaptureBytes.pcapng().section(ByteOrder.LITTLE_ENDIAN)
                .interfaceDescription(LinkType.ETHERNET, 0, -1, 0).interfaceDescription(101, 0, -1, 0)
                .enhancedPacket(0, 1, frame(60), 60, null).enhancedPacket(1, 2, frame(60), 60, null)
                .writeTo(dir.resolve("raw.pcapng"));
        assertRefused(send(ng), "link type 101 (RAW) cannot be replayed");
    }

    @Test
    void noFrames() throws IOException {
        Path none = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, LinkType.ETHERNET).writeTo(dir.resolve("n.pcap"));
        assertRefused(send(none), "holds no frames");
    }

    /** The socket's frame holds frameSize − 256 bytes: 1792 by default, 3840 with --frame-size 4096. */
    @Test
    void framesTooLongOrTooShortForTheSocket() throws IOException {
        Path jumbo = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, true, 65535, LinkType.ETHERNET)
                .pcapRecord(1, 0, frame(1514), 1514).pcapRecord(1, 1, frame(1792), 1792).pcapRecord(1, 2, frame(1793), 1793)
                .writeTo(dir.resolve("jumbo.pcap"));
        assertRefused(send(jumbo), "frame 3 (byte offset " + (24 + 16 + 1514 + 16 + 1792) + ") has 1793 bytes",
                "more than the 1792", "--frame-size 4096 allows 3840");
        Path huge = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, true, 65535, LinkType.ETHERNET)
                .pcapRecord(1, 0, frame(9014), 9014).writeTo(dir.resolve("huge.pcap"));
        assertRefused(send(huge, "--frame-size", "4096"), "frame 1", "has 9014 bytes", "more than the 3840");
        Path runt = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, true, 65535, LinkType.ETHERNET)
                .pcapRecord(1, 0, frame(60), 60).pcapRecord(1, 0, frame(13), 13).writeTo(dir.resolve("runt.pcap"));
        assertRefused(send(runt), "frame 2", "has 13 bytes, less than an Ethernet header (14)");
    }
}
