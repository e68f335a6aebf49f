package io.xdppacket.pcap;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A capture file that {@link PcapReader} cannot read: not pcap/pcapng, truncated, malformed, or of a
 * link type the caller does not accept. The message names the file and, where it applies, the byte
 * offset of the offending record or block.
 */
public final class PcapFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    /** Where in the file the problem is, in bytes from its start; -1 if not at one place. */
    private final long offset;

    PcapFormatException(Path file, long offset, String problem) {
        super(file + ": " + problem + (offset >= 0 ? " (at byte offset " + offset + ")" : ""));
        this.file = file;
        this.offset = offset;
    }

    /** {@return the file that could not be read} */
    public Path file() {
        return file;
    }

    /** {@return the byte offset in the file of the record or block at fault, or -1 if the problem is the whole file} */
    public long offset() {
        return offset;
    }
}
