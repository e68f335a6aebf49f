package io.xdppacket;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A frame in the UMEM, seen in place (zero-copy): what {@link XdpSocket#zeroCopyReadPacket()}
 * returns, what a {@link PacketBatch} holds, and what {@link XdpSocket#claim(int)} hands out to be
 * written.
 *
 * <p><b>Lifetime.</b> A {@code Packet} is a reusable view that the socket points at a frame on each
 * read. It shows that frame until the next read on the same socket (any read method),
 * {@link XdpSocket#release()}, or until the frame is forwarded ({@link XdpPort#forwardPackets});
 * then the frame goes back to the kernel, and this view is cleared ({@link #length()} 0, every
 * accessor throws), and so are the header views bound to it ({@link FrameView},
 * {@code io.xdppacket.packet}). A slice taken with {@link #segment()} is not cleared: after release
 * it shows whatever the kernel writes there next. Copy out what must outlive the read. After the
 * socket is closed, every access throws {@link IllegalStateException}; the memory is never touched
 * after it was freed.
 *
 * <p><b>Writing.</b> While it shows a frame, a view may also be written: edit a received frame in
 * place (swap its MAC addresses, rewrite a header) before forwarding it, or fill a claimed frame.
 * The setters, like the getters, check the index against the frame's length.
 *
 * <p><b>Frames longer than one buffer.</b> On a multi-buffer socket (jumbo frames,
 * {@link XdpOptions.Builder#multiBuffer}) a frame may span several UMEM frames: {@link #length()} is
 * the whole frame, every accessor and {@link #copyTo} reads across the pieces, and
 * {@link #segmentCount()} / {@link #segment(int)} walk them without copying. Headers always lie in
 * the first segment (at least {@code frameSize − 256} bytes).
 *
 * <p>Multi-byte accessors use network byte order (big-endian), the order of packet headers.
 */
public final class Packet {
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** The most UMEM frames one packet may span: the kernel's {@code MAX_SKB_FRAGS} + 1. */
    static final int MAX_SEGMENTS = 18;

    private final PacketInfo info = new PacketInfo();
    /** The whole UMEM this view's frame lies in; package-private for {@link FrameView}, which keeps it to itself. */
    MemorySegment memory = MemorySegment.NULL;
    /** UMEM address of the first segment's first byte. */
    long offset;
    private int length;
    /** Bytes in the first segment; equal to {@link #length} for a frame in one buffer. */
    int firstLength;
    private int segments;
    /** Segments 1 .. segments-1 (segment 0 is {@link #offset}, {@link #firstLength}); made on first use. */
    private long[] moreAddresses;
    private int[] moreLengths;
    /** Who lent this view its frame and takes it back: the reading socket's receive side, or a claim's transmit side. */
    Object owner;
    /** The most bytes {@link #setLength} may give a claimed frame; 0 for a received one. */
    private int capacity;
    /** The most bytes one segment of a claimed frame holds. */
    private int segmentRoom;
    /**
     * Changes whenever this view stops showing a frame (released, or pointed at another): a
     * {@link FrameView} bound to the frame compares it on each access, so it never reads a frame
     * that went back to the kernel. (It would take 2^32 reads into this view, while a frame view of
     * an old frame is kept and not used, for the count to come round again.)
     */
    int generation;

    Packet() {}

    /** Shows the frame of one buffer at {@code offset}, lent by {@code owner}. */
    void point(MemorySegment memory, long offset, int length, Object owner) {
        generation++;
        this.memory = memory;
        this.offset = offset;
        this.length = length;
        this.firstLength = length;
        this.segments = 1;
        this.owner = owner;
        this.capacity = 0;
    }

    /** Appends a segment to the frame shown (multi-buffer frames). */
    void addSegment(long address, int segmentLength) {
        if (moreAddresses == null) {
            moreAddresses = new long[MAX_SEGMENTS - 1];
            moreLengths = new int[MAX_SEGMENTS - 1];
        }
        moreAddresses[segments - 1] = address;
        moreLengths[segments - 1] = segmentLength;
        segments++;
        length += segmentLength;
    }

    /** A claimed frame may be given any length up to {@code capacity}, {@code segmentRoom} per segment, before it is submitted. */
    void allowLength(int capacity, int segmentRoom) {
        this.capacity = capacity;
        this.segmentRoom = segmentRoom;
    }

    void clear() {
        generation++;
        length = 0;
        firstLength = 0;
        segments = 0;
        owner = null;
    }

    /** UMEM address of segment {@code i}; for the owner's bookkeeping. */
    long segmentAddress(int i) {
        return i == 0 ? offset : moreAddresses[i - 1];
    }

    /**
     * The capture information of the frame: timestamp, lengths, interface and queue. Same lifetime as this view.
     *
     * @return this view's info, reused from frame to frame
     */
    public PacketInfo info() {
        return info;
    }

    /**
     * The frame's length.
     *
     * @return its length in bytes (0 once released)
     */
    public int length() {
        return length;
    }

    /**
     * Changes the length of a frame claimed for writing ({@link XdpSocket#claim(int)}) before it is
     * submitted: a generator that claims the largest frame it may write and then writes less.
     *
     * @param newLength the length to send, 14 .. the length claimed
     * @throws IllegalStateException if this view does not show a claimed frame
     * @throws IllegalArgumentException if {@code newLength} is outside those bounds
     */
    public void setLength(int newLength) {
        if (capacity == 0) throw new IllegalStateException("only a claimed frame's length can be set");
        if (newLength < Transmitter.MIN_FRAME || newLength > capacity) {
            throw new IllegalArgumentException("length " + newLength + ": must be between " + Transmitter.MIN_FRAME
                    + " and the " + capacity + " bytes claimed");
        }
        length = newLength;
        // Segments fill in order; those left empty are given back when the frame is submitted.
        int left = newLength;
        firstLength = Math.min(left, segmentRoom);
        left -= firstLength;
        for (int s = 1; s < segments; s++) {
            moreLengths[s - 1] = Math.min(left, segmentRoom);
            left -= moreLengths[s - 1];
        }
    }

    /**
     * How many UMEM frames the frame spans.
     *
     * @return 1, or more on a multi-buffer socket
     */
    public int segmentCount() {
        return segments;
    }

    /**
     * The length of one segment.
     *
     * @param i the segment, {@code 0 <= i < segmentCount()}
     * @return its length in bytes
     */
    public int segmentLength(int i) {
        Objects.checkIndex(i, segments);
        return i == 0 ? firstLength : moreLengths[i - 1];
    }

    /**
     * Reads one byte of the frame.
     *
     * @param index a byte of the frame
     * @return that byte
     */
    public byte getByte(int index) {
        Objects.checkIndex(index, length);
        if (index < firstLength) return memory.get(JAVA_BYTE, offset + index);
        return memory.get(JAVA_BYTE, addressOf(index));
    }

    /**
     * Reads one byte of the frame, unsigned.
     *
     * @param index a byte of the frame
     * @return that byte, 0 .. 255
     */
    public int getUnsignedByte(int index) {
        return getByte(index) & 0xff;
    }

    /**
     * Reads two bytes of the frame, big-endian.
     *
     * @param index the first of two bytes of the frame
     * @return them as a big-endian short
     */
    public short getShort(int index) {
        Objects.checkFromIndexSize(index, 2, length);
        if (index + 2 <= firstLength) return memory.get(SHORT_BE, offset + index);
        return (short) gather(index, 2);
    }

    /**
     * Reads two bytes of the frame, big-endian, unsigned.
     *
     * @param index the first of two bytes of the frame
     * @return them as a big-endian unsigned short, 0 .. 65535
     */
    public int getUnsignedShort(int index) {
        return getShort(index) & 0xffff;
    }

    /**
     * Reads four bytes of the frame, big-endian.
     *
     * @param index the first of four bytes of the frame
     * @return them as a big-endian int
     */
    public int getInt(int index) {
        Objects.checkFromIndexSize(index, 4, length);
        if (index + 4 <= firstLength) return memory.get(INT_BE, offset + index);
        return (int) gather(index, 4);
    }

    /**
     * Reads eight bytes of the frame, big-endian.
     *
     * @param index the first of eight bytes of the frame
     * @return them as a big-endian long
     */
    public long getLong(int index) {
        Objects.checkFromIndexSize(index, 8, length);
        if (index + 8 <= firstLength) return memory.get(LONG_BE, offset + index);
        return gather(index, 8);
    }

    /**
     * Writes one byte of the frame.
     *
     * @param index the byte
     * @param value its new value
     */
    public void setByte(int index, byte value) {
        Objects.checkIndex(index, length);
        memory.set(JAVA_BYTE, index < firstLength ? offset + index : addressOf(index), value);
    }

    /**
     * Writes two bytes of the frame, big-endian.
     *
     * @param index the first byte
     * @param value the new value
     */
    public void setShort(int index, short value) {
        Objects.checkFromIndexSize(index, 2, length);
        if (index + 2 <= firstLength) memory.set(SHORT_BE, offset + index, value);
        else scatter(index, 2, value);
    }

    /**
     * Writes four bytes of the frame, big-endian.
     *
     * @param index the first byte
     * @param value the new value
     */
    public void setInt(int index, int value) {
        Objects.checkFromIndexSize(index, 4, length);
        if (index + 4 <= firstLength) memory.set(INT_BE, offset + index, value);
        else scatter(index, 4, value);
    }

    /**
     * Writes eight bytes of the frame, big-endian.
     *
     * @param index the first byte
     * @param value the new value
     */
    public void setLong(int index, long value) {
        Objects.checkFromIndexSize(index, 8, length);
        if (index + 8 <= firstLength) memory.set(LONG_BE, offset + index, value);
        else scatter(index, 8, value);
    }

    /**
     * Copies {@code count} bytes of the frame from {@code index} into {@code dst} at {@code dstIndex}.
     *
     * @param index    the first byte of the frame to copy
     * @param dst      where to
     * @param dstIndex the first byte of {@code dst} written
     * @param count    how many bytes
     */
    public void copyTo(int index, byte[] dst, int dstIndex, int count) {
        Objects.checkFromIndexSize(index, count, length);
        Objects.checkFromIndexSize(dstIndex, count, dst.length);
        if (index + count <= firstLength) {
            MemorySegment.copy(memory, JAVA_BYTE, offset + index, dst, dstIndex, count);
            return;
        }
        copy(index, MemorySegment.ofArray(dst), dstIndex, count, false);
    }

    /**
     * Copies {@code count} bytes of the frame from {@code index} into {@code dst} at {@code dstOffset}.
     *
     * @param index     the first byte of the frame to copy
     * @param dst       where to
     * @param dstOffset the first byte of {@code dst} written
     * @param count     how many bytes
     */
    public void copyTo(int index, MemorySegment dst, long dstOffset, int count) {
        Objects.checkFromIndexSize(index, count, length);
        copy(index, dst, dstOffset, count, false);
    }

    /**
     * Copies {@code count} bytes from {@code src} into the frame at {@code index}.
     *
     * @param src      where from
     * @param srcIndex the first byte of {@code src} read
     * @param index    the first byte of the frame written
     * @param count    how many bytes
     */
    public void copyFrom(byte[] src, int srcIndex, int index, int count) {
        Objects.checkFromIndexSize(index, count, length);
        Objects.checkFromIndexSize(srcIndex, count, src.length);
        if (index + count <= firstLength) {
            MemorySegment.copy(src, srcIndex, memory, JAVA_BYTE, offset + index, count);
            return;
        }
        copy(index, MemorySegment.ofArray(src), srcIndex, count, true);
    }

    /**
     * Copies the whole frame out.
     *
     * @return a new array with the frame's bytes
     */
    public byte[] toArray() {
        byte[] a = new byte[length];
        copyTo(0, a, 0, length);
        return a;
    }

    /**
     * A read-only slice of exactly this frame, for APIs that take a {@link MemorySegment} (allocates
     * the slice object; the accessors above do not). See the class comment for how long its contents
     * stay this frame's.
     *
     * @return the frame as a segment
     * @throws IllegalStateException if the frame spans several buffers: use {@link #segment(int)}
     */
    public MemorySegment segment() {
        if (segments > 1) {
            throw new IllegalStateException("a frame of " + segments + " segments is not one piece of memory: use segment(i)");
        }
        return memory.asSlice(offset, length).asReadOnly();
    }

    /**
     * A read-only slice of one segment, to walk a multi-buffer frame without copying it.
     *
     * @param i the segment, {@code 0 <= i < segmentCount()}
     * @return that segment's bytes
     */
    public MemorySegment segment(int i) {
        return memory.asSlice(segmentAddress(Objects.checkIndex(i, segments)), segmentLength(i)).asReadOnly();
    }

    // ---- across segments (multi-buffer frames only) -------------------------------------------------

    /** UMEM address of byte {@code index} of a frame, in whichever segment holds it. */
    private long addressOf(int index) {
        int at = index - firstLength;
        for (int s = 0; ; s++) {
            if (at < moreLengths[s]) return moreAddresses[s] + at;
            at -= moreLengths[s];
        }
    }

    /** {@code size} bytes from {@code index} as a big-endian number, byte by byte across segments. */
    private long gather(int index, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) v = (v << 8) | (memory.get(JAVA_BYTE, address(index + i)) & 0xff);
        return v;
    }

    private void scatter(int index, int size, long value) {
        for (int i = size - 1; i >= 0; i--, value >>>= 8) memory.set(JAVA_BYTE, address(index + i), (byte) value);
    }

    private long address(int index) {
        return index < firstLength ? offset + index : addressOf(index);
    }

    /** Copies between the frame (from {@code index}) and {@code other}, segment piece by piece. */
    private void copy(int index, MemorySegment other, long otherOffset, int count, boolean intoFrame) {
        int segmentStart = 0;
        for (int s = 0; s < segments && count > 0; s++) {
            int segLength = segmentLength(s);
            int segmentEnd = segmentStart + segLength;
            if (index < segmentEnd) {
                int n = Math.min(count, segmentEnd - index);
                long at = segmentAddress(s) + (index - segmentStart);
                if (intoFrame) MemorySegment.copy(other, otherOffset, memory, at, n);
                else MemorySegment.copy(memory, at, other, otherOffset, n);
                index += n;
                otherOffset += n;
                count -= n;
            }
            segmentStart = segmentEnd;
        }
    }

    @Override
    public String toString() {
        return "Packet{length=" + length + (segments > 1 ? ", segments=" + segments : "") + ", queue=" + info.queueId()
                + ", timestampNanos=" + info.timestampNanos() + "}";
    }
}
