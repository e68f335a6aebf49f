package io.xdppacket.cli.frame;

/**
 * The Internet checksum (RFC 1071) used by IPv4 and UDP: the ones' complement of the ones' complement sum
 * of 16-bit big-endian words.
 *
 * <p>Sums are kept unfolded in a {@code long}: adding words to a partial sum and folding once at the end
 * gives the same result as folding after each addition, which is what makes incremental updates cheap
 * (sum the constant part once, add the few varying words per frame).
 */
public final class InetChecksum {
    private InetChecksum() {}

    /**
     * Adds the bytes {@code data[offset..offset+length)} to {@code sum} as big-endian 16-bit words, a final
     * odd byte padded with a zero byte. {@code offset} must fall on a word boundary of the checksummed
     * unit (it does for every header and payload we sum).
     */
    public static long add(long sum, byte[] data, int offset, int length) {
        int end = offset + length;
        int i = offset;
        for (; i + 1 < end; i += 2) sum += (data[i] & 0xFF) << 8 | data[i + 1] & 0xFF;
        if (i < end) sum += (data[i] & 0xFF) << 8;
        return sum;
    }

    /** Folds a sum to 16 bits by adding the carries back in (end-around carry). */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) sum;
    }

    /** The checksum field for a sum: ones' complement of the folded sum. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** The checksum of {@code data[offset..offset+length)} alone. */
    public static int of(byte[] data, int offset, int length) {
        return finish(add(0, data, offset, length));
    }
}
