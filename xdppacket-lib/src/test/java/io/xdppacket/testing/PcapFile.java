package io.xdppacket.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the frames of a classic pcap file, as tcpdump {@code -w} writes it, so that tests can
 * compare what an independent capture saw with what we sent. (Microsecond or nanosecond magic,
 * either byte order; nothing else.)
 */
public final class PcapFile {
    private PcapFile() {}

    /**
     * One captured frame: its bytes (caplen of them), its original length, and when the capture saw
     * it, in nanoseconds since the epoch (microsecond files: a multiple of 1000).
     */
    public record Record(byte[] data, int originalLength, long timestampNanos) {}

    public static List<Record> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        if (b.remaining() < 24) throw new IOException(file + ": " + b.remaining() + " bytes, no pcap header");
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
            b.order(ByteOrder.LITTLE_ENDIAN);
        } else if (Integer.reverseBytes(magic) == 0xa1b2c3d4 || Integer.reverseBytes(magic) == 0xa1b23c4d) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = Integer.reverseBytes(magic);
        } else {
            throw new IOException(file + ": not a classic pcap file (magic " + Integer.toHexString(magic) + ")");
        }
        long fractionNanos = magic == 0xa1b23c4d ? 1 : 1000;
        b.position(24);
        List<Record> records = new ArrayList<>();
        while (b.remaining() >= 16) {
            long seconds = Integer.toUnsignedLong(b.getInt());
            long fraction = Integer.toUnsignedLong(b.getInt()); // ts_usec or ts_nsec
            int caplen = b.getInt();
            int len = b.getInt();
            if (caplen > b.remaining()) throw new IOException(file + ": truncated record at offset " + (b.position() - 16));
            byte[] data = new byte[caplen];
            b.get(data);
            records.add(new Record(data, len, seconds * 1_000_000_000L + fraction * fractionNanos));
        }
        return records;
    }
}
