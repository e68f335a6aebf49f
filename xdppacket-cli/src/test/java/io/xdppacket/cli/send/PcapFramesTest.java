package io.xdppacket.cli.send;

import io.xdppacket.pcap.CaptureWriter;
import io.xdppacket.cli.testing.Allocations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replay source without a socket: file order, loops, partial batches, no allocation once warm. */
class PcapFramesTest {
    @TempDir
    Path dir;

    /** {@code n} frames of random lengths 14..1792 and contents, written to {@code name}. */
    private List<byte[]> capture(String name, int n, long seed) throws IOException {
        Random rnd = new Random(seed);
        List<byte[]> frames = new ArrayList<>();
        try (CaptureWriter w = CaptureWriter.open(dir.resolve(name))) {
            for (int i = 0; i < n; i++) {
                byte[] f = new byte[14 + rnd.nextInt(1792 - 14 + 1)];
                rnd.nextBytes(f);
                frames.add(f);
                w.write(f, 0, f.length, f.length, 1_000_000_000L * i);
            }
        }
        return frames;
    }

    /** Takes everything the source gives, in batches of up to {@code batch}, writing {@code take} of each fill at a time. */
    private static List<byte[]> drain(FrameSource s, int batch, int take) throws IOException {
        List<byte[]> out = new ArrayList<>();
        while (true) {
            int n = s.fill(batch);
            if (n == 0) return out;
            for (int from = 0; from < n; from += take) {
                int k = Math.min(take, n - from);
                for (int i = from; i < from + k; i++) out.add(s.slots()[i].clone());
                s.written(from, k);
            }
        }
    }

    @Test
    void framesInFileOrderLoopedAndExact() throws IOException {
        for (String name : List.of("a.pcap", "a.pcapng")) {
            List<byte[]> frames = capture(name, 100, 5);
            try (PcapFrames s = new PcapFrames(dir.resolve(name), 3, 1792, 16)) {
                List<byte[]> got = drain(s, 16, 5);
                assertEquals(300, got.size());
                for (int i = 0; i < 300; i++) assertArrayEquals(frames.get(i % 100), got.get(i), name + " frame " + i);
                assertEquals(3, s.passes());
                assertEquals(0, s.fill(16), "stays at its end");
            }
        }
    }

    @Test
    void loopZeroGoesOnAndPartialFillsFollowTheAsk() throws IOException {
        List<byte[]> frames = capture("b.pcap", 7, 6);
        try (PcapFrames s = new PcapFrames(dir.resolve("b.pcap"), 0, 1792, 4)) {
            for (int round = 0; round < 50; round++) {
                int n = s.fill(3);
                assertEquals(3, n);
                for (int i = 0; i < n; i++) assertArrayEquals(frames.get((round * 3 + i) % 7), s.slots()[i]);
                s.written(0, n);
            }
            assertEquals(150 / 7 + 1, s.passes());
        }
    }

    @Test
    void replayAllocatesNothingOnceEveryLengthWasSeen() throws Exception {
        capture("c.pcapng", 500, 7);
        try (PcapFrames s = new PcapFrames(dir.resolve("c.pcapng"), 0, 1792, 64)) {
            long bytes = Allocations.of(() -> {
                for (int i = 0; i < 200; i++) { // 12800 frames: 25 passes over the file
                    int n = s.fill(64);
                    s.written(0, n);
                }
            });
            // Not exactly 0: a deoptimisation re-allocates objects the JIT had eliminated, some tens of bytes.
            // One allocation per frame would be hundreds of kilobytes.
            assertTrue(bytes < 1024, "allocated " + bytes + " bytes for 12800 frames");
        }
    }
}
