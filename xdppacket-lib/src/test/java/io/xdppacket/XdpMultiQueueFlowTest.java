package io.xdppacket;

import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames of many flows, sent by scapy through an AF_PACKET socket on the peer, reach a 4-queue veth
 * and are spread over its queues by the kernel's flow hash; an XdpMultiQueue reads each exactly once.
 */
@Privileged(tools = {"ip", Tools.PYTHON + ":scapy"})
class XdpMultiQueueFlowTest {
    private static final int QUEUES = 4;
    private static final int FRAMES = 600;
    /** Where the sequence number sits: after Ethernet (14), IPv4 (20) and UDP (8) headers. */
    static final int SEQ_OFFSET = 42;

    /**
     * Ethernet/IPv4/UDP frames of 64 flows (source address and both ports vary; 198.18.0.0/15 only),
     * random sizes, each with its index in the payload. Prints every frame's bytes in hex.
     */
    private static final String SENDER = """
            import random, struct, sys
            from scapy.all import Ether, IP, UDP, Raw, conf
            iface, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
            rnd = random.Random(11)
            s = conf.L2socket(iface=iface)
            for i in range(n):
                flow = i % 64
                p = (Ether(dst=dst) / IP(src="198.18.1.%d" % (1 + flow), dst="198.18.0.2")
                     / UDP(sport=20000 + 7 * flow, dport=9 + 3 * flow))
                size = rnd.randint(60, 1514)
                p = p / Raw(struct.pack(">I", i) + bytes(rnd.getrandbits(8) for _ in range(size - len(p) - 4)))
                raw = bytes(p)
                s.send(raw)
                print(raw.hex(), flush=True)
            s.close()
            """;

