package io.xdppacket.packet;

import io.xdppacket.internal.checksum.OnesComplement;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The Internet checksum (RFC 1071) of IPv4, ICMP, ICMPv6, UDP and TCP: the ones' complement of the
 * ones' complement sum of 16-bit big-endian words; and its incremental update (RFC 1624).
 *
 * <p>The header views compute and check their own checksums ({@code Ipv4.updateChecksum()},
 * {@code Udp.updateChecksum(ip)}...); this class is for data elsewhere and for sums built in parts.
 * Sums are kept unfolded in a {@code long}: adding to a partial sum and folding once at the end gives
 * the same result as folding as you go, so the constant part of a header can be summed once and the
 * varying words added per frame. Nothing here allocates per call (a thread's first sum of 128 bytes
 * or more takes a 2 KB scratch array, which it keeps).
 */
public final class InetChecksum {
    private InetChecksum() {}

    /**
     * Adds {@code data[offset .. offset+length)} to {@code sum} as big-endian 16-bit words, a final odd
     * byte padded with a zero byte. {@code offset} must be at an even distance from the start of the
     * checksummed data.
     *
     * @param sum    a sum so far (0 to start)
     * @param data   the bytes
     * @param offset the first byte
     * @param length how many bytes
     * @return the new, unfolded sum
     * @throws IndexOutOfBoundsException if the range is not inside {@code data}
     */
    public static long add(long sum, byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        return OnesComplement.add(sum, data, offset, length);
    }

    /**
     * {@link #add(long, byte[], int, int)} over a memory segment.
     *
     * @param sum    a sum so far (0 to start)
     * @param data   the memory
     * @param offset the first byte
     * @param length how many bytes
     * @return the new, unfolded sum
     * @throws IndexOutOfBoundsException if the range is not inside {@code data}
     */
    public static long add(long sum, MemorySegment data, long offset, long length) {
        Objects.checkFromIndexSize(offset, length, data.byteSize());
        return OnesComplement.add(sum, data, offset, length);
    }

    /**
     * Folds a sum to 16 bits by adding the carries back in (end-around carry).
     *
     * @param sum an unfolded sum
     * @return the ones' complement sum, 0 .. 0xffff
     */
    public static int fold(long sum) {
        return OnesComplement.fold(sum);
    }

    /**
     * The checksum field for a sum: the ones' complement of the folded sum.
     *
     * @param sum an unfolded sum over everything the checksum covers, with the field itself as 0
     * @return the value for the checksum field, 0 .. 0xffff
     */
    public static int finish(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /**
     * The checksum of {@code data[offset .. offset+length)} alone.
     *
     * @param data   the bytes
     * @param offset the first byte
     * @param length how many bytes
     * @return the checksum, 0 .. 0xffff
     */
    public static int of(byte[] data, int offset, int length) {
        return finish(add(0, data, offset, length));
    }

    /**
     * The checksum of {@code length} bytes of {@code data} from {@code offset}.
     *
     * @param data   the memory
     * @param offset the first byte
     * @param length how many bytes
     * @return the checksum, 0 .. 0xffff
     */
    public static int of(MemorySegment data, long offset, long length) {
        return finish(add(0, data, offset, length));
    }

    /**
     * The checksum after one 16-bit word it covers changed from {@code oldWord} to {@code newWord},
     * without summing the data again: RFC 1624 equation 3, {@code HC' = ~(~HC + ~m + m')}, which never
     * turns a correct checksum into the wrong one of the two zeros.
     *
     * @param checksum the checksum field before the change
     * @param oldWord  the word before, 0 .. 0xffff
     * @param newWord  the word after, 0 .. 0xffff
     * @return the new checksum field
     */
    public static int adjust(int checksum, int oldWord, int newWord) {
        long sum = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }

    /**
     * {@link #adjust(int, int, int)} for a 32-bit value that changed (an IPv4 address, a TCP sequence
     * number): both of its words at once.
     *
     * @param checksum the checksum field before the change
     * @param oldValue the value before
     * @param newValue the value after
     * @return the new checksum field
     */
    public static int adjust32(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xFFFF) + (~oldValue >>> 16) + (~oldValue & 0xFFFF)
                + (newValue >>> 16) + (newValue & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }
}
