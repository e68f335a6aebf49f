package io.xdppacket;

import io.xdppacket.internal.sys.IfXdp;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.xdppacket.EngineFixture.frame;
import static io.xdppacket.EngineFixture.options;
import static io.xdppacket.EngineFixture.seqOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Multi-buffer frames, forwarding without copying, and claimed frames, on kernels played in memory. */
class ZeroCopyEngineTest {

    private static XdpOptions multiBuffer(IoMode mode) {
        return options(mode).toBuilder().multiBuffer(MultiBuffer.ON).build();
    }

    /** A jumbo frame of {@code length} random bytes, with {@code seq} at offset 14. */
    static byte[] jumbo(int seq, int length, Random random) {
        byte[] f = new byte[length];
        random.nextBytes(f);
        ByteBuffer.wrap(f).putInt(14, seq);
        return f;
    }

    @Test
    void aJumboFrameIsOnePacketOfSeveralSegmentsReadWhole() throws Exception {
        try (InMemorySocket s = new InMemorySocket(multiBuffer(IoMode.NONBLOCK), 0, 32)) {
            Random random = new Random(1);
            byte[] f = jumbo(7, 9000, random);
            assertTrue(s.kernel().receive(f));
            PacketBatch batch = new PacketBatch(4);
            assertEquals(1, s.receiver.readBatch(batch), "one packet, not six descriptors");
            Packet p = batch.get(0);
            assertEquals(9000, p.length());
            assertEquals(6, p.segmentCount(), "1792 bytes per 2048-byte frame");
            assertEquals(1792, p.segmentLength(0));
            assertEquals(9000 - 5 * 1792, p.segmentLength(5));
            assertArrayEquals(f, p.toArray());
            assertEquals(ByteBuffer.wrap(f).getInt(1790), p.getInt(1790), "an int across two segments");
            assertEquals(ByteBuffer.wrap(f).getLong(8990), p.getLong(8990));
            long walked = 0;
            for (int i = 0; i < p.segmentCount(); i++) walked += p.segment(i).byteSize();
            assertEquals(9000, walked);
            assertThrows(IllegalStateException.class, p::segment, "no single slice of a frame in pieces");
            p.setInt(1790, 0x01020304);
            assertEquals(0x01020304, p.getInt(1790), "written across the boundary");
            assertEquals(9000, p.info().length());
            assertEquals(1, s.receiver.packets);

            assertTrue(s.kernel().receive(f));
            assertArrayEquals(f, s.receiver.readCopy(null), "a copy gathers the pieces");
            byte[] small = new byte[3000];
            assertTrue(s.kernel().receive(f));
            PacketInfo info = new PacketInfo();
            assertEquals(9000, s.receiver.readInto(small, 0, info));
            assertEquals(3000, info.captureLength());
            assertArrayEquals(Arrays.copyOf(f, 3000), small);
        }
    }

    /** Chains the kernel cut short or made too long are dropped whole and counted; their frames go back. */
    @Test
    void brokenChainsAreDroppedWholeAndCounted() throws Exception {
        try (InMemorySocket s = new InMemorySocket(multiBuffer(IoMode.NONBLOCK), 0, 32)) {
            int[] lengths = new int[20];
            int[] opts = new int[20];
            Arrays.fill(lengths, 1792);
            Arrays.fill(opts, IfXdp.XDP_PKT_CONTD);
            opts[19] = 0;  // a chain of 20: more than any packet may span
            s.kernel().receiveRaw(lengths, opts);
            s.kernel().receiveRaw(new int[] {100, 3000}, new int[] {IfXdp.XDP_PKT_CONTD, 0});  // 3000 > a frame: invalid
            byte[] good = frame(5);
            assertTrue(s.kernel().receive(good));
            PacketBatch batch = new PacketBatch(8);
            assertEquals(1, s.receiver.readBatch(batch), "only the good frame is delivered");
            assertEquals(5, seqOf(batch.get(0)));
            assertEquals(2, s.receiver.invalid);
            s.receiver.release();
            assertEquals(0, s.receiver.readBatch(batch));
            assertEquals(64, s.kernel().fillEntries(), "every frame of the broken chains went back to FILL");
        }
    }

