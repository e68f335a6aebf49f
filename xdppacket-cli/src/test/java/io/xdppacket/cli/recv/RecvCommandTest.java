package io.xdppacket.cli.recv;

import io.xdppacket.IoMode;
import io.xdppacket.XdpOptions;
import io.xdppacket.XdpSocket;
import io.xdppacket.cli.frame.MacAddress;
import io.xdppacket.cli.frame.UdpFrameBuilder;
import io.xdppacket.cli.frame.UdpFrameSpec;
import io.xdppacket.cli.pcap.CaptureWriter;
import io.xdppacket.cli.testing.Cli;
import io.xdppacket.cli.testing.Tshark;
import io.xdppacket.cli.traffic.StopSignal;
import io.xdppacket.cli.traffic.XdpPort;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;
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
            Cli.Run r = recv.get(30, TimeUnit.SECONDS);
            long t1 = System.currentTimeMillis() * 1_000_000L + 1_000_000L;
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals(List.of("interface", "netns", "queues", "mode", "zero_copy", "frames", "bytes", "seconds", "pps",
                    "mbps", "elapsed", "kernel_rx_dropped", "kernel_rx_fill_ring_empty", "kernel_rx_ring_full",
                    "kernel_rx_invalid_descs", "kernel_rx_drops_total", "file", "written", "stopped"), List.copyOf(r.summary().keySet()));
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
                String[] secNanos = rows.get(i)[2].split("\\.");
                long ts = Long.parseLong(secNanos[0]) * 1_000_000_000L + Long.parseLong(secNanos[1]);
                assertTrue(ts >= t0 && ts <= t1 && ts >= previous, "timestamp of frame " + i + ": " + rows.get(i)[2]);
                previous = ts;
            }
        }
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
            CompletableFuture<Cli.Run> recv = Cli.start("recv", veth.ifB(), "--netns", veth.nsB(), "--duration", "3s", "-q");
            awaitListening(veth, recv);
            Cli.Run sent = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--count", "300000", "-q");
            Cli.Run r = recv.get(30, TimeUnit.SECONDS);
            assertEquals(0, sent.exitCode(), sent::toString);
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("duration", r.summary().get("stopped"));
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
            assertEquals("0.000000", r.summary().get("seconds"));
            assertEquals("0", r.summary().get("pps"));
            assertEquals("skb", r.summary().get("mode"));
            assertEquals("duration", r.summary().get("stopped"));
            assertTrue(r.doubleValue("elapsed") >= 0.3, r::toString);
            assertTrue(r.err().startsWith("recv: " + veth.ifB() + " (netns " + veth.nsB() + ") queue 0, skb mode, copy mode; until 0.3 s, Ctrl-C"),
                    r::toString);
        }
    }

    /** The receive loop on a real socket, writing pcapng, allocates nothing per frame, once warm. */
    @Test
    @Privileged(tools = "ip")
    void theReceiveLoopAllocatesNothingPerFrame() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        XdpOptions base = XdpOptions.builder().ioMode(IoMode.NONBLOCK).ringSize(2048).numFrames(4096).build();
        try (VethPair veth = VethPair.create(); StopSignal signal = StopSignal.install();
             XdpPort rx = XdpPort.open(veth.ifB(), base.toBuilder().networkNamespace(veth.nsB()).build());
             XdpSocket tx = XdpSocket.open(veth.ifA(), base.toBuilder().networkNamespace(veth.nsA()).build());
             CaptureWriter writer = CaptureWriter.open(dir.resolve("x.pcapng"), CaptureWriter.DEFAULT_SNAPLEN, veth.ifB())) {
            byte[][] frames = new byte[64][];
            for (int i = 0; i < 64; i++) {
                frames[i] = new byte[64 + i];
                new UdpFrameBuilder(UdpFrameSpec.defaults().withFrameLength(64 + i)).write(frames[i], 0, i);
            }
            Thread sender = Thread.ofPlatform().start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) tx.writePackets(frames);
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
            } finally {
                sender.interrupt();
                tx.close();
                sender.join();
            }
        }
    }
}
