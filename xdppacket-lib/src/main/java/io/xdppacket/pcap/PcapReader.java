package io.xdppacket.pcap;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

import static java.nio.file.StandardOpenOption.READ;

/**
 * Reads the packet records of a capture file, one at a time, for replay.
 *
 * <p>Formats: classic pcap with microsecond (0xa1b2c3d4) or nanosecond (0xa1b23c4d) timestamps in
 * either byte order; pcapng with any number of sections (each in its own byte order) and interfaces
 * (each with its own link type, if_tsresol and if_tsoffset), packets from Enhanced, Simple and the
 * obsolete Packet Blocks. Other pcapng blocks are skipped.
 *
 * <pre>{@code
 * try (PcapReader r = PcapReader.openForReplay(file)) {
 *     while (r.next()) r.copyFrame(umem, address);   // capturedLength() bytes
 * }
 * }</pre>
 *
 * <p>The file is read through one reusable direct buffer; {@link #next()} allocates nothing unless a
 * record is larger than every one before it (the buffer then grows) or a pcapng interface description
 * adds to the interface table. The frame of the current record lies in that buffer
 * ({@link #buffer()} at {@link #frameOffset()}) and is valid until the next call to {@code next()}.
 *
 * <p>Anything wrong with the file is a {@link PcapFormatException} that names the file, the problem
 * and the byte offset. Not thread-safe.
 */
public final class PcapReader implements Closeable {
    private static final int PCAP_MAGIC_MICROS = 0xA1B2C3D4;
    private static final int PCAP_MAGIC_NANOS = 0xA1B23C4D;
    private static final int BLOCK_SHB = 0x0A0D0D0A;
    private static final int BLOCK_IDB = 1;
    private static final int BLOCK_PB = 2;  // obsolete Packet Block, still written by old tools
    private static final int BLOCK_SPB = 3;
    private static final int BLOCK_EPB = 6;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int OPT_IF_TSRESOL = 9;
    private static final int OPT_IF_TSOFFSET = 14;
    /** pcapng default resolution when an interface has no if_tsresol: microseconds. */
    private static final byte TSRESOL_MICROS = 6;

