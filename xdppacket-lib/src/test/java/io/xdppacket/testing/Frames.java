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

    /**
     * An Ethernet/IPv4/UDP frame of {@code length} bytes (≥ 42), 198.18.0.1 → 198.18.0.2, port 9, with a
     * correct IPv4 header checksum and no UDP checksum: a frame the kernel's IP layer accepts and counts.
     */
    public static byte[] ipv4Udp(byte[] dst, byte[] src, int seq, int length) {
        byte[] f = new byte[length];
        ByteBuffer b = ByteBuffer.wrap(f);
        b.put(dst).put(src).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (length - 14)).putShort((short) seq).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(new byte[] {(byte) 198, 18, 0, 1}).put(new byte[] {(byte) 198, 18, 0, 2});
        int sum = 0;
        for (int i = 14; i < 34; i += 2) sum += ((f[i] & 0xff) << 8) | (f[i + 1] & 0xff);
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        b.putShort(24, (short) ~sum);
        b.position(34);
        b.putShort((short) 9).putShort((short) 9).putShort((short) (length - 34)).putShort((short) 0);
        return f;
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
