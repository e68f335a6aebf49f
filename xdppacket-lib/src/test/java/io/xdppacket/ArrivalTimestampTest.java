package io.xdppacket;

import io.xdppacket.testing.PcapFile;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.ScapySender;
import io.xdppacket.testing.Tcpdump;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Per-frame arrival time stamps ({@link TimestampSource#ARRIVAL}) against an independent capture.
 * Scapy sends frames through AF_PACKET from the peer namespace, while tcpdump captures them on the
 * sender's own interface as they leave (its egress tap; frames an AF_XDP socket sends would skip
 * that tap, scapy's do not). Only once every frame is out and captured does the socket start
 * reading, so a time taken at the read would be off by as long as the sending took; each frame's
 * stamp must instead be its own, non-decreasing per queue, and within 1 ms of tcpdump's time for
 * the same frame (matched by content).
 */
@Privileged(tools = {"ip", "tcpdump", Tools.PYTHON + ":scapy"})
class ArrivalTimestampTest {
    private static final int FRAMES = 200;
    /** The agreement the issue asks for between our stamp and tcpdump's, for the same frame. */
    private static final long TOLERANCE_NANOS = 1_000_000;

    @TempDir
    Path dir;

    /** What one frame was read with. */
    private record Seen(byte[] data, long timestampNanos, int queue, int batch) {}

    @ParameterizedTest
    @EnumSource(value = XdpMode.class, names = {"DRV", "SKB"})
    void everyFrameCarriesItsOwnArrivalTimeWithin1msOfTcpdump(XdpMode mode) throws Exception {
        try (VethPair veth = VethPair.create();
             XdpSocket rx = XdpSocket.open(veth.ifB(), options(veth, mode, 1))) {
            assertEquals(TimestampSource.ARRIVAL, rx.timestampSource());
            check(mode + ", XdpSocket", veth, rx, frames(veth, false));
        }
    }

    /** Frames of many flows over 4 queues: each queue's stamps are non-decreasing, each frame's is tcpdump's. */
    @ParameterizedTest
    @EnumSource(value = XdpMode.class, names = {"DRV", "SKB"})
    void everyQueueOfASetStampsEachFrame(XdpMode mode) throws Exception {
        try (VethPair veth = VethPair.create(4, 1500);
             XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), options(veth, mode, 4))) {
            assertEquals(TimestampSource.ARRIVAL, rx.timestampSource());
            for (XdpSocket s : rx.sockets()) assertEquals(TimestampSource.ARRIVAL, s.timestampSource());
            List<Seen> seen = check(mode + ", XdpMultiQueue of 4", veth, rx, frames(veth, true));
            assertTrue(seen.stream().map(Seen::queue).distinct().count() >= 2, "the flows should spread over the queues");
        }
    }

    /** No program of ours stamps frames for a send-only socket or set: they say READ. */
    @Test
    @Privileged(tools = "ip")
    void sendOnlySocketsSayTheirTimesAreTakenAtTheRead() throws Exception {
        try (VethPair veth = VethPair.create(2, 1500)) {
            XdpOptions sendOnly = XdpOptions.builder().receive(false).networkNamespace(veth.nsA()).build();
            try (XdpSocket s = XdpSocket.open(veth.ifA(), sendOnly)) {
                assertEquals(TimestampSource.READ, s.timestampSource());
            }
            try (XdpMultiQueue m = XdpMultiQueue.open(veth.ifA(), sendOnly.toBuilder().queueCount(2).build())) {
                assertEquals(TimestampSource.READ, m.timestampSource());
                for (XdpSocket s : m.sockets()) assertEquals(TimestampSource.READ, s.timestampSource());
            }
        }
    }

    private static XdpOptions options(VethPair veth, XdpMode mode, int queues) {
        return XdpOptions.builder().xdpMode(mode).queueCount(queues).ioMode(IoMode.NONBLOCK).pollTimeout(Duration.ofMillis(5))
                .networkNamespace(veth.nsB()).build();
    }

    /** Scapy code for {@link #FRAMES} frames to side B, each with its number; of 64 UDP flows, or of one EtherType. */
    private static String frames(VethPair veth, boolean flows) {
        String dst = HexFormat.ofDelimiter(":").formatHex(veth.macB());
        return flows
                ? """
                  import struct
                  from scapy.all import Ether, IP, UDP, Raw
                  f = [Ether(dst="%s") / IP(src="198.18.1.%%d" %% (1 + i %% 64), dst="198.18.0.2")
                       / UDP(sport=20000 + 7 * (i %% 64), dport=9) / Raw(struct.pack(">I", i) + bytes(40)) for i in range(%d)]
                  """.formatted(dst, FRAMES)
                : """
                  import struct
                  from scapy.all import Ether, Raw
                  f = [Ether(dst="%s", type=0x88b5) / Raw(struct.pack(">I", i) + bytes(56)) for i in range(%d)]
                  """.formatted(dst, FRAMES);
    }

    /**
     * Sends while tcpdump captures on the sender's interface; then reads every frame, half of them by
     * zero-copy batches and the rest by copying reads, and compares each frame's time with tcpdump's.
     */
    private List<Seen> check(String title, VethPair veth, XdpPort rx, String framesCode) throws Exception {
        List<PcapFile.Record> egress;
        try (ScapySender sender = ScapySender.start(veth.nsA(), veth.ifA(), dir, framesCode, List.of());
             Tcpdump tap = Tcpdump.capture(veth.nsA(), veth.ifA(), dir.resolve("egress.pcap"), FRAMES, "-Q", "out")) {
            sender.sendAll();
            egress = tap.frames(20);
        }
        Map<String, Long> tcpdumpTime = new HashMap<>();
        for (PcapFile.Record r : egress) tcpdumpTime.put(HexFormat.of().formatHex(r.data()), r.timestampNanos());
        assertEquals(FRAMES, tcpdumpTime.size(), "tcpdump captured every frame once");

        List<Seen> seen = read(rx);
        assertEquals(FRAMES, seen.size(), "frames received; stats " + rx.stats());

        long maxDiff = 0;
        long minSigned = Long.MAX_VALUE;
        long maxSigned = Long.MIN_VALUE;
        long sumDiff = 0;
        Map<Integer, Integer> batchSizes = new HashMap<>();
        for (Seen s : seen) batchSizes.merge(s.batch(), 1, Integer::sum);
        int largestBatch = batchSizes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        Map<Integer, Long> lastOfQueue = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < seen.size(); i++) {
            Seen s = seen.get(i);
            Long theirs = tcpdumpTime.get(HexFormat.of().formatHex(s.data()));
            assertNotNull(theirs, "frame " + i + " was not captured by tcpdump on the sender");
            long diff = s.timestampNanos() - theirs;
            maxDiff = Math.max(maxDiff, Math.abs(diff));
            minSigned = Math.min(minSigned, diff);
            maxSigned = Math.max(maxSigned, diff);
            sumDiff += Math.abs(diff);
            if (Math.abs(diff) > TOLERANCE_NANOS) {
                problems.add("frame " + i + " (queue " + s.queue() + ", read " + s.batch() + "): ours " + s.timestampNanos()
                        + " ns, tcpdump's " + theirs + " ns: " + diff / 1000 + " µs apart, more than the 1 ms the issue allows");
            }
            // Frames of one queue arrive one after the other, microseconds apart: each has a later time than the one before.
            Long last = lastOfQueue.put(s.queue(), s.timestampNanos());
            if (last != null && s.timestampNanos() < last) {
                problems.add("frame " + i + ": queue " + s.queue() + "'s times go back by " + (last - s.timestampNanos()) + " ns");
            } else if (last != null && s.timestampNanos() == last) {
                problems.add("frame " + i + " (read " + s.batch() + ") has the same time as the frame before it on queue " + s.queue()
                        + ": one time per batch, not per frame");
            }
        }
        System.out.printf("%nTIMESTAMPS %s: %d frames, max |ours - tcpdump| = %.1f µs, mean %.1f µs, ours - tcpdump in [%.1f, %.1f] µs,"
                + " largest read batch %d%n", title, seen.size(), maxDiff / 1000.0, sumDiff / 1000.0 / seen.size(), minSigned / 1000.0,
                maxSigned / 1000.0, largestBatch);
        assertTrue(largestBatch > 1, "some read should have taken several frames at once, or per-batch stamping would not show");
        if (!problems.isEmpty()) {
            fail(problems.size() + " problems with the times of " + seen.size() + " frames; max |ours - tcpdump| " + maxDiff / 1000
                    + " µs:\n" + String.join("\n", problems.subList(0, Math.min(10, problems.size()))));
        }
        return seen;
    }

    /**
     * Reads {@link #FRAMES} frames (all already in the RX rings): zero-copy batches for the first
     * half, copying reads with a {@link PacketInfo} after (one frame per read from a socket, one per
     * queue from a set).
     */
    private static List<Seen> read(XdpPort rx) throws Exception {
        List<Seen> seen = new ArrayList<>();
        PacketBatch batch = new PacketBatch(64);
        PacketInfo info = new PacketInfo();
        PacketInfo[] infos = new PacketInfo[rx.queueCount()];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int reads = 0;
        while (seen.size() < FRAMES && System.nanoTime() < deadline) {
            reads++;
            if (seen.size() < FRAMES / 2) {
                int n = rx.zeroCopyReadPackets(batch);
                for (int i = 0; i < n; i++) {
                    Packet p = batch.get(i);
                    seen.add(new Seen(p.toArray(), p.info().timestampNanos(), p.info().queueId(), reads));
                }
            } else if (rx instanceof XdpSocket socket) {
                byte[] data = socket.readPacketData(info);
                if (data != null) seen.add(new Seen(data, info.timestampNanos(), info.queueId(), reads));
            } else {
                List<byte[]> copies = ((XdpMultiQueue) rx).readPacket(infos);
                for (int i = 0; i < copies.size(); i++) {
                    seen.add(new Seen(copies.get(i), infos[i].timestampNanos(), infos[i].queueId(), reads));
                }
            }
        }
        rx.release();
        return seen;
    }
}
