package io.xdppacket.internal.xsk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.util.ArrayDeque;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FILL ring's size against the kernel's lazy consumption of it. The kernel side here does what
 * {@code xskq_cons_peek_addr_unchecked} does: it takes entries up to the producer index it last
 * read, and only when those are used up publishes its consumer index and reads the producer again.
 * The reader gives every frame it got back at once. With {@link FillRing#sizeFor} entries, a refill
 * always fits, and the kernel never runs dry while the reader has frames for it; with a ring only as
 * large as the frames, refills are refused and the kernel finds the ring empty although the reader
 * holds nothing back by choice.
 */
class FillRingSizingTest {
    private static final int FRAMES = 256;

    @Test
    void sizeForIsTwiceTheFramesRoundedUpToAPowerOfTwo() {
        assertEquals(2, FillRing.sizeFor(1));
        assertEquals(2048, FillRing.sizeFor(1024));
        assertEquals(2048, FillRing.sizeFor(1000));
        assertEquals(4096, FillRing.sizeFor(1025));
        assertEquals(16384, FillRing.sizeFor(8192));
        assertEquals(1 << 21, FillRing.sizeFor(1 << 20));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void refillsAlwaysFitWithTwiceTheFrames(long seed) {
        Result r = simulate(FillRing.sizeFor(FRAMES), seed);
        assertEquals(0, r.refused, "frames the FILL ring refused to take back");
        assertEquals(0, r.kernelFoundEmpty, "times the kernel found no buffer while the reader had frames for it");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void aRingOnlyAsLargeAsTheFramesRefusesRefillsAndRunsDry(long seed) {
        Result r = simulate(FRAMES, seed);
        assertTrue(r.refused > 0, "the ring refused returning frames");
        assertTrue(r.kernelFoundEmpty > 0, "the kernel found the ring empty while the reader had frames for it");
    }

    private record Result(long refused, long kernelFoundEmpty) {}

    /**
     * All frames start on FILL. Then, at random, the kernel receives a burst (each frame takes a FILL
     * entry, lazily, and goes to "RX"), or the reader takes what is on RX and gives it all back.
     */
    private static Result simulate(int ringSize, long seed) {
        try (Arena arena = Arena.ofConfined()) {
            KernelRing k = new KernelRing(arena, ringSize, 8);
            FillRing fill = k.fillRing();
            ArrayDeque<Long> waiting = new ArrayDeque<>(); // frames the reader holds for FILL
            for (int i = 0; i < FRAMES; i++) waiting.add((long) i * 2048);
            give(fill, waiting);
            int kernelCachedProd = k.producer(), kernelCons = k.consumer();
            ArrayDeque<Long> rx = new ArrayDeque<>();
            Random random = new Random(seed);
            long refused = 0, empty = 0;
            for (int step = 0; step < 20_000; step++) {
                if (random.nextBoolean()) {
                    int burst = 1 + random.nextInt(64);
                    for (int i = 0; i < burst; i++) {
                        if (kernelCons == kernelCachedProd) {
                            k.publishConsumer(kernelCons);      // __xskq_cons_release
                            kernelCachedProd = k.producer();    // __xskq_cons_peek
                            if (kernelCons == kernelCachedProd) {
                                // rx_fill_ring_empty_descs; a fault of the ring's size only if the reader has frames it could not give back
                                if (!waiting.isEmpty()) empty++;
                                continue;
                            }
                        }
                        rx.add(k.addressAt(kernelCons++));
                    }
                } else {
                    waiting.addAll(rx);
                    rx.clear();
                    give(fill, waiting);
                    refused += waiting.size();
                }
            }
            assertEquals(FRAMES, waiting.size() + rx.size() + (kernelCachedProd - kernelCons) + (k.producer() - kernelCachedProd),
                    "every frame is somewhere");
            return new Result(refused, empty);
        }
    }

    /** What the Receiver's refill does: as many as the ring takes, one submit. */
    private static void give(FillRing fill, ArrayDeque<Long> frames) {
        int n = Math.min(frames.size(), fill.free(frames.size()));
        int start = fill.reserve(n);
        for (int i = 0; i < n; i++) fill.setAddress(start + i, frames.poll());
        fill.submit();
    }
}