    /** Above this a length field is taken as corruption rather than an invitation to allocate. */
    private static final int MAX_RECORD = 64 << 20;
    private static final int INITIAL_BUFFER = 1 << 20;
    private static final int ANY_LINK_TYPE = -1;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
            100_000_000L, 1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L,
            10_000_000_000_000L, 100_000_000_000_000L, 1_000_000_000_000_000L, 10_000_000_000_000_000L,
            100_000_000_000_000_000L, 1_000_000_000_000_000_000L};

    private final Path file;
    private final FileChannel channel;
    private final int requiredLinkType;
    private final boolean pcapng;

    /** Unread file bytes are [position, limit); byte i of the buffer is byte bufferStart + i of the file. */
    private ByteBuffer buf;
    private MemorySegment bufSegment;
    private long bufferStart;
    private boolean endOfFile;

    // classic pcap: from the file header
    private int pcapLinkType;
    private boolean pcapNanos;
    private int pcapMaxCaplen;

    // pcapng: the interfaces of the current section
    private int interfaceCount;
    private int[] ifLinkType = new int[4];
    private int[] ifSnaplen = new int[4];
    private byte[] ifTsresol = new byte[4];
    private long[] ifTsoffset = new long[4];

    // the current record
    private long recordOffset = -1;
    private int frameOffset;
    private int capturedLength;
    private int originalLength;
    private long timestampNanos;
    private boolean hasTimestamp;
    private int linkType;

    private PcapReader(Path file, int requiredLinkType) throws IOException {
        this.file = file;
        this.requiredLinkType = requiredLinkType;
        this.channel = FileChannel.open(file, READ);
        try {
            setBuffer(ByteBuffer.allocateDirect(INITIAL_BUFFER));
            buf.limit(0);
            this.pcapng = readFileHeader();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Opens a capture of any link type.
     *
     * @param file a pcap or pcapng file
     * @return the reader, before the first record
     * @throws IOException if the file cannot be read or is not a capture ({@link PcapFormatException})
     */
    public static PcapReader open(Path file) throws IOException {
        return new PcapReader(file, ANY_LINK_TYPE);
    }

    /**
     * Opens a capture to send its frames again: every record must be Ethernet, which is what AF_XDP
     * transmits. A pcapng record of another link type fails {@link #next()}; a classic pcap file, which
     * has one link type in its header, fails here already.
     *
     * @param file a pcap or pcapng file
     * @return the reader, before the first record
     * @throws IOException if the file cannot be read or is not an Ethernet capture ({@link PcapFormatException})
     */
    public static PcapReader openForReplay(Path file) throws IOException {
        return new PcapReader(file, LinkType.ETHERNET);
    }

    /** {@return the file being read} */
    public Path file() {
        return file;
    }

    // ---- the current record ----------------------------------------------------------------

    /** {@return bytes of the frame in the file} */
    public int capturedLength() {
        return capturedLength;
    }

    /** {@return the frame's length on the wire; more than {@link #capturedLength()} if the capture cut it} */
    public int originalLength() {
        return originalLength;
    }

    /** {@return capture time in nanoseconds since the epoch; 0 if {@link #hasTimestamp()} is false} */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** {@return whether the record has a timestamp: false only for pcapng Simple Packet Blocks, which carry none} */
    public boolean hasTimestamp() {
        return hasTimestamp;
    }

    /** {@return the record's link type ({@link LinkType})} */
    public int linkType() {
        return linkType;
    }

    /** {@return byte offset in the file of the record (pcap) or block (pcapng)} */
    public long recordOffset() {
        return recordOffset;
    }

    /** {@return the reader's buffer, holding the frame at {@link #frameOffset()}; valid until {@link #next()}} */
    public MemorySegment buffer() {
        return bufSegment;
    }

    /** {@return where the frame starts in {@link #buffer()}} */
    public long frameOffset() {
        return frameOffset;
    }

    /**
     * Copies the frame ({@link #capturedLength()} bytes) to {@code dst[dstOffset..]}.
     *
     * @param dst       the array
     * @param dstOffset where the frame's first byte goes
     */
    public void copyFrame(byte[] dst, int dstOffset) {
        MemorySegment.copy(bufSegment, ValueLayout.JAVA_BYTE, frameOffset, dst, dstOffset, capturedLength);
    }

    /**
     * Copies the frame ({@link #capturedLength()} bytes) to {@code dst} at {@code dstOffset}, e.g. into a frame to send.
     *
     * @param dst       the memory
     * @param dstOffset where the frame's first byte goes
     */
    public void copyFrame(MemorySegment dst, long dstOffset) {
        MemorySegment.copy(bufSegment, frameOffset, dst, dstOffset, capturedLength);
    }

    /**
     * Moves to the next packet record.
     *
     * @return false at the end of the file
     * @throws PcapFormatException if the file is truncated or malformed there, or the record's link type
     *                             is not accepted
     */
    public boolean next() throws IOException {
        return pcapng ? nextBlock() : nextPcapRecord();
    }

    /**
     * Goes back to the first record, for replaying a file again: reads the file header anew into the
     * same buffer, so a replay loop allocates nothing per pass.
     *
     * @throws IOException if the file cannot be read again
     */
    public void rewind() throws IOException {
        channel.position(0);
        bufferStart = 0;
        endOfFile = false;
        buf.clear().limit(0);
        interfaceCount = 0;
        recordOffset = -1;
        readFileHeader();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    // ---- file header -----------------------------------------------------------------------

    private boolean readFileHeader() throws IOException {
        if (!ensure(4)) {
            throw error(-1, buf.remaining() == 0 ? "empty file, not a pcap or pcapng capture"
                    : "only " + buf.remaining() + " bytes, not a pcap or pcapng capture");
        }
        int magic = buf.order(ByteOrder.BIG_ENDIAN).getInt(0);
        if (magic == BLOCK_SHB) return true;
        if (magic == PCAP_MAGIC_MICROS || magic == PCAP_MAGIC_NANOS) {
            buf.order(ByteOrder.BIG_ENDIAN);
        } else if (Integer.reverseBytes(magic) == PCAP_MAGIC_MICROS || Integer.reverseBytes(magic) == PCAP_MAGIC_NANOS) {
            buf.order(ByteOrder.LITTLE_ENDIAN);
        } else if ((magic >>> 16) == 0x1F8B) {
            throw error(-1, "gzip-compressed; decompress it first (gunzip)");
        } else {
            throw error(-1, "not a pcap or pcapng capture: unknown magic number 0x" + hex(magic));
        }
        pcapNanos = buf.getInt(0) == PCAP_MAGIC_NANOS;
        if (!ensure(24)) throw error(0, "truncated pcap file header: " + buf.remaining() + " of 24 bytes");
        int major = buf.getShort(4) & 0xFFFF;
        int minor = buf.getShort(6) & 0xFFFF;
        if (major != 2) throw error(0, "pcap version " + major + "." + minor + " is not supported (only 2.x)");
        int snaplen = buf.getInt(16);
        // libpcap accepts records up to 262144 bytes even when the header's snaplen is smaller.
        pcapMaxCaplen = snaplen < 0 || snaplen > MAX_RECORD ? MAX_RECORD : Math.max(snaplen, CaptureWriter.DEFAULT_SNAPLEN);
        // The upper bits may carry FCS information; the link type is the low 26 bits (LT_LINKTYPE in libpcap).
        pcapLinkType = buf.getInt(20) & 0x03FF_FFFF;
        checkLinkType(pcapLinkType, 0);
        buf.position(24);
        return false;
    }

    // ---- classic pcap ----------------------------------------------------------------------

    private boolean nextPcapRecord() throws IOException {
        long at = filePosition();
        if (!ensure(16)) {
            if (buf.remaining() == 0) return false;
            throw truncated(at, "record header", 16);
        }
        int p = buf.position();
        long seconds = Integer.toUnsignedLong(buf.getInt(p));
        long fraction = Integer.toUnsignedLong(buf.getInt(p + 4));
        int caplen = buf.getInt(p + 8);
        int origlen = buf.getInt(p + 12);
        if (caplen < 0 || caplen > pcapMaxCaplen) {
            throw error(at, "record claims " + Integer.toUnsignedString(caplen) + " captured bytes, more than the "
                    + pcapMaxCaplen + " a record can hold: the file is corrupt");
        }
        if (origlen < 0) throw error(at, "record claims an original length of " + Integer.toUnsignedString(origlen));
        if (!ensure(16 + caplen)) throw truncated(at, "record", 16 + caplen);
        p = buf.position(); // ensure() may have moved the data
        recordOffset = at;
        frameOffset = p + 16;
        capturedLength = caplen;
        originalLength = origlen;
        timestampNanos = seconds * NANOS_PER_SECOND + (pcapNanos ? fraction : fraction * 1000);
        hasTimestamp = true;
        linkType = pcapLinkType;
        buf.position(p + 16 + caplen);
        return true;
    }

    // ---- pcapng ----------------------------------------------------------------------------

    private boolean nextBlock() throws IOException {
        while (true) {
            long at = filePosition();
            if (!ensure(8)) {
                if (buf.remaining() == 0) return false;
                throw truncated(at, "block header", 8);
            }
            int type = buf.getInt(buf.position());
            if (type == BLOCK_SHB) setSectionByteOrder(at); // decides how to read the length
            int total = buf.getInt(buf.position() + 4);
            if (total < 12 || (total & 3) != 0 || total > MAX_RECORD) {
                throw error(at, "block of type 0x" + hex(type) + " has total length " + Integer.toUnsignedString(total)
                        + " (must be a multiple of 4, at least 12, at most " + MAX_RECORD + ")");
            }
            if (!ensure(total)) throw truncated(at, "block of type 0x" + hex(type), total);
            int p = buf.position();
            int trailer = buf.getInt(p + total - 4);
            if (trailer != total) {
                throw error(at, "block length " + total + " at the start and " + Integer.toUnsignedString(trailer)
                        + " at the end disagree");
            }
            boolean packet = switch (type) {
                case BLOCK_SHB -> readSectionHeader(at, p, total);
                case BLOCK_IDB -> readInterfaceDescription(at, p, total);
                case BLOCK_EPB -> readEnhancedPacket(at, p, total);
                case BLOCK_SPB -> readSimplePacket(at, p, total);
                case BLOCK_PB -> readObsoletePacket(at, p, total);
                default -> false; // name resolution, statistics, custom, ...: nothing to replay
            };
            buf.position(p + total);
            if (packet) return true;
        }
    }

    private void setSectionByteOrder(long at) throws IOException {
        if (!ensure(12)) throw truncated(at, "section header block", 12);
        int magic = buf.order(ByteOrder.BIG_ENDIAN).getInt(buf.position() + 8);
        if (magic == BYTE_ORDER_MAGIC) return;
        if (Integer.reverseBytes(magic) == BYTE_ORDER_MAGIC) {
            buf.order(ByteOrder.LITTLE_ENDIAN);
            return;
        }
        throw error(at, "section header block has byte-order magic 0x" + hex(magic) + ", not 0x1a2b3c4d either way round");
    }

    private boolean readSectionHeader(long at, int p, int total) throws IOException {
        if (total < 28) throw error(at, "section header block of " + total + " bytes, less than the minimum 28");
        int major = buf.getShort(p + 12) & 0xFFFF;
        int minor = buf.getShort(p + 14) & 0xFFFF;
        if (major != 1) throw error(at, "pcapng version " + major + "." + minor + " is not supported (only 1.x)");
        interfaceCount = 0; // interface ids are per section
        return false;
    }

    private boolean readInterfaceDescription(long at, int p, int total) throws IOException {
        if (total < 20) throw error(at, "interface description block of " + total + " bytes, less than the minimum 20");
        if (interfaceCount == ifLinkType.length) {
            int n = interfaceCount * 2;
            ifLinkType = Arrays.copyOf(ifLinkType, n);
            ifSnaplen = Arrays.copyOf(ifSnaplen, n);
            ifTsresol = Arrays.copyOf(ifTsresol, n);
            ifTsoffset = Arrays.copyOf(ifTsoffset, n);
        }
        int id = interfaceCount;
        ifLinkType[id] = buf.getShort(p + 8) & 0xFFFF;
        ifSnaplen[id] = buf.getInt(p + 12);
        ifTsresol[id] = TSRESOL_MICROS;
        ifTsoffset[id] = 0;
        int end = p + total - 4;
        for (int o = p + 16; o + 4 <= end; ) {
            int code = buf.getShort(o) & 0xFFFF;
            int length = buf.getShort(o + 2) & 0xFFFF;
            if (code == 0) break; // opt_endofopt
            if (o + 4 + length > end) {
                throw error(at, "interface description block has option " + code + " of " + length
                        + " bytes running past the end of the block");
            }
            if (code == OPT_IF_TSRESOL && length >= 1) {
                byte r = buf.get(o + 4);
                int exponent = r & 0x7F;
                if (r < 0 ? exponent > 63 : exponent > 18) {
                    throw error(at, "interface " + id + " has if_tsresol " + (r < 0 ? "2^-" : "10^-") + exponent
                            + " s, finer than we can convert to nanoseconds in 64 bits");
                }
                ifTsresol[id] = r;
            } else if (code == OPT_IF_TSOFFSET && length >= 8) {
                ifTsoffset[id] = buf.getLong(o + 4);
            }
            o += 4 + ((length + 3) & ~3);
        }
        interfaceCount++;
        return false;
    }

    private boolean readEnhancedPacket(long at, int p, int total) throws IOException {
        if (total < 32) throw error(at, "enhanced packet block of " + total + " bytes, less than the minimum 32");
        int id = buf.getInt(p + 8);
        return readPacket(at, id, p, total, 28, buf.getInt(p + 20), buf.getInt(p + 24),
                true, buf.getInt(p + 12), buf.getInt(p + 16));
    }

    private boolean readObsoletePacket(long at, int p, int total) throws IOException {
        if (total < 32) throw error(at, "packet block of " + total + " bytes, less than the minimum 32");
        int id = buf.getShort(p + 8) & 0xFFFF;
        return readPacket(at, id, p, total, 28, buf.getInt(p + 20), buf.getInt(p + 24),
                true, buf.getInt(p + 12), buf.getInt(p + 16));
    }

    private boolean readSimplePacket(long at, int p, int total) throws IOException {
        if (total < 16) throw error(at, "simple packet block of " + total + " bytes, less than the minimum 16");
        int origlen = buf.getInt(p + 8);
        // The captured length is implicit: the original length cut to the interface's snaplen (0: none).
        // readPacket() checks that the block holds that many bytes; the rest of the block is padding.
        long caplen = Integer.toUnsignedLong(origlen);
        if (interfaceCount > 0 && ifSnaplen[0] != 0) caplen = Math.min(caplen, Integer.toUnsignedLong(ifSnaplen[0]));
        return readPacket(at, 0, p, total, 12, (int) Math.min(caplen, Integer.MAX_VALUE), origlen, false, 0, 0);
    }

    /** The common part of the packet blocks: the frame starts at {@code p + dataStart}. */
    private boolean readPacket(long at, int id, int p, int total, int dataStart, int caplen, int origlen,
                               boolean timestamped, int tsHigh, int tsLow) throws IOException {
        if (id < 0 || id >= interfaceCount) {
            throw error(at, "packet refers to interface " + Integer.toUnsignedString(id) + ", but the section has "
                    + interfaceCount + " interface description" + (interfaceCount == 1 ? "" : "s") + " before it");
        }
        if (caplen < 0 || caplen > total - dataStart - 4) {
            throw error(at, "packet claims " + Integer.toUnsignedString(caplen) + " captured bytes in a block of "
                    + total + " bytes");
        }
        if (origlen < 0) throw error(at, "packet claims an original length of " + Integer.toUnsignedString(origlen));
        checkLinkType(ifLinkType[id], at);
        recordOffset = at;
        frameOffset = p + dataStart;
        capturedLength = caplen;
        originalLength = origlen;
        linkType = ifLinkType[id];
        hasTimestamp = timestamped;
        timestampNanos = timestamped
                ? toNanos((long) tsHigh << 32 | Integer.toUnsignedLong(tsLow), ifTsresol[id]) + ifTsoffset[id] * NANOS_PER_SECOND
                : 0;
        return true;
    }

    /** Converts a pcapng timestamp in units of if_tsresol to nanoseconds. */
    private static long toNanos(long ticks, byte tsresol) {
        int exponent = tsresol & 0x7F;
        if (tsresol >= 0) { // 10^-exponent seconds
            return exponent <= 9 ? ticks * POW10[9 - exponent] : Long.divideUnsigned(ticks, POW10[exponent - 9]);
        }
        // 2^-exponent seconds: whole seconds, plus the binary fraction scaled to nanoseconds
        if (exponent == 0) return ticks * NANOS_PER_SECOND;
        long seconds = ticks >>> exponent;
        long fraction = ticks << (64 - exponent); // as a 64-bit binary fraction of a second
        return seconds * NANOS_PER_SECOND + Math.unsignedMultiplyHigh(fraction, NANOS_PER_SECOND);
    }

    // ---- buffer ----------------------------------------------------------------------------

    /** Takes a fresh buffer: its segment view spans position..limit, which must be the whole buffer. */
    private void setBuffer(ByteBuffer b) {
        buf = b;
        bufSegment = MemorySegment.ofBuffer(b);
    }

    private long filePosition() {
        return bufferStart + buf.position();
    }

    /**
     * Makes at least {@code n} unread bytes available from the position, reading more of the file (and
     * moving the unread bytes to the front, or into a larger buffer) if needed.
     *
     * @return false if the file ends first
     */
    private boolean ensure(int n) throws IOException {
        if (buf.remaining() >= n) return true;
        if (endOfFile) return false;
        bufferStart += buf.position();
        if (n > buf.capacity()) {
            ByteBuffer old = buf;
            setBuffer(ByteBuffer.allocateDirect(Math.max(n, old.capacity() * 2)).order(old.order()));
            buf.put(old);
        } else {
            buf.compact();
        }
        while (buf.position() < n) {
            if (channel.read(buf) < 0) {
                endOfFile = true;
                break;
            }
        }
        buf.flip();
        return buf.remaining() >= n;
    }

    // ---- errors ----------------------------------------------------------------------------

    private void checkLinkType(int type, long at) throws PcapFormatException {
        if (requiredLinkType != ANY_LINK_TYPE && type != requiredLinkType) {
            throw error(at, "link type " + LinkType.describe(type) + " cannot be replayed: only "
                    + LinkType.describe(requiredLinkType) + " frames can be sent");
        }
    }

    private PcapFormatException truncated(long at, String what, int needed) {
        return error(at, "truncated " + what + ": needs " + needed + " bytes, the file ends after " + buf.remaining());
    }

    private PcapFormatException error(long at, String problem) {
        return new PcapFormatException(file, at, problem);
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }
}
