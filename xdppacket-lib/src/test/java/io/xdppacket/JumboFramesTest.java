package io.xdppacket;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.PcapFile;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jumbo frames on a veth of MTU 9000, against peers nobody here wrote: scapy sends 9000-byte frames
 * that a socket receives whole, and tcpdump captures the frames of 1515..9000 bytes a socket sends,
 * in native (DRV) and generic (SKB) mode, with the default options (multi-buffer on by itself).
 */
class JumboFramesTest {
    private static final int FRAMES = 100;

    private static String mac(byte[] m) {
        return HexFormat.ofDelimiter(":").formatHex(m);
    }

    @ParameterizedTest
    @EnumSource(XdpMode.class)
    @Privileged(tools = {"ip", Tools.PYTHON + ":scapy"})
    void framesOf9000BytesFromScapyAreReceivedWholeAndByteIdentical(XdpMode mode) throws Exception {
        try (VethPair veth = VethPair.create(1, 9000);
             XdpSocket rx = XdpSocket.open(veth.ifB(), XdpOptions.builder().xdpMode(mode).ioMode(IoMode.NONBLOCK)
                     .pollTimeout(Duration.ofMillis(5)).networkNamespace(veth.nsB()).build())) {
            assertTrue(rx.isMultiBuffer(), "an MTU of 9000 needs several 2048-byte frames: multi-buffer by default");
            String script = """
                    import random, sys
                    from scapy.all import Ether, Raw, conf
                    iface, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
                    rnd = random.Random(9000)
                    s = conf.L2socket(iface=iface)
                    for i in range(n):
                        p = Ether(dst=dst, type=0x88B5) / Raw(i.to_bytes(4, "big") + bytes(rnd.getrandbits(8) for _ in range(9000 - 18)))
                        raw = bytes(p)
                        s.send(raw)
                        print(raw.hex(), flush=True)
                    s.close()
                    """;
            var result = Tools.run(List.of("ip", "netns", "exec", veth.nsA(), Tools.PYTHON, "-c", script,
                    veth.ifA(), mac(veth.macB()), Integer.toString(FRAMES))).orThrow(List.of("scapy sender"));
            List<byte[]> sent = result.stdout().lines().map(HexFormat.of()::parseHex).toList();
            assertEquals(FRAMES, sent.size());
            List<byte[]> received = new ArrayList<>();
            PacketBatch batch = new PacketBatch(8);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (received.size() < FRAMES && System.nanoTime() < deadline) {
                int n = rx.zeroCopyReadPackets(batch);
                for (int i = 0; i < n; i++) {
                    Packet p = batch.get(i);
                    assertEquals(9000, p.length());
                    assertEquals(6, p.segmentCount(), "9000 bytes in frames of 1792");
                    received.add(p.toArray());
                }
            }
            assertEquals(FRAMES, received.size(), "frames received; stats " + rx.stats());
            for (int i = 0; i < FRAMES; i++) assertArrayEquals(sent.get(i), received.get(i), "frame " + i);
            XdpStats s = rx.stats();
            assertEquals(FRAMES, s.rxPackets(), "one count per frame, not per buffer");
            assertEquals(0, s.rxInvalid());
        }
    }

    @ParameterizedTest
    @EnumSource(XdpMode.class)
    @Privileged(tools = {"ip", "tcpdump"})
    void framesOf1515To9000BytesWeSendAreCapturedByteIdentical(XdpMode mode, @TempDir Path dir) throws Exception {
        try (VethPair veth = VethPair.create(1, 9000);
             XdpSocket tx = XdpSocket.open(veth.ifA(), XdpOptions.builder().xdpMode(mode).receive(false)
                     .networkNamespace(veth.nsA()).build())) {
            assertTrue(tx.isMultiBuffer());
            assertTrue(tx.maxFrameLength() >= 9014, "a frame of the MTU fits: " + tx.maxFrameLength());
            Path file = dir.resolve("sent.pcap");
            Path log = dir.resolve("tcpdump.log");
            Process tcpdump = new ProcessBuilder("ip", "netns", "exec", veth.nsB(), "tcpdump", "-i", veth.ifB(), "-w", file.toString(),
                    "-U", "--immediate-mode", "-s", "65535", "-B", "65536", "-c", Integer.toString(FRAMES))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!Files.readString(log).contains("listening on") && System.nanoTime() < until) Thread.sleep(20);
                Random random = new Random(1515);
                byte[] macA = veth.macA(), macB = veth.macB();
                List<byte[]> frames = new ArrayList<>();
                for (int i = 0; i < FRAMES; i++) {
                    int length = i == 0 ? 1515 : i == 1 ? 9000 : 1515 + random.nextInt(9000 - 1515 + 1);
                    frames.add(Frames.frame(macB, macA, i, length, random));
                }
                for (byte[] f : frames) {
                    assertTrue(tx.writePacket(f));
                    assertTrue(tx.flush(Duration.ofSeconds(5)));
                }
                assertTrue(tcpdump.waitFor(20, TimeUnit.SECONDS), "tcpdump got all frames: " + Files.readString(log));
                List<PcapFile.Record> captured = PcapFile.read(file);
                assertEquals(FRAMES, captured.size());
                for (int i = 0; i < FRAMES; i++) {
                    assertEquals(frames.get(i).length, captured.get(i).originalLength(), "frame " + i);
                    assertArrayEquals(frames.get(i), captured.get(i).data(), "frame " + i);
                }
                XdpStats s = tx.stats();
                assertEquals(FRAMES, s.txPackets());
                assertEquals(FRAMES, s.txCompleted(), "a chain completes as one frame");
                assertEquals(0, s.txDropped());
            } finally {
                tcpdump.descendants().forEach(ProcessHandle::destroy);
                tcpdump.destroy();
            }
        }
    }
}
