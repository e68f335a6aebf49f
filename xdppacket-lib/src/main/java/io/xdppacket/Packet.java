package io.xdppacket;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A received frame, read in place in the UMEM (zero-copy): what {@link XdpSocket#zeroCopyReadPacket()}
 * returns and what a {@link PacketBatch} holds.
 *
 * <p><b>Lifetime.</b> A {@code Packet} is a reusable view that the socket points at a frame on each
 * read. It shows that frame until the next read on the same socket (any read method) or
 * {@link XdpSocket#release()}; then the frame goes back to the kernel to be received into again,
 * and this view is cleared ({@link #length()} 0, every accessor throws), and so are the header
 * views bound to it ({@link FrameView}, {@code io.xdppacket.packet}). A slice taken with
 * {@link #segment()} is not cleared: after release it shows whatever the kernel writes there next.
 * Copy out what must outlive the read. After the socket is closed, every access throws
 * {@link IllegalStateException}; the memory is never touched after it was freed.
 *
 * <p>Accessors check the index against the frame's length, so no index reaches outside the frame.
 * Multi-byte getters read network byte order (big-endian), the order of packet headers.
 */
public final class Packet {
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final PacketInfo info = new PacketInfo();
    // Package-private for FrameView.bind, which keeps them to itself.
    MemorySegment memory = MemorySegment.NULL;
    long offset;
    private int length;
    /**
     * Changes whenever this view stops showing a frame (released, or pointed at another): a
     * {@link FrameView} bound to the frame compares it on each access, so it never reads a frame
     * that went back to the kernel. (It would take 2^32 reads into this view, while a frame view of
     * an old frame is kept and not used, for the count to come round again.)
     */
    int generation;

    Packet() {}

    void point(MemorySegment memory, long offset, int length) {
        generation++;
        this.memory = memory;
        this.offset = offset;
        this.length = length;
    }

    void clear() {
        generation++;
        this.length = 0;
    }

    /** Capture information: timestamp, lengths, interface and queue. Same lifetime as this view. */
    public PacketInfo info() {
        return info;
    }

    /** Bytes in the frame (0 once released). */
    public int length() {
        return length;
    }

    public byte getByte(int index) {
        Objects.checkFromIndexSize(index, 1, length);
        return memory.get(JAVA_BYTE, offset + index);
    }

    public int getUnsignedByte(int index) {
        return getByte(index) & 0xff;
    }

    /** Two bytes at {@code index}, network byte order. */
    public short getShort(int index) {
        Objects.checkFromIndexSize(index, 2, length);
        return memory.get(SHORT_BE, offset + index);
    }

    public int getUnsignedShort(int index) {
        return getShort(index) & 0xffff;
    }

    /** Four bytes at {@code index}, network byte order. */
    public int getInt(int index) {
        Objects.checkFromIndexSize(index, 4, length);
        return memory.get(INT_BE, offset + index);
    }

    /** Eight bytes at {@code index}, network byte order. */
    public long getLong(int index) {
        Objects.checkFromIndexSize(index, 8, length);
        return memory.get(LONG_BE, offset + index);
    }

    /** Copies {@code count} bytes from {@code index} into {@code dst} at {@code dstIndex}. */
    public void copyTo(int index, byte[] dst, int dstIndex, int count) {
        Objects.checkFromIndexSize(index, count, length);
        Objects.checkFromIndexSize(dstIndex, count, dst.length);
        MemorySegment.copy(memory, JAVA_BYTE, offset + index, dst, dstIndex, count);
    }

    /** Copies {@code count} bytes from {@code index} into {@code dst} at {@code dstOffset}. */
    public void copyTo(int index, MemorySegment dst, long dstOffset, int count) {
        Objects.checkFromIndexSize(index, count, length);
        MemorySegment.copy(memory, offset + index, dst, dstOffset, count);
    }

    /** The whole frame, copied into a new array. */
    public byte[] toArray() {
        byte[] a = new byte[length];
        MemorySegment.copy(memory, JAVA_BYTE, offset, a, 0, length);
        return a;
    }

    /**
     * A read-only slice of exactly this frame, for APIs that take a {@link MemorySegment}
     * (allocates the slice object; the accessors above do not). See the class comment for how long
     * its contents stay this frame's.
     */
    public MemorySegment segment() {
        return memory.asSlice(offset, length).asReadOnly();
    }

    @Override
    public String toString() {
        return "Packet{length=" + length + ", queue=" + info.queueId() + ", timestampNanos=" + info.timestampNanos() + "}";
    }
}
