package io.xdppacket.internal.sys;

import io.xdppacket.XdpClosedException;
import io.xdppacket.XdpException;
import io.xdppacket.internal.bpf.RedirectProgram;
import io.xdppacket.internal.bpf.XskMap;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetlinkTest {

    @Test
    void layoutsMatchTheUapiHeaders() {
        // sizeof() from a C program against Debian's 6.1 headers.
        assertEquals(16, Netlink.NLMSGHDR.byteSize());
        assertEquals(20, Netlink.NLMSGERR.byteSize());
        assertEquals(4, Netlink.RTATTR.byteSize());
        assertEquals(16, IfLink.IFINFOMSG.byteSize());
        assertEquals(4, IfLink.IFI_INDEX);
    }

    @Test
    void setXdpRequestIsLaidOutAsTheKernelExpects() {
        try (Arena arena = Arena.ofConfined()) {
            Netlink.Message m = new Netlink.Message(arena, 256, IfLink.RTM_SETLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
            m.reserve(IfLink.IFINFOMSG.byteSize()).set(JAVA_INT, IfLink.IFI_INDEX, 5);
            int nest = m.beginNested(IfLink.IFLA_XDP);
            m.putS32(IfLink.IFLA_XDP_FD, -1);
            m.putU32(IfLink.IFLA_XDP_FLAGS, IfLink.XDP_FLAGS_SKB_MODE);
            m.endNested(nest);
            MemorySegment out = m.finish(7);
            assertEquals(String.join(" ",
                    "34 00 00 00", "13 00", "05 00", "07 00 00 00", "00 00 00 00",  // nlmsghdr: 52, RTM_SETLINK, REQUEST|ACK, seq 7, pid 0
                    "00 00 00 00 05 00 00 00 00 00 00 00 00 00 00 00",             // ifinfomsg: AF_UNSPEC, ifindex 5
                    "14 00 2b 80",                                                 // IFLA_XDP | NLA_F_NESTED, 20 bytes
                    "08 00 01 00 ff ff ff ff",                                     //   IFLA_XDP_FD -1
                    "08 00 03 00 02 00 00 00"),                                    //   IFLA_XDP_FLAGS SKB_MODE
                    HexFormat.ofDelimiter(" ").formatHex(out.toArray(JAVA_BYTE)));
        }
    }

    @Test
    void attributesRoundTripWithPaddingAndNesting() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Netlink.Message m = new Netlink.Message(arena, 256, IfLink.RTM_NEWLINK, 0);
            m.putString(IfLink.IFLA_IFNAME, "vA");      // 4 + 3 bytes, padded to 8
            m.putU32(IfLink.IFLA_MTU, 9000);
            int nest = m.beginNested(IfLink.IFLA_XDP);
            m.putU8(IfLink.IFLA_XDP_ATTACHED, IfLink.XDP_ATTACHED_SKB);  // 5 bytes, padded to 8
            m.putU32(IfLink.IFLA_XDP_PROG_ID, 42);
            m.endNested(nest);
            MemorySegment msg = m.finish(1);
            assertEquals(16 + 8 + 8 + (4 + 8 + 8), msg.byteSize());
            assertEquals(7, msg.get(JAVA_SHORT, 16), "string attribute length counts the NUL, not the padding");

            Netlink.Attributes a = Netlink.Attributes.parse(msg.asSlice(16), "test");
            assertEquals(List.of(IfLink.IFLA_IFNAME, IfLink.IFLA_MTU, IfLink.IFLA_XDP), List.copyOf(a.types()));
            assertEquals("vA", a.string(IfLink.IFLA_IFNAME, null));
            assertEquals(9000, a.u32(IfLink.IFLA_MTU, 0));
            assertEquals(-3, a.u32(IfLink.IFLA_NUM_RX_QUEUES, -3), "absent attribute gives the default");
            assertFalse(a.has(IfLink.IFLA_NUM_RX_QUEUES));
            Netlink.Attributes xdp = a.nested(IfLink.IFLA_XDP, "test");
            assertEquals(IfLink.XDP_ATTACHED_SKB, xdp.u8(IfLink.IFLA_XDP_ATTACHED, -1));
            assertEquals(42, xdp.u32(IfLink.IFLA_XDP_PROG_ID, 0));
            assertNull(a.nested(IfLink.IFLA_NUM_TX_QUEUES, "test"));
            assertArrayEquals(new byte[] {0x28, 0x23, 0, 0}, a.bytes(IfLink.IFLA_MTU), "the payload, without padding");
            assertArrayEquals(new byte[0], a.bytes(IfLink.IFLA_ADDRESS), "absent: empty");
        }
    }

    @Test
    void attributeRunningPastItsRegionIsAnError() {
        try (Arena arena = Arena.ofConfined()) {
            // IFLA_MTU claiming 12 bytes in a region of 8.
            MemorySegment bad = arena.allocateFrom(JAVA_BYTE, HexFormat.of().parseHex("0c000400" + "28230000"));
            XdpException e = assertThrows(XdpException.class, () -> Netlink.Attributes.parse(bad, "RTM_GETLINK(ifindex 3)"));
            assertEquals("RTM_GETLINK(ifindex 3): malformed netlink attribute (type 4, length 12 at offset 0 of 8)", e.getMessage());
        }
    }

    /** An NLMSG_ERROR payload: error, the request's header (and payload unless capped), then ext-ack attributes. */
    private static MemorySegment errorPayload(Arena arena, boolean capped, String text) {
        int requestLen = 52;
        int echoed = capped ? 16 : requestLen;
        byte[] msg = (text + "\0").getBytes(StandardCharsets.UTF_8);
        int tlvLen = 4 + msg.length;
        MemorySegment p = arena.allocate(4 + echoed + Netlink.align(tlvLen), 4);
        p.set(JAVA_INT, 0, -Errno.ERANGE);
        p.set(JAVA_INT, 4, requestLen);  // the echoed request header's nlmsg_len
        p.set(JAVA_SHORT, 4 + echoed, (short) tlvLen);
        p.set(JAVA_SHORT, 4 + echoed + 2, (short) Netlink.NLMSGERR_ATTR_MSG);
        MemorySegment.copy(msg, 0, p, JAVA_BYTE, 4 + echoed + 4, msg.length);
        return p;
    }

    @Test
    void extendedAckTextIsFoundCappedOrNot() {
        String text = "veth: Peer MTU is too large to set XDP";
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(text, Netlink.extAckMessage(errorPayload(arena, true, text),
                    Netlink.NLM_F_CAPPED | Netlink.NLM_F_ACK_TLVS));
            assertEquals(text, Netlink.extAckMessage(errorPayload(arena, false, text), Netlink.NLM_F_ACK_TLVS));
            assertNull(Netlink.extAckMessage(errorPayload(arena, true, text), Netlink.NLM_F_CAPPED),
                    "no NLM_F_ACK_TLVS, no text");
        }
    }

    @Test
    void xdpFlagsAreNamed() {
        assertEquals("DRV_MODE|UPDATE_IF_NOEXIST", Netlink.xdpFlagsName(IfLink.XDP_FLAGS_DRV_MODE | IfLink.XDP_FLAGS_UPDATE_IF_NOEXIST));
        assertEquals("SKB_MODE", Netlink.xdpFlagsName(IfLink.XDP_FLAGS_SKB_MODE));
        assertEquals("0", Netlink.xdpFlagsName(0));
        assertEquals("HW_MODE|0x40", Netlink.xdpFlagsName(IfLink.XDP_FLAGS_HW_MODE | 0x40));
    }

    @Test
    @Privileged(tools = "ip")
    void getLinkReportsMtuQueuesAndNoProgram() throws Exception {
        try (VethPair veth = VethPair.create(3, 2000)) {
            int ifindex;
            Netlink nl;
            try (NetNs ns = NetNs.enter(veth.nsA())) {
                ifindex = NetDevice.ifindex(veth.ifA());
                nl = Netlink.open();
            }
            // Back in the root namespace: the socket still answers for the namespace it was opened in.
            try (nl) {
                NetDevice.LinkInfo info = nl.link(ifindex);
                assertEquals(veth.ifA(), info.name());
                assertEquals(ifindex, info.ifindex());
                assertEquals(2000, info.mtu());
                assertEquals(3, info.numRxQueues());
                assertEquals(3, info.numTxQueues());
                assertEquals(NetDevice.XdpAttachMode.NONE, info.xdpAttachMode());
                assertEquals(0, info.xdpProgId());

                XdpException e = assertThrows(XdpException.class, () -> nl.link(100_000));
                assertEquals("ENODEV", e.errnoName());
                assertEquals("netlink RTM_GETLINK(ifindex 100000)", e.operation());
                assertEquals("no network interface with ifindex 100000 in this network namespace (ip link show)", e.hint());
            }
            assertThrows(XdpClosedException.class, () -> nl.link(ifindex));
            nl.close();  // idempotent
        }
    }

    @Test
    @Privileged(tools = "ip")
    void errorsCarryTheKernelsText() throws Exception {
        try (VethPair veth = VethPair.create(1, 9000); NetNs ns = NetNs.enter(veth.nsA());
             Netlink nl = Netlink.open(); XskMap map = XskMap.create(1); RedirectProgram prog = RedirectProgram.load(map, false)) {
            int ifindex = NetDevice.ifindex(veth.ifA());
            XdpException e = assertThrows(XdpException.class, () -> nl.setXdp(ifindex, prog.fd(),
                    IfLink.XDP_FLAGS_DRV_MODE, veth.ifA() + " ifindex " + ifindex, err -> "MTU too large"));
            assertEquals("ERANGE", e.errnoName());
            assertEquals("netlink RTM_SETLINK(IFLA_XDP fd " + prog.fd() + " flags DRV_MODE, " + veth.ifA() + " ifindex "
                    + ifindex + ")", e.operation());
            assertEquals("MTU too large (kernel: veth: Peer MTU is too large to set XDP)", e.hint());
            assertTrue(e.getMessage().endsWith("failed: ERANGE (Math result not representable): " + e.hint()), e.getMessage());
        }
    }
}
