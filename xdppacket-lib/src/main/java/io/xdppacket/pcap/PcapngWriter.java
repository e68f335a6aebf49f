package io.xdppacket.pcap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes pcapng: one section header (SHB), one Ethernet interface (IDB, if_tsresol = 9: timestamps in
 * nanoseconds), then one Enhanced Packet Block (EPB) per frame.
 *
 * <p>EPB: type 6, total length, interface 0, timestamp high and low 32 bits, captured length, original
 * length, frame padded to 4 bytes, total length again.
 */
public final class PcapngWriter extends BufferedCaptureWriter {
    static final int BLOCK_SHB = 0x0A0D0D0A;
    static final int BLOCK_IDB = 1;
    static final int BLOCK_EPB = 6;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int OPT_ENDOFOPT = 0;
    static final int OPT_SHB_USERAPPL = 4;
    static final int OPT_IF_NAME = 2;
    static final int OPT_IF_TSRESOL = 9;
    /** if_tsresol value: 10^-9 s. */
    static final int TSRESOL_NANOS = 9;

    private static final int EPB_OVERHEAD = 32;

    /**
     * Creates (or truncates) {@code file} with the default snaplen and no interface name, and writes
     * the section and interface headers.
     *
     * @param file the file
     * @throws IOException if it cannot be created
     */
    public PcapngWriter(Path file) throws IOException {
        this(file, DEFAULT_SNAPLEN, null);
    }

    /**
     * Creates (or truncates) {@code file} and writes the section and interface headers.
     *
     * @param file          the file
     * @param snaplen       records keep at most this many bytes of a frame (1..{@value #DEFAULT_SNAPLEN})
     * @param interfaceName stored as the interface's if_name, where Wireshark shows it, if not null
     * @throws IOException              if it cannot be created
     * @throws IllegalArgumentException if the snaplen is out of range
     */
    public PcapngWriter(Path file, int snaplen, String interfaceName) throws IOException {
        super(file, snaplen);

        int start = beginBlock(BLOCK_SHB);
        buf.putInt(BYTE_ORDER_MAGIC);
        buf.putShort((short) 1).putShort((short) 0); // version 1.0
        buf.putLong(-1L);                            // section length: not given, so it can grow
        putOption(OPT_SHB_USERAPPL, "xdppacket");
        buf.putInt(OPT_ENDOFOPT);
        endBlock(start);

        start = beginBlock(BLOCK_IDB);
        buf.putShort((short) LinkType.ETHERNET);
        buf.putShort((short) 0);                     // reserved
        buf.putInt(snaplen);
        if (interfaceName != null) putOption(OPT_IF_NAME, interfaceName);
        buf.putShort((short) OPT_IF_TSRESOL).putShort((short) 1);
        buf.put((byte) TSRESOL_NANOS);
        pad4(1);
        buf.putInt(OPT_ENDOFOPT);
        endBlock(start);
    }

    private int beginBlock(int type) {
        int start = buf.position();
        buf.putInt(type);
        buf.putInt(0); // total length, set by endBlock
        return start;
    }

    private void endBlock(int start) {
        int length = buf.position() - start + 4;
        buf.putInt(start + 4, length);
        buf.putInt(length);
    }

    private void putOption(int code, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) throw new IllegalArgumentException("pcapng option value longer than 65535 bytes");
        buf.putShort((short) code).putShort((short) bytes.length);
        buf.put(bytes);
        pad4(bytes.length);
    }

    @Override
    void checkTimestamp(long timestampNanos) {
        // 64-bit nanoseconds: every non-negative long fits
    }

    @Override
    int recordLength(int caplen) {
        return EPB_OVERHEAD + padded4(caplen);
    }

    @Override
    void putRecordHeader(int caplen, int originalLength, long timestampNanos) {
        buf.putInt(BLOCK_EPB);
        buf.putInt(recordLength(caplen));
        buf.putInt(0); // interface id
        buf.putInt((int) (timestampNanos >>> 32));
        buf.putInt((int) timestampNanos);
        buf.putInt(caplen);
        buf.putInt(originalLength);
    }

    @Override
    void putRecordTrailer(int caplen) {
        pad4(caplen);
        buf.putInt(recordLength(caplen));
    }
}
