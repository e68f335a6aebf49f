package io.xdppacket;

import org.junit.jupiter.api.Test;

import java.util.concurrent.Future;

import static io.xdppacket.EngineFixture.await;
import static io.xdppacket.EngineFixture.failureOf;
import static io.xdppacket.EngineFixture.frame;
import static io.xdppacket.EngineFixture.onOtherThread;
import static io.xdppacket.EngineFixture.options;
import static io.xdppacket.EngineFixture.resultOf;
import static io.xdppacket.EngineFixture.seqOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receive engine on a kernel played in memory: no root, no network. */
class ReceiverTest {

    @Test
    void everyFrameIsReadOnceInOrderWhateverTheReadKind() throws Exception {
        try (InMemorySocket s = new InMemorySocket(options(IoMode.NONBLOCK), 0, 32)) {
            Receiver r = s.receiver;
            PacketBatch batch = new PacketBatch(8);
            byte[] into = new byte[2048];
            PacketInfo info = new PacketInfo();
            int next = 0;
            for (int round = 0; round < 500; round++) {
                for (int i = 0; i < 20; i++) assertTrue(s.kernel().receive(frame(next + i)), "the kernel always has a buffer");
                int end = next + 20;
                while (next < end) {
                    switch (next % 4) {
                        case 0 -> {
                            int n = r.readBatch(batch);
                            for (int i = 0; i < n; i++) assertEquals(next++, seqOf(batch.get(i)));
                        }
                        case 1 -> assertEquals(next++, seqOf(r.readOne()));
                        case 2 -> assertEquals(next++, seqOf(r.readCopy(info)));
                        default -> {
                            assertEquals(64, r.readInto(into, 0, info));
                            assertEquals(next++, seqOf(into));
                        }
                    }
                }
            }
            assertNull(r.readOne(), "nothing left: NONBLOCK gives up");
            assertEquals(10_000, r.packets);
            assertEquals(0, s.kernel().rxFillRingEmpty + s.kernel().rxRingFull);
        }
    }

    /** A bad argument must be refused before a frame is taken: the frame stays for the next read. */
    @Test
    void badArgumentsTakeNoFrame() throws Exception {
        try (InMemorySocket s = new InMemorySocket(options(IoMode.NONBLOCK), 0, 32)) {
            Receiver r = s.receiver;
            PacketInfo info = new PacketInfo();
            assertTrue(s.kernel().receive(frame(-1)));
            for (int i = 0; i < 10_000; i++) {
                assertThrows(NullPointerException.class, () -> r.readInto(null, 0, info));
                assertThrows(IndexOutOfBoundsException.class, () -> r.readInto(new byte[8], 9, info));
                assertThrows(IndexOutOfBoundsException.class, () -> r.readInto(new byte[8], -1, info));
                assertThrows(NullPointerException.class, () -> r.readBatch(null));
            }
            assertEquals(-1, seqOf(r.readCopy(info)), "the frame waiting before the bad calls is still there");
            byte[] into = new byte[64];
            for (int seq = 0; seq < 10_000; seq++) {
                assertTrue(s.kernel().receive(frame(seq)), "frame " + seq + ": the kernel lacked a buffer");
                assertEquals(64, r.readInto(into, 0, info));
                assertEquals(seq, seqOf(into));
            }
            assertEquals(10_001, r.packets);
            assertEquals(0, s.kernel().rxFillRingEmpty + s.kernel().rxRingFull);
        }
    }

    @Test
    void aShortBufferGetsThePrefixAndTheWholeLength() throws Exception {
        try (InMemorySocket s = new InMemorySocket(options(IoMode.NONBLOCK), 0, 32)) {
            assertTrue(s.kernel().receive(frame(7)));
            byte[] small = new byte[20];
            PacketInfo info = new PacketInfo();
            assertEquals(64, s.receiver.readInto(small, 2, info));
            assertEquals(18, info.captureLength());
            assertEquals(64, info.length());
        }
    }

