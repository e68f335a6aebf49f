package io.xdppacket.packet;

import io.xdppacket.FrameView;
import io.xdppacket.Packet;

import java.lang.foreign.MemorySegment;

/**
 * What the header views have in common: how they are bound to bytes, to read a header
 * ({@code wrap}) or to write a new one ({@code build}), and where their payload is.
 *
 * <p><b>Reading.</b> {@code wrap} binds the view and checks that a well-formed header of its kind is
 * there (the lengths its fields claim fit); it returns {@code false} otherwise, and the view is then
 * unbound. A malformed frame is an answer, not an exception. After a successful {@code wrap} the
 * field accessors read fixed offsets inside the checked header. An inner header is wrapped from its
 * outer one: {@code ip.wrap(eth)} binds the IPv4 view to the Ethernet payload, as long as the outer
 * header says its payload is (an IPv4 total length shorter than the frame leaves out the Ethernet
 * padding).
 *
 * <p><b>Writing.</b> {@code build} binds the view to writable space and writes a new header there:
 * the fixed fields (version, header length), length fields that cover all the space given, common
 * defaults (IPv4 and IPv6: 64 hops), zeros elsewhere. Set the other fields, build the inner header
 * from this one, write the payload, then the checksums, innermost first. A view of a received
 * {@link Packet} may change it in place (swap addresses, answer, rewrite a field), before it is
 * forwarded without a copy ({@code XdpPort.forwardPackets}).
 *
 * <p>The views are reusable and meant to be kept: allocate one of each kind per thread, and wrap
 * each frame with them. See {@link FrameView} for lifetime, bounds and threads.
 *
 * @param <H> the view's own type, which {@code build} returns for chained setters
 */
public abstract sealed class Header<H extends Header<H>> extends FrameView
        permits Ethernet, Arp, Ipv4, Ipv6, Icmp, Icmpv6, Udp, Tcp {

    Header() {}

    /** {@return bytes of this header, options, tags and extension headers included} */
    public abstract int headerLength();

    /**
     * Bytes of payload after the header: as long as the header's own length fields say (UDP
     * length, IPv4 total length, IPv6 payload length), never more than what is there.
     *
     * @return the payload's length
     */
    public abstract int payloadLength();

    /** Checks the header in the bound bytes and caches what the accessors need; false if it is malformed. */
    abstract boolean parse();

    /** The smallest space {@link #format()} can write a header into. */
    abstract int minimumLength();

    /** Writes a new header into the bound bytes ({@link #minimumLength()} of them are there). */
    abstract void format();

    // ---- reading --------------------------------------------------------------------------------

    /**
     * Binds this view to a received frame whose first byte is this header.
     *
     * @param packet a frame of the current read
     * @return whether a well-formed header is there; if not, the view is unbound
     * @throws IllegalStateException if the packet was released
     */
    public final boolean wrap(Packet packet) {
        return wrap(packet, 0);
    }

    /**
     * Binds this view to a received frame from byte {@code offset}.
     *
     * @param packet a frame of the current read
     * @param offset where this header starts in the frame
     * @return whether a well-formed header is there; if not, the view is unbound
     * @throws IllegalStateException if the packet was released
     */
    public final boolean wrap(Packet packet, int offset) {
        if (offset < 0 || (offset > packet.length() && packet.length() > 0)) {
            unbind();
            return false;
        }
        bind(packet, offset);
        return checked();
    }

    /**
     * Binds this view to {@code array[offset .. offset+length)}, a header and what follows it.
     *
     * @param array  the bytes
     * @param offset where the header starts
     * @param length bytes of header and payload
     * @return whether a well-formed header is there; if not, the view is unbound
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public final boolean wrap(byte[] array, int offset, int length) {
        bind(array, offset, length);
        return checked();
    }

    /**
     * Binds this view to {@code length} bytes of {@code segment} from {@code offset}.
     *
     * @param segment the memory
     * @param offset  where the header starts
     * @param length  bytes of header and payload
     * @return whether a well-formed header is there; if not, the view is unbound
     * @throws IndexOutOfBoundsException if the range is not inside the segment
     */
    public final boolean wrap(MemorySegment segment, long offset, int length) {
        bind(segment, offset, length);
        return checked();
    }

    /**
     * Binds this view to the payload of {@code outer}: {@code outer.payloadLength()} bytes after its
     * header.
     *
     * @param outer a bound header view, e.g. the Ethernet header for an IPv4 view
     * @return whether a well-formed header is there; if not, this view is unbound
     * @throws IllegalStateException if {@code outer} is not bound
     */
    public final boolean wrap(Header<?> outer) {
        bind(outer, outer.headerLength(), outer.payloadLength());
        return checked();
    }

    private boolean checked() {
        if (parse()) return true;
        unbind();
        return false;
    }

    // ---- writing --------------------------------------------------------------------------------

    /**
     * Writes a new header at {@code array[offset ..]}, in space of {@code length} bytes for it and its
     * payload, and binds this view to it.
     *
     * @param array  the buffer
     * @param offset where the header starts
     * @param length bytes of header and payload
     * @return this view
     * @throws IndexOutOfBoundsException if the range is not inside the array
     * @throws IllegalArgumentException  if the space is too small for the header
     */
    public final H build(byte[] array, int offset, int length) {
        bind(array, offset, length);
        return formatted();
    }

    /**
     * Writes a new header in {@code length} bytes of {@code segment} from {@code offset} (e.g. a frame
     * to send), and binds this view to it.
     *
     * @param segment the memory, writable
     * @param offset  where the header starts
     * @param length  bytes of header and payload
     * @return this view
     * @throws IndexOutOfBoundsException     if the range is not inside the segment
     * @throws IllegalArgumentException      if the space is too small for the header
     * @throws UnsupportedOperationException if the segment is read-only
     */
    public final H build(MemorySegment segment, long offset, int length) {
        bind(segment, offset, length);
        return formatted();
    }

    /**
     * Writes a new header as the payload of {@code outer}, in all the space after its header.
     *
     * @param outer a bound, writable header view
     * @return this view
     * @throws IllegalArgumentException      if the space is too small for the header
     * @throws UnsupportedOperationException if {@code outer} is read-only
     */
    public final H build(Header<?> outer) {
        int at = outer.headerLength();
        bind(outer, at, outer.length() - at);
        return formatted();
    }

    private H formatted() {
        if (!isWritable()) {
            unbind();
            throw new UnsupportedOperationException("cannot build a " + getClass().getSimpleName()
                    + " header in read-only memory (a received frame, or a read-only segment)");
        }
        if (length() < minimumLength()) {
            int space = length();
            unbind();
            throw new IllegalArgumentException("a " + getClass().getSimpleName() + " header needs " + minimumLength()
                    + " bytes, the space has " + space);
        }
        format();
        return self();
    }

    @SuppressWarnings("unchecked")
    final H self() {
        return (H) this;
    }

    /** Throws unless a header of at least {@code needed} bytes is bound (for accessors past the fixed part). */
    final void require(int needed, String what) {
        if (length() < needed) {
            throw new IndexOutOfBoundsException(what + " needs " + needed + " bytes of " + getClass().getSimpleName()
                    + ", the view has " + length());
        }
    }
}
