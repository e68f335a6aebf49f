package io.xdppacket.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * AF_XDP's user-space ABI: {@code <linux/if_xdp.h>} constants and struct layouts, declared once,
 * next to the struct they mirror. Values are from the Debian 6.1 uapi header unless a comment names
 * the kernel version that added them (those the 6.1 header does not have).
 */
public final class IfXdp {
    private IfXdp() {}

    public static final int SOL_XDP = 283;

    // sxdp_flags
    public static final int XDP_SHARED_UMEM = 1 << 0;
    public static final int XDP_COPY = 1 << 1;
    public static final int XDP_ZEROCOPY = 1 << 2;
    public static final int XDP_USE_NEED_WAKEUP = 1 << 3;
    /** Multi-buffer (scatter-gather) frames. Linux 6.6; not in the 6.1 header. */
    public static final int XDP_USE_SG = 1 << 4;

    // xdp_ring flags word
    public static final int XDP_RING_NEED_WAKEUP = 1 << 0;

    // xdp_desc.options
    /** More fragments of this packet follow in the next descriptor. Linux 6.6; not in the 6.1 header. */
    public static final int XDP_PKT_CONTD = 1 << 0;

    // socket options (level SOL_XDP)
    public static final int XDP_MMAP_OFFSETS = 1;
    public static final int XDP_RX_RING = 2;
    public static final int XDP_TX_RING = 3;
    public static final int XDP_UMEM_REG = 4;
    public static final int XDP_UMEM_FILL_RING = 5;
    public static final int XDP_UMEM_COMPLETION_RING = 6;
    public static final int XDP_STATISTICS = 7;
    public static final int XDP_OPTIONS = 8;
    /** Frames one TX kick may send in copy mode (default 32). Linux 6.17; not in the 6.1 header. Set-only. */
    public static final int XDP_MAX_TX_SKB_BUDGET = 9;

    public static final int XDP_OPTIONS_ZEROCOPY = 1 << 0;

    // mmap page offsets; 64-bit off_t values
    public static final long XDP_PGOFF_RX_RING = 0L;
    public static final long XDP_PGOFF_TX_RING = 0x80000000L;
    public static final long XDP_UMEM_PGOFF_FILL_RING = 0x100000000L;
    public static final long XDP_UMEM_PGOFF_COMPLETION_RING = 0x180000000L;

    /** Room the kernel keeps in front of every received frame ({@code XDP_PACKET_HEADROOM}, include/uapi/linux/bpf.h). */
    public static final int XDP_PACKET_HEADROOM = 256;

