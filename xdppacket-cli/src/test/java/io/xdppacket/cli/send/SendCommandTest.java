package io.xdppacket.cli.send;

import io.xdppacket.IoMode;
import io.xdppacket.XdpOptions;
import io.xdppacket.packet.MacAddress;
import io.xdppacket.cli.frame.PortRange;
import io.xdppacket.cli.frame.UdpFrameBuilder;
import io.xdppacket.cli.frame.UdpFrameSpec;
import io.xdppacket.cli.testing.Cli;
import io.xdppacket.cli.testing.Jvm;
import io.xdppacket.cli.testing.Tcpdump;
import io.xdppacket.cli.traffic.StopSignal;
import io.xdppacket.XdpPort;
import io.xdppacket.testing.PcapFile;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code send} into a veth, judged by what the other end's kernel and tcpdump saw. */
class SendCommandTest {
    @TempDir
    Path dir;

    private static void assertSentAll(Cli.Run r, long frames, String stopped) {
        assertEquals(0, r.exitCode(), r::toString);
        Map<String, String> s = r.summary();
        assertEquals(Long.toString(frames), s.get("frames"), r::toString);
        assertEquals(Long.toString(frames), s.get("tx_sent"), r::toString);
        assertEquals("0", s.get("tx_dropped"), r::toString);
        assertEquals("0", s.get("tx_in_flight"), r::toString);
        assertEquals(stopped, s.get("stopped"), r::toString);
    }

