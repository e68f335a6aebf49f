package io.xdppacket;

import io.xdppacket.testing.Allocations;
import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A million frames through a 4-queue veth: an XdpMultiQueue on one end spreads them over its queues,
 * one thread per queue reads them on the other end, concurrently. Every frame carries a sequence
 * number; none may be lost, duplicated or land on another queue than the one it was written to.
 */
@Privileged(tools = "ip")
class XdpMultiQueueLoadTest {
    private static final int QUEUES = 4;
    private static final int FRAMES = 1_000_000;
    private static final int FRAME_LENGTH = 64;
    /** Frames per writePacket call: 64 per queue, two TX kicks' worth each. */
    private static final int BATCH = 64 * QUEUES;
    /**
     * The writer keeps each queue at most this many frames ahead of its reader: test flow control,
     * so that no RX ring (1024) overflows. Drops would show in the kernel's counters, which must stay 0.
     */
    private static final int WINDOW_PER_QUEUE = 512;
    private static final long STALL_NANOS = 20_000_000_000L;

    @Test
    void oneReaderPerQueueReceivesAMillionFramesWithoutLossOrDuplicates() throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 1500)) {
            XdpOptions base = XdpOptions.builder().queueCount(QUEUES).numFrames(2048).build();
            try (XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), base.toBuilder().networkNamespace(veth.nsB()).build());
                 XdpMultiQueue tx = XdpMultiQueue.open(veth.ifA(), base.toBuilder().networkNamespace(veth.nsA()).build())) {
                int[] expected = expectedPerQueue();
                AtomicIntegerArray received = new AtomicIntegerArray(QUEUES);
                BitSet[] seen = new BitSet[QUEUES];
                AtomicReference<Throwable> failure = new AtomicReference<>();
                List<Thread> readers = new ArrayList<>();
                for (int q = 0; q < QUEUES; q++) {
                    int queue = q;
                    seen[q] = new BitSet(FRAMES);
                    readers.add(Thread.ofPlatform().name("rx-" + q).start(() -> {
                        try {
                            read(rx.socket(queue), expected[queue], seen[queue], received);
                        } catch (Throwable t) {
                            failure.compareAndSet(null, t);
                        }
                    }));
                }

                write(tx, received, readers, failure);
                for (Thread t : readers) t.join(60_000);
                if (readers.stream().anyMatch(Thread::isAlive) || failure.get() != null) {
                    String counts = received.toString();
                    rx.close(); // wakes the readers, which then fail with XdpClosedException
                    for (Thread t : readers) t.join(5_000);
                    assertNull(failure.get(), () -> "a thread failed (received per queue " + counts + "): " + failure.get());
                    fail("received per queue " + counts + ", expected " + java.util.Arrays.toString(expected));
                }

                BitSet all = new BitSet(FRAMES);
                for (int q = 0; q < QUEUES; q++) {
                    assertEquals(expected[q], seen[q].cardinality(), "distinct frames on queue " + q);
                    assertFalse(all.intersects(seen[q]), "a frame arrived on two queues");
                    all.or(seen[q]);
                }
                assertEquals(FRAMES, all.cardinality(), "every sequence number arrived");

                for (XdpSocket s : tx.sockets()) assertTrue(s.flush(Duration.ofSeconds(10)), s + " completes");
                XdpStats t = tx.stats();
                assertEquals(FRAMES, t.txPackets(), "tx packets");
                assertEquals(FRAMES, t.txCompleted(), "tx completed");
                assertEquals(0, t.txDropped(), "dropped by the driver: " + t);
                XdpMultiQueueStats rs = rx.queueStats();
                for (int q = 0; q < QUEUES; q++) {
                    assertEquals(expected[q], rs.queue(q).rxPackets(), "rx packets of queue " + q);
                    assertEquals(0, rs.queue(q).kernelRxDropsTotal(), "kernel drops on queue " + q + ": " + rs.queue(q));
                }
                assertEquals(FRAMES, rs.total().rxPackets());
            }
        }
    }

    /**
     * The one-thread multi-queue API allocates nothing per frame once compiled: writePacket of a list,
     * zeroCopyReadPacket into a reused batch. Any object per frame would cost at least 16 bytes × 512
     * per round; the best of the last 100 rounds must stay under one byte per frame. The warm-up is
     * long because a downcall that captures errno allocates its 40-byte capture state until C2 has
     * compiled the call site (FFM-NOTES), and that takes some 10,000 kicks.
     */
    @Test
    void theOneThreadApiAllocatesNothingPerFrame() throws Exception {
        int perRound = 512;
        try (VethPair veth = VethPair.create(QUEUES, 1500)) {
            XdpOptions base = XdpOptions.builder().queueCount(QUEUES).ioMode(IoMode.NONBLOCK).pollTimeout(Duration.ofMillis(1)).build();
            try (XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), base.toBuilder().networkNamespace(veth.nsB()).build());
                 XdpMultiQueue tx = XdpMultiQueue.open(veth.ifA(), base.toBuilder().networkNamespace(veth.nsA()).build())) {
                List<byte[]> frames = Frames.randomFrames(veth.macB(), veth.macA(), perRound, FRAME_LENGTH, FRAME_LENGTH, 6);
                PacketBatch batch = new PacketBatch(QUEUES);
                long best = Long.MAX_VALUE;
                long checksum = 0;
                long overhead = -Allocations.current() + Allocations.current();
                int rounds = 1500;
                for (int round = 0; round < rounds; round++) {
                    long before = Allocations.current();
                    assertEquals(perRound, tx.writePacket(frames));
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    for (int got = 0; got < perRound; ) {
                        int k = rx.zeroCopyReadPacket(batch);
                        for (int i = 0; i < k; i++) checksum += batch.get(i).getInt(Frames.SEQUENCE_OFFSET);
                        got += k;
                        if (k == 0 && System.nanoTime() > deadline) fail("round " + round + ": received " + got + " of " + perRound);
                    }
                    long allocated = Allocations.current() - before - overhead;
                    if (round >= rounds - 100) best = Math.min(best, allocated);
                }
                assertEquals((long) rounds * perRound * (perRound - 1) / 2, checksum, "every frame read once");
                assertTrue(best < perRound, "bytes allocated for " + perRound + " frames written and read: " + best);
            }
        }
    }

    /**
     * The same for the batch API a one-thread loop over all queues uses: writePacket of an array
     * range, zeroCopyReadPackets into a reused batch of 64. Below one byte per frame in the best of
     * the last 100 rounds.
     */
    @Test
    void theBatchReadAndTheRangedWriteAllocateNothingPerFrame() throws Exception {
        int perRound = 512;
        try (VethPair veth = VethPair.create(QUEUES, 1500)) {
            XdpOptions base = XdpOptions.builder().queueCount(QUEUES).ioMode(IoMode.NONBLOCK).pollTimeout(Duration.ofMillis(1)).build();
            try (XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), base.toBuilder().networkNamespace(veth.nsB()).build());
                 XdpMultiQueue tx = XdpMultiQueue.open(veth.ifA(), base.toBuilder().receive(false).networkNamespace(veth.nsA()).build())) {
                // The range starts at 3: frames outside it must not be touched (the nulls would throw).
                byte[][] frames = new byte[perRound + 5][];
                List<byte[]> made = Frames.randomFrames(veth.macB(), veth.macA(), perRound, FRAME_LENGTH, FRAME_LENGTH, 7);
                for (int i = 0; i < perRound; i++) frames[3 + i] = made.get(i);
                PacketBatch batch = new PacketBatch(64);
                long best = Long.MAX_VALUE;
                long checksum = 0;
                long overhead = -Allocations.current() + Allocations.current();
                int rounds = 1500;
                for (int round = 0; round < rounds; round++) {
                    long before = Allocations.current();
                    assertEquals(perRound, tx.writePackets(frames, 3, perRound));
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    for (int got = 0; got < perRound; ) {
                        int k = rx.zeroCopyReadPackets(batch);
                        for (int i = 0; i < k; i++) checksum += batch.get(i).getInt(Frames.SEQUENCE_OFFSET);
                        got += k;
                        if (k == 0 && System.nanoTime() > deadline) fail("round " + round + ": received " + got + " of " + perRound);
                    }
                    long allocated = Allocations.current() - before - overhead;
                    if (round >= rounds - 100) best = Math.min(best, allocated);
                }
                assertEquals((long) rounds * perRound * (perRound - 1) / 2, checksum, "every frame read once");
                assertEquals((long) rounds * perRound, rx.stats().rxPackets());
                assertTrue(best < perRound, "bytes allocated for " + perRound + " frames written and read: " + best);
            }
        }
    }

    /** How many frames each queue gets: writePacket gives queue q the q-th contiguous chunk of each batch. */
    private static int[] expectedPerQueue() {
        int[] perQueue = new int[QUEUES];
        for (int sent = 0; sent < FRAMES; sent += BATCH) {
            int n = Math.min(BATCH, FRAMES - sent);
            for (int q = 0; q < QUEUES; q++) perQueue[q] += n / QUEUES + (q < n % QUEUES ? 1 : 0);
        }
        return perQueue;
    }

    /** The queue frame {@code seq} is written to: its batch's chunk. */
    private static int queueOf(int seq) {
        int n = Math.min(BATCH, FRAMES - seq / BATCH * BATCH);
        int i = seq % BATCH;
        int base = n / QUEUES, longer = n % QUEUES;
        int q = 0;
        for (int start = 0; ; q++) {
            start += base + (q < longer ? 1 : 0);
            if (i < start) return q;
        }
    }

    /**
     * Writes FRAMES frames in batches through {@code tx}, reusing BATCH arrays (writePacket copies
     * them into the UMEM). Before each batch, waits until every queue has room in its window; gives
     * up when a reader died or made no progress for {@link #STALL_NANOS}, and the caller reports why.
     */
    private static void write(XdpMultiQueue tx, AtomicIntegerArray received, List<Thread> readers,
                              AtomicReference<Throwable> failure) throws Exception {
        Random random = new Random(5);
        List<byte[]> batch = new ArrayList<>();
        byte[] dst = {0x02, 0, 0, 0, 0, 0x0b};
        byte[] src = {0x02, 0, 0, 0, 0, 0x0a};
        for (int i = 0; i < BATCH; i++) batch.add(Frames.frame(dst, src, 0, FRAME_LENGTH, random));
        int[] sentTo = new int[QUEUES];
        for (int sent = 0; sent < FRAMES; ) {
            int n = Math.min(BATCH, FRAMES - sent);
            List<byte[]> frames = n == BATCH ? batch : batch.subList(0, n);
            for (int i = 0; i < n; i++) java.nio.ByteBuffer.wrap(frames.get(i)).putInt(Frames.SEQUENCE_OFFSET, sent + i);
            long deadline = System.nanoTime() + STALL_NANOS;
            for (int idle = 0; !roomInEveryWindow(sentTo, received, n); idle++) {
                if (failure.get() != null || readers.stream().noneMatch(Thread::isAlive) || System.nanoTime() > deadline) return;
                // Two vCPUs and four readers: spin briefly, then give the CPU away.
                if (idle < 64) Thread.onSpinWait();
                else if (idle < 256) Thread.yield();
                else LockSupport.parkNanos(20_000);
            }
            assertEquals(n, tx.writePacket(frames), "a BLOCK write takes every frame");
            for (int q = 0; q < QUEUES; q++) sentTo[q] += n / QUEUES + (q < n % QUEUES ? 1 : 0);
            sent += n;
        }
    }

    private static boolean roomInEveryWindow(int[] sentTo, AtomicIntegerArray received, int n) {
        for (int q = 0; q < QUEUES; q++) {
            if (sentTo[q] + (n + QUEUES - 1) / QUEUES - received.get(q) > WINDOW_PER_QUEUE) return false;
        }
        return true;
    }

    /** Reads {@code expected} frames from one queue (BLOCK mode), checking each sequence number. */
    private static void read(XdpSocket s, int expected, BitSet seen, AtomicIntegerArray received) throws Exception {
        PacketBatch batch = new PacketBatch(64);
        int queue = s.queueId();
        int count = 0;
        int last = -1;
        while (count < expected) {
            int k = s.zeroCopyReadPackets(batch);
            for (int i = 0; i < k; i++) {
                Packet p = batch.get(i);
                assertEquals(FRAME_LENGTH, p.length());
                assertEquals(queue, p.info().queueId());
                int seq = p.getInt(Frames.SEQUENCE_OFFSET);
                if (seq < 0 || seq >= FRAMES) throw new AssertionError("queue " + queue + ": sequence " + seq + " out of range");
                if (seen.get(seq)) throw new AssertionError("queue " + queue + ": frame " + seq + " twice");
                if (queueOf(seq) != queue) throw new AssertionError("frame " + seq + " written to queue " + queueOf(seq) + " arrived on " + queue);
                if (seq <= last) throw new AssertionError("queue " + queue + ": frame " + seq + " after " + last);
                seen.set(seq);
                last = seq;
            }
            count += k;
            received.lazySet(queue, count);
        }
    }
}
