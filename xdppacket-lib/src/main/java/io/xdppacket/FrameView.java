package io.xdppacket;

import io.xdppacket.internal.checksum.OnesComplement;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A reusable, allocation-free view of bytes from a start offset to the end of a frame: the base of
 * the header views of {@code io.xdppacket.packet} ({@code Ethernet}, {@code Ipv4}, {@code Udp}...),
 * and of views you write yourself for other headers.
 *
 * <p><b>What a view shows.</b> A subclass binds the view, with the protected {@code bind} methods, to
 * a received {@link Packet} (a frame in the UMEM, writable while the application holds it), to a range of a {@code byte[]} or of a
 * {@link MemorySegment} (writable unless the segment is read-only), or to a part of another view.
 * Index 0 is the view's first byte (the first byte of its header); {@link #length()} bytes can be
 * read from there. Binding allocates nothing, except that binding to an array that is not one of
 * the last two the view was bound to wraps it in a segment (about 32 bytes): reuse your buffers
 * (or keep a view per buffer) and it allocates nothing.
 *
 * <p><b>Checks.</b> Every accessor checks its index against {@link #length()}, so no access reaches
 * outside the bound bytes; multi-byte values are in network byte order (big-endian). Setters throw
 * {@link UnsupportedOperationException} on a read-only view.
 *
 * <p><b>Lifetime of a view of a {@link Packet}.</b> The view shows the frame as long as the Packet
 * does: when the socket releases the frame (the next read on it, or {@link XdpSocket#release()}) the
 * view is unbound, and its accessors throw {@link IllegalStateException} instead of reading memory
 * that the kernel is receiving into again. After the socket is closed they throw
 * {@link IllegalStateException} too: the memory is never touched after it was freed. The whole UMEM
 * is never exposed, only the frame's bytes.
 *
 * <p><b>Threads.</b> A view is used by one thread at a time, the one that reads the socket.
 */
public abstract class FrameView {
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** The memory: for a Packet the whole UMEM, which is why it never leaves this class. */
    private MemorySegment segment = MemorySegment.NULL;
    /** Where index 0 is in {@link #segment}. */
    private long start;
    /** Bytes from {@link #start}: every accessor's bound. */
    private int length;
    private boolean writable;
    /** The view of a received frame this view shows part of, or null; the frame is gone once its generation moved on. */
    private Packet packet;
    private int generation;
    /** The two arrays bound last and their segments, so that binding them again allocates nothing. */
    private byte[] array, olderArray;
    private MemorySegment arraySegment = MemorySegment.NULL, olderArraySegment = MemorySegment.NULL;

    /** For subclasses; a new view is unbound. */
    protected FrameView() {}

    // ---- binding --------------------------------------------------------------------------------

    /**
     * Binds this view to a frame the application holds — received, or claimed to be written — from
     * byte {@code offset} to the end of its first segment (all of a frame in one UMEM frame; headers
     * always lie there). Writable: a received frame may be changed in place before it is forwarded.
     *
     * @param packet a frame of the current read, or a claimed one
     * @param offset where the view starts in the frame
     * @throws IndexOutOfBoundsException if {@code offset} is outside {@code 0 .. } the first segment's length
     * @throws IllegalStateException     if the packet shows no frame (it was released)
     */
    protected final void bind(Packet packet, int offset) {
        bind(packet, offset, true);
    }

    /**
     * The binding to a frame in the UMEM. {@code writable} is for frames the application may change
     * in place (a frame to send, or a received one to forward).
     */
    final void bind(Packet packet, int offset, boolean writable) {
        int frameLength = packet.firstLength;  // the contiguous part: all of a single-buffer frame
        if (frameLength == 0) {
            throw new IllegalStateException("the Packet shows no frame: it was released (by the next read or release() on"
                    + " its socket); bind to a frame of the current read");
        }
        Objects.checkFromToIndex(offset, frameLength, frameLength);
        set(packet.memory, packet.offset + offset, frameLength - offset, writable, packet, packet.generation);
    }

    /**
     * Binds this view to {@code array[offset .. offset+length)}, writable.
     *
     * @param array  the bytes
     * @param offset where the view starts
     * @param length bytes in the view
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    protected final void bind(byte[] array, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, array.length);
        if (array != this.array) {
            // Two entries: a view that alternates between a receive and a send buffer allocates nothing either.
            byte[] a = this.array;
            MemorySegment s = this.arraySegment;
            this.array = array;
            this.arraySegment = array == olderArray ? olderArraySegment : MemorySegment.ofArray(array);
            this.olderArray = a;
            this.olderArraySegment = s;
        }
        set(arraySegment, offset, length, true, null, 0);
    }

    /**
     * Binds this view to {@code length} bytes of {@code segment} from {@code offset}; writable unless
     * the segment is read-only. The segment's own lifetime rules apply (an access after its arena is
     * closed throws {@link IllegalStateException}).
     *
     * @param segment the memory
     * @param offset  where the view starts
     * @param length  bytes in the view
     * @throws IndexOutOfBoundsException if the range is not inside the segment
     */
    protected final void bind(MemorySegment segment, long offset, int length) {
        Objects.checkFromIndexSize(offset, length, segment.byteSize());
        set(segment, offset, length, !segment.isReadOnly(), null, 0);
    }

    /**
     * Binds this view to {@code length} bytes of {@code outer} from its index {@code offset}: an inner
     * header (IPv4 inside Ethernet). Same memory, same writability; a view of a received frame is
     * unbound with it when the frame is released.
     *
     * @param outer  a bound view
     * @param offset where this view starts in {@code outer}
     * @param length bytes in this view
     * @throws IndexOutOfBoundsException if the range is not inside {@code outer}
     * @throws IllegalStateException     if {@code outer} is not bound (or, at the first access, if it showed
     *                                   a received frame that has been released)
     */
    protected final void bind(FrameView outer, int offset, int length) {
        // A released outer view passes on its stale generation: this view's first access throws.
        if (outer.segment == MemorySegment.NULL) throw outer.unbound();
        Objects.checkFromIndexSize(offset, length, outer.length);
        set(outer.segment, outer.start + offset, length, outer.writable, outer.packet, outer.generation);
    }

    /**
     * Forgets the bytes this view showed; its accessors throw until it is bound again.
     */
    public final void unbind() {
        set(MemorySegment.NULL, 0, 0, false, null, 0);
    }

    private void set(MemorySegment segment, long start, int length, boolean writable, Packet packet, int generation) {
        // References are stored only when they change: a reference store costs a GC barrier, and a loop
        // binds the same memory (and often the same Packet) again and again.
        if (this.segment != segment) this.segment = segment;
        if (this.packet != packet) this.packet = packet;
        this.generation = generation;
        this.start = start;
        this.length = length;
        this.writable = writable;
    }

    /** Whether this view showed a received frame that has been released since. */
    private boolean released() {
        return packet != null && packet.generation != generation;
    }

    // ---- state ----------------------------------------------------------------------------------

    /** {@return bytes from this view's first byte to the end of what it is bound to; 0 when unbound} */
    public final int length() {
        return length;
    }

    /** {@return whether the view shows bytes (it was bound, and the frame has not been released since)} */
    public final boolean isBound() {
        return segment != MemorySegment.NULL && !released();
    }

    /** {@return whether the setters may change the bytes: false for a received frame and a read-only segment} */
    public final boolean isWritable() {
        return writable;
    }

    // ---- reads ----------------------------------------------------------------------------------

    /**
     * {@return the byte at {@code index}}
     *
     * @param index the index in this view
     */
    public final byte getByte(int index) {
        return segment.get(JAVA_BYTE, at(index, 1));
    }

    /**
     * {@return the byte at {@code index}, 0 .. 255}
     *
     * @param index the index in this view
     */
    public final int getUnsignedByte(int index) {
        return segment.get(JAVA_BYTE, at(index, 1)) & 0xFF;
    }

    /**
     * {@return two bytes at {@code index}, network byte order}
     *
     * @param index the index in this view
     */
    public final short getShort(int index) {
        return segment.get(SHORT_BE, at(index, 2));
    }

    /**
     * {@return two bytes at {@code index}, network byte order, 0 .. 65535}
     *
     * @param index the index in this view
     */
    public final int getUnsignedShort(int index) {
        return segment.get(SHORT_BE, at(index, 2)) & 0xFFFF;
    }

    /**
     * {@return four bytes at {@code index}, network byte order}
     *
     * @param index the index in this view
     */
    public final int getInt(int index) {
        return segment.get(INT_BE, at(index, 4));
    }

    /**
     * {@return four bytes at {@code index}, network byte order, 0 .. 2^32 - 1}
     *
     * @param index the index in this view
     */
    public final long getUnsignedInt(int index) {
        return segment.get(INT_BE, at(index, 4)) & 0xFFFF_FFFFL;
    }

    /**
     * {@return eight bytes at {@code index}, network byte order}
     *
     * @param index the index in this view
     */
    public final long getLong(int index) {
        return segment.get(LONG_BE, at(index, 8));
    }

    /**
     * {@return the six bytes at {@code index} (a MAC address) in the low 48 bits, the first byte in bits 47..40}
     *
     * @param index the index in this view
     */
    public final long getUnsignedInt48(int index) {
        long at = at(index, 6);
        return (segment.get(SHORT_BE, at) & 0xFFFFL) << 32 | segment.get(INT_BE, at + 2) & 0xFFFF_FFFFL;
    }

    /**
     * Copies {@code count} bytes from {@code index} into {@code dst} at {@code dstIndex}.
     *
     * @param index the index in this view
     * @param dst where to copy to
     * @param dstIndex where in {@code dst}
     * @param count how many bytes
     */
    public final void copyTo(int index, byte[] dst, int dstIndex, int count) {
        long at = at(index, count);
        Objects.checkFromIndexSize(dstIndex, count, dst.length);
        MemorySegment.copy(segment, JAVA_BYTE, at, dst, dstIndex, count);
    }

    /**
     * Copies {@code count} bytes from {@code index} into {@code dst} at {@code dstOffset}.
     *
     * @param index the index in this view
     * @param dst where to copy to
     * @param dstOffset where in {@code dst}
     * @param count how many bytes
     */
    public final void copyTo(int index, MemorySegment dst, long dstOffset, int count) {
        MemorySegment.copy(segment, at(index, count), dst, dstOffset, count);
    }

    /**
     * Adds bytes {@code [index, index+count)} to a ones' complement sum as 16-bit big-endian words (a
     * final odd byte padded with zero), unfolded: the Internet checksum's sum (RFC 1071). {@code index}
     * must be at an even distance from where the checksummed data starts.
     *
     * @param sum   a sum so far (0 to start)
     * @param index the first byte
     * @param count how many bytes
     * @return the new, unfolded sum
     */
    public final long onesComplementSum(long sum, int index, int count) {
        return OnesComplement.add(sum, segment, at(index, count), count);
    }

    // ---- writes ---------------------------------------------------------------------------------

    /**
     * Sets the byte at {@code index} to the low 8 bits of {@code value}.
     *
     * @param index the index in this view
     * @param value the value; the low bits that fit are written
     */
    public final void setByte(int index, int value) {
        segment.set(JAVA_BYTE, writableAt(index, 1), (byte) value);
    }

    /**
     * Sets two bytes at {@code index} to the low 16 bits of {@code value}, network byte order.
     *
     * @param index the index in this view
     * @param value the value; the low bits that fit are written
     */
    public final void setShort(int index, int value) {
        segment.set(SHORT_BE, writableAt(index, 2), (short) value);
    }

    /**
     * Sets four bytes at {@code index}, network byte order.
     *
     * @param index the index in this view
     * @param value the value; the low bits that fit are written
     */
    public final void setInt(int index, int value) {
        segment.set(INT_BE, writableAt(index, 4), value);
    }

    /**
     * Sets eight bytes at {@code index}, network byte order.
     *
     * @param index the index in this view
     * @param value the value; the low bits that fit are written
     */
    public final void setLong(int index, long value) {
        segment.set(LONG_BE, writableAt(index, 8), value);
    }

    /**
     * Sets six bytes at {@code index} to the low 48 bits of {@code value}, bits 47..40 first (a MAC address).
     *
     * @param index the index in this view
     * @param value the value; the low bits that fit are written
     */
    public final void setUnsignedInt48(int index, long value) {
        long at = writableAt(index, 6);
        segment.set(SHORT_BE, at, (short) (value >>> 32));
        segment.set(INT_BE, at + 2, (int) value);
    }

    /**
     * Copies {@code count} bytes of {@code src} from {@code srcIndex} into this view at {@code index}.
     *
     * @param src where to copy from
     * @param srcIndex where in {@code src}
     * @param index the index in this view
     * @param count how many bytes
     */
    public final void copyFrom(byte[] src, int srcIndex, int index, int count) {
        long at = writableAt(index, count);
        Objects.checkFromIndexSize(srcIndex, count, src.length);
        MemorySegment.copy(src, srcIndex, segment, JAVA_BYTE, at, count);
    }

    /**
     * Copies {@code count} bytes of {@code src} from {@code srcOffset} into this view at {@code index}.
     *
     * @param src where to copy from
     * @param srcOffset where in {@code src}
     * @param index the index in this view
     * @param count how many bytes
     */
    public final void copyFrom(MemorySegment src, long srcOffset, int index, int count) {
        MemorySegment.copy(src, srcOffset, segment, writableAt(index, count), count);
    }

    /**
     * Sets {@code count} bytes from {@code index} to {@code value}.
     *
     * @param index the index in this view
     * @param count how many bytes
     * @param value the value; the low bits that fit are written
     */
    public final void fill(int index, int count, int value) {
        long at = writableAt(index, count);
        long end = at + count;
        long eight = (value & 0xFFL) * 0x0101_0101_0101_0101L;
        for (; at + 8 <= end; at += 8) segment.set(ValueLayout.JAVA_LONG_UNALIGNED, at, eight);
        for (; at < end; at++) segment.set(JAVA_BYTE, at, (byte) value);
    }

    // ---- checks ---------------------------------------------------------------------------------

    /** Where byte {@code index} is in the segment, after checking that {@code size} bytes from there are in the view. */
    private long at(int index, int size) {
        // The generation and the length are loaded once for the accesses of a header (nothing stores to them
        // in between), and the bound is one compare when the index is a constant.
        if (packet != null && packet.generation != generation) throw unbound();
        if (index < 0 || size < 0 || index > length - size) throw outside(index, size);
        return start + index;
    }

    private long writableAt(int index, int size) {
        if (!writable) throw isBound() ? readOnly() : unbound();
        return at(index, size);
    }

    private RuntimeException outside(int index, int size) {
        if (segment == MemorySegment.NULL) return unbound();
        return new IndexOutOfBoundsException("bytes " + index + " .. " + ((long) index + size) + " are outside this "
                + getClass().getSimpleName() + " view of " + length + " bytes");
    }

    private IllegalStateException unbound() {
        return new IllegalStateException(released()
                ? "this " + getClass().getSimpleName() + " view showed a received frame that has been released (by the next"
                + " read or release() on its socket): bind it to a frame of the current read"
                : "this " + getClass().getSimpleName() + " view is not bound to any bytes");
    }

    private UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("this " + getClass().getSimpleName() + " view is read-only: "
                + (packet != null ? "a received frame cannot be changed in place; copy it to change it"
                : "it is bound to a read-only memory segment"));
    }
}
