package io.xdppacket;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.xdppacket.EngineFixture.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Who holds which frame, checked after every step of a long random mix of everything that moves
 * frames — the kernel receiving (single and multi-buffer frames), reads, releases, forwarding either
 * way between two sockets on one UMEM and back out of the same socket, copying writes, claims
 * submitted or aborted, kicks held back and let go — on kernels played in memory: every frame of the
 * UMEM is in exactly one place (the kernel's rings, a socket's free list, on its way home, or shown
 * by a view the application holds), never two, never none; and every frame sent is one that was
 * received or written, once, byte for byte.
 */
class FrameOwnershipTest {
    private static final int FRAME = 2048;

    @Test
    void everyFrameIsInExactlyOnePlaceThroughARandomMixOfOperations() throws Exception {
        XdpOptions o = options(IoMode.NONBLOCK).toBuilder().multiBuffer(MultiBuffer.ON).pollTimeout(java.time.Duration.ofNanos(1000)).build();
        Random random = new Random(20261202);
        try (XdpUmem umem = XdpUmem.create(256, FRAME);
             InMemorySocket a = new InMemorySocket(o, 0, 32, umem);
             InMemorySocket b = new InMemorySocket(o, 1, 32, umem)) {
            List<byte[]> sentA = new ArrayList<>(), sentB = new ArrayList<>();
            a.kernel().captureSent(sentA);
            b.kernel().captureSent(sentB);
            InMemorySocket[] sockets = {a, b};
            PacketBatch[] reads = {new PacketBatch(8), new PacketBatch(8)};
            PacketBatch claims = new PacketBatch(4);
            Map<Integer, byte[]> originals = new HashMap<>();  // every frame received or written, by sequence number
            int seq = 0;
            for (int step = 0; step < 20_000; step++) {
                int s = random.nextInt(2);
                InMemorySocket me = sockets[s], other = sockets[1 - s];
                switch (random.nextInt(10)) {
                    case 0, 1 -> {  // the kernel receives a frame, sometimes one of several buffers
                        byte[] f = frame(seq, random.nextInt(4) == 0 ? 1800 + random.nextInt(4000) : 60 + random.nextInt(1700), random);
                        if (me.kernel().receive(f)) originals.put(seq++, f);
                    }
                    case 2 -> me.receiver.readBatch(reads[s]);
                    case 3 -> me.receiver.release();
                    case 4 -> forwardSome(reads[s], other.transmitter, random);  // out of the other socket
                    case 5 -> forwardSome(reads[s], me.transmitter, random);     // back out of the same one
                    case 6 -> {
                        byte[] f = frame(seq, 60 + random.nextInt(3000), random);
                        if (me.transmitter.writeBatch(new byte[][] {f}, 0, 1) == 1) originals.put(seq++, f);
                    }
                    case 7 -> {
                        if (claims.size() == 0) {
                            me.transmitter.claim(claims, 100 + random.nextInt(3000));
                            for (int i = 0; i < claims.size(); i++) {
                                byte[] f = frame(seq, claims.get(i).length(), random);
                                claims.get(i).copyFrom(f, 0, 0, f.length);
                                originals.put(seq++, f);
                            }
                        } else {
                            Transmitter owner = (Transmitter) claims.packets[0].owner;
                            if (random.nextBoolean()) owner.submit(claims);
                            else {
                                for (int i = 0; i < claims.size(); i++) originals.remove(seqOf(claims.get(i)));
                                owner.abort(claims);
                            }
                        }
                    }
                    case 8 -> me.kernel().stallTx(random.nextInt(3) == 0);
                    default -> me.transmitter.flush(0);
                }
                checkEveryFrameOnce(umem, sockets, new PacketBatch[] {reads[0], reads[1], claims}, step);
            }
            for (InMemorySocket x : sockets) x.kernel().stallTx(false);
            for (InMemorySocket x : sockets) assertTrue(x.transmitter.flush(-1));
            checkSent(sentA, originals);
            checkSent(sentB, originals);
            assertTrue(sentA.size() + sentB.size() > 1000, "the mix sent frames: " + (sentA.size() + sentB.size()));
        }
    }

    private static void forwardSome(PacketBatch batch, Transmitter out, Random random) throws XdpException {
        int shown = 0;
        while (shown < batch.size() && batch.packets[shown].owner != null) shown++;
        if (shown == 0) return;
        out.forward(batch, 0, 1 + random.nextInt(shown));
    }

    /** Every frame of the UMEM is in exactly one place. */
    private static void checkEveryFrameOnce(XdpUmem umem, InMemorySocket[] sockets, PacketBatch[] batches, int step) {
        Map<Long, String> where = new HashMap<>();
        for (InMemorySocket s : sockets) {
            String n = "socket " + s.queue;
            for (long f : s.kernel().framesInKernel(FRAME)) place(where, f, n + " kernel rings", step);
            for (long f : s.receiver.framesHere()) place(where, f, n + " receive side", step);
            for (long f : s.transmitter.framesHere()) place(where, f, n + " transmit side", step);
        }
        for (PacketBatch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                Packet p = b.packets[i];
                if (p.owner == null) continue;
                for (int k = 0; k < p.segmentCount(); k++) place(where, p.segmentAddress(k) & ~(FRAME - 1L), "a view", step);
            }
        }
        assertEquals(umem.frameCount(), where.size(), "step " + step + ": frames missing");
    }

    private static void place(Map<Long, String> where, long frame, String place, int step) {
        String before = where.put(frame, place);
        if (before != null) fail("step " + step + ": frame " + frame / FRAME + " is both in " + before + " and in " + place);
    }

    private static void checkSent(List<byte[]> sent, Map<Integer, byte[]> originals) {
        Set<Integer> seen = new HashSet<>();
        for (byte[] f : sent) {
            int n = seqOf(f);
            assertTrue(seen.add(n), "frame " + n + " sent twice");
            byte[] original = originals.get(n);
            if (original == null) fail("frame " + n + " was sent but never received or written");
            assertArrayEquals(original, f, "frame " + n + " changed");
        }
    }

    private static byte[] frame(int seq, int length, Random random) {
        byte[] f = new byte[length];
        random.nextBytes(f);
        ByteBuffer.wrap(f).putInt(14, seq);
        return f;
    }

    private static int seqOf(byte[] f) {
        return ByteBuffer.wrap(f).getInt(14);
    }

    private static int seqOf(Packet p) {
        return p.getInt(14);
    }
}
