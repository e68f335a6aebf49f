package io.xdppacket.internal.sys;

import io.xdppacket.XdpException;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetDeviceTest {

    private static String rejected(String name) {
        return assertThrows(IllegalArgumentException.class, () -> NetDevice.checkName(name)).getMessage();
    }

    @Test
    void badNamesAreRejectedWithTheRule() {
        assertEquals("interface name is null", rejected(null));
        assertEquals("interface name is empty", rejected(""));
        assertEquals("interface name 'abcdefghijklmnop' is 16 bytes long; at most 15 (IFNAMSIZ-1)", rejected("abcdefghijklmnop"));
        // 8 characters, 16 bytes of UTF-8: the kernel counts bytes.
        assertEquals("interface name 'éééééééé' is 16 bytes long; at most 15 (IFNAMSIZ-1)", rejected("éééééééé"));
        String rule = "; names may not contain '/', ':', whitespace or control characters";
        assertEquals("interface name 'a/b' contains '/' at index 1" + rule, rejected("a/b"));
        assertEquals("interface name 'eth0:1' contains ':' at index 4" + rule, rejected("eth0:1"));
        assertEquals("interface name 'a b' contains whitespace at index 1" + rule, rejected("a b"));
        assertTrue(rejected("a\tb").contains("whitespace"));
        // A NUL would end the name early in the kernel's C string: refused, and shown, not cut.
        assertEquals("interface name 'eth0\\0x' contains NUL at index 4" + rule, rejected("eth0\0x"));
        assertEquals("interface name 'a\u007fb' contains the control character U+007F at index 1" + rule, rejected("a\u007fb"));
        assertEquals("interface name '..' is not allowed", rejected(".."));
        assertEquals("interface name '.' is not allowed", rejected("."));
        assertThrows(IllegalArgumentException.class, () -> NetDevice.ifindex("bad/name"));
    }

    @Test
    void goodNamesPass() {
        for (String ok : List.of("eth0", "enp1s0f1np1", "vA", "abcdefghijklmno", "br-lan.100", "ééééééé")) {
            assertDoesNotThrow(() -> NetDevice.checkName(ok), ok);
        }
    }

    @Test
    @Privileged(tools = "ip")
    void namesAndIndexesResolveInTheThreadsNamespace() throws Exception {
        try (VethPair veth = VethPair.create()) {
            XdpException outside = assertThrows(XdpException.class, () -> NetDevice.ifindex(veth.ifA()));
            assertEquals("ENODEV", outside.errnoName());
            assertEquals("if_nametoindex(" + veth.ifA() + ") failed: ENODEV (No such device): no network interface named '"
                    + veth.ifA() + "' in this network namespace (ip link show)", outside.getMessage());
            try (NetNs ns = NetNs.enter(veth.nsA())) {
                int ifindex = NetDevice.ifindex(veth.ifA());
                String ipSays = Tools.run("ip", "-n", veth.nsA(), "-o", "link", "show", "dev", veth.ifA()).stdout();
                assertTrue(ipSays.startsWith(ifindex + ": " + veth.ifA() + "@"), ipSays);
                assertEquals(veth.ifA(), NetDevice.name(ifindex));
                assertEquals(1, NetDevice.ifindex("lo"));

                XdpException e = assertThrows(XdpException.class, () -> NetDevice.name(100_000));
                assertEquals("ENXIO", e.errnoName());
                assertEquals("no network interface with ifindex 100000 in this network namespace (ip link show)", e.hint());
            }
        }
    }

    @Test
    @Privileged(tools = "ip")
    void infoOfAJumboFourQueueVeth() throws Exception {
        try (VethPair veth = VethPair.create(4, 9000); NetNs ns = NetNs.enter(veth.nsB())) {
            NetDevice.LinkInfo info = NetDevice.info(NetDevice.ifindex(veth.ifB()));
            assertEquals(new NetDevice.LinkInfo(veth.ifB(), NetDevice.ifindex(veth.ifB()), 9000, 4, 4,
                    NetDevice.XdpAttachMode.NONE, 0, 0, 0, veth.macB()), info);
        }
    }

    @Test
    @Privileged(tools = "ip")
    void hardwareAddressIsTheOneOfTheNamespacesInterface() throws Exception {
        try (VethPair veth = VethPair.create()) {
            // A fixed address of our choosing, so that a random one cannot match by accident.
            Tools.run("ip", "-n", veth.nsA(), "link", "set", veth.ifA(), "address", "02:5e:00:12:34:56");
            try (NetNs ns = NetNs.enter(veth.nsA())) {
                NetDevice.LinkInfo info = NetDevice.info(NetDevice.ifindex(veth.ifA()));
                assertArrayEquals(new byte[] {0x02, 0x5e, 0x00, 0x12, 0x34, 0x56}, info.address());
                assertTrue(info.toString().contains("address=02:5e:00:12:34:56"), info.toString());
                info.address()[0] = 9;
                assertEquals(0x02, info.address()[0], "the record hands out copies");
                // Loopback has a 6-byte all-zero address (ip link: link/loopback 00:00:00:00:00:00).
                assertArrayEquals(new byte[6], NetDevice.info(1).address());
            }
            try (NetNs ns = NetNs.enter(veth.nsB())) {
                assertArrayEquals(veth.macB(), NetDevice.info(NetDevice.ifindex(veth.ifB())).address());
            }
        }
    }

    @Test
    @Privileged(tools = {"ip", "ethtool"})
    void rxQueueCountIsWhatIsInUseNow() throws Exception {
        try (VethPair veth = VethPair.create(4, 1500); NetNs ns = NetNs.enter(veth.nsA())) {
            assertEquals(4, NetDevice.rxQueueCount(veth.ifA()));
            // veth implements set_channels: fewer RX queues in use than allocated.
            Tools.run("ip", "netns", "exec", veth.nsA(), "ethtool", "-L", veth.ifA(), "rx", "2");
            assertEquals(2, NetDevice.rxQueueCount(veth.ifA()));
            assertEquals(4, NetDevice.info(NetDevice.ifindex(veth.ifA())).numRxQueues(), "allocated stays 4");
        }
    }

    @Test
    @Privileged(tools = {"ip", "ethtool"})
    void txQueueCountIsWhatIsInUseNowApartFromRx() throws Exception {
        try (VethPair veth = VethPair.create(4, 1500); NetNs ns = NetNs.enter(veth.nsA())) {
            assertEquals(4, NetDevice.txQueueCount(veth.ifA()));
            Tools.run("ip", "netns", "exec", veth.nsA(), "ethtool", "-L", veth.ifA(), "tx", "2");
            assertEquals(2, NetDevice.txQueueCount(veth.ifA()));
            assertEquals(4, NetDevice.rxQueueCount(veth.ifA()), "RX queues are counted apart");
            assertEquals(4, NetDevice.info(NetDevice.ifindex(veth.ifA())).numTxQueues(), "allocated stays 4");
        }
    }

    @Test
    @Privileged(tools = "ip")
    void withoutEthtoolChannelsTheAllocatedCountIsUsed() throws Exception {
        try (VethPair veth = VethPair.create(); NetNs ns = NetNs.enter(veth.nsA())) {
            // A bridge has no get_channels (ethtool -l: "Operation not supported").
            String br = "br" + veth.ifA().substring(2);
            Tools.run("ip", "-n", veth.nsA(), "link", "add", br, "numrxqueues", "3", "numtxqueues", "2", "type", "bridge");
            assertEquals(3, NetDevice.rxQueueCount(br));
            assertEquals(2, NetDevice.txQueueCount(br));
            assertEquals(1, NetDevice.rxQueueCount("lo"));
            assertEquals(1, NetDevice.txQueueCount("lo"));
            XdpException e = assertThrows(XdpException.class, () -> NetDevice.rxQueueCount("nosuchif0"));
            assertEquals("ENODEV", e.errnoName());
        }
    }
}
