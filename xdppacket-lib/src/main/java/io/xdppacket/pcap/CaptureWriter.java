package io.xdppacket.pcap;

import io.xdppacket.Packet;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes Ethernet frames to a capture file that tcpdump, Wireshark and libpcap read: classic pcap
 * ({@link PcapWriter}) or pcapng ({@link PcapngWriter}), both with nanosecond timestamps and a
 * snapshot length (records keep at most that many bytes of each frame, and the frame's original
 * length).
 *
 * <pre>{@code
 * try (CaptureWriter w = CaptureWriter.open(Path.of("rx.pcapng"), 128, "eth0")) {
 *     int n = socket.zeroCopyReadPackets(batch);
 *     for (int i = 0; i < n; i++) w.write(batch.get(i));   // time and length from its PacketInfo
 * }
 * }</pre>
 *
 * <p>Records go to a reusable buffer and reach the file in large writes, so {@code write} allocates
 * nothing. {@link #flush()} pushes the buffer to the file; {@link #close()} flushes and closes. After
 * an {@code IOException} from the file system (disk full) the file may end inside a record: close it.
 * Not thread-safe: one writer per capturing thread.
 */
public interface CaptureWriter extends Closeable {

    /** libpcap's default and maximum snapshot length: whole frames, including 9000-byte jumbo ones. */
    int DEFAULT_SNAPLEN = 262_144;

    /**
     * {@link #open(Path, int, String)} with the default snaplen and no interface name.
     *
     * @param file the file to create, ending in {@code .pcap} or {@code .pcapng}
     * @return the writer
     * @throws IOException if the file cannot be created
     */
    static CaptureWriter open(Path file) throws IOException {
        return open(file, DEFAULT_SNAPLEN, null);
    }

    /**
     * Creates (or truncates) {@code file} and writes the file header. The format follows the extension:
     * {@code .pcapng} or {@code .pcap}, in any case.
     *
     * @param file          the file to create, ending in {@code .pcap} or {@code .pcapng}
     * @param snaplen       records keep at most this many bytes of a frame (1..{@value #DEFAULT_SNAPLEN})
     * @param interfaceName recorded in pcapng (if_name), where Wireshark shows it; pcap has no place for
     *                      it. May be null.
     * @return the writer
     * @throws IOException              if the file cannot be created
     * @throws IllegalArgumentException if the extension is neither, or the snaplen is out of range
     */
    static CaptureWriter open(Path file, int snaplen, String interfaceName) throws IOException {
        Path name = file.getFileName();
        String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".pcapng")) return new PcapngWriter(file, snaplen, interfaceName);
        if (lower.endsWith(".pcap")) return new PcapWriter(file, snaplen);
        throw new IllegalArgumentException("cannot tell the capture format from the file name " + file
                + ": it must end in .pcap or .pcapng");
    }

    /** {@return the file being written} */
    Path file();

    /** {@return the most bytes of a frame a record keeps} */
    int snaplen();

    /**
     * Appends one frame.
     *
     * @param frame          holds the frame at {@code frame[offset..offset+length)}
     * @param offset         where the frame starts
     * @param length         bytes of the frame available; the record keeps {@code min(length, snaplen)}
     * @param originalLength the frame's length on the wire, {@code >= length}
     * @param timestampNanos capture time in nanoseconds since the epoch, {@code >= 0}
     * @throws IOException if the file cannot be written, or the writer is closed
     */
    void write(byte[] frame, int offset, int length, int originalLength, long timestampNanos) throws IOException;

    /**
     * {@link #write(byte[], int, int, int, long)} from a memory segment.
     *
     * @param frame          holds the frame at {@code offset}
     * @param offset         where the frame starts
     * @param length         bytes of the frame available; the record keeps {@code min(length, snaplen)}
     * @param originalLength the frame's length on the wire, {@code >= length}
     * @param timestampNanos capture time in nanoseconds since the epoch, {@code >= 0}
     * @throws IOException if the file cannot be written, or the writer is closed
     */
    void write(MemorySegment frame, long offset, int length, int originalLength, long timestampNanos) throws IOException;

    /**
     * Appends a received frame, zero-copy from the UMEM into the writer's buffer, with the time and
     * lengths of its {@link Packet#info()}: a capture loop's dumper.
     *
     * @param packet a frame of the current read
     * @throws IOException           if the file cannot be written, or the writer is closed
     * @throws IllegalStateException if the packet was released
     */
    void write(Packet packet) throws IOException;

    /**
     * Writes the buffered records to the file.
     *
     * @throws IOException if the file cannot be written, or the writer is closed
     */
    void flush() throws IOException;

    /**
     * Flushes and closes the file. Closing again does nothing.
     *
     * @throws IOException if the buffered records cannot be written
     */
    @Override
    void close() throws IOException;
}
