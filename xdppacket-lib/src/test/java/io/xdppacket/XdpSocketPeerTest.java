package io.xdppacket;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.PcapFile;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XdpSocket against peers nobody here wrote: scapy sends to it, tcpdump captures what it sends. */
class XdpSocketPeerTest {
    private static final int FRAMES = 300;

    /**
     * Scapy builds Ethernet/IPv4/UDP frames of random sizes (198.18.0.1 → 198.18.0.2) and sends them
     * through an AF_PACKET socket; it prints each frame's bytes, and the XdpSocket must read exactly
     * those, in order.
     */
    @ParameterizedTest
    @EnumSource(XdpMode.class)
    @Privileged(tools = {"ip", Tools.PYTHON + ":scapy"})
    void framesSentByScapyAreReceivedByteIdentical(XdpMode mode) throws Exception {
        try (VethPair veth = VethPair.create()) {
            XdpOptions options = XdpOptions.builder().xdpMode(mode).ioMode(IoMode.NONBLOCK)
                    .pollTimeout(Duration.ofMillis(5)).networkNamespace(veth.nsB()).build();
            try (XdpSocket rx = XdpSocket.open(veth.ifB(), options)) {
                String script = """
                        import random, sys
                        from scapy.all import Ether, IP, UDP, Raw, conf
                        iface, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
                        rnd = random.Random(7)
                        s = conf.L2socket(iface=iface)
                        for i in range(n):
                            p = Ether(dst=dst) / IP(src="198.18.0.1", dst="198.18.0.2") / UDP(sport=10000 + i % 64, dport=9)
                            size = rnd.randint(60, 1514)
                            p = p / Raw(bytes(rnd.getrandbits(8) for _ in range(size - len(p))))
                            raw = bytes(p)
                            s.send(raw)
                            print(raw.hex(), flush=True)
                        s.close()
                        """;
                var result = Tools.run(List.of("ip", "netns", "exec", veth.nsA(), Tools.PYTHON, "-c", script,
                        veth.ifA(), mac(veth.macB()), Integer.toString(FRAMES))).orThrow(List.of("scapy sender"));
                List<byte[]> sent = result.stdout().lines().map(HexFormat.of()::parseHex).toList();
                assertEquals(FRAMES, sent.size(), "scapy reports every frame it sent");

                List<byte[]> received = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (received.size() < FRAMES && System.nanoTime() < deadline) {
                    byte[] f = rx.readPacketData();
                    if (f != null) received.add(f);
                }
                assertEquals(FRAMES, received.size(), "frames received");
                for (int i = 0; i < FRAMES; i++) {
                    assertArrayEquals(sent.get(i), received.get(i), "frame " + i);
                }
                assertEquals(FRAMES, rx.stats().rxPackets());
            }
        }
    }

    /** tcpdump on the peer captures every frame an XdpSocket sends, byte-identical. */
    @ParameterizedTest
    @EnumSource(XdpMode.class)
    @Privileged(tools = {"ip", "tcpdump"})
    void framesSentByXdpSocketAreCapturedByTcpdump(XdpMode mode) throws Exception {
        try (VethPair veth = VethPair.create()) {
            Path dir = Files.createTempDirectory("xdppacket-tcpdump");
            Path pcap = dir.resolve("capture.pcap");
            Path log = dir.resolve("tcpdump.log");
            Process tcpdump = new ProcessBuilder("ip", "netns", "exec", veth.nsB(), "tcpdump", "-i", veth.ifB(),
                    // Snaplen 2048 (frames are at most 1514): with -s 0 the capture ring holds only ~8 slots in immediate mode.
                    "-w", pcap.toString(), "-U", "--immediate-mode", "-s", "2048", "-B", "8192", "-c", Integer.toString(FRAMES),
                    "ether", "proto", "0x88b5")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!Files.readString(log).contains("listening on") && System.nanoTime() < deadline) {
                    assertTrue(tcpdump.isAlive(), () -> "tcpdump died: " + read(log));
                    Thread.sleep(20);
                }
                List<byte[]> frames = Frames.randomFrames(veth.macB(), veth.macA(), FRAMES, 60, 1514, 11);
                XdpOptions options = XdpOptions.builder().xdpMode(mode).networkNamespace(veth.nsA()).build();
                try (XdpSocket tx = XdpSocket.open(veth.ifA(), options)) {
                    for (byte[] f : frames) {
                        assertTrue(tx.writePacket(f));
                        // tcpdump reads through a socket buffer; keep it from overflowing.
                        if (Frames.sequence(f) % 32 == 31) Thread.sleep(2);
                    }
                    assertTrue(tx.flush(Duration.ofSeconds(5)));
                    assertEquals(FRAMES, tx.stats().txSent());
                }
                if (!tcpdump.waitFor(15, TimeUnit.SECONDS)) {
                    // SIGTERM to tcpdump itself (ip netns exec may have forked it): it prints capture and drop counts.
                    tcpdump.descendants().forEach(ProcessHandle::destroy);
                    tcpdump.destroy();
                    tcpdump.waitFor(5, TimeUnit.SECONDS);
                    List<Integer> seen = PcapFile.read(pcap).stream()
                            .map(r -> java.nio.ByteBuffer.wrap(r.data()).getInt(Frames.SEQUENCE_OFFSET)).toList();
                    List<Integer> missing = java.util.stream.IntStream.range(0, FRAMES).boxed().filter(i -> !seen.contains(i)).toList();
                    throw new AssertionError("tcpdump did not see all frames; missing sequence numbers " + missing
                            + "; " + veth.ifB() + " rx_packets " + veth.statistic(veth.nsB(), veth.ifB(), "rx_packets")
                            + " rx_dropped " + veth.statistic(veth.nsB(), veth.ifB(), "rx_dropped") + "; tcpdump: " + read(log));
                }
                List<PcapFile.Record> captured = PcapFile.read(pcap);
                assertEquals(FRAMES, captured.size(), "frames captured");
                for (int i = 0; i < FRAMES; i++) {
                    assertEquals(frames.get(i).length, captured.get(i).originalLength(), "length of frame " + i);
                    assertArrayEquals(frames.get(i), captured.get(i).data(), "frame " + i);
                }
            } finally {
                tcpdump.destroyForcibly().waitFor();
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) Files.deleteIfExists(p);
                }
                Files.deleteIfExists(dir);
            }
        }
    }

    private static String mac(byte[] m) {
        return HexFormat.ofDelimiter(":").formatHex(m);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }
}
