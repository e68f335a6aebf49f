package io.xdppacket.cli.pcap;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes Ethernet frames to a capture file: classic pcap ({@link PcapWriter}) or pcapng
 * ({@link PcapngWriter}), both with nanosecond timestamps.
 *
 * <p>Records go to a reusable buffer and reach the file in large writes, so {@code write} allocates
 * nothing. {@link #flush()} pushes the buffer to the file; {@link #close()} flushes and closes. After
 * an {@code IOException} from the file system (disk full) the file may end inside a record: close it.
 * Not thread-safe: one writer per capturing thread.
 */
public interface CaptureWriter extends Closeable {

    /** libpcap's default and maximum snapshot length: whole frames, including 9000-byte jumbo ones. */
    int DEFAULT_SNAPLEN = 262_144;

    /** {@link #open(Path, int, String)} with the default snaplen and no interface name. */
    static CaptureWriter open(Path file) throws IOException {
        return open(file, DEFAULT_SNAPLEN, null);
    }

    /**
     * Creates (or truncates) {@code file} and writes the file header. The format follows the extension:
     * {@code .pcapng} or {@code .pcap}, in any case.
     *
     * @param snaplen       records keep at most this many bytes of a frame (1..{@value #DEFAULT_SNAPLEN})
     * @param interfaceName recorded in pcapng (if_name), where Wireshark shows it; pcap has no place for
     *                      it. May be null.
     * @throws IllegalArgumentException if the extension is neither
     */
    static CaptureWriter open(Path file, int snaplen, String interfaceName) throws IOException {
        Path name = file.getFileName();
        String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".pcapng")) return new PcapngWriter(file, snaplen, interfaceName);
        if (lower.endsWith(".pcap")) return new PcapWriter(file, snaplen);
        throw new IllegalArgumentException("cannot tell the capture format from the file name " + file
                + ": it must end in .pcap or .pcapng");
    }

    /** The file being written. */
    Path file();

    /** The most bytes of a frame a record keeps. */
    int snaplen();

    /**
     * Appends one frame.
     *
     * @param frame          holds the frame at {@code frame[offset..offset+length)}
     * @param length         bytes of the frame available; the record keeps {@code min(length, snaplen)}
     * @param originalLength the frame's length on the wire, {@code >= length}
     * @param timestampNanos capture time in nanoseconds since the epoch, {@code >= 0}
     */
    void write(byte[] frame, int offset, int length, int originalLength, long timestampNanos) throws IOException;

    /** {@link #write(byte[], int, int, int, long)} from a memory segment, e.g. a UMEM frame. */
    void write(MemorySegment frame, long offset, int length, int originalLength, long timestampNanos) throws IOException;

    /** Writes the buffered records to the file. */
    void flush() throws IOException;

    /** Flushes and closes the file. Closing again does nothing. */
    @Override
    void close() throws IOException;
}
