package io.xdppacket;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;

import static io.xdppacket.EngineFixture.await;
import static io.xdppacket.EngineFixture.failureOf;
import static io.xdppacket.EngineFixture.frame;
import static io.xdppacket.EngineFixture.onOtherThread;
import static io.xdppacket.EngineFixture.options;
import static io.xdppacket.EngineFixture.resultOf;
import static io.xdppacket.EngineFixture.seqOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transmit engine on a kernel played in memory: no root, no network. */
class TransmitterTest {

    @Test
    void framesGoOutInOrderByteForByte() throws Exception {
        try (InMemorySocket s = new InMemorySocket(options(IoMode.BLOCK), 0, 32)) {
            List<byte[]> sent = new ArrayList<>();
            s.kernel().captureSent(sent);
            Transmitter t = s.transmitter;
            byte[][] batch = new byte[100][];
            for (int i = 0; i < 100; i++) batch[i] = frame(i);
            assertEquals(100, t.writeBatch(batch, 0, 100), "more than the 64 TX frames: the write reclaims as it goes");
            assertTrue(t.write(frame(100), 0, 64));
            assertTrue(t.write(MemorySegment.ofArray(frame(101))));
            assertTrue(t.write(ByteBuffer.wrap(frame(102))));
            assertTrue(t.flush(-1));
            assertEquals(103, sent.size());
            for (int i = 0; i < 103; i++) assertArrayEquals(frame(i), sent.get(i), "frame " + i);
            assertEquals(103, t.packets);
            assertEquals(103, t.completed);
            assertEquals(0, t.inFlight());
        }
    }

    /** A write over memory that cannot be read must give back the TX frame and slot it took. */
    @Test
    void failedWritesLeakNothing() throws Exception {
        try (InMemorySocket s = new InMemorySocket(options(IoMode.NONBLOCK), 0, 32)) {
            List<byte[]> sent = new ArrayList<>();
            s.kernel().captureSent(sent);
            Transmitter t = s.transmitter;
            MemorySegment gone;
            ByteBuffer goneBuffer;
            try (Arena a = Arena.ofShared()) {
                gone = a.allocate(64);
                goneBuffer = a.allocate(64).asByteBuffer();
            }
            CountDownLatch done = new CountDownLatch(1);
            MemorySegment[] foreign = new MemorySegment[1];
            CountDownLatch made = new CountDownLatch(1);
            Thread owner = Thread.ofPlatform().start(() -> {
                try (Arena mine = Arena.ofConfined()) {
                    foreign[0] = mine.allocate(64);
                    made.countDown();
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            made.await();
            for (int i = 0; i < 10_000; i++) {
                assertTrue(assertThrows(IllegalStateException.class, () -> t.write(gone)).getMessage().contains("arena is closed"));
                assertTrue(assertThrows(IllegalStateException.class, () -> t.write(foreign[0])).getMessage().contains("another thread"));
                assertThrows(IllegalStateException.class, () -> t.write(goneBuffer));
                assertEquals(0, goneBuffer.position(), "the buffer did not advance");
            }
            done.countDown();
            owner.join();
            assertEquals(0, t.inFlight(), "no frame was kept by a failed write");
            assertEquals(0, t.packets);
            for (int i = 0; i < 200; i++) assertTrue(t.write(frame(i), 0, 64), "frame " + i);
            assertTrue(t.flush(0), "everything completed: true without waiting");
            assertEquals(200, sent.size());
            for (int i = 0; i < 200; i++) assertEquals(i, seqOf(sent.get(i)));
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsWritten() throws Exception {
        try (InMemorySocket s = new InMemorySocket(options(IoMode.BLOCK), 0, 32)) {
            Transmitter t = s.transmitter;
            assertThrows(NullPointerException.class, () -> t.write((byte[]) null, 0, 0));
            assertThrows(NullPointerException.class, () -> t.write((MemorySegment) null));
            assertThrows(NullPointerException.class, () -> t.write((ByteBuffer) null));
            assertThrows(IndexOutOfBoundsException.class, () -> t.write(new byte[64], 10, 60));
            assertThrows(IllegalArgumentException.class, () -> t.write(new byte[13], 0, 13));
            assertThrows(IllegalArgumentException.class, () -> t.write(new byte[1793], 0, 1793));
            byte[][] batch = {frame(0), null, frame(2)};
            assertTrue(assertThrows(NullPointerException.class, () -> t.writeBatch(batch, 0, 3)).getMessage().contains("frame 1"));
            byte[][] tooLong = {frame(0), new byte[4000]};
            assertThrows(IllegalArgumentException.class, () -> t.writeBatch(tooLong, 0, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> t.writeBatch(new byte[2][], 1, 2));
            assertThrows(NullPointerException.class, () -> t.writeBatch((byte[][]) null, 0, 0));
            assertEquals(0, t.packets, "nothing was written");
            assertEquals(0, t.inFlight());
        }
    }

    /** Two writers at once would post frames over each other: the second is refused while the first waits for room. */
    @Test
    void aSecondWriterIsRefusedWhileTheFirstWaitsForRoom() throws Exception {
        try (InMemorySocket s = new InMemorySocket(options(IoMode.BLOCK), 0, 32)) {
            Transmitter t = s.transmitter;
            s.kernel().stallTx(true);
            byte[][] many = new byte[100][];
            Arrays.fill(many, frame(1));
            Future<Integer> first = onOtherThread(() -> t.writeBatch(many, 0, 100));
            await(() -> t.inFlight() == 64, "the first writer used every TX frame and waits");
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> t.write(frame(2), 0, 64));
            assertTrue(refused.getMessage().contains("two threads write to InMemorySocket(queue 0) at once"), refused.getMessage());
            assertThrows(IllegalStateException.class, () -> t.flush(0));
            s.kernel().stallTx(false);
            assertEquals(100, resultOf(first));
            assertTrue(t.write(frame(3), 0, 64), "handing over between calls is fine");
            assertTrue(t.flush(-1));
            assertEquals(101, t.completed);
        }
    }

    @Test
    void aBlockedWriteEndsWhenTheInterfaceIsGone() throws Exception {
        try (InMemorySocket s = new InMemorySocket(options(IoMode.BLOCK), 0, 32)) {
            Transmitter t = s.transmitter;
            s.kernel().stallTx(true);
            byte[][] many = new byte[100][];
            Arrays.fill(many, frame(1));
            Future<Integer> writer = onOtherThread(() -> t.writeBatch(many, 0, 100));
            await(() -> t.inFlight() == 64, "the writer waits for room");
            s.kernel().goAway();
            Throwable e = failureOf(writer);
            assertInstanceOf(XdpException.class, e);
            assertTrue(e.getMessage().contains("the interface is gone"), e.getMessage());
            assertThrows(XdpException.class, () -> t.flush(-1), "a flush cannot wait for frames that will never complete");
        }
    }

    @Test
    void flushGivesUpAfterItsLimitAndCloseEndsAnUnlimitedOne() throws Exception {
        InMemorySocket s = new InMemorySocket(options(IoMode.BLOCK), 0, 32);
        Transmitter t = s.transmitter;
        s.kernel().stallTx(true);
        assertTrue(t.write(frame(1), 0, 64));
        assertFalse(t.flush(5_000_000), "stalled: not complete in 5 ms");
        Future<Boolean> flush = onOtherThread(() -> t.flush(-1));
        await(() -> !t.guard().isIdle(), "the flush waits");
        s.close();
        assertInstanceOf(XdpClosedException.class, failureOf(flush));
    }
}
