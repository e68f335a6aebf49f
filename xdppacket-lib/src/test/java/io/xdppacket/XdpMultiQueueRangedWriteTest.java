package io.xdppacket;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static io.xdppacket.XdpMultiQueueWriteTest.assertReceivesExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XdpMultiQueue.writePacket(byte[][], from, count): the range is cut into chunks as a list of those
 * frames would be, chunk q to queue q; counts, also in a partial write, are relative to {@code from}.
 * On veth what AF_XDP sends on queue q of one end arrives on queue q of the other.
 */
@Privileged(tools = "ip")
class XdpMultiQueueRangedWriteTest {
    private static final int QUEUES = 4;

    @Test
    void aRangeGoesOutInContiguousChunksAndAPartialWriteCountsFromItsStart() throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 1500)) {
            XdpOptions base = XdpOptions.builder().queueCount(QUEUES).ioMode(IoMode.NONBLOCK)
                    .pollTimeout(Duration.ofMillis(5)).build();
            try (XdpMultiQueue tx = XdpMultiQueue.open(veth.ifA(), base.toBuilder().networkNamespace(veth.nsA()).build());
                 XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), base.toBuilder().networkNamespace(veth.nsB()).build())) {
                byte[][] frames = Frames.randomFrames(veth.macB(), veth.macA(), 1020, 60, 1514, 51).toArray(new byte[0][]);
                List<byte[]> list = Arrays.asList(frames);

                // frames[7 .. 1008): chunks of 251, 250, 250, 250 from frame 7 on.
                assertEquals(1001, tx.writePackets(frames, 7, 1001));
                int[] bounds = {7, 258, 508, 758, 1008};
                for (int q = 0; q < QUEUES; q++) {
                    assertReceivesExactly(rx.socket(q), list.subList(bounds[q], bounds[q + 1]));
                    assertEquals(bounds[q + 1] - bounds[q], tx.queueStats().queue(q).txPackets(), "tx packets of queue " + q);
                }

                // An empty range writes nothing; a range outside the array is refused before anything is written.
                assertEquals(0, tx.writePackets(frames, 1020, 0));
                assertThrows(IndexOutOfBoundsException.class, () -> tx.writePackets(frames, 1015, 6));
                assertThrows(IndexOutOfBoundsException.class, () -> tx.writePackets(frames, -1, 3));
                assertEquals(1001, tx.stats().txPackets());

                // Only the range is looked at: nulls and oversized frames outside it are no concern,
                // inside it they stop the write before any frame is taken, naming the frame's index.
                byte[][] holes = new byte[12][];
                for (int i = 2; i < 11; i++) holes[i] = frames[i];
                holes[11] = new byte[tx.socket(0).maxFrameLength() + 1];
                assertEquals(8, tx.writePackets(holes, 2, 8));
                for (int q = 0; q < QUEUES; q++) assertReceivesExactly(rx.socket(q), list.subList(2 + 2 * q, 4 + 2 * q));
                NullPointerException npe = assertThrows(NullPointerException.class, () -> tx.writePackets(holes, 1, 3));
                assertTrue(npe.getMessage().contains("frame 1"), npe.getMessage());
                assertThrows(IllegalArgumentException.class, () -> tx.writePackets(holes, 8, 4));
                assertEquals(1009, tx.stats().txPackets(), "nothing was written");

                // Queue 2's socket closed on its own: of frames[100 .. 200), queues 0 and 1 take their 25
                // each, then queue 2 fails; written() counts from 100, so frames[100 .. 150) went out.
                tx.socket(2).close();
                XdpPartialWriteException e = assertThrows(XdpPartialWriteException.class, () -> tx.writePackets(frames, 100, 100));
                assertEquals(50, e.written(), e.getMessage());
                assertEquals(2, e.queueId());
                assertInstanceOf(XdpClosedException.class, e.getCause());
                assertReceivesExactly(rx.socket(0), list.subList(100, 125));
                assertReceivesExactly(rx.socket(1), list.subList(125, 150));
                assertReceivesExactly(rx.socket(2), List.of());
                assertReceivesExactly(rx.socket(3), List.of());
                assertEquals(1009 + 50, tx.stats().txPackets());

                // The array overload is the range over the whole array: the same partial count.
                byte[][] eight = Arrays.copyOfRange(frames, 300, 308);
                XdpPartialWriteException whole = assertThrows(XdpPartialWriteException.class, () -> tx.writePacket(eight));
                assertEquals(4, whole.written());
                assertReceivesExactly(rx.socket(0), list.subList(300, 302));
                assertReceivesExactly(rx.socket(1), list.subList(302, 304));
            }
        }
    }

    /** The whole set closed: every write says closed, the ranged one too. */
    @Test
    void aClosedSetRefusesARangedWrite() throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 1500)) {
            XdpMultiQueue tx = XdpMultiQueue.open(veth.ifA(), XdpOptions.builder().queueCount(QUEUES).receive(false)
                    .networkNamespace(veth.nsA()).build());
            byte[][] frames = Frames.randomFrames(veth.macB(), veth.macA(), 8, 60, 100, 52).toArray(new byte[0][]);
            assertEquals(8, tx.writePackets(frames, 0, 8));
            tx.close();
            assertThrows(XdpClosedException.class, () -> tx.writePackets(frames, 2, 4));
            assertThrows(XdpClosedException.class, () -> tx.writePacket(frames));
        }
    }
}