    /**
     * Generated frames, counted by tcpdump and by the peer's own rx_packets, each byte as the builder
     * makes it (default source MAC: the interface's own); then tcpdump's capture of them replayed,
     * and captured again byte-identical.
     */
    @Test
    @Privileged(tools = {"ip", "tcpdump"})
    void generatedFramesArriveExactlyAndTcpdumpsCaptureReplaysIdentically() throws Exception {
        int n = 3000;
        try (VethPair veth = VethPair.create()) {
            Path generated = dir.resolve("generated.pcap");
            Cli.Run r;
            List<PcapFile.Record> got;
            try (Tcpdump td = Tcpdump.start(veth.nsB(), veth.ifB(), generated, n)) {
                r = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--count", Integer.toString(n), "--rate", "50000",
                        "--size", "100", "--src-port", "1000-1002", "--dst-port", "2000-2001", "-q");
                got = td.frames(20);
            }
            assertSentAll(r, n, "count");
            assertEquals(Long.toString(100L * n), r.summary().get("bytes"));
            assertEquals(List.of("interface", "netns", "queues", "mode", "zero_copy", "source", "frames", "bytes", "seconds",
                    "pps", "mbps", "tx_completed", "tx_dropped", "tx_sent", "tx_in_flight", "tx_kicks",
                    "kernel_tx_invalid_descs", "kernel_tx_ring_empty", "queue_tx_frames", "queue_tx_dropped", "stopped"),
                    List.copyOf(r.summary().keySet()));
            assertEquals("1", r.summary().get("queues"));
            assertEquals(Integer.toString(n), r.summary().get("queue_tx_frames"), "one queue took them all");
            assertTrue(r.sentence().matches("sent 3,000 frames in \\d+\\.\\d+ s \\([\\d,]+/s, [\\d,]+\\.\\d Mbit/s\\); none dropped"),
                    r::toString);
            assertEquals("", r.err(), "--quiet: nothing on stderr");
            assertEquals(n, veth.statistic(veth.nsB(), veth.ifB(), "rx_packets"), "the peer's kernel counted every frame");

            UdpFrameBuilder b = new UdpFrameBuilder(UdpFrameSpec.defaults().withSrcMac(MacAddress.of(veth.macA()))
                    .withFrameLength(100).withSrcPorts(PortRange.parse("1000-1002")).withDstPorts(PortRange.parse("2000-2001")));
            assertEquals(n, got.size());
            byte[] expected = new byte[100];
            for (int i = 0; i < n; i++) {
                b.write(expected, 0, i);
                assertArrayEquals(expected, got.get(i).data(), "frame " + i);
            }

            Path replayed = dir.resolve("replayed.pcap");
            try (Tcpdump td = Tcpdump.start(veth.nsB(), veth.ifB(), replayed, n)) {
                r = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--pcap", generated.toString(), "--rate", "50000", "-q");
                List<PcapFile.Record> again = td.frames(20);
                assertSentAll(r, n, "end");
                assertEquals("pcap", r.summary().get("source"));
                assertEquals("1", r.summary().get("loops"));
                for (int i = 0; i < n; i++) assertArrayEquals(got.get(i).data(), again.get(i).data(), "replayed frame " + i);
            }
        }
    }

    /**
     * Four queues, one socket each, written by one thread: tcpdump on the peer counts exactly the
     * frames sent, each once and byte for byte as the builder makes it; each queue took a part, and
     * the parts add up to the count.
     */
    @Test
    @Privileged(tools = {"ip", "tcpdump"})
    void fourQueuesSendExactlyTheCountAndThePerQueueCountsAddUp() throws Exception {
        int n = 4000;
        try (VethPair veth = VethPair.create(4, 1500)) {
            Cli.Run r;
            List<PcapFile.Record> got;
            try (Tcpdump td = Tcpdump.start(veth.nsB(), veth.ifB(), dir.resolve("four.pcap"), n)) {
                r = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--queues", "4", "--count", Integer.toString(n),
                        "--rate", "50000", "--size", "80", "--src-port", "1000-1063");
                got = td.frames(20);
            }
            assertSentAll(r, n, "count");
            assertEquals("4", r.summary().get("queues"));
            assertTrue(r.err().startsWith("send: " + veth.ifA() + " (netns " + veth.nsA() + ") queues 0-3, drv mode, "), r::toString);
            long[] perQueue = longs(r.summary().get("queue_tx_frames"));
            assertEquals(4, perQueue.length, r::toString);
            long sum = 0;
            for (long c : perQueue) {
                assertTrue(c > 0, () -> "every queue sent a part: " + r);
                sum += c;
            }
            assertEquals(n, sum, r::toString);
            assertEquals("0,0,0,0", r.summary().get("queue_tx_dropped"));
            assertEquals(n, veth.statistic(veth.nsB(), veth.ifB(), "rx_packets"), "the peer's kernel counted every frame");

            // Queues may interleave on the way: every sequence number once, each frame as built.
            assertEquals(n, got.size());
            UdpFrameBuilder b = new UdpFrameBuilder(UdpFrameSpec.defaults().withSrcMac(MacAddress.of(veth.macA()))
                    .withFrameLength(80).withSrcPorts(PortRange.parse("1000-1063")));
            boolean[] seen = new boolean[n];
            byte[] expected = new byte[80];
            for (PcapFile.Record rec : got) {
                int seq = (int) java.nio.ByteBuffer.wrap(rec.data()).getLong(UdpFrameBuilder.SEQUENCE_OFFSET);
                assertTrue(seq >= 0 && seq < n && !seen[seq], "sequence " + seq);
                seen[seq] = true;
                b.write(expected, 0, seq);
                assertArrayEquals(expected, rec.data(), "frame " + seq);
            }
        }
    }

    private static long[] longs(String commaSeparated) {
        return java.util.Arrays.stream(commaSeparated.split(",")).mapToLong(Long::parseLong).toArray();
    }

    /**
     * Scapy writes the same frames (UDP, VLAN-tagged TCP, ARP, a local EtherType; 60 to 1514 bytes)
     * as pcap and as pcapng; the pcap is replayed twice (--loop 2), the pcapng once. tcpdump sees the
     * sequence three times over, byte for byte.
     */
    @Test
    @Privileged(tools = {"ip", "tcpdump", Tools.PYTHON + ":scapy"})
    void scapyCapturesReplayByteIdenticalInOrder() throws Exception {
        int n = 200;
        Path pcap = dir.resolve("scapy.pcap"), pcapng = dir.resolve("scapy.pcapng");
        String script = """
                import random, sys
                from scapy.all import Ether, IP, UDP, TCP, ARP, Dot1Q, Raw, wrpcap, wrpcapng
                rnd = random.Random(3)
                frames = []
                for i in range(int(sys.argv[3])):
                    kind = i % 4
                    if kind == 0:
                        p = Ether(dst="02:00:00:00:00:02") / IP(src="198.18.0.1", dst="198.18.0.2") / UDP(sport=1024 + i, dport=9)
                    elif kind == 1:
                        p = Ether(dst="02:00:00:00:00:02") / Dot1Q(vlan=100) / IP(src="198.18.0.1", dst="198.18.0.2") / TCP(sport=40000, dport=80)
                    elif kind == 2:
                        p = Ether(dst="ff:ff:ff:ff:ff:ff") / ARP(psrc="198.18.0.1", pdst="198.18.0.2")
                    else:
                        p = Ether(dst="02:00:00:00:00:02", type=0x88b5)
                    size = rnd.choice([60, 1514]) if i < 8 else rnd.randint(60, 1514)
                    p = p / Raw(rnd.randbytes(size - len(p)))
                    frames.append(p)
                wrpcap(sys.argv[1], frames)
                wrpcapng(sys.argv[2], frames)
                for p in frames:
                    print(bytes(p).hex())
                """;
        Tools.Result made = Tools.run(List.of(Tools.PYTHON, "-c", script, pcap.toString(), pcapng.toString(), Integer.toString(n)))
                .orThrow(List.of("scapy writer"));
        List<byte[]> frames = made.stdout().lines().map(HexFormat.of()::parseHex).toList();
        assertEquals(n, frames.size());
        try (VethPair veth = VethPair.create()) {
            try (Tcpdump td = Tcpdump.start(veth.nsB(), veth.ifB(), dir.resolve("seen.pcap"), 3 * n)) {
                Cli.Run twice = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--pcap", pcap.toString(), "--loop", "2",
                        "--rate", "20000", "-q");
                assertSentAll(twice, 2L * n, "end");
                assertEquals("2", twice.summary().get("loops"));
                Cli.Run once = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--pcap", pcapng.toString(), "--rate", "20000");
                assertSentAll(once, n, "end");
                assertTrue(once.err().startsWith("send: " + veth.ifA() + " (netns " + veth.nsA() + ") queue 0, drv mode, copy mode; "
                        + pcapng + " (" + n + " frames, "), once.err());
                List<PcapFile.Record> seen = td.frames(20);
                assertEquals(3 * n, seen.size());
                for (int i = 0; i < 3 * n; i++) {
                    assertArrayEquals(frames.get(i % n), seen.get(i).data(), "frame " + i);
                    assertEquals(frames.get(i % n).length, seen.get(i).originalLength(), "length of frame " + i);
                }
            }
        }
    }

    /**
     * Pacing, without timing assertions that a slow machine could break: in one second at 2000 pps at
     * most twice that many; and 2000 frames at 4000 pps cannot take less than the bucket allows.
     */
    @Test
    @Privileged(tools = "ip")
    void rateLimitsTheSending() throws Exception {
        try (VethPair veth = VethPair.create()) {
            Cli.Run r = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--rate", "2000", "--duration", "1s", "-q");
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("duration", r.summary().get("stopped"));
            long frames = r.longValue("frames");
            assertTrue(frames > 0 && frames < 2 * 2000, r::toString);

            Cli.Run paced = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--rate", "4000", "--count", "2000", "-q");
            assertSentAll(paced, 2000, "count");
            // The bucket holds one batch (64) plus one token: the rest waits for tokens at 4000 per second.
            double least = (2000 - 65) / 4000.0;
            assertTrue(paced.doubleValue("seconds") >= least, () -> "faster than the rate allows: " + paced);
        }
    }

    @Test
    @Privileged(tools = "ip")
    void durationAloneStopsAtFullSpeed() throws Exception {
        try (VethPair veth = VethPair.create()) {
            Cli.Run r = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--duration", "300ms", "--size", "1514", "-q");
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("duration", r.summary().get("stopped"));
            assertTrue(r.longValue("frames") > 0, r::toString);
            assertEquals(r.longValue("frames") * 1514, r.longValue("bytes"));
            assertEquals(0, r.longValue("tx_in_flight"));
            assertTrue(r.doubleValue("seconds") >= 0.3, r::toString);
            // Every frame is accounted for: at the peer, or dropped by veth (its queue was full), which the socket counts.
            assertEquals(r.longValue("frames"), veth.statistic(veth.nsB(), veth.ifB(), "rx_packets") + r.longValue("tx_dropped"), r::toString);
        }
    }

    /**
     * Ctrl-C, in a process of its own: the summary still comes, after every frame has completed (the
     * peer counted exactly the frames the summary reports), and the exit code is 130.
     */
    @Test
    @Privileged(tools = {"ip", "env"})
    void ctrlCFlushesPrintsTheSummaryAndExits130() throws Exception {
        try (VethPair veth = VethPair.create()) {
            Path out = dir.resolve("out"), err = dir.resolve("err");
            // A JVM leaves SIGINT ignored if it was ignored at start (as in background jobs of scripts): reset it.
            List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT"));
            cmd.addAll(Jvm.command(Jvm.classPath(), "send", veth.ifA(), "--netns", veth.nsA(), "--rate", "20000"));
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!Files.readString(err).contains("progress t=1 ")) {
                    assertTrue(p.isAlive() && System.nanoTime() < deadline, () -> "no progress line: " + read(err));
                    Thread.sleep(20);
                }
                Tools.run("kill", "-INT", Long.toString(p.pid()));
                assertTrue(p.waitFor(15, TimeUnit.SECONDS), "still running after SIGINT");
                Cli.Run r = new Cli.Run(p.exitValue(), Files.readString(out), Files.readString(err));
                assertEquals(130, r.exitCode(), r::toString);
                assertEquals("interrupt", r.summary().get("stopped"), r::toString);
                assertTrue(r.out().startsWith("sent ") && r.sentence().endsWith("; interrupted"), r::toString);
                assertEquals(0, r.longValue("tx_in_flight"));
                assertTrue(r.longValue("frames") >= 1000, r::toString);
                assertEquals(r.longValue("frames"), veth.statistic(veth.nsB(), veth.ifB(), "rx_packets"), r::toString);
            } finally {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * The send loop on a real socket (paced, to cover the pacer) allocates nothing per frame, once
     * warm; on four queues too (one send-only socket each, written together).
     */
    @ParameterizedTest(name = "{0} queue(s)")
    @ValueSource(ints = {1, 4})
    @Privileged(tools = "ip")
    void theSendLoopAllocatesNothingPerFrame(int queues) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (VethPair veth = VethPair.create(queues, 1500); StopSignal signal = StopSignal.install()) {
            XdpOptions options = XdpOptions.builder().ioMode(IoMode.NONBLOCK).networkNamespace(veth.nsA())
                    .ringSize(2048).numFrames(4096).queueCount(queues).receive(false).build();
            try (XdpPort port = XdpPort.open(veth.ifA(), options)) {
                GeneratedFrames source = new GeneratedFrames(UdpFrameSpec.defaults(), 64);
                // Nothing per frame, so less than 2 bytes per frame; not 0: the library's poll path allocates
                // until the JIT has compiled it, which takes long on a busy machine. (SendLoopTest and
                // RecvLoopTest hold the loops themselves to 0.)
                long allocated = Long.MAX_VALUE;
                for (int run = 0; run < 10 && allocated >= 400_000; run++) {
                    SendLoop loop = new SendLoop(port, source, new Pacer(1e9, 64, queues, System.nanoTime()), signal, 200_000, null, 64);
                    long before = threads.getCurrentThreadAllocatedBytes();
                    loop.run();
                    allocated = threads.getCurrentThreadAllocatedBytes() - before;
                    assertEquals(200_000, loop.frames);
                }
                assertTrue(allocated < 400_000, "allocated " + allocated + " bytes for 200000 frames, after warming up");
                var perQueue = port.queueStats().perQueue();
                for (int q = 0; q < queues; q++) assertTrue(perQueue.get(q).txPackets() > 0, "queue " + q + " sent: " + perQueue);
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }
}
