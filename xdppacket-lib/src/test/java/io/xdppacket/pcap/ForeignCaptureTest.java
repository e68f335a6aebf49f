package io.xdppacket.pcap;

import io.xdppacket.packet.MacAddress;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.UdpFrames;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Captures written by other programs (scapy, tcpdump) come back byte for byte through our reader. */
class ForeignCaptureTest {

    @TempDir
    Path dir;

    /** Frames of many lengths; written as hex lines for the Python side. */
    private static List<byte[]> frames(MacAddress src, MacAddress dst, int count) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            frames.add(UdpFrames.frame(src.value(), dst.value(), 40000 + i % 4, 60 + (i * 97) % 1455, i));
        }
        return frames;
    }

    private Path hexLines(List<byte[]> frames) throws IOException {
        Path file = dir.resolve("frames.hex");
        Files.write(file, frames.stream().map(HexFormat.of()::formatHex).toList());
        return file;
    }

    @Test
    @Privileged(tools = "/usr/bin/python3:scapy")
    void scapyPcapAndPcapngFilesInEveryVariant() throws IOException {
        List<byte[]> frames = frames(MacAddress.parse("02:00:00:00:00:01"), MacAddress.parse("02:00:00:00:00:02"), 12);
        // Frame i at 1700000000 + i s and 123456 us (or 123456789 ns); every third one cut to 50 bytes.
        String script = """
                import sys
                from decimal import Decimal
                from scapy.utils import RawPcapWriter, RawPcapNgWriter
                frames = [bytes.fromhex(l) for l in open(sys.argv[1]).read().split()]
                def write(w, nano, ng):
                    for i, f in enumerate(frames):
                        data = f[:50] if i % 3 == 2 else f
                        if ng:
                            w._write_packet(data, sec=Decimal(1700000000 + i) + Decimal("0.123456"),
                                            caplen=len(data), wirelen=len(f), comment="frame %d" % i if i % 2 else None)
                        else:
                            w._write_packet(data, sec=1700000000 + i, usec=123456789 if nano else 123456,
                                            caplen=len(data), wirelen=len(f))
                    w.close()
                for name, endian, nano in [("le-us.pcap", "<", False), ("be-us.pcap", ">", False),
                                           ("le-ns.pcap", "<", True), ("be-ns.pcap", ">", True)]:
                    w = RawPcapWriter(sys.argv[2] + "/" + name, linktype=1, endianness=endian, nano=nano, snaplen=262144)
                    w._write_header(None)
                    write(w, nano, False)
                w = RawPcapNgWriter(sys.argv[2] + "/scapy.pcapng")
                w._write_header(None)
                write(w, False, True)
                """;
        Tools.run(Tools.PYTHON, "-c", script, hexLines(frames).toString(), dir.toString());

        for (String name : List.of("le-us.pcap", "be-us.pcap", "le-ns.pcap", "be-ns.pcap", "scapy.pcapng")) {
            boolean nanos = name.contains("-ns");
            try (PcapReader r = PcapReader.openForReplay(dir.resolve(name))) {
                for (int i = 0; i < frames.size(); i++) {
                    String what = name + " frame " + i;
                    byte[] f = frames.get(i);
                    byte[] expected = i % 3 == 2 ? Arrays.copyOf(f, 50) : f;
                    assertTrue(r.next(), what);
                    assertEquals(expected.length, r.capturedLength(), what);
                    assertEquals(f.length, r.originalLength(), what);
                    assertEquals((1_700_000_000L + i) * 1_000_000_000L + (nanos ? 123_456_789 : 123_456_000),
                            r.timestampNanos(), what);
                    byte[] copy = new byte[r.capturedLength()];
                    r.copyFrame(copy, 0);
                    assertArrayEquals(expected, copy, what);
                }
                assertFalse(r.next(), name);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"micro", "nano"})
    @Privileged(tools = {"ip", "tcpdump", "/usr/bin/python3", "tshark"})
    void tcpdumpCaptureOfFramesSentOverVeth(String precision) throws Exception {
        int count = 20;
        Path capture = dir.resolve("tcpdump.pcap");
        try (VethPair veth = VethPair.create()) {
            List<byte[]> frames = frames(MacAddress.of(veth.macA()), MacAddress.of(veth.macB()), count);
            Path hex = hexLines(frames);
            // -Z root: stay root so the file can go in our temp dir; -U and immediate mode: no buffering,
            // so tcpdump exits as soon as it has the count; "udp": only our frames count.
            Process tcpdump = new ProcessBuilder("ip", "netns", "exec", veth.nsB(), "tcpdump", "-i", veth.ifB(), "-n",
                    "-Z", "root", "-U", "--immediate-mode", "--time-stamp-precision=" + precision,
                    "-c", Integer.toString(count), "-w", capture.toString(), "udp")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            StringBuffer stderr = new StringBuffer();
            CountDownLatch listening = new CountDownLatch(1);
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader err = tcpdump.errorReader()) {
                    for (String line; (line = err.readLine()) != null; ) {
                        stderr.append(line).append('\n');
                        if (line.contains("listening on")) listening.countDown();
                    }
                } catch (IOException ignored) {
                    // tcpdump is gone; its exit status tells the rest
                }
            });
            try {
                assertTrue(listening.await(15, TimeUnit.SECONDS), "tcpdump did not start listening: " + stderr);
                String send = """
                        import socket, sys
                        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
                        s.bind((sys.argv[2], 0))
                        for line in open(sys.argv[1]).read().split():
                            s.send(bytes.fromhex(line))
                        """;
                Tools.run("ip", "netns", "exec", veth.nsA(), Tools.PYTHON, "-c", send, hex.toString(), veth.ifA());
                assertTrue(tcpdump.waitFor(15, TimeUnit.SECONDS), "tcpdump did not capture " + count + " frames: " + stderr);
                assertEquals(0, tcpdump.exitValue(), stderr.toString());
            } finally {
                tcpdump.destroyForcibly();
                tcpdump.waitFor();
            }

            try (PcapReader r = PcapReader.openForReplay(capture)) {
                long previous = 0;
                for (int i = 0; i < count; i++) {
                    assertTrue(r.next(), "frame " + i);
                    assertEquals(frames.get(i).length, r.originalLength(), "frame " + i);
                    byte[] copy = new byte[r.capturedLength()];
                    r.copyFrame(copy, 0);
                    assertArrayEquals(frames.get(i), copy, "frame " + i);
                    assertTrue(r.timestampNanos() >= previous, "timestamps in capture order");
                    if (precision.equals("micro")) assertEquals(0, r.timestampNanos() % 1000, "whole microseconds");
                    previous = r.timestampNanos();
                }
                assertFalse(r.next());
            }
        }
        TsharkAgreementTest.assertAgree(capture); // and the timestamps are what tshark reads
    }
}