    @Test
    void jumboWritesGoOutAsChainsAndCompleteOncePerFrame() throws Exception {
        try (InMemorySocket s = new InMemorySocket(multiBuffer(IoMode.BLOCK), 0, 32)) {
            List<byte[]> sent = new ArrayList<>();
            s.kernel().captureSent(sent);
            Random random = new Random(2);
            byte[][] frames = new byte[30][];
            for (int i = 0; i < frames.length; i++) frames[i] = jumbo(i, 1515 + random.nextInt(9000 - 1515), random);
            assertEquals(30, s.transmitter.writeBatch(frames, 0, 30), "more segments than the 64 TX frames: reclaimed on the way");
            byte[] one = jumbo(99, 9000, random);
            assertTrue(s.transmitter.write(one, 0, one.length));
            assertTrue(s.transmitter.flush(-1));
            assertEquals(31, sent.size());
            for (int i = 0; i < 30; i++) assertArrayEquals(frames[i], sent.get(i), "frame " + i);
            assertArrayEquals(one, sent.get(30));
            assertEquals(31, s.transmitter.packets);
            assertEquals(31, s.transmitter.completed, "a chain completes as one frame");
            assertEquals(17 * 1792, s.transmitter.maxFrame());
            assertThrows(IllegalArgumentException.class, () -> s.transmitter.write(new byte[17 * 1792 + 1], 0, 17 * 1792 + 1));
        }
    }

    /** Frames read on A are edited in place and sent out of B without a copy; they come home to A's FILL. */
    @Test
    void forwardedFramesLeaveWithTheirEditsAndComeHome() throws Exception {
        try (XdpUmem umem = XdpUmem.create(256, 2048);
             InMemorySocket a = new InMemorySocket(options(IoMode.NONBLOCK), 0, 32, umem);
             InMemorySocket b = new InMemorySocket(options(IoMode.NONBLOCK), 1, 32, umem)) {
            List<byte[]> sent = new ArrayList<>();
            b.kernel().captureSent(sent);
            PacketBatch batch = new PacketBatch(16);
            int next = 0;
            for (int round = 0; round < 100; round++) {  // 1600 frames through A's 64
                for (int i = 0; i < 16; i++) assertTrue(a.kernel().receive(frame(next + i)), "A never lacks a buffer");
                assertEquals(16, a.receiver.readBatch(batch));
                for (int i = 0; i < 16; i++) batch.get(i).setByte(0, (byte) 0x42);  // edit in place
                assertEquals(16, b.transmitter.forward(batch, 0, 16));
                assertEquals(0, batch.get(0).length(), "a forwarded view is cleared");
                next += 16;
            }
            assertTrue(b.transmitter.flush(-1));
            assertEquals(1600, sent.size());
            for (int i = 0; i < 1600; i++) {
                assertEquals(i, seqOf(sent.get(i)));
                assertEquals(0x42, sent.get(i)[0]);
            }
            assertEquals(1600, b.transmitter.forwarded);
            assertEquals(0, a.kernel().rxFillRingEmpty);
            assertEquals(0, b.transmitter.inFlight());
        }
    }