    @ParameterizedTest
    @EnumSource(XdpMode.class)
    void framesOfManyFlowsSpreadOverQueuesAndEachArrivesOnceByteIdentical(XdpMode mode) throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 1500)) {
            XdpOptions options = XdpOptions.builder().queueCount(QUEUES).xdpMode(mode).ioMode(IoMode.NONBLOCK)
                    .pollTimeout(Duration.ofMillis(5)).networkNamespace(veth.nsB()).build();
            try (XdpMultiQueue mq = XdpMultiQueue.open(veth.ifB(), options)) {
                assertEquals(QUEUES, mq.queueCount());
                assertEquals(QUEUES, mq.sockets().size());
                for (int q = 0; q < QUEUES; q++) assertEquals(q, mq.socket(q).queueId());

                // Every frame fits in the RX rings (1024 per queue) until we read: send all, then read.
                List<byte[]> sent = sendWithScapy(veth, FRAMES);
                byte[][] received = new byte[FRAMES][];
                int[] queueOf = new int[FRAMES];
                int[] perQueue = new int[QUEUES];
                int[] lastSeq = {-1, -1, -1, -1};
                long bytes = 0;
                int count = 0;
                int round = 0;
                PacketBatch batch = new PacketBatch(QUEUES);
                PacketInfo[] infos = new PacketInfo[QUEUES];
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (count < FRAMES && System.nanoTime() < deadline) {
                    // Both read paths, in turn; each frame goes through checkAndRecord exactly once.
                    List<byte[]> frames = new ArrayList<>();
                    List<PacketInfo> frameInfos = new ArrayList<>();
                    if (round++ % 2 == 0) {
                        int k = mq.zeroCopyReadPacket(batch);
                        for (int i = 0; i < k; i++) {
                            frames.add(batch.get(i).toArray());
                            frameInfos.add(batch.get(i).info().copy());
                        }
                    } else {
                        frames = mq.readPacket(infos);
                        for (int i = 0; i < frames.size(); i++) frameInfos.add(infos[i].copy());
                    }
                    boolean[] queueSeen = new boolean[QUEUES];
                    for (int i = 0; i < frames.size(); i++) {
                        byte[] f = frames.get(i);
                        PacketInfo info = frameInfos.get(i);
                        int q = info.queueId();
                        assertTrue(q >= 0 && q < QUEUES, "queue id " + q);
                        assertTrue(!queueSeen[q], "one read returns at most one frame per queue");
                        queueSeen[q] = true;
                        assertEquals(f.length, info.length());
                        assertEquals(f.length, info.captureLength());
                        assertEquals(mq.interfaceIndex(), info.interfaceIndex());
                        int seq = ByteBuffer.wrap(f).getInt(SEQ_OFFSET);
                        assertTrue(seq >= 0 && seq < FRAMES, "sequence " + seq);
                        assertNull(received[seq], "frame " + seq + " received twice");
                        assertArrayEquals(sent.get(seq), f, "frame " + seq);
                        // One sender, one flow per queue at a time: each queue delivers in the order sent.
                        assertTrue(seq > lastSeq[q], "queue " + q + " delivered " + seq + " after " + lastSeq[q]);
                        lastSeq[q] = seq;
                        received[seq] = f;
                        queueOf[seq] = q;
                        perQueue[q]++;
                        bytes += f.length;
                        count++;
                    }
                }
                assertEquals(FRAMES, count, "frames received over all queues");
                int busy = 0;
                for (int q = 0; q < QUEUES; q++) if (perQueue[q] > 0) busy++;
                assertTrue(busy > 1, "flows spread over more than one queue: per queue " + java.util.Arrays.toString(perQueue));

                XdpMultiQueueStats stats = mq.queueStats();
                assertEquals(QUEUES, stats.perQueue().size());
                for (int q = 0; q < QUEUES; q++) {
                    assertEquals(perQueue[q], stats.queue(q).rxPackets(), "queue " + q + " rx packets");
                    assertEquals(0, stats.queue(q).kernelRxDropsTotal(), "queue " + q + " kernel drops: " + stats.queue(q));
                }
                XdpStats total = stats.total();
                assertEquals(FRAMES, total.rxPackets(), "total rx packets = frames sent");
                assertEquals(bytes, total.rxBytes(), "total rx bytes");
                long sumPolls = 0;
                for (XdpStats s : stats.perQueue()) sumPolls += s.rxPolls();
                assertEquals(sumPolls, total.rxPolls(), "total is the sum of the queues");
                assertEquals(0, total.txPackets());
            }
            assertTrue(!veth.xdpAttached(veth.nsB(), veth.ifB()), () -> veth.linkDetails(veth.nsB(), veth.ifB()));
        }
    }

    /**
     * With sockets on queues 0 and 1 of a 4-queue interface, frames the kernel puts on queues 2 and 3
     * go to the network stack (the program's XDP_PASS fallback): the stack's IPv4 input counter grows
     * by exactly the frames the sockets did not get.
     */
    @Test
    void queuesWithoutASocketPassTheirFramesToTheKernelStack() throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 1500)) {
            XdpOptions options = XdpOptions.builder().queueCount(2).ioMode(IoMode.NONBLOCK)
                    .pollTimeout(Duration.ofMillis(5)).networkNamespace(veth.nsB()).build();
            try (XdpMultiQueue mq = XdpMultiQueue.open(veth.ifB(), options)) {
                long before = veth.ipInReceives(veth.nsB());
                List<byte[]> sent = sendWithScapy(veth, FRAMES);
                boolean[] seen = new boolean[FRAMES];
                int received = 0;
                PacketBatch batch = new PacketBatch(2);
                // Read until the sockets stay quiet; the frames are all in the rings already.
                int idle = 0;
                while (idle < 20) {
                    int k = mq.zeroCopyReadPacket(batch);
                    idle = k == 0 ? idle + 1 : 0;
                    for (int i = 0; i < k; i++) {
                        Packet p = batch.get(i);
                        assertTrue(p.info().queueId() < 2, "queue " + p.info().queueId());
                        int seq = p.getInt(SEQ_OFFSET);
                        assertTrue(!seen[seq], "frame " + seq + " twice");
                        assertArrayEquals(sent.get(seq), p.toArray());
                        seen[seq] = true;
                        received++;
                    }
                }
                long passed = veth.ipInReceives(veth.nsB()) - before;
                assertTrue(received > 0 && passed > 0, "both paths used: sockets " + received + ", stack " + passed);
                assertEquals(FRAMES, received + passed, "every frame went to a socket or to the stack");
                assertEquals(received, mq.stats().rxPackets());
            }
        }
    }

    /** Sends {@code n} frames with scapy from the A side to B's MAC; returns them by index. */
    static List<byte[]> sendWithScapy(VethPair veth, int n) {
        var result = Tools.run(List.of("ip", "netns", "exec", veth.nsA(), Tools.PYTHON, "-c", SENDER,
                veth.ifA(), HexFormat.ofDelimiter(":").formatHex(veth.macB()), Integer.toString(n)))
                .orThrow(List.of("scapy sender"));
        List<byte[]> sent = result.stdout().lines().map(HexFormat.of()::parseHex).toList();
        assertEquals(n, sent.size(), "scapy reports every frame it sent");
        for (int i = 0; i < n; i++) assertEquals(i, ByteBuffer.wrap(sent.get(i)).getInt(SEQ_OFFSET));
        return sent;
    }
}
