package io.xdppacket;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Future;

import static io.xdppacket.EngineFixture.await;
import static io.xdppacket.EngineFixture.failureOf;
import static io.xdppacket.EngineFixture.onOtherThread;
import static io.xdppacket.EngineFixture.resultOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The set's calls and its sockets' calls share the rings: overlapping use is refused; a deleted interface ends a wait. */
class XdpMultiQueueMisuseTest {

    private static XdpOptions set(String ns) {
        return XdpOptions.builder().queueCount(2).numFrames(1024).networkNamespace(ns).build();
    }

    @Test
    @Privileged(tools = "ip")
    void theSetsReadAndASocketsReadAtOnceAreRefused() throws Exception {
        try (VethPair veth = VethPair.create(2, 1500);
             XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), set(veth.nsB()))) {
            Future<Integer> setRead = onOtherThread(() -> rx.zeroCopyReadPackets(new PacketBatch(16)));
            await(() -> !rx.socket(1).receiver().guard().isIdle(), "the set's read waits, holding every socket's reading side");
            var e = assertThrows(IllegalStateException.class, () -> rx.socket(1).readPacketData());
            assertTrue(e.getMessage().contains("an XdpMultiQueue's reads are the reading thread of every socket"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> rx.readPacket(), "two set reads at once");
            rx.close();
            assertInstanceOf(XdpClosedException.class, failureOf(setRead));
        }
    }

    @Test
    @Privileged(tools = "ip")
    void theSetsWritesAndFlushAreOneWriter() throws Exception {
        try (VethPair veth = VethPair.create(2, 1500);
             XdpMultiQueue tx = XdpMultiQueue.open(veth.ifA(), set(veth.nsA()).toBuilder().receive(false).build());
             XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), set(veth.nsB()))) {
            byte[] macA = veth.macA(), macB = veth.macB();
            byte[][] frames = new byte[256][];
            Random random = new Random(4);
            for (int i = 0; i < frames.length; i++) frames[i] = Frames.frame(macB, macA, i, 64, random);
            assertEquals(256, tx.writePackets(frames, 0, 256));
            assertTrue(tx.flush(Duration.ofSeconds(Long.MAX_VALUE)));
            assertThrows(IllegalArgumentException.class, () -> tx.flush(Duration.ofMillis(-1)));
            PacketBatch batch = new PacketBatch(64);
            int got = 0;
            while (got < 256) got += rx.zeroCopyReadPackets(batch);
            assertEquals(256, rx.stats().rxPackets());
        }
    }

    @Test
    @Privileged(tools = "ip")
    void aBlockedSetReadEndsWhenTheInterfaceIsDeleted() throws Exception {
        try (VethPair veth = VethPair.create(2, 1500);
             XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), set(veth.nsB()).toBuilder().busyPoll(Duration.ZERO).build())) {
            Future<Integer> reader = onOtherThread(() -> rx.zeroCopyReadPackets(new PacketBatch(16)));
            await(() -> rx.stats().rxPolls() > 0, "the reader sleeps in ppoll");
            Tools.run("ip", "-n", veth.nsB(), "link", "del", veth.ifB());
            Throwable t = failureOf(reader);
            assertInstanceOf(XdpException.class, t);
            assertFalse(t instanceof XdpClosedException);
            assertTrue(t.getMessage().contains("the interface is gone"), t.getMessage());
        }
    }

    @Test
    @Privileged(tools = "ip")
    void aSocketClosedOnItsOwnWhileTheSetWaitsIsSkipped() throws Exception {
        try (VethPair veth = VethPair.create(2, 1500);
             XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), set(veth.nsB()));
             XdpSocket tx = XdpSocket.open(veth.ifA(), XdpOptions.builder().receive(false).networkNamespace(veth.nsA()).build())) {
            byte[] macA = veth.macA(), macB = veth.macB();
            PacketBatch batch = new PacketBatch(16);
            Future<Integer> reader = onOtherThread(() -> rx.zeroCopyReadPackets(batch));
            await(() -> !rx.socket(1).receiver().guard().isIdle(), "the set's read waits");
            rx.socket(1).close();  // returns once the waiting reader let go of queue 1
            assertTrue(rx.socket(1).isClosed());
            // A send-only socket on vA queue 0 sends to vB queue 0.
            assertTrue(tx.writePacket(Frames.frame(macB, macA, 9, 64, new Random(5))));
            assertEquals(1, resultOf(reader));
            assertEquals(9, batch.get(0).getInt(Frames.SEQUENCE_OFFSET));
            assertEquals(0, batch.get(0).info().queueId());
        }
    }
}