    @Test
    void aSocketForwardsBackOutOfItselfWithAUmemOfItsOwn() throws Exception {
        try (InMemorySocket s = new InMemorySocket(options(IoMode.NONBLOCK), 0, 32)) {
            List<byte[]> sent = new ArrayList<>();
            s.kernel().captureSent(sent);
            PacketBatch batch = new PacketBatch(32);
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < 32; i++) assertTrue(s.kernel().receive(frame(round * 32 + i)));
                assertEquals(32, s.receiver.readBatch(batch));
                assertEquals(32, s.transmitter.forward(batch, 0, 32));
            }
            assertEquals(1600, sent.size());
            assertEquals(0, s.kernel().rxFillRingEmpty);
        }
    }

    @Test
    void framesOfAnotherUmemOrNoFrameAreRefusedBeforeAnythingIsSent() throws Exception {
        try (InMemorySocket a = new InMemorySocket(options(IoMode.NONBLOCK), 0, 32);
             InMemorySocket b = new InMemorySocket(options(IoMode.NONBLOCK), 0, 32)) {
            PacketBatch batch = new PacketBatch(4);
            assertTrue(a.kernel().receive(frame(1)));
            assertEquals(1, a.receiver.readBatch(batch));
            var e = assertThrows(IllegalArgumentException.class, () -> b.transmitter.forward(batch, 0, 1));
            assertTrue(e.getMessage().contains("does not share this socket's UMEM"), e.getMessage());
            assertEquals(1, seqOf(batch.get(0)), "still shown: nothing was taken");
            assertEquals(1, a.transmitter.forward(batch, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> a.transmitter.forward(batch, 0, 1), "forwarded already");
        }
    }

    @Test
    void claimedFramesAreWrittenInPlaceAndSubmitted() throws Exception {
        try (InMemorySocket s = new InMemorySocket(multiBuffer(IoMode.BLOCK), 0, 32)) {
            List<byte[]> sent = new ArrayList<>();
            s.kernel().captureSent(sent);
            Transmitter t = s.transmitter;
            Packet p = t.claim(100);
            assertNotNull(p);
            p.copyFrom(frame(1), 0, 0, 64);
            p.setLength(64);
            assertThrows(IllegalStateException.class, () -> t.claim(100), "one claim at a time");
            assertTrue(t.submit(p));
            assertEquals(0, p.length());

            PacketBatch batch = new PacketBatch(16);
            assertEquals(16, t.claim(batch, 64));
            for (int i = 0; i < 16; i++) batch.get(i).copyFrom(frame(10 + i), 0, 0, 64);
            assertEquals(16, t.submit(batch));
            assertEquals(0, batch.size());

            Packet big = t.claim(9000);  // six frames; shortened to three before it goes
            big.copyFrom(jumbo(50, 5000, new Random(3)), 0, 0, 5000);
            big.setLength(5000);
            assertTrue(t.submit(big));

            assertEquals(16, t.claim(batch, 1000));
            t.abort(batch);
            assertTrue(t.flush(-1));
            assertEquals(18, sent.size());
            assertEquals(1, seqOf(sent.get(0)));
            for (int i = 0; i < 16; i++) assertEquals(10 + i, seqOf(sent.get(1 + i)));
            assertEquals(5000, sent.get(17).length);
            assertEquals(64, t.framesHere().length, "every TX frame is free again");
            assertThrows(IllegalArgumentException.class, () -> t.submit(batch.packets[0]), "aborted: nothing to submit");
        }
    }

    @Test
    void aBatchShowingAnotherReadsFramesIsNotOverwritten() throws Exception {
        try (InMemorySocket a = new InMemorySocket(options(IoMode.NONBLOCK), 0, 32);
             InMemorySocket b = new InMemorySocket(options(IoMode.NONBLOCK), 0, 32)) {
            PacketBatch batch = new PacketBatch(4);
            assertTrue(a.kernel().receive(frame(1)));
            assertTrue(b.kernel().receive(frame(2)));
            assertEquals(1, a.receiver.readBatch(batch));
            var e = assertThrows(IllegalStateException.class, () -> b.receiver.readBatch(batch));
            assertTrue(e.getMessage().contains("still shows frames read from another socket"), e.getMessage());
            assertEquals(1, seqOf(batch.get(0)));
            a.receiver.release();
            assertEquals(1, b.receiver.readBatch(batch));
            assertEquals(2, seqOf(batch.get(0)));
            assertFalse(a.receiver.framesHere().length == 0);
        }
    }
}
