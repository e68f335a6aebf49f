package io.xdppacket.internal.checksum;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The ones' complement sum of the Internet checksum (RFC 1071) over memory, shared by the header
 * views and {@code InetChecksum}: one loop, for arrays and segments alike.
 *
 * <p>Sums are unfolded {@code long}s. Adding 32-bit big-endian words instead of 16-bit ones gives a
 * sum that folds to the same 16 bits (2^16 is 1 modulo 2^16 - 1), so the loops take 8 bytes at a time
 * and add their two halves; no carry can reach bit 63 below 2^31 of them. Runs of 128 bytes or more
 * are copied, 2 KB at a time, into a per-thread {@code long[]} and summed there.
 */
public final class OnesComplement {
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final VarHandle LONG_ARRAY = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_ARRAY = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private static final ValueLayout.OfLong LONG_NATIVE = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    /** Below this many bytes the direct loop is as fast as the copy. */
    private static final int COPY_THRESHOLD = 128;
    /** Per thread: 2 KB, the longest run summed from one copy. */
    private static final ThreadLocal<long[]> SCRATCH = ThreadLocal.withInitial(() -> new long[256]);

    private OnesComplement() {}

    /** Adds {@code count} bytes of {@code s} from {@code offset} to {@code sum}; the caller checked the range. */
    public static long add(long sum, MemorySegment s, long offset, long count) {
        long at = offset;
        long end = offset + count;
        if (count >= COPY_THRESHOLD) {
            sum += addWords(s, at, count >>> 3);
            at += count & ~7L;
        }
        for (; at + 8 <= end; at += 8) {
            long w = s.get(LONG_BE, at);
            sum += (w >>> 32) + (w & 0xFFFF_FFFFL);
        }
        if (at + 4 <= end) {
            sum += s.get(INT_BE, at) & 0xFFFF_FFFFL;
            at += 4;
        }
        if (at + 2 <= end) {
            sum += s.get(SHORT_BE, at) & 0xFFFF;
            at += 2;
        }
        if (at < end) sum += (s.get(JAVA_BYTE, at) & 0xFF) << 8;
        return sum;
    }

    /**
     * The sum of {@code words} 8-byte words from {@code at}: copied into a long[] (a memcpy) and summed
     * there, in a loop C2 vectorises, several times faster than reading the segment 8 bytes at a time
     * (each segment access pays its checks). Apart, so that the short sums of headers stay small enough
     * to be inlined.
     */
    private static long addWords(MemorySegment s, long at, long words) {
        long[] scratch = SCRATCH.get();
        long sum = 0;
        while (words > 0) {
            int n = (int) Math.min(scratch.length, words);
            MemorySegment.copy(s, LONG_NATIVE, at, scratch, 0, n);
            sum += sumBigEndian(scratch, n);
            at += 8L * n;
            words -= n;
        }
        return sum;
    }

    /** The two 32-bit big-endian halves of {@code words[0 .. n)}, read in native order, summed. */
    private static long sumBigEndian(long[] words, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            long w = LITTLE_ENDIAN ? Long.reverseBytes(words[i]) : words[i];
            sum += (w >>> 32) + (w & 0xFFFF_FFFFL);
        }
        return sum;
    }

    /** Adds {@code data[offset .. offset+count)} to {@code sum}; the caller checked the range. */
    public static long add(long sum, byte[] data, int offset, int count) {
        if (count >= COPY_THRESHOLD) return add(sum, MemorySegment.ofArray(data), offset, count);
        int end = offset + count;
        int at = offset;
        for (; at + 8 <= end; at += 8) {
            long w = (long) LONG_ARRAY.get(data, at);
            sum += (w >>> 32) + (w & 0xFFFF_FFFFL);
        }
        if (at + 4 <= end) {
            sum += (int) INT_ARRAY.get(data, at) & 0xFFFF_FFFFL;
            at += 4;
        }
        if (at + 2 <= end) {
            sum += (data[at] & 0xFF) << 8 | data[at + 1] & 0xFF;
            at += 2;
        }
        if (at < end) sum += (data[at] & 0xFF) << 8;
        return sum;
    }

    /** Folds a sum to 16 bits with end-around carries. */
    public static int fold(long sum) {
        sum = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) ((sum & 0xFFFF) + (sum >>> 16));
    }
}
