package io.xdppacket.cli.send;

/**
 * Reusable frame arrays, kept by exact length: a batch write takes arrays that are exactly one frame
 * each, and replayed frames come in any length. An array goes back after the socket copied it into
 * the UMEM, so at most one batch of each length is ever out: once every length in the file has been
 * seen, taking and giving allocate nothing.
 */
final class FramePool {
    private final byte[][][] free;
    private final int[] count;
    private final int depth;

    /**
     * @param maxLength the longest frame
     * @param depth     the most arrays of one length out at once (the batch size)
     */
    FramePool(int maxLength, int depth) {
        this.free = new byte[maxLength + 1][][];
        this.count = new int[maxLength + 1];
        this.depth = depth;
    }

    /** An array of exactly {@code length} bytes (contents undefined). */
    byte[] take(int length) {
        int c = count[length];
        if (c == 0) return new byte[length];
        count[length] = c - 1;
        return free[length][c - 1];
    }

    /** Returns an array taken from this pool. */
    void give(byte[] frame) {
        int length = frame.length;
        byte[][] stack = free[length];
        if (stack == null) stack = free[length] = new byte[depth][];
        if (count[length] < depth) stack[count[length]++] = frame;
    }
}
