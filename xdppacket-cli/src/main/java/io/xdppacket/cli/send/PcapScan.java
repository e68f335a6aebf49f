package io.xdppacket.cli.send;

import io.xdppacket.pcap.PcapReader;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A pass over a capture before it is replayed, so that a file that cannot be sent is refused before
 * the first frame leaves rather than in the middle: unreadable, not pcap/pcapng, truncated, not
 * Ethernet, no frames, or a frame too short or too long for the socket.
 *
 * @param frames    records in the file
 * @param bytes     their captured bytes
 * @param truncated records the capture cut short (captured length below the original length); they
 *                  are sent as captured
 */
record PcapScan(long frames, long bytes, long truncated) {
    /** An Ethernet header; the socket refuses anything shorter. */
    static final int MIN_FRAME_LENGTH = 14;

    /**
     * Reads the whole file.
     *
     * @param maxLength  the longest frame the socket sends
     * @param tooLongHint appended to the message for a frame longer than {@code maxLength}
     * @throws IOException (including {@link io.xdppacket.pcap.PcapFormatException}) naming the file, the
     *                     record and the rule
     */
    static PcapScan of(Path file, int maxLength, String tooLongHint) throws IOException {
        long frames = 0, bytes = 0, truncated = 0;
        try (PcapReader r = PcapReader.openForReplay(file)) {
            while (r.next()) {
                frames++;
                int length = r.capturedLength();
                if (length < MIN_FRAME_LENGTH) {
                    throw new IOException(file + ": frame " + frames + " (byte offset " + r.recordOffset() + ") has "
                            + length + " bytes, less than an Ethernet header (" + MIN_FRAME_LENGTH + ")");
                }
                if (length > maxLength) {
                    throw new IOException(file + ": frame " + frames + " (byte offset " + r.recordOffset() + ") has "
                            + length + " bytes, more than the " + maxLength + " a socket frame holds" + tooLongHint);
                }
                bytes += length;
                if (length < r.originalLength()) truncated++;
            }
        }
        if (frames == 0) throw new IOException(file + ": the capture holds no frames");
        return new PcapScan(frames, bytes, truncated);
    }
}