    /** Two readers at once would take the same descriptors twice: the second is refused, nothing taken. */
    @Test
    void aSecondReaderIsRefusedWhileTheFirstWaitsAndMayReadAfterIt() throws Exception {
        try (InMemorySocket s = new InMemorySocket(options(IoMode.BLOCK), 0, 32)) {
            Receiver r = s.receiver;
            Future<Packet> first = onOtherThread(r::readOne);
            await(() -> !r.guard().isIdle(), "the first reader is waiting");
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> r.readBatch(new PacketBatch()));
            assertTrue(refused.getMessage().contains("two threads read from InMemorySocket(queue 0) at once"), refused.getMessage());
            assertThrows(IllegalStateException.class, () -> r.readCopy(null));
            assertTrue(s.kernel().receive(frame(1)));
            assertEquals(1, seqOf(resultOf(first)));
            // Handing over between calls is fine.
            assertTrue(s.kernel().receive(frame(2)));
            assertEquals(2, seqOf(r.readCopy(null)));
        }
    }

    @Test
    void closeEndsABlockedRead() throws Exception {
        InMemorySocket s = new InMemorySocket(options(IoMode.BLOCK), 0, 32);
        Future<Packet> reader = onOtherThread(s.receiver::readOne);
        await(() -> !s.receiver.guard().isIdle(), "the reader is waiting");
        s.close();
        assertInstanceOf(XdpClosedException.class, failureOf(reader));
        assertThrows(XdpClosedException.class, s.receiver::readOne);
    }

    /** A deleted interface never makes the socket readable: the wait must ask, and end. */
    @Test
    void aBlockedReadEndsWhenTheInterfaceIsGone() throws Exception {
        try (InMemorySocket s = new InMemorySocket(options(IoMode.BLOCK), 0, 32)) {
            Future<Packet> reader = onOtherThread(s.receiver::readOne);
            await(() -> !s.receiver.guard().isIdle(), "the reader is waiting");
            s.kernel().goAway();
            Throwable t = failureOf(reader);
            assertInstanceOf(XdpException.class, t);
            assertFalse(t instanceof XdpClosedException);
            assertTrue(t.getMessage().contains("ENXIO") && t.getMessage().contains("the interface is gone"), t.getMessage());
        }
    }

    @Test
    void aBusyPollingReadEndsWhenTheInterfaceIsGone() throws Exception {
        XdpOptions spin = options(IoMode.BLOCK).toBuilder().busyPoll(XdpOptions.MAX_BUSY_POLL).build();
        try (InMemorySocket s = new InMemorySocket(spin, 0, 32)) {
            Future<Packet> reader = onOtherThread(s.receiver::readOne);
            await(() -> !s.receiver.guard().isIdle(), "the reader is spinning");
            s.kernel().goAway();
            assertTrue(failureOf(reader).getMessage().contains("the interface is gone"));
            assertEquals(0, s.receiver.polls, "it never slept");
        }
    }

    /** Zero-copy views end at the next read: their frames go back to FILL, and the views show nothing. */
    @Test
    void heldFramesReturnAtTheNextReadAndTheirViewsAreCleared() throws Exception {
        try (InMemorySocket s = new InMemorySocket(options(IoMode.NONBLOCK), 0, 32)) {
            PacketBatch batch = new PacketBatch(64);
            for (int i = 0; i < 64; i++) assertTrue(s.kernel().receive(frame(i)));
            assertFalse(s.kernel().receive(frame(64)), "all 64 RX frames are in use");
            assertEquals(64, s.receiver.readBatch(batch));
            Packet first = batch.get(0);
            assertEquals(0, s.kernel().fillEntries(), "held frames are not on FILL");
            assertEquals(0, s.receiver.readBatch(batch), "NONBLOCK: nothing new");
            assertEquals(0, first.length(), "the view was cleared");
            assertThrows(IndexOutOfBoundsException.class, () -> first.getByte(0));
            assertEquals(64, s.kernel().fillEntries(), "every frame is back for the kernel");
            assertEquals(1, s.kernel().rxFillRingEmpty);
        }
    }

    @Test
    void aSendOnlySocketRefusesReads() throws Exception {
        try (InMemorySocket s = new InMemorySocket(options(IoMode.BLOCK).toBuilder().receive(false).build(), 0, 32)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.receiver.readOne());
            assertTrue(e.getMessage().contains("receive(false)"));
            assertNotNull(e);
        }
    }
}
