package io.xdppacket;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Full duplex: each socket sends and receives at the same time, on the same interface, from two threads. */
@Privileged(tools = "ip")
class XdpSocketDuplexTest {
    private static final int FRAMES = 5_000;
    private static final int WINDOW = 128;

    @Test
    void bothSocketsSendAndReceiveConcurrently() throws Exception {
        try (VethPair veth = VethPair.create()) {
            List<byte[]> toB = Frames.randomFrames(veth.macB(), veth.macA(), FRAMES, 60, 1514, 21);
            List<byte[]> toA = Frames.randomFrames(veth.macA(), veth.macB(), FRAMES, 60, 1514, 22);
            try (XdpSocket a = XdpSocket.open(veth.ifA(), XdpOptions.builder().networkNamespace(veth.nsA()).build());
                 XdpSocket b = XdpSocket.open(veth.ifB(), XdpOptions.builder().networkNamespace(veth.nsB()).build())) {
                byte[][] atB = new byte[FRAMES][];
                byte[][] atA = new byte[FRAMES][];
                AtomicInteger countB = new AtomicInteger();
                AtomicInteger countA = new AtomicInteger();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                List<Thread> threads = List.of(
                        start("A-writer", failure, () -> write(a, toB, countB, failure)),
                        start("A-reader", failure, () -> read(a, atA, countA)),
                        start("B-writer", failure, () -> write(b, toA, countA, failure)),
                        start("B-reader", failure, () -> read(b, atB, countB)));
                for (Thread t : threads) t.join(30_000);
                assertNull(failure.get(), () -> "a thread failed: " + failure.get());
                assertEquals(FRAMES, countA.get(), "frames at A");
                assertEquals(FRAMES, countB.get(), "frames at B");
                for (int i = 0; i < FRAMES; i++) {
                    assertArrayEquals(toB.get(i), atB[i], "A→B frame " + i);
                    assertArrayEquals(toA.get(i), atA[i], "B→A frame " + i);
                }
                for (XdpSocket s : List.of(a, b)) {
                    assertTrue(s.flush(Duration.ofSeconds(5)));
                    XdpStats st = s.stats();
                    assertEquals(FRAMES, st.txPackets(), s + " tx");
                    assertEquals(FRAMES, st.rxPackets(), s + " rx");
                    assertEquals(FRAMES, st.txSent(), s + " sent");
                }
            }
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread start(String name, AtomicReference<Throwable> failure, Body body) {
        return Thread.ofPlatform().name(name).start(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
    }

    private static void write(XdpSocket s, List<byte[]> frames, AtomicInteger received, AtomicReference<Throwable> failed)
            throws Exception {
        for (int i = 0; i < frames.size(); i++) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (i - received.get() > WINDOW) {
                if (System.nanoTime() > deadline) throw new AssertionError("peer stopped receiving at " + received.get());
                if (failed.get() != null) return;
                Thread.onSpinWait();
            }
            assertTrue(s.writePacket(frames.get(i)));
        }
    }

    private static void read(XdpSocket s, byte[][] into, AtomicInteger count) throws Exception {
        PacketBatch batch = new PacketBatch();
        int n = 0;
        while (n < into.length) {
            int k = s.zeroCopyReadPackets(batch);
            for (int i = 0; i < k; i++) into[n++] = batch.get(i).toArray();
            count.set(n);
        }
    }
}
