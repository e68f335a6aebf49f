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
    void namesTheKernelCannotTakeAreRejectedBeforeAnyCall() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NetNs.enter("../etc")).getMessage().contains("'/' at index 2"));
        assertThrows(IllegalArgumentException.class, () -> NetNs.enter(""));
        assertThrows(IllegalArgumentException.class, () -> NetNs.enter(".."));
        // A NUL would cut the name short in open(2): "ns\0x" must not open "ns".
        String nul = assertThrows(IllegalArgumentException.class, () -> NetNs.enter("ns\0x")).getMessage();
        assertEquals("network namespace name 'ns\\0x' contains NUL at index 2: expected a name as 'ip netns list' shows it", nul);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NetNs.enter("a\nb")).getMessage().contains("U+000A"));
        assertThrows(IllegalArgumentException.class, () -> NetNs.enter("x".repeat(256)));
    }
}
