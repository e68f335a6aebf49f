package io.xdppacket;

import io.xdppacket.internal.bpf.XskMap;
import io.xdppacket.internal.sys.NetDevice;
import io.xdppacket.internal.sys.NetNs;
import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Open checks, close with blocked readers, a socket closed on its own: nothing crashes, nothing stays attached. */
@Privileged(tools = "ip")
class XdpMultiQueueLifecycleTest {
    private static final int QUEUES = 4;

    private static XdpOptions options(VethPair veth, String ns) {
        return XdpOptions.builder().queueCount(QUEUES).networkNamespace(ns).build();
    }

    /** The receiving end's options, with the default busyPoll or the longest (a reader that never sleeps). */
    private static XdpOptions waiting(VethPair veth, boolean busy) {
        return options(veth, veth.nsB()).toBuilder()
                .busyPoll(busy ? XdpOptions.MAX_BUSY_POLL : XdpOptions.DEFAULT_BUSY_POLL).build();
    }

    /** Readers that sleep in ppoll, or that busy-poll (never sleep): close ends both kinds of wait. */
    @ParameterizedTest(name = "busy-polling {0}")
    @ValueSource(booleans = {false, true})
    void closeWakesPerQueueReadersBlockedOnOtherThreads(boolean busy) throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 1500)) {
            XdpMultiQueue mq = XdpMultiQueue.open(veth.ifB(), waiting(veth, busy));
            assertTrue(veth.xdpAttached(veth.nsB(), veth.ifB()));
            List<AtomicReference<Throwable>> outcomes = new ArrayList<>();
            List<Thread> readers = new ArrayList<>();
            for (XdpSocket s : mq.sockets()) {
                AtomicReference<Throwable> outcome = new AtomicReference<>();
                outcomes.add(outcome);
                readers.add(Thread.ofPlatform().name("rx-" + s.queueId()).start(() -> {
                    try {
                        s.zeroCopyReadPackets(new PacketBatch());
                        outcome.set(new AssertionError("read returned without a frame"));
                    } catch (Throwable t) {
                        outcome.set(t);
                    }
                }));
            }
            Thread.sleep(200); // let them block in ppoll (or spin)
            for (Thread t : readers) assertTrue(t.isAlive(), "a BLOCK read waits for a frame");
            if (busy) assertEquals(0, mq.stats().rxPolls(), "busy-polling readers never sleep");
            mq.close();
            for (Thread t : readers) t.join(5_000);
            for (int q = 0; q < QUEUES; q++) {
                assertFalse(readers.get(q).isAlive(), "close woke reader " + q);
                Throwable t = outcomes.get(q).get();
                assertInstanceOf(XdpClosedException.class, t, "reader " + q + ": " + t);
                assertTrue(t.getMessage().contains("queue " + q) && t.getMessage().contains("closed"), t.getMessage());
                assertTrue(mq.socket(q).isClosed());
            }
            assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()), () -> veth.linkDetails(veth.nsB(), veth.ifB()));
            mq.close(); // twice is fine
        }
    }

    @ParameterizedTest(name = "busy-polling {0}")
    @ValueSource(booleans = {false, true})
    void closeWakesAMultiQueueReaderAndEveryCallAfterwardsSaysClosed(boolean busy) throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 1500)) {
            XdpMultiQueue mq = XdpMultiQueue.open(veth.ifB(), waiting(veth, busy));
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    mq.zeroCopyReadPacket(new PacketBatch(QUEUES));
                    outcome.set(new AssertionError("read returned without a frame"));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            Thread.sleep(200);
            assertTrue(reader.isAlive(), "a BLOCK read waits for a frame on any queue");
            if (busy) assertEquals(0, mq.stats().rxPolls(), "a busy-polling reader never sleeps");
            mq.close();
            reader.join(5_000);
            assertFalse(reader.isAlive(), "close woke the reader");
            XdpClosedException closed = assertInstanceOf(XdpClosedException.class, outcome.get());
            assertTrue(closed.getMessage().contains("XdpMultiQueue(" + veth.ifB()), closed.getMessage());
            assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()), () -> veth.linkDetails(veth.nsB(), veth.ifB()));
            assertTrue(mq.isClosed());

            byte[] frame = Frames.frame(veth.macB(), veth.macA(), 0, 60, new Random(1));
            assertThrows(XdpClosedException.class, () -> mq.zeroCopyReadPacket(new PacketBatch(QUEUES)));
            assertThrows(XdpClosedException.class, mq::readPacket);
            assertThrows(XdpClosedException.class, mq::release);
            assertThrows(XdpClosedException.class, () -> mq.writePacket(List.of(frame)));
            assertThrows(XdpClosedException.class, mq::stats);
            for (XdpSocket s : mq.sockets()) assertThrows(XdpClosedException.class, s::readPacketData);
            assertEquals(veth.ifB(), mq.interfaceName());
            assertEquals(QUEUES, mq.queueCount());
        }
    }

    /**
     * One socket closed while a multi-queue read waits on all of them: the read keeps waiting on the
     * others and gets their frames; the closed socket's queue is really released (a new socket can
     * bind to it), its fd not left open for the reader's sake.
     */
    @Test
    void aSocketClosedOnItsOwnLeavesTheOthersWorking() throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 1500);
             XdpMultiQueue tx = XdpMultiQueue.open(veth.ifA(), options(veth, veth.nsA()))) {
            XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), options(veth, veth.nsB()));
            LinkedBlockingQueue<Object[]> arrived = new LinkedBlockingQueue<>();
            AtomicReference<Throwable> end = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().name("mq-reader").start(() -> {
                PacketInfo[] infos = new PacketInfo[QUEUES];
                try {
                    while (true) {
                        List<byte[]> frames = rx.readPacket(infos);
                        for (int i = 0; i < frames.size(); i++) arrived.add(new Object[] {frames.get(i), infos[i].queueId()});
                    }
                } catch (Throwable t) {
                    end.set(t);
                }
            });
            try {
                Random random = new Random(2);
                byte[] first = Frames.frame(veth.macB(), veth.macA(), 1, 100, random);
                assertTrue(tx.socket(2).writePacket(first));
                assertArrival(arrived, first, 2);

                Thread.sleep(100); // the reader is back in ppoll, on all four sockets
                rx.socket(1).close();
                assertTrue(reader.isAlive(), "closing one socket does not end the multi-queue read: " + end.get());
                byte[] second = Frames.frame(veth.macB(), veth.macA(), 2, 200, random);
                assertTrue(tx.socket(3).writePacket(second));
                assertArrival(arrived, second, 3);

                // Queue 1 is free again: a new socket binds to it (bind fails with EBUSY while the old one lives).
                try (NetNs ns = NetNs.enter(veth.nsB()); XskMap scratch = XskMap.create(QUEUES)) {
                    XdpSocket again = XdpSocket.openQueue(veth.ifB(), NetDevice.ifindex(veth.ifB()), 1,
                            XdpOptions.defaults(), scratch, null);
                    assertEquals(1, again.queueId());
                    again.close();
                }
                XdpMultiQueueStats stats = rx.queueStats();
                assertEquals(0, stats.queue(1).rxPackets());
                assertEquals(2, stats.total().rxPackets());
            } finally {
                rx.close();
                reader.join(5_000);
            }
            assertFalse(reader.isAlive());
            assertInstanceOf(XdpClosedException.class, end.get());
            assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()), () -> veth.linkDetails(veth.nsB(), veth.ifB()));
        }
    }

    /** With every socket closed on its own the set is still open, but a read can never return: it says so. */
    @Test
    void readsSayClosedWhenEverySocketWasClosedOnItsOwn() throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 1500);
             XdpMultiQueue mq = XdpMultiQueue.open(veth.ifB(), options(veth, veth.nsB()))) {
            for (XdpSocket s : mq.sockets()) s.close();
            assertFalse(mq.isClosed());
            XdpClosedException e = assertThrows(XdpClosedException.class, () -> mq.zeroCopyReadPacket(new PacketBatch(QUEUES)));
            assertTrue(e.getMessage().contains("every socket of XdpMultiQueue(" + veth.ifB()), e.getMessage());
            assertThrows(XdpClosedException.class, mq::readPacket);
            assertEquals(QUEUES, mq.queueStats().perQueue().size(), "the counters of closed sockets stay readable");
            assertTrue(veth.xdpAttached(veth.nsB(), veth.ifB()), "the program stays until the set closes");
        }
    }

    private static void assertArrival(LinkedBlockingQueue<Object[]> arrived, byte[] frame, int queue) throws Exception {
        Object[] got = arrived.poll(10, TimeUnit.SECONDS);
        assertNotNull(got, "frame for queue " + queue + " did not arrive");
        assertArrayEquals(frame, (byte[]) got[0]);
        assertEquals(queue, got[1]);
    }

    @Test
    void queueCountIsCheckedAgainstTheInterfaceWithAClearError() throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 1500)) {
            XdpOptions five = XdpOptions.builder().queueCount(5).networkNamespace(veth.nsB()).build();
            XdpException e = assertThrows(XdpException.class, () -> XdpMultiQueue.open(veth.ifB(), five));
            String m = e.getMessage();
            assertTrue(m.contains("queueCount = 5") && m.contains(veth.ifB() + " has 4 RX queues"), m);
            assertTrue(m.contains("ethtool -l " + veth.ifB()) && m.contains("numrxqueues"), m);
            assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()));

            var single = assertThrows(IllegalArgumentException.class, () -> XdpSocket.open(veth.ifB(), options(veth, veth.nsB())));
            assertTrue(single.getMessage().contains("XdpMultiQueue"), single.getMessage());

            try (XdpMultiQueue one = XdpMultiQueue.open(veth.ifB(), five.toBuilder().queueCount(1).build())) {
                assertEquals(1, one.queueCount());
            }
            try (XdpMultiQueue all = XdpMultiQueue.open(veth.ifB(), options(veth, veth.nsB()))) {
                assertEquals(QUEUES, all.queueCount());
            }
        }
    }

    /** A send-only set binds to TX queues: its limit is the TX queues in use, not the RX queues. */
    @Test
    @Privileged(tools = {"ip", "ethtool"})
    void aSendOnlySetIsCheckedAgainstTheTxQueues() throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 1500)) {
            io.xdppacket.testing.Tools.run("ip", "netns", "exec", veth.nsA(), "ethtool", "-L", veth.ifA(), "tx", "2");
            XdpOptions sendOnly = XdpOptions.builder().queueCount(3).receive(false).networkNamespace(veth.nsA()).build();
            XdpException e = assertThrows(XdpException.class, () -> XdpMultiQueue.open(veth.ifA(), sendOnly));
            assertTrue(e.getMessage().contains("queueCount = 3") && e.getMessage().contains(veth.ifA() + " has 2 TX queues"),
                    e.getMessage());
            try (XdpMultiQueue two = XdpMultiQueue.open(veth.ifA(), sendOnly.toBuilder().queueCount(2).build())) {
                assertEquals(2, two.queueCount());
            }
            // A receiving set on the same interface counts its RX queues, still 4: 3 is fine.
            try (XdpMultiQueue three = XdpMultiQueue.open(veth.ifA(), sendOnly.toBuilder().receive(true).build())) {
                assertEquals(3, three.queueCount());
            }
        }
    }

    /**
     * The attach fails after every socket is open (native XDP refuses MTU 9000 to a program without
     * multi-buffer support): all of them are released.
     */
    @Test
    void aFailedOpenReleasesEverythingItCreated() throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 9000)) {
            XdpOptions drv = options(veth, veth.nsB()).toBuilder().xdpMode(XdpMode.DRV).multiBuffer(MultiBuffer.OFF).build();
            XdpException e = assertThrows(XdpException.class, () -> XdpMultiQueue.open(veth.ifB(), drv));
            assertEquals("ERANGE", e.errnoName(), e.getMessage());
            assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()));
            // Every queue can be bound again.
            try (XdpMultiQueue mq = XdpMultiQueue.open(veth.ifB(), drv.toBuilder().xdpMode(XdpMode.SKB).build())) {
                assertTrue(veth.xdpAttached(veth.nsB(), veth.ifB()));
            }
        }
    }

    /** NONBLOCK: no frame means an empty answer after the poll timeout, one ppoll over all queues. */
    @Test
    void nonBlockingReadsWithoutTrafficReturnNothing() throws Exception {
        try (VethPair veth = VethPair.create(QUEUES, 1500);
             XdpMultiQueue mq = XdpMultiQueue.open(veth.ifB(), options(veth, veth.nsB()).toBuilder()
                     .ioMode(IoMode.NONBLOCK).pollTimeout(Duration.ofMillis(10)).build())) {
            PacketBatch batch = new PacketBatch(QUEUES);
            for (int i = 0; i < 3; i++) {
                assertEquals(0, mq.zeroCopyReadPacket(batch));
                assertEquals(0, batch.size());
                assertTrue(mq.readPacket().isEmpty());
            }
            for (XdpStats s : mq.queueStats().perQueue()) assertTrue(s.rxPolls() >= 6, "every read waited on every queue: " + s);
            assertThrows(IllegalArgumentException.class, () -> mq.zeroCopyReadPacket(new PacketBatch(QUEUES - 1)));
            assertThrows(IllegalArgumentException.class, () -> mq.readPacket(new PacketInfo[QUEUES - 1]));
        }
    }

    /** No cap on the queue count (the seed's was 64): 72 queues, a frame sent on the last one arrives there. */
    @Test
    void moreQueuesThanTheSeedsLimitOf64() throws Exception {
        int queues = 72;
        try (VethPair veth = VethPair.create(queues, 1500)) {
            XdpOptions small = XdpOptions.builder().queueCount(queues).numFrames(64).ringSize(64).ioMode(IoMode.NONBLOCK)
                    .pollTimeout(Duration.ofMillis(5)).build();
            try (XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), small.toBuilder().networkNamespace(veth.nsB()).build());
                 XdpMultiQueue tx = XdpMultiQueue.open(veth.ifA(), small.toBuilder().networkNamespace(veth.nsA()).build())) {
                assertEquals(queues, rx.sockets().size());
                byte[] frame = Frames.frame(veth.macB(), veth.macA(), 71, 100, new Random(3));
                assertTrue(tx.socket(71).writePacket(frame));
                PacketBatch batch = new PacketBatch(queues);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (rx.zeroCopyReadPacket(batch) == 0) assertTrue(System.nanoTime() < deadline, "frame did not arrive");
                assertEquals(1, batch.size());
                assertEquals(71, batch.get(0).info().queueId());
                assertArrayEquals(frame, batch.get(0).toArray());
            }
            assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()));
        }
    }
}
