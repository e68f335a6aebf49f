package io.xdppacket;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XdpMultiQueue.writePacket: contiguous chunks, chunk q to queue q, in order; a failing queue stops
 * the write with the count taken so far. On veth, what AF_XDP sends on queue q of one end arrives on
 * queue q of the other, so the receiving side shows where each frame was sent.
 */
@Privileged(tools = "ip")
class XdpMultiQueueWriteTest {
    private static final int QUEUES = 4;

    @Test
    void framesGoToTheQueuesInContiguousChunksInOrderAndAFailingQueueStopsTheWriteWithItsCount() throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 1500)) {
            XdpOptions base = XdpOptions.builder().queueCount(QUEUES).ioMode(IoMode.NONBLOCK)
                    .pollTimeout(Duration.ofMillis(5)).build();
            try (XdpMultiQueue tx = XdpMultiQueue.open(veth.ifA(), base.toBuilder().networkNamespace(veth.nsA()).build());
                 XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), base.toBuilder().networkNamespace(veth.nsB()).build())) {
                // 1001 frames: chunks of 251, 250, 250, 250.
                List<byte[]> frames = Frames.randomFrames(veth.macB(), veth.macA(), 1001, 60, 1514, 31);
                assertEquals(1001, tx.writePacket(frames));
                int[] bounds = {0, 251, 501, 751, 1001};
                for (int q = 0; q < QUEUES; q++) {
                    assertReceivesExactly(rx.socket(q), frames.subList(bounds[q], bounds[q + 1]));
                    assertEquals(bounds[q + 1] - bounds[q], tx.queueStats().queue(q).txPackets(), "tx packets of queue " + q);
                }
                assertEquals(1001, tx.stats().txPackets());

                // Fewer frames than queues, through the array overload: one each for queues 0..2.
                List<byte[]> three = Frames.randomFrames(veth.macB(), veth.macA(), 3, 60, 200, 32);
                assertEquals(3, tx.writePacket(three.toArray(new byte[0][])));
                for (int q = 0; q < 3; q++) assertReceivesExactly(rx.socket(q), three.subList(q, q + 1));
                assertReceivesExactly(rx.socket(3), List.of());

                // A frame that no queue would take, in the last chunk: rejected before anything is written.
                List<byte[]> bad = new ArrayList<>(Frames.randomFrames(veth.macB(), veth.macA(), 8, 60, 200, 33));
                bad.set(7, new byte[tx.socket(0).maxFrameLength() + 1]);
                long before = tx.stats().txPackets();
                assertThrows(IllegalArgumentException.class, () -> tx.writePacket(bad));
                bad.set(7, null);
                assertThrows(NullPointerException.class, () -> tx.writePacket(bad));
                assertEquals(before, tx.stats().txPackets(), "nothing was written");

                // Queue 2's socket closed on its own: queues 0 and 1 take their chunks, then queue 2 fails.
                XdpStats queue2 = tx.socket(2).stats();
                tx.socket(2).close();
                List<byte[]> hundred = Frames.randomFrames(veth.macB(), veth.macA(), 100, 60, 1514, 34);
                XdpPartialWriteException e = assertThrows(XdpPartialWriteException.class, () -> tx.writePacket(hundred));
                assertEquals(50, e.written(), e.getMessage());
                assertEquals(2, e.queueId());
                assertInstanceOf(XdpClosedException.class, e.getCause());
                assertTrue(e.getMessage().contains("queue 2") && e.getMessage().contains("50"), e.getMessage());
                assertReceivesExactly(rx.socket(0), hundred.subList(0, 25));
                assertReceivesExactly(rx.socket(1), hundred.subList(25, 50));
                assertReceivesExactly(rx.socket(2), List.of());
                assertReceivesExactly(rx.socket(3), List.of());

                // The others keep working, and the closed queue keeps its counters in the stats.
                XdpMultiQueueStats stats = tx.queueStats();
                assertEquals(queue2.txPackets(), stats.queue(2).txPackets());
                assertEquals(before + 50, stats.total().txPackets());
                byte[] more = Frames.frame(veth.macB(), veth.macA(), 9, 100, new Random(35));
                assertTrue(tx.socket(3).writePacket(more));
                assertReceivesExactly(rx.socket(3), List.of(more));
            }
        }
    }

    /** Reads {@code expected} from {@code s} in order, byte-identical, and then nothing more for a short while. */
    static void assertReceivesExactly(XdpSocket s, List<byte[]> expected) throws Exception {
        PacketInfo info = new PacketInfo();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < expected.size(); ) {
            byte[] f = s.readPacketData(info);
            if (f != null) {
                assertEquals(s.queueId(), info.queueId());
                assertArrayEquals(expected.get(i), f, "queue " + s.queueId() + ", frame " + i + " of its chunk");
                i++;
            } else {
                assertTrue(System.nanoTime() < deadline, "queue " + s.queueId() + " received only " + i + " of " + expected.size());
            }
        }
        // NONBLOCK reads with a 5 ms timeout: a frame still on its way would show up within these.
        for (int i = 0; i < 20; i++) {
            byte[] extra = s.readPacketData();
            assertNull(extra, () -> "queue " + s.queueId() + " received an unexpected frame " + Frames.describe(extra));
        }
    }
}
