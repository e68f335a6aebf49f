package io.xdppacket.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * rtnetlink's link messages: the {@code RTM_*LINK} types and {@code struct ifinfomsg}
 * ({@code <linux/rtnetlink.h>}), the {@code IFLA_*} attributes and XDP flags ({@code <linux/if_link.h>}).
 * Values are those of the Debian 6.1 uapi headers.
 */
public final class IfLink {
    private IfLink() {}

    // ---- message types ------------------------------------------------------------------------
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_SETLINK = 19;

    /** {@code struct ifinfomsg}: the fixed header of every link message, 16 bytes. */
    public static final StructLayout IFINFOMSG = MemoryLayout.structLayout(
            JAVA_BYTE.withName("ifi_family"),
            JAVA_BYTE.withName("__ifi_pad"),
            JAVA_SHORT.withName("ifi_type"),
            JAVA_INT.withName("ifi_index"),
            JAVA_INT.withName("ifi_flags"),
            JAVA_INT.withName("ifi_change")).withName("ifinfomsg");
    public static final long IFI_FAMILY = IFINFOMSG.byteOffset(groupElement("ifi_family"));
    public static final long IFI_INDEX = IFINFOMSG.byteOffset(groupElement("ifi_index"));

    // ---- link attributes (enum in if_link.h) ----------------------------------------------------
    /** bytes: the hardware (link-layer) address, 6 bytes on Ethernet; absent on devices without one */
    public static final int IFLA_ADDRESS = 1;
    /** string */
    public static final int IFLA_IFNAME = 3;
    /** u32 */
    public static final int IFLA_MTU = 4;
    /** u32, a request attribute: {@code RTEXT_FILTER_*} bits */
    public static final int IFLA_EXT_MASK = 29;
    /** u32: queues allocated at creation ({@code numtxqueues}), not those in use */
    public static final int IFLA_NUM_TX_QUEUES = 31;
    /** u32: queues allocated at creation ({@code numrxqueues}), not those in use */
    public static final int IFLA_NUM_RX_QUEUES = 32;
    /** nested {@code IFLA_XDP_*} */
    public static final int IFLA_XDP = 43;

    /** {@code IFLA_EXT_MASK} bit: leave out the statistics, which we do not read (kernels without it ignore the bit). */
    public static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;

    // ---- IFLA_XDP nested attributes --------------------------------------------------------------
    /** s32, request: the program fd, -1 to detach */
    public static final int IFLA_XDP_FD = 1;
    /** u8, answer: one of {@code XDP_ATTACHED_*} */
    public static final int IFLA_XDP_ATTACHED = 2;
    /** u32, request: {@code XDP_FLAGS_*} */
    public static final int IFLA_XDP_FLAGS = 3;
    /** u32, answer: the program's id, when exactly one mode has a program */
    public static final int IFLA_XDP_PROG_ID = 4;
    /** u32, answer: the native-mode program's id */
    public static final int IFLA_XDP_DRV_PROG_ID = 5;
    /** u32, answer: the generic-mode program's id */
    public static final int IFLA_XDP_SKB_PROG_ID = 6;
    /** u32, answer: the offloaded program's id */
    public static final int IFLA_XDP_HW_PROG_ID = 7;

    // ---- IFLA_XDP_ATTACHED values ------------------------------------------------------------------
    public static final int XDP_ATTACHED_NONE = 0;
    public static final int XDP_ATTACHED_DRV = 1;
    public static final int XDP_ATTACHED_SKB = 2;
    public static final int XDP_ATTACHED_HW = 3;
    /** Programs in more than one mode (e.g. SKB and HW); only the per-mode ids are reported. */
    public static final int XDP_ATTACHED_MULTI = 4;

    // ---- XDP_FLAGS_* (IFLA_XDP_FLAGS and BPF_LINK_CREATE's flags) --------------------------------
    /** Netlink only: fail with EBUSY instead of replacing an attached program. Links always behave so. */
    public static final int XDP_FLAGS_UPDATE_IF_NOEXIST = 1 << 0;
    public static final int XDP_FLAGS_SKB_MODE = 1 << 1;
    public static final int XDP_FLAGS_DRV_MODE = 1 << 2;
    public static final int XDP_FLAGS_HW_MODE = 1 << 3;
}
