package io.xdppacket.cli.recv;

import io.xdppacket.IoMode;
import io.xdppacket.XdpOptions;
import io.xdppacket.packet.MacAddress;
import io.xdppacket.cli.frame.UdpFrameBuilder;
import io.xdppacket.cli.frame.UdpFrameSpec;
import io.xdppacket.pcap.CaptureWriter;
import io.xdppacket.cli.testing.Cli;
import io.xdppacket.testing.Tshark;
import io.xdppacket.cli.traffic.StopSignal;
import io.xdppacket.XdpPort;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code recv} on a veth, with peers and readers nobody here wrote: scapy sends, tshark reads the files. */
class RecvCommandTest {
    @TempDir
    Path dir;

    /** Waits until the socket of a {@code recv} started on that end is in place (its XDP program is attached). */
    private static void awaitListening(VethPair veth, CompletableFuture<Cli.Run> recv) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!veth.xdpAttached(veth.nsB(), veth.ifB())) {
            if (recv.isDone()) throw new AssertionError("recv ended early: " + recv.get());
            assertTrue(System.nanoTime() < deadline, "recv did not attach its program");
            Thread.sleep(20);
        }
    }

    /**
     * Scapy sends frames of random sizes through AF_PACKET; recv --write makes a pcap that tshark reads
     * with exactly those frames: count, bytes, lengths, and timestamps of when they were received.
     */
    @Test
    @Privileged(tools = {"ip", "tshark", Tools.PYTHON + ":scapy"})
    void writesWhatScapySentAsAPcapThatTsharkReads() throws Exception {
        int n = 300;
        Path file = dir.resolve("received.pcap");
        try (VethPair veth = VethPair.create()) {
            long t0 = System.currentTimeMillis() * 1_000_000L;
            CompletableFuture<Cli.Run> recv = Cli.start("recv", veth.ifB(), "--netns", veth.nsB(), "--count",
                    Integer.toString(n), "--write", file.toString(), "--duration", "60s");
            awaitListening(veth, recv);
            List<byte[]> sent = sendWithScapy(veth, n);
            Cli.Run r = recv.get(30, TimeUnit.SECONDS);
            long t1 = System.currentTimeMillis() * 1_000_000L + 1_000_000L;
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals(List.of("interface", "netns", "queues", "mode", "zero_copy", "frames", "bytes", "seconds", "pps",
                    "mbps", "elapsed", "kernel_rx_dropped", "kernel_rx_fill_ring_empty", "kernel_rx_ring_full",
                    "kernel_rx_invalid_descs", "kernel_rx_drops_total", "queue_rx_frames", "queue_kernel_rx_drops", "file",
                    "written", "stopped"), List.copyOf(r.summary().keySet()));
            assertEquals(Integer.toString(n), r.summary().get("queue_rx_frames"), "one queue delivered them all");
            assertTrue(r.sentence().matches("received 300 frames in \\d+\\.\\d+ s \\([\\d,]+/s, [\\d,]+\\.\\d Mbit/s\\);"
                    + " none dropped by the kernel; 300 written to received.pcap"), r::toString);
            assertEquals(n, r.longValue("frames"));
            assertEquals(n, r.longValue("written"));
            assertEquals(sent.stream().mapToLong(f -> f.length).sum(), r.longValue("bytes"));
            assertEquals("count", r.summary().get("stopped"));
            assertEquals(0, r.longValue("kernel_rx_drops_total"));

            List<byte[]> frames = Tshark.frames(file);
            List<String[]> rows = Tshark.fields(file, "frame.len", "frame.cap_len", "frame.time_epoch");
            assertEquals(n, frames.size(), "tshark's frame count");
            assertEquals(n, rows.size());
            long previous = 0;
            for (int i = 0; i < n; i++) {
                assertArrayEquals(sent.get(i), frames.get(i), "frame " + i);
                assertEquals(Integer.toString(sent.get(i).length), rows.get(i)[0], "frame.len of " + i);
                assertEquals(Integer.toString(sent.get(i).length), rows.get(i)[1], "frame.cap_len of " + i);
                long ts = nanos(rows.get(i)[2]);
                assertTrue(ts >= t0 && ts <= t1 && ts >= previous, "timestamp of frame " + i + ": " + rows.get(i)[2]);
                previous = ts;
            }
        }
    }

    /**
     * Four queues into one file: scapy sends frames of as many flows as frames (a UDP source port
     * each), which the kernel spreads over the queues; tshark reads exactly the frames sent from the
     * file, each once, byte for byte, each with a timestamp of when it was received; the summary
     * shows several queues delivering, adding up to the count.
     */
    @Test
    @Privileged(tools = {"ip", "tshark", Tools.PYTHON + ":scapy"})
    void fourQueuesWriteEveryFrameOnceIntoOneFile() throws Exception {
        int n = 400;
        Path file = dir.resolve("four.pcap");
        try (VethPair veth = VethPair.create(4, 1500)) {
            long t0 = System.currentTimeMillis() * 1_000_000L;
            CompletableFuture<Cli.Run> recv = Cli.start("recv", veth.ifB(), "--netns", veth.nsB(), "--queues", "4", "--count",
                    Integer.toString(n), "--write", file.toString(), "--duration", "60s");
            awaitListening(veth, recv);
            List<byte[]> sent = sendWithScapy(veth, n);
            Cli.Run r = recv.get(30, TimeUnit.SECONDS);
            long t1 = System.currentTimeMillis() * 1_000_000L + 1_000_000L;
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals(n, r.longValue("frames"));
            assertEquals(n, r.longValue("written"));
            assertEquals("4", r.summary().get("queues"));
            assertEquals(0, r.longValue("kernel_rx_drops_total"));
            assertEquals(sent.stream().mapToLong(f -> f.length).sum(), r.longValue("bytes"));
            assertTrue(r.err().startsWith("recv: " + veth.ifB() + " (netns " + veth.nsB() + ") queues 0-3, drv mode, "), r::toString);
            long[] perQueue = longs(r.summary().get("queue_rx_frames"));
            assertEquals(4, perQueue.length, r::toString);
            assertEquals(n, Arrays.stream(perQueue).sum(), r::toString);
            assertTrue(Arrays.stream(perQueue).filter(c -> c > 0).count() > 1, () -> "more than one queue delivered: " + r);
            assertEquals("0,0,0,0", r.summary().get("queue_kernel_rx_drops"));

            List<byte[]> frames = Tshark.frames(file);
            List<String[]> rows = Tshark.fields(file, "frame.len", "frame.time_epoch");
            assertEquals(n, frames.size(), "tshark's frame count");
            assertEquals(n, rows.size());
            boolean[] seen = new boolean[n];
            for (int k = 0; k < n; k++) {
                byte[] f = frames.get(k);
                int i = sourcePort(f) - SCAPY_FIRST_PORT;
                assertTrue(i >= 0 && i < n && !seen[i], "frame " + k + " of the file: source port " + sourcePort(f));
                seen[i] = true;
                assertArrayEquals(sent.get(i), f, "frame " + i + " (at " + k + " in the file)");
                assertEquals(Integer.toString(f.length), rows.get(k)[0]);
                long ts = nanos(rows.get(k)[1]);
                assertTrue(ts >= t0 && ts <= t1, "timestamp of frame " + i + ": " + rows.get(k)[1]);
            }
        }
    }

    /**
     * --queues all on both ends: what AF_XDP sends on queue q of a veth end arrives on queue q of the
     * other, so recv's per-queue counts are send's, queue for queue.
     */
    @Test
    @Privileged(tools = "ip")
    void queuesAllReceivesOnEveryQueueWhatSendPutThere() throws Exception {
        int n = 10_000;
        try (VethPair veth = VethPair.create(4, 1500)) {
            CompletableFuture<Cli.Run> recv = Cli.start("recv", veth.ifB(), "--netns", veth.nsB(), "--queues", "all",
                    "--count", Integer.toString(n), "--duration", "60s", "-q");
            awaitListening(veth, recv);
            Cli.Run sent = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--queues", "all", "--count", Integer.toString(n),
                    "--rate", "50000", "--src-port", "1000-1063", "-q");
            Cli.Run r = recv.get(30, TimeUnit.SECONDS);
            assertEquals(0, sent.exitCode(), sent::toString);
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("4", sent.summary().get("queues"));
            assertEquals("4", r.summary().get("queues"));
            assertEquals(n, r.longValue("frames"));
            assertEquals("count", r.summary().get("stopped"));
            assertEquals(0, sent.longValue("tx_dropped"));
            assertEquals(0, r.longValue("kernel_rx_drops_total"));
            assertEquals(sent.summary().get("queue_tx_frames"), r.summary().get("queue_rx_frames"),
                    () -> "send:\n" + sent + "\nrecv:\n" + r);
            assertTrue(Arrays.stream(longs(r.summary().get("queue_rx_frames"))).allMatch(c -> c > 0), r::toString);
        }
    }

    private static final int SCAPY_FIRST_PORT = 10000;

    /** Frames of random sizes from scapy on the A end, frame i from UDP source port 10000 + i; returns them by index. */
    private static List<byte[]> sendWithScapy(VethPair veth, int n) {
        String script = """
                import random, sys
                from scapy.all import Ether, IP, UDP, Raw, conf
                iface, n = sys.argv[1], int(sys.argv[2])
                rnd = random.Random(7)
                s = conf.L2socket(iface=iface)
                for i in range(n):
                    p = Ether(dst="ff:ff:ff:ff:ff:ff") / IP(src="198.18.0.1", dst="198.18.0.2") / UDP(sport=10000 + i, dport=9)
                    p = p / Raw(rnd.randbytes(rnd.randint(60, 1514) - len(p)))
                    raw = bytes(p)
                    s.send(raw)
                    print(raw.hex(), flush=True)
                s.close()
                """;
        List<byte[]> sent = Tools.run(List.of("ip", "netns", "exec", veth.nsA(), Tools.PYTHON, "-c", script, veth.ifA(),
                Integer.toString(n))).orThrow(List.of("scapy sender")).stdout().lines().map(HexFormat.of()::parseHex).toList();
        assertEquals(n, sent.size(), "scapy reports every frame it sent");
        return sent;
    }

    /** The UDP source port of an Ethernet/IPv4 (no options)/UDP frame. */
    private static int sourcePort(byte[] f) {
        return ((f[34] & 0xff) << 8) | (f[35] & 0xff);
    }

    private static long nanos(String epoch) {
        String[] secNanos = epoch.split("\\.");
        return Long.parseLong(secNanos[0]) * 1_000_000_000L + Long.parseLong(secNanos[1]);
    }

    private static long[] longs(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).mapToLong(Long::parseLong).toArray();
    }

    /**
     * pcapng with --snaplen, and --count exact: of 3000 frames sent, the first 1000 are received and
     * written, each cut to 128 bytes with its full length recorded, on the interface it came from.
     */
    @Test
    @Privileged(tools = {"ip", "tshark"})
    void pcapngWithSnaplenAndAnExactCount() throws Exception {
        Path file = dir.resolve("cut.pcapng");
        try (VethPair veth = VethPair.create()) {
            CompletableFuture<Cli.Run> recv = Cli.start("recv", veth.ifB(), "--netns", veth.nsB(), "--count", "1000",
                    "--write", file.toString(), "--snaplen", "128", "-q");
            awaitListening(veth, recv);
            Cli.Run sent = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--count", "3000", "--size", "300",
                    "--rate", "50000", "-q");
            assertEquals(0, sent.exitCode(), sent::toString);
            Cli.Run r = recv.get(30, TimeUnit.SECONDS);
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals(1000, r.longValue("frames"));
            assertEquals(300_000, r.longValue("bytes"));
            assertEquals("count", r.summary().get("stopped"));
            assertEquals("", r.err());

            List<byte[]> frames = Tshark.frames(file);
            List<String[]> rows = Tshark.fields(file, "frame.len", "frame.cap_len", "frame.interface_name");
            assertEquals(1000, frames.size());
            UdpFrameBuilder b = new UdpFrameBuilder(UdpFrameSpec.defaults().withSrcMac(MacAddress.of(veth.macA())).withFrameLength(300));
            byte[] whole = new byte[300];
            for (int i = 0; i < 1000; i++) {
                b.write(whole, 0, i);
                assertArrayEquals(Arrays.copyOf(whole, 128), frames.get(i), "frame " + i);
                assertEquals("300", rows.get(i)[0]);
                assertEquals("128", rows.get(i)[1]);
                assertEquals(veth.ifB(), rows.get(i)[2]);
            }
        }
    }

    /**
     * At full speed, every frame send wrote is accounted for at the receiver: received, or dropped by
     * the receiving kernel (counters in recv's summary), or dropped by veth on the way (send's tx_dropped).
     */
    @Test
    @Privileged(tools = "ip")
    void everyFrameIsReceivedOrCountedAsDropped() throws Exception {
        try (VethPair veth = VethPair.create()) {
            // The receiver outlives the sender however slow a loaded machine makes it: it stops at the
            // count when nothing was dropped, else at the duration.
            CompletableFuture<Cli.Run> recv = Cli.start("recv", veth.ifB(), "--netns", veth.nsB(), "--count", "300000",
                    "--duration", "20s", "-q");
            awaitListening(veth, recv);
            Cli.Run sent = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--count", "300000", "-q");
            Cli.Run r = recv.get(60, TimeUnit.SECONDS);
            assertEquals(0, sent.exitCode(), sent::toString);
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals(300_000, sent.longValue("frames"));
            assertEquals(300_000, r.longValue("frames") + r.longValue("kernel_rx_drops_total") + sent.longValue("tx_dropped"),
                    () -> "send:\n" + sent + "\nrecv:\n" + r);
            assertEquals(r.longValue("kernel_rx_drops_total"), r.longValue("kernel_rx_dropped")
                    + r.longValue("kernel_rx_ring_full") + r.longValue("kernel_rx_invalid_descs"));
            assertTrue(r.longValue("frames") > 0);
        }
    }

    @Test
    @Privileged(tools = "ip")
    void nothingArrivesUntilTheDurationEnds() throws Exception {
        try (VethPair veth = VethPair.create()) {
            Cli.Run r = Cli.run("recv", veth.ifB(), "--netns", veth.nsB(), "--duration", "300ms", "--mode", "skb");
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("0", r.summary().get("frames"));
            assertTrue(r.doubleValue("seconds") >= 0.3, "the measured window, frames or none: " + r);
            assertEquals(r.summary().get("elapsed"), r.summary().get("seconds"));
            assertEquals("0", r.summary().get("pps"));
            assertTrue(r.sentence().matches("received 0 frames in \\d+\\.\\d+ s \\(0/s, 0\\.0 Mbit/s\\); none dropped by the kernel"),
                    r::toString);
            assertEquals("skb", r.summary().get("mode"));
            assertEquals("duration", r.summary().get("stopped"));
            assertTrue(r.doubleValue("elapsed") >= 0.3, r::toString);
            assertTrue(r.err().startsWith("recv: " + veth.ifB() + " (netns " + veth.nsB() + ") queue 0, skb mode, copy mode; until 0.3 s, Ctrl-C"),
                    r::toString);
        }
    }

    /**
     * The receive loop on a real socket, writing pcapng, allocates nothing per frame, once warm; on
     * four queues too (one socket each, read together), fed by a multi-queue writer on the other end.
     */
    @ParameterizedTest(name = "{0} queue(s)")
    @ValueSource(ints = {1, 4})
    @Privileged(tools = "ip")
    void theReceiveLoopAllocatesNothingPerFrame(int queues) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        XdpOptions base = XdpOptions.builder().ioMode(IoMode.NONBLOCK).ringSize(2048).numFrames(4096).queueCount(queues).build();
        try (VethPair veth = VethPair.create(queues, 1500); StopSignal signal = StopSignal.install();
             XdpPort rx = XdpPort.open(veth.ifB(), base.toBuilder().networkNamespace(veth.nsB()).build());
             XdpPort tx = XdpPort.open(veth.ifA(), base.toBuilder().receive(false).networkNamespace(veth.nsA()).build());
             CaptureWriter writer = CaptureWriter.open(dir.resolve("x.pcapng"), CaptureWriter.DEFAULT_SNAPLEN, veth.ifB())) {
            byte[][] frames = new byte[64][];
            for (int i = 0; i < 64; i++) {
                frames[i] = new byte[64 + i];
                new UdpFrameBuilder(UdpFrameSpec.defaults().withFrameLength(64 + i)).write(frames[i], 0, i);
            }
            Thread sender = Thread.ofPlatform().start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) tx.writePackets(frames, 0, frames.length);
                } catch (Exception closed) {
                    // the socket closes at the end of the test
                }
            });
            try {
                // Nothing per frame, so less than 2 bytes per frame; not 0: the library's poll path allocates
                // until the JIT has compiled it, which takes long on a busy machine. (SendLoopTest and
                // RecvLoopTest hold the loops themselves to 0.)
                long allocated = Long.MAX_VALUE;
                for (int run = 0; run < 10 && allocated >= 400_000; run++) {
                    RecvLoop loop = new RecvLoop(rx, signal, 200_000, null, writer, 64);
                    long before = threads.getCurrentThreadAllocatedBytes();
                    loop.run();
                    allocated = threads.getCurrentThreadAllocatedBytes() - before;
                    assertEquals(200_000, loop.frames);
                }
                assertTrue(allocated < 400_000, "allocated " + allocated + " bytes for 200000 frames, after warming up");
                if (queues > 1) {
                    var perQueue = rx.queueStats().perQueue();
                    for (int q = 0; q < queues; q++) assertTrue(perQueue.get(q).rxPackets() > 0, "queue " + q + " delivered: " + perQueue);
                }
            } finally {
                sender.interrupt();
                tx.close();
                sender.join();
            }
        }
    }
}