    /** {@code struct sockaddr_xdp}: 16 bytes, no padding. */
    public static final StructLayout SOCKADDR_XDP = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sxdp_family"),
            JAVA_SHORT.withName("sxdp_flags"),
            JAVA_INT.withName("sxdp_ifindex"),
            JAVA_INT.withName("sxdp_queue_id"),
            JAVA_INT.withName("sxdp_shared_umem_fd")).withName("sockaddr_xdp");
    public static final VarHandle SXDP_FAMILY = field(SOCKADDR_XDP, "sxdp_family");
    public static final VarHandle SXDP_FLAGS = field(SOCKADDR_XDP, "sxdp_flags");
    public static final VarHandle SXDP_IFINDEX = field(SOCKADDR_XDP, "sxdp_ifindex");
    public static final VarHandle SXDP_QUEUE_ID = field(SOCKADDR_XDP, "sxdp_queue_id");
    public static final VarHandle SXDP_SHARED_UMEM_FD = field(SOCKADDR_XDP, "sxdp_shared_umem_fd");

    /** {@code struct xdp_ring_offset}: where, inside a ring's mapping, each part lives. */
    public static final StructLayout XDP_RING_OFFSET = MemoryLayout.structLayout(
            JAVA_LONG.withName("producer"),
            JAVA_LONG.withName("consumer"),
            JAVA_LONG.withName("desc"),
            JAVA_LONG.withName("flags")).withName("xdp_ring_offset");

    /**
     * {@code struct xdp_mmap_offsets}: 128 bytes. Ask with optlen 128 and check that 128 comes back:
     * with a shorter buffer the kernel answers in the pre-5.4 layout, which has no {@code flags}.
     */
    public static final StructLayout XDP_MMAP_OFFSETS_LAYOUT = MemoryLayout.structLayout(
            XDP_RING_OFFSET.withName("rx"),
            XDP_RING_OFFSET.withName("tx"),
            XDP_RING_OFFSET.withName("fr"),
            XDP_RING_OFFSET.withName("cr")).withName("xdp_mmap_offsets");

    /** Which of the four rings in {@link #XDP_MMAP_OFFSETS_LAYOUT}; the order is the struct's. */
    public enum RingId { RX, TX, FILL, COMPLETION }

    /** Offset of {@code field} ("producer", "consumer", "desc", "flags") of ring {@code id} in the answer. */
    public static long ringOffset(MemorySegment offsets, RingId id, String field) {
        long ring = (long) id.ordinal() * XDP_RING_OFFSET.byteSize();
        long f = XDP_RING_OFFSET.byteOffset(groupElement(field));
        return offsets.get(JAVA_LONG, ring + f);
    }

    /**
     * {@code struct xdp_umem_reg}: 28 bytes of fields in a 32-byte struct ({@code tx_metadata_len}
     * is Linux 6.8, not in the 6.1 header). Always pass all 32 bytes, zeroed: the kernel takes
     * 24 or 28 as an older struct and silently ignores the later fields.
     */
    public static final StructLayout XDP_UMEM_REG_LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"),
            JAVA_LONG.withName("len"),
            JAVA_INT.withName("chunk_size"),
            JAVA_INT.withName("headroom"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("tx_metadata_len")).withName("xdp_umem_reg");
    public static final VarHandle UMEM_REG_ADDR = field(XDP_UMEM_REG_LAYOUT, "addr");
    public static final VarHandle UMEM_REG_LEN = field(XDP_UMEM_REG_LAYOUT, "len");
    public static final VarHandle UMEM_REG_CHUNK_SIZE = field(XDP_UMEM_REG_LAYOUT, "chunk_size");
    public static final VarHandle UMEM_REG_HEADROOM = field(XDP_UMEM_REG_LAYOUT, "headroom");
    public static final VarHandle UMEM_REG_FLAGS = field(XDP_UMEM_REG_LAYOUT, "flags");

    /** {@code struct xdp_statistics}: six counters, 48 bytes. */
    public static final StructLayout XDP_STATISTICS_LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("rx_dropped"),
            JAVA_LONG.withName("rx_invalid_descs"),
            JAVA_LONG.withName("tx_invalid_descs"),
            JAVA_LONG.withName("rx_ring_full"),
            JAVA_LONG.withName("rx_fill_ring_empty_descs"),
            JAVA_LONG.withName("tx_ring_empty_descs")).withName("xdp_statistics");
    public static final VarHandle STAT_RX_DROPPED = field(XDP_STATISTICS_LAYOUT, "rx_dropped");
    public static final VarHandle STAT_RX_INVALID_DESCS = field(XDP_STATISTICS_LAYOUT, "rx_invalid_descs");
    public static final VarHandle STAT_TX_INVALID_DESCS = field(XDP_STATISTICS_LAYOUT, "tx_invalid_descs");
    public static final VarHandle STAT_RX_RING_FULL = field(XDP_STATISTICS_LAYOUT, "rx_ring_full");
    public static final VarHandle STAT_RX_FILL_RING_EMPTY = field(XDP_STATISTICS_LAYOUT, "rx_fill_ring_empty_descs");
    public static final VarHandle STAT_TX_RING_EMPTY = field(XDP_STATISTICS_LAYOUT, "tx_ring_empty_descs");

    /** {@code struct xdp_options}: one flags word. */
    public static final StructLayout XDP_OPTIONS_LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("flags")).withName("xdp_options");

    /** {@code struct xdp_desc}, an RX or TX ring entry: 16 bytes. FILL and COMPLETION entries are a bare u64 address. */
    public static final StructLayout XDP_DESC = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"),
            JAVA_INT.withName("len"),
            JAVA_INT.withName("options")).withName("xdp_desc");
    public static final long DESC_ADDR = XDP_DESC.byteOffset(groupElement("addr"));
    public static final long DESC_LEN = XDP_DESC.byteOffset(groupElement("len"));
    public static final long DESC_OPTIONS = XDP_DESC.byteOffset(groupElement("options"));
    public static final long DESC_SIZE = XDP_DESC.byteSize();
    /** Size of a FILL or COMPLETION ring entry. */
    public static final long ADDR_SIZE = Long.BYTES;

    /** A VarHandle for one field, with the base offset already applied: use as {@code (int) VH.get(seg)}. */
    private static VarHandle field(StructLayout layout, String name) {
        return java.lang.invoke.MethodHandles.insertCoordinates(layout.varHandle(groupElement(name)), 1, 0L);
    }
}
