package io.xdppacket.cli.send;

import io.xdppacket.pcap.PcapReader;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The frames of a capture file, byte for byte and in file order, {@code loops} times over (0: until
 * stopped). Each record's captured bytes are sent as they are; {@link PcapScan} has checked the whole
 * file before, so a record that cannot be sent here means the file changed since.
 */
final class PcapFrames implements FrameSource, AutoCloseable {
    private final PcapReader reader;
    private final long loops;
    private final int maxLength;
    private final byte[][] slots;
    private final FramePool pool;
    private long pass = 1;
    private boolean ended;

    PcapFrames(Path file, long loops, int maxLength, int batch) throws IOException {
        this.reader = PcapReader.openForReplay(file);
        this.loops = loops;
        this.maxLength = maxLength;
        this.slots = new byte[batch][];
        this.pool = new FramePool(maxLength, batch);
    }

    @Override
    public byte[][] slots() {
        return slots;
    }

    @Override
    public int fill(int max) throws IOException {
        int n = 0;
        int limit = Math.min(max, slots.length);
        while (n < limit && !ended) {
            if (!reader.next()) {
                if (loops != 0 && pass >= loops) {
                    ended = true;
                    break;
                }
                reader.rewind();
                pass++;
                if (!reader.next()) {
                    ended = true; // an empty file: nothing to loop over
                    break;
                }
            }
            int length = reader.capturedLength();
            if (length < PcapScan.MIN_FRAME_LENGTH || length > maxLength) {
                throw new IOException(reader.file() + ": the record at byte offset " + reader.recordOffset() + " holds "
                        + length + " bytes, which cannot be sent (the file changed after it was checked?)");
            }
            byte[] frame = pool.take(length);
            reader.copyFrame(frame, 0);
            slots[n++] = frame;
        }
        return n;
    }

    @Override
    public void written(int from, int count) {
        for (int i = from; i < from + count; i++) {
            pool.give(slots[i]);
            slots[i] = null;
        }
    }

    /** Passes over the file begun so far (the last one may be partial). */
    long passes() {
        return pass;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
