package io.xdppacket.internal.sys;

import io.xdppacket.XdpException;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Privileged(tools = "ip")
class NetNsTest {

    private static int ifindex(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(arena);
            return Libc.ifNameToIndex(errno, arena.allocateFrom(name));
        }
    }

    @Test
    void threadSeesOnlyTheInterfacesOfTheNamespaceItEntered() throws Exception {
        try (VethPair veth = VethPair.create()) {
            assertEquals(0, ifindex(veth.ifA()), "the root namespace has no test interface");
            try (NetNs ns = NetNs.enter(veth.nsA())) {
                assertTrue(ifindex(veth.ifA()) > 0, veth.ifA() + " is visible inside " + ns.name());
                assertEquals(0, ifindex(veth.ifB()), "the peer end lives in the other namespace");
            }
            assertEquals(0, ifindex(veth.ifA()), "back in the root namespace after close");
        }
    }

    @Test
    void unknownNamespaceIsNamedInTheError() {
        XdpException e = assertThrows(XdpException.class, () -> NetNs.enter("xp-no-such-ns"));
        assertTrue(e.getMessage().contains("xp-no-such-ns"), e.getMessage());
        assertEquals("ENOENT", e.errnoName());
    }

    @Test
    void pathLikeNamesAreRejected() {
        assertThrows(XdpException.class, () -> NetNs.enter("../etc"));
        assertThrows(XdpException.class, () -> NetNs.enter(""));
    }
}
