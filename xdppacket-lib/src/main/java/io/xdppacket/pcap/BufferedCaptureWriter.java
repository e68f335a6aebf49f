package io.xdppacket.pcap;

import io.xdppacket.Packet;
import io.xdppacket.PacketInfo;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * The part of {@link PcapWriter} and {@link PcapngWriter} that is not format: argument checks, snaplen,
 * and the buffer. Subclasses write the file header in their constructor and frame each record.
 *
 * <p>The buffer is direct: a heap buffer handed to {@link FileChannel#write} is first copied into a
 * temporary direct one by the JDK. It holds at least one maximal record, so a record never straddles
 * a flush. Multi-byte fields are in the host's byte order, as libpcap writes them; readers accept both.
 */
abstract sealed class BufferedCaptureWriter implements CaptureWriter permits PcapWriter, PcapngWriter {
    private static final int BUFFER_SIZE = 1 << 20;
    /** Room for any record header and trailer (pcapng EPB: 28 + padding 3 + 4). */
    private static final int MAX_RECORD_OVERHEAD = 64;

    private final Path file;
    private final int snaplen;
    private final FileChannel channel;
    /** The write buffer the subclass appends records to; flushed to the file when it fills. */
    protected final ByteBuffer buf;
    private final MemorySegment bufSegment;
    private boolean closed;

    BufferedCaptureWriter(Path file, int snaplen) throws IOException {
        if (snaplen < 1 || snaplen > DEFAULT_SNAPLEN) {
            throw new IllegalArgumentException("snaplen " + snaplen + " is out of range 1.." + DEFAULT_SNAPLEN);
        }
        this.file = file;
        this.snaplen = snaplen;
        this.buf = ByteBuffer.allocateDirect(Math.max(BUFFER_SIZE, snaplen + MAX_RECORD_OVERHEAD))
                .order(ByteOrder.nativeOrder());
        this.bufSegment = MemorySegment.ofBuffer(buf);
        this.channel = FileChannel.open(file, WRITE, CREATE, TRUNCATE_EXISTING);
    }

    /** Bytes of a record, header and trailer included, that keeps {@code caplen} bytes of frame. */
    abstract int recordLength(int caplen);

    /** Puts the record's header, up to the frame bytes. */
    abstract void putRecordHeader(int caplen, int originalLength, long timestampNanos);

    /** Puts what follows the frame bytes (padding, trailer). */
    abstract void putRecordTrailer(int caplen);

    @Override
    public final Path file() {
        return file;
    }

    @Override
    public final int snaplen() {
        return snaplen;
    }

    @Override
    public final void write(byte[] frame, int offset, int length, int originalLength, long timestampNanos)
            throws IOException {
        int caplen = checkRecord(length, originalLength, timestampNanos);
        Objects.checkFromIndexSize(offset, length, frame.length);
        beginRecord(caplen, originalLength, timestampNanos);
        buf.put(frame, offset, caplen);
        putRecordTrailer(caplen);
    }

    @Override
    public final void write(MemorySegment frame, long offset, int length, int originalLength, long timestampNanos)
            throws IOException {
        int caplen = checkRecord(length, originalLength, timestampNanos);
        Objects.checkFromIndexSize(offset, length, frame.byteSize());
        beginRecord(caplen, originalLength, timestampNanos);
        int at = buf.position();
        MemorySegment.copy(frame, offset, bufSegment, at, caplen);
        buf.position(at + caplen);
        putRecordTrailer(caplen);
    }

    @Override
    public final void write(Packet packet) throws IOException {
        int length = packet.length();
        if (length == 0) throw new IllegalStateException("the Packet shows no frame: it was released");
        PacketInfo info = packet.info();
        int caplen = checkRecord(length, Math.max(length, info.length()), info.timestampNanos());
        beginRecord(caplen, Math.max(length, info.length()), info.timestampNanos());
        int at = buf.position();
        packet.copyTo(0, bufSegment, at, caplen);
        buf.position(at + caplen);
        putRecordTrailer(caplen);
    }

    /** Checks the arguments, before anything is buffered; returns the length to record. */
    private int checkRecord(int length, int originalLength, long timestampNanos) throws IOException {
        if (closed) throw new IOException(file + ": capture writer is closed");
        if (length < 0 || originalLength < length) {
            throw new IllegalArgumentException("frame length " + length + " and original length " + originalLength
                    + ": need 0 <= length <= original length");
        }
        if (timestampNanos < 0) {
            throw new IllegalArgumentException("timestamp " + timestampNanos + " ns is before the epoch");
        }
        checkTimestamp(timestampNanos);
        return Math.min(length, snaplen);
    }

    /** Makes room for the record and puts its header. */
    private void beginRecord(int caplen, int originalLength, long timestampNanos) throws IOException {
        if (buf.remaining() < recordLength(caplen)) drain();
        putRecordHeader(caplen, originalLength, timestampNanos);
    }

    /** Throws IllegalArgumentException if the format cannot hold a (non-negative) timestamp. */
    abstract void checkTimestamp(long timestampNanos);

    /** Puts zero bytes to align a field of {@code length} bytes to 4. */
    final void pad4(int length) {
        for (int i = length; (i & 3) != 0; i++) buf.put((byte) 0);
    }

    static int padded4(int length) {
        return (length + 3) & ~3;
    }

    private void drain() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) channel.write(buf);
        buf.clear();
    }

    @Override
    public final void flush() throws IOException {
        if (closed) throw new IOException(file + ": capture writer is closed");
        drain();
    }

    @Override
    public final void close() throws IOException {
        if (closed) return;
        closed = true;
        try (channel) {
            drain();
        }
    }
}
