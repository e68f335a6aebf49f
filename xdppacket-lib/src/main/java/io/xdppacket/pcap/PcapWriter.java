package io.xdppacket.pcap;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes classic pcap with nanosecond timestamps (magic 0xa1b23c4d), link type Ethernet.
 *
 * <p>Record: seconds (u32), nanoseconds (u32), captured length, original length, frame. Seconds are
 * unsigned 32-bit, so timestamps end in 2106; past that, use pcapng.
 */
public final class PcapWriter extends BufferedCaptureWriter {
    static final int MAGIC_NANOS = 0xA1B23C4D;
    private static final int RECORD_HEADER = 16;
    private static final long MAX_SECONDS = 0xFFFF_FFFFL;

    /**
     * Creates (or truncates) {@code file} with the default snaplen and writes the file header.
     *
     * @param file the file
     * @throws IOException if it cannot be created
     */
    public PcapWriter(Path file) throws IOException {
        this(file, DEFAULT_SNAPLEN);
    }

    /**
     * Creates (or truncates) {@code file} and writes the file header.
     *
     * @param file    the file
     * @param snaplen records keep at most this many bytes of a frame (1..{@value #DEFAULT_SNAPLEN})
     * @throws IOException              if it cannot be created
     * @throws IllegalArgumentException if the snaplen is out of range
     */
    public PcapWriter(Path file, int snaplen) throws IOException {
        super(file, snaplen);
        buf.putInt(MAGIC_NANOS);
        buf.putShort((short) 2).putShort((short) 4); // version 2.4
        buf.putInt(0);                               // thiszone: timestamps are UTC
        buf.putInt(0);                               // sigfigs: always 0
        buf.putInt(snaplen);
        buf.putInt(LinkType.ETHERNET);
    }

    @Override
    int recordLength(int caplen) {
        return RECORD_HEADER + caplen;
    }

    @Override
    void checkTimestamp(long timestampNanos) {
        if (timestampNanos / 1_000_000_000L > MAX_SECONDS) {
            throw new IllegalArgumentException("timestamp " + timestampNanos
                    + " ns is past 2106, beyond pcap's 32-bit seconds; use pcapng");
        }
    }

    @Override
    void putRecordHeader(int caplen, int originalLength, long timestampNanos) {
        buf.putInt((int) (timestampNanos / 1_000_000_000L));
        buf.putInt((int) (timestampNanos % 1_000_000_000L));
        buf.putInt(caplen);
        buf.putInt(originalLength);
    }

    @Override
    void putRecordTrailer(int caplen) {
        // a pcap record ends with its frame
    }
}
