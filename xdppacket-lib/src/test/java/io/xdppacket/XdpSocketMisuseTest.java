package io.xdppacket;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Future;

import static io.xdppacket.EngineFixture.await;
import static io.xdppacket.EngineFixture.failureOf;
import static io.xdppacket.EngineFixture.onOtherThread;
import static io.xdppacket.EngineFixture.resultOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A caller's mistakes on a real socket — bad arguments, unreadable memory, two threads on one ring,
 * odd durations and names, an interface deleted under it — are refused or reported, and never cost
 * a frame: afterwards the socket sends, receives and closes like a fresh one.
 */
class XdpSocketMisuseTest {

    private static XdpOptions in(String ns) {
        return XdpOptions.builder().networkNamespace(ns).build();
    }

    @Test
    @Privileged(tools = "ip")
    void failedWritesLeakNoFrame() throws Exception {
        try (VethPair veth = VethPair.create();
             XdpSocket tx = XdpSocket.open(veth.ifA(), in(veth.nsA()));
             XdpSocket rx = XdpSocket.open(veth.ifB(), in(veth.nsB()))) {
            byte[] macA = veth.macA(), macB = veth.macB();
            MemorySegment gone;
            ByteBuffer goneBuffer;
            try (Arena a = Arena.ofShared()) {
                gone = a.allocate(64);
                goneBuffer = a.allocate(64).asByteBuffer();
            }
            for (int i = 0; i < 10_000; i++) {
                assertThrows(IllegalStateException.class, () -> tx.writePacket(gone));
                assertThrows(IllegalStateException.class, () -> tx.writePacket(goneBuffer));
            }
            assertEquals(0, tx.txInFlight());
            assertTrue(tx.flush(Duration.ofSeconds(1)), "nothing in flight");
            Random random = new Random(1);
            for (int seq = 0; seq < 2000; seq++) {
                byte[] f = Frames.frame(macB, macA, seq, 60 + seq % 1000, random);
                assertTrue(tx.writePacket(f));
                assertArrayEquals(f, rx.readPacketData(), "frame " + seq);
            }
            assertTrue(tx.flush(Duration.ofSeconds(1)));
            assertEquals(2000, tx.stats().txCompleted());
        }
    }

    @Test
    @Privileged(tools = "ip")
    void badReadArgumentsLoseNoFrame() throws Exception {
        try (VethPair veth = VethPair.create();
             XdpSocket tx = XdpSocket.open(veth.ifA(), in(veth.nsA()));
             XdpSocket rx = XdpSocket.open(veth.ifB(), in(veth.nsB()).toBuilder().ioMode(IoMode.NONBLOCK).build())) {
            byte[] macA = veth.macA(), macB = veth.macB();
            Random random = new Random(2);
            assertTrue(tx.writePacket(Frames.frame(macB, macA, -1, 100, random)));
            PacketInfo info = new PacketInfo();
            for (int i = 0; i < 10_000; i++) {
                assertThrows(NullPointerException.class, () -> rx.readPacketData(null, info));
                assertThrows(NullPointerException.class, () -> rx.zeroCopyReadPackets(null));
            }
            byte[] into = new byte[2048];
            assertEquals(100, rx.readPacketData(into, info), "the frame that waited through the bad calls");
            assertEquals(-1, Frames.sequence(into));
            byte[][] batch = new byte[50][];
            int received = 0;
            for (int round = 0; round < 200; round++) {
                for (int i = 0; i < 50; i++) batch[i] = Frames.frame(macB, macA, round * 50 + i, 64, random);
                assertEquals(50, tx.writePackets(batch));
                for (int i = 0; i < 50; i++) {
                    int n;
                    while ((n = rx.readPacketData(into, info)) < 0) Thread.onSpinWait();
                    assertEquals(64, n);
                    assertEquals(received++, Frames.sequence(into));
                }
            }
            XdpStats s = rx.stats();
            assertEquals(10_001, s.rxPackets());
            assertEquals(0, s.kernelRxDropsTotal());
        }
    }

    /** A deleted interface never makes a socket readable; a blocked read must still end, saying why. */
    @Test
    @Privileged(tools = "ip")
    void aBlockedReadEndsWhenTheInterfaceIsDeleted() throws Exception {
        try (VethPair veth = VethPair.create();
             XdpSocket rx = XdpSocket.open(veth.ifB(), in(veth.nsB()).toBuilder().busyPoll(Duration.ZERO).build())) {
            Future<byte[]> reader = onOtherThread(rx::readPacketData);
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
    void twoThreadsOnOneRingAreRefusedAndTakeTurnsFine() throws Exception {
        try (VethPair veth = VethPair.create();
             XdpSocket tx = XdpSocket.open(veth.ifA(), in(veth.nsA()));
             XdpSocket rx = XdpSocket.open(veth.ifB(), in(veth.nsB()))) {
            byte[] macA = veth.macA(), macB = veth.macB();
            Future<Packet> first = onOtherThread(rx::zeroCopyReadPacket);
            await(() -> !rx.receiver().guard().isIdle(), "the first reader waits");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> rx.readPacketData());
            assertTrue(e.getMessage().contains("a socket has one reading thread at a time"), e.getMessage());
            byte[] f = Frames.frame(macB, macA, 7, 80, new Random(3));
            assertTrue(tx.writePacket(f));
            Packet p = resultOf(first);
            assertNotNull(p);
            assertEquals(7, p.getInt(Frames.SEQUENCE_OFFSET));
            assertTrue(tx.writePacket(f));
            assertArrayEquals(f, rx.readPacketData(), "the other thread reads once the first is done");
        }
    }

    @Test
    @Privileged(tools = "ip")
    void flushTakesAnyNonNegativeDuration() throws Exception {
        try (VethPair veth = VethPair.create();
             XdpSocket tx = XdpSocket.open(veth.ifA(), in(veth.nsA()).toBuilder().receive(false).build())) {
            assertTrue(tx.flush(Duration.ofSeconds(Long.MAX_VALUE)), "a limit beyond a long of nanoseconds is no limit");
            assertTrue(tx.flush(Duration.ZERO));
            assertTrue(tx.flush(null));
            var e = assertThrows(IllegalArgumentException.class, () -> tx.flush(Duration.ofNanos(-1)));
            assertTrue(e.getMessage().contains("must not be negative"), e.getMessage());
        }
    }

    @Test
    void namesWithCharactersTheKernelCannotTakeAreRefused() {
        var ns = assertThrows(IllegalArgumentException.class, () -> XdpOptions.builder().networkNamespace("ns\0x").build());
        assertTrue(ns.getMessage().startsWith("networkNamespace: ") && ns.getMessage().contains("NUL"), ns.getMessage());
        var name = assertThrows(IllegalArgumentException.class, () -> XdpSocket.open("lo\0x"));
        assertTrue(name.getMessage().contains("NUL"), name.getMessage());
        assertThrows(IllegalArgumentException.class, () -> XdpMultiQueue.open("a\nb", XdpOptions.defaults()));
        assertThrows(IllegalArgumentException.class, () -> InterfaceInfo.lookup("lo", "x/y"));
    }
}
