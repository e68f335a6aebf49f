package io.xdppacket.testing;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Test frames: Ethernet II with EtherType 0x88B5 (IEEE 802 local experimental, never touched by
 * the kernel stack), a 4-byte big-endian sequence number, then random bytes.
 */
public final class Frames {
    public static final int ETHERTYPE = 0x88B5;
    public static final int SEQUENCE_OFFSET = 14;

    private Frames() {}

    /** One frame of {@code length} bytes with sequence {@code seq}; payload bytes from {@code random}. */
    public static byte[] frame(byte[] dst, byte[] src, int seq, int length, Random random) {
        byte[] f = new byte[length];
        random.nextBytes(f);
        System.arraycopy(dst, 0, f, 0, 6);
        System.arraycopy(src, 0, f, 6, 6);
        f[12] = (byte) (ETHERTYPE >>> 8);
        f[13] = (byte) ETHERTYPE;
        ByteBuffer.wrap(f).putInt(SEQUENCE_OFFSET, seq);
        return f;
    }

    /** {@code count} frames with sequences 0.., random lengths in [minLength, maxLength]. */
    public static List<byte[]> randomFrames(byte[] dst, byte[] src, int count, int minLength, int maxLength, long seed) {
        Random random = new Random(seed);
        List<byte[]> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            frames.add(frame(dst, src, i, minLength + random.nextInt(maxLength - minLength + 1), random));
        }
        return frames;
    }

    /** The sequence number of a test frame. */
    public static int sequence(byte[] frame) {
        return ByteBuffer.wrap(frame).getInt(SEQUENCE_OFFSET);
    }

    /** For assertion messages: length and the first bytes in hex. */
    public static String describe(byte[] frame) {
        if (frame == null) return "null";
        int n = Math.min(frame.length, 32);
        return frame.length + " bytes " + HexFormat.of().formatHex(frame, 0, n) + (n < frame.length ? "..." : "");
    }
}
