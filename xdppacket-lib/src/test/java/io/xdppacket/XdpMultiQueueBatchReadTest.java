package io.xdppacket;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XdpMultiQueue.zeroCopyReadPackets: a whole batch from all queues, several frames per queue, each
 * frame once, with its queue; shared fairly; views that end when their frames go back.
 */
@Privileged(tools = "ip")
class XdpMultiQueueBatchReadTest {
    private static final int QUEUES = 4;

    private static XdpOptions.Builder nonBlocking() {
        return XdpOptions.builder().queueCount(QUEUES).ioMode(IoMode.NONBLOCK).pollTimeout(Duration.ofMillis(5));
    }

    /**
     * Scapy sends frames of 64 flows (varied addresses and UDP ports) into the peer; the kernel's flow
     * hash spreads them over the 4 queues. Batch reads of 16 and of 3 (fewer than the queues) get
     * every frame exactly once, byte-identical; every frame of a flow carries the same queue, and
     * each queue's frames come in the order sent; the per-queue stats are what each queue delivered.
     */
    @ParameterizedTest
    @EnumSource(XdpMode.class)
    @Privileged(tools = {"ip", Tools.PYTHON + ":scapy"})
    void framesOfManyFlowsAreReadInBatchesEachOnceWithTheirQueue(XdpMode mode) throws Exception {
        int frames = 600;
        try (VethPair veth = VethPair.create(QUEUES, 1500);
             XdpMultiQueue mq = XdpMultiQueue.open(veth.ifB(), nonBlocking().xdpMode(mode).networkNamespace(veth.nsB()).build())) {
            List<byte[]> sent = XdpMultiQueueFlowTest.sendWithScapy(veth, frames);
            boolean[] received = new boolean[frames];
            int[] perQueue = new int[QUEUES];
            int[] lastSeq = new int[QUEUES];
            Arrays.fill(lastSeq, -1);
            int[] queueOfFlow = new int[64];
            Arrays.fill(queueOfFlow, -1);
            long bytes = 0;
            int count = 0;
            boolean severalFromOneQueue = false;
            PacketBatch[] batches = {new PacketBatch(16), new PacketBatch(3)};
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int round = 0; count < frames; round++) {
                assertTrue(System.nanoTime() < deadline, () -> "received only some frames, per queue " + Arrays.toString(perQueue));
                PacketBatch batch = batches[round % 2];
                int k = mq.zeroCopyReadPackets(batch);
                assertEquals(k, batch.size());
                assertTrue(k <= batch.capacity());
                int[] inThisRead = new int[QUEUES];
                for (int i = 0; i < k; i++) {
                    Packet p = batch.get(i);
                    PacketInfo info = p.info();
                    int q = info.queueId();
                    assertTrue(q >= 0 && q < QUEUES, "queue id " + q);
                    assertEquals(p.length(), info.length());
                    assertEquals(p.length(), info.captureLength());
                    assertEquals(mq.interfaceIndex(), info.interfaceIndex());
                    int seq = p.getInt(XdpMultiQueueFlowTest.SEQ_OFFSET);
                    assertTrue(seq >= 0 && seq < frames, "sequence " + seq);
                    assertFalse(received[seq], "frame " + seq + " received twice");
                    assertArrayEquals(sent.get(seq), p.toArray(), "frame " + seq);
                    int flow = seq % 64;
                    if (queueOfFlow[flow] < 0) queueOfFlow[flow] = q;
                    assertEquals(queueOfFlow[flow], q, "flow " + flow + " (frame " + seq + ") arrived on two queues");
                    assertTrue(seq > lastSeq[q], "queue " + q + " delivered " + seq + " after " + lastSeq[q]);
                    lastSeq[q] = seq;
                    received[seq] = true;
                    if (++inThisRead[q] > 1) severalFromOneQueue = true;
                    perQueue[q]++;
                    bytes += p.length();
                    count++;
                }
            }
            assertTrue(severalFromOneQueue, "some read took more than one frame of a queue");
            int busy = 0;
            for (int q = 0; q < QUEUES; q++) if (perQueue[q] > 0) busy++;
            assertTrue(busy > 1, "flows spread over more than one queue: " + Arrays.toString(perQueue));

            XdpMultiQueueStats stats = mq.queueStats();
            long sum = 0;
            for (int q = 0; q < QUEUES; q++) {
                assertEquals(perQueue[q], stats.queue(q).rxPackets(), "rx packets of queue " + q);
                assertEquals(0, stats.queue(q).kernelRxDropsTotal(), "kernel drops on queue " + q + ": " + stats.queue(q));
                sum += stats.queue(q).rxPackets();
            }
            assertEquals(frames, sum, "the queues' rx packets add up to the frames sent");
            assertEquals(frames, stats.total().rxPackets());
            assertEquals(bytes, stats.total().rxBytes());
            assertEquals(0, mq.zeroCopyReadPackets(batches[0]), "nothing more");
        }
    }

    /**
     * What AF_XDP sends on queue q of one veth end arrives on queue q of the other: a ranged write
     * puts 100 frames on each queue, and the reads, once every frame is in its ring, show exactly
     * how a batch is shared. A share each (capacity / queues), the first place moving on; a batch of
     * one goes round the queues; leftover room goes to the queues that have more, so a busy queue
     * neither starves the others nor waits for them.
     */
    @Test
    void aBatchIsSharedFairlyOverTheQueuesAndEachFrameSaysItsQueue() throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 1500);
             XdpMultiQueue tx = XdpMultiQueue.open(veth.ifA(), nonBlocking().receive(false).networkNamespace(veth.nsA()).build());
             XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), nonBlocking().networkNamespace(veth.nsB()).build())) {
            byte[][] all = Frames.randomFrames(veth.macB(), veth.macA(), 406, 60, 1514, 41).toArray(new byte[0][]);
            assertEquals(400, tx.writePackets(all, 3, 400));
            awaitReady(rx, 100, 100, 100, 100);
            Expect expect = new Expect(all, 3, 100);

            // Shares of 4, in queue order from queue 0.
            PacketBatch sixteen = new PacketBatch(16);
            assertEquals(16, rx.zeroCopyReadPackets(sixteen));
            expect.queues(sixteen, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
            // One at a time: round the queues, from the one after the last read's first.
            PacketBatch one = new PacketBatch(1);
            for (int q : new int[] {1, 2, 3, 0}) {
                assertEquals(1, rx.zeroCopyReadPackets(one));
                expect.queues(one, q);
            }
            // Shares of 2 from queue 1, and the leftover 2 to the first queue.
            PacketBatch ten = new PacketBatch(10);
            assertEquals(10, rx.zeroCopyReadPackets(ten));
            expect.queues(ten, 1, 1, 2, 2, 3, 3, 0, 0, 1, 1);

            // The set lent these frames: queue 1's own release leaves them alone; the set's release ends every view.
            List<Packet> ofQueue1 = new ArrayList<>();
            for (int i = 0; i < ten.size(); i++) if (ten.get(i).info().queueId() == 1) ofQueue1.add(ten.get(i));
            assertEquals(4, ofQueue1.size());
            rx.socket(1).release();
            for (Packet p : ofQueue1) assertTrue(p.length() > 0, "still the set's: queue 1's release is not the set's");
            rx.release();
            for (Packet p : ofQueue1) assertEquals(0, p.length(), "a view of a frame given back to queue 1's kernel ring");

            // The next read ends the views of the previous one (here: of the other batch).
            PacketBatch[] drain = {new PacketBatch(64), new PacketBatch(64)};
            Packet previous = null;
            for (int round = 0; expect.total < 400; round++) {
                PacketBatch batch = drain[round % 2];
                int k = rx.zeroCopyReadPackets(batch);
                assertTrue(k > 0, () -> "frames left: " + (400 - expect.total));
                if (previous != null) assertEquals(0, previous.length(), "a view of the previous read");
                expect.inOrder(batch);
                previous = batch.get(k - 1);
            }
            PacketBatch sixtyFour = drain[0];

            // Uneven queues: 200 frames on queue 0, one on each other. Queue 0 gets its share and then
            // the room the others did not need; the others get theirs in the same read.
            byte[][] burst = Frames.randomFrames(veth.macB(), veth.macA(), 203, 60, 200, 42).toArray(new byte[0][]);
            assertEquals(200, tx.socket(0).writePackets(burst, 0, 200));
            for (int q = 1; q < QUEUES; q++) assertTrue(tx.socket(q).writePacket(burst[199 + q]));
            awaitReady(rx, 200, 1, 1, 1);
            assertEquals(16, rx.zeroCopyReadPackets(sixteen));
            int[] perQueue = new int[QUEUES];
            for (int i = 0; i < 16; i++) perQueue[sixteen.get(i).info().queueId()]++;
            assertArrayEquals(new int[] {13, 1, 1, 1}, perQueue);
            int left = 200 - 13;
            while (left > 0) {
                int k = rx.zeroCopyReadPackets(sixtyFour);
                for (int i = 0; i < k; i++) assertEquals(0, sixtyFour.get(i).info().queueId());
                left -= k;
                assertTrue(k > 0 && left >= 0, "queue 0's frames: " + left + " left");
            }

            // Queue 2's socket closed on its own: batch reads skip it, the others keep delivering
            // (what arrives on queue 2 now goes to the kernel stack).
            rx.socket(2).close();
            assertEquals(8, tx.writePackets(all, 0, 8));
            awaitReady(rx, 2, 2, -1, 2);
            assertEquals(6, rx.zeroCopyReadPackets(sixteen));
            int[] nextOf = new int[QUEUES];
            for (int i = 0; i < 6; i++) {
                int q = sixteen.get(i).info().queueId();
                assertTrue(q != 2, "a frame from the closed queue");
                assertArrayEquals(all[2 * q + nextOf[q]++], sixteen.get(i).toArray(), "frame of queue " + q);
            }
            assertEquals(0, rx.zeroCopyReadPackets(sixteen));
        }
    }

    /** Waits until queue q's RX ring holds {@code counts[q]} frames (-1: closed, not looked at). */
    private static void awaitReady(XdpMultiQueue rx, int... counts) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int[] ready = new int[counts.length];
        while (true) {
            boolean all = true;
            for (int q = 0; q < counts.length; q++) {
                if (counts[q] < 0) continue;
                ready[q] = rx.socket(q).receiver().framesReady();
                assertTrue(ready[q] <= counts[q], () -> "more frames than were sent: " + Arrays.toString(ready));
                all &= ready[q] == counts[q];
            }
            if (all) return;
            assertTrue(System.nanoTime() < deadline, () -> "frames in the rings " + Arrays.toString(ready)
                    + ", expected " + Arrays.toString(counts));
            Thread.sleep(5);
        }
    }

    /** What each queue must deliver next: chunk q of a ranged write, in order. */
    private static final class Expect {
        private final byte[][] frames;
        private final int from, chunk;
        private final int[] next = new int[QUEUES];
        int total;

        Expect(byte[][] frames, int from, int chunk) {
            this.frames = frames;
            this.from = from;
            this.chunk = chunk;
        }

        /** The batch holds, in order, the next frame of each of {@code queues}. */
        void queues(PacketBatch batch, int... queues) {
            assertEquals(queues.length, batch.size());
            for (int i = 0; i < queues.length; i++) {
                assertEquals(queues[i], batch.get(i).info().queueId(), "queue of frame " + i + " of the batch");
            }
            inOrder(batch);
        }

        /** Every frame of the batch is the next one of its queue. */
        void inOrder(PacketBatch batch) {
            for (int i = 0; i < batch.size(); i++) {
                Packet p = batch.get(i);
                int q = p.info().queueId();
                assertTrue(next[q] < chunk, "queue " + q + " delivered more than its chunk");
                assertArrayEquals(frames[from + q * chunk + next[q]], p.toArray(), "frame " + next[q] + " of queue " + q + "'s chunk");
                next[q]++;
                total++;
            }
        }
    }
}
