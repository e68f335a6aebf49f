package io.xdppacket.internal.bpf;

import io.xdppacket.XdpClosedException;
import io.xdppacket.XdpException;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.testing.Bpftool;
import io.xdppacket.testing.Privileged;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The XSKMAP on its own. Storing a bound socket and receiving through it is covered by the AF_XDP
 * socket's integration tests; here: creation, the errors for fds that are not AF_XDP sockets, removal.
 */
class XskMapTest {

    @Test
    void sizeMustBePositive() {
        var e = assertThrows(IllegalArgumentException.class, () -> XskMap.create(0));
        assertTrue(e.getMessage().contains("maxEntries 0"), e.getMessage());
    }

    @Test
    @Privileged(tools = "bpftool")
    void createdMapIsAnXskmapOfU32ToU32() throws Exception {
        try (XskMap map = XskMap.create(16)) {
            Bpf.MapInfo info = Bpf.mapInfo(map.fd());
            assertEquals(Bpf.BPF_MAP_TYPE_XSKMAP, info.type());
            assertEquals(map.id(), info.id());
            assertEquals(4, info.keySize());
            assertEquals(4, info.valueSize());
            assertEquals(16, info.maxEntries());
            assertEquals(16, map.maxEntries());
            assertEquals(XskMap.NAME, info.name());
            String shown = Bpftool.mapShow(map.id()).stdout();
            assertTrue(shown.contains("\"type\":\"xskmap\""), shown);
            assertTrue(shown.contains("\"name\":\"xsks_map\""), shown);
        }
    }

    @Test
    @Privileged
    void fdsThatAreNotAfXdpSocketsAreRefusedWithAReason() throws Exception {
        try (XskMap map = XskMap.create(4); Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(arena);
            int udp = Libc.socket(errno, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            int efd = Libc.eventfd(errno, 0, Libc.EFD_CLOEXEC);
            try {
                XdpException e = assertThrows(XdpException.class, () -> map.put(2, udp));
                assertEquals("EOPNOTSUPP", e.errnoName());
                assertEquals("bpf(BPF_MAP_UPDATE_ELEM, XSKMAP id " + map.id() + " [queue 2] = fd " + udp + ")", e.operation());
                assertEquals("fd " + udp + " is not an AF_XDP socket ready for redirects: the map takes only AF_XDP "
                        + "sockets, bound to queue 2 of the interface", e.hint());

                e = assertThrows(XdpException.class, () -> map.put(1, efd));
                assertEquals("ENOTSOCK", e.errnoName());
                assertEquals("fd " + efd + " is not a socket; expected an AF_XDP socket bound to queue 1", e.hint());
            } finally {
                Libc.close(errno, udp);
                Libc.close(errno, efd);
            }
            XdpException e = assertThrows(XdpException.class, () -> map.put(0, 100_000));
            assertEquals("EBADF", e.errnoName());
            assertEquals("fd 100000 is not open", e.hint());
        }
    }

    @Test
    @Privileged
    void kernelStoresEvenAnUnboundAfXdpSocket() throws Exception {
        // Measured fact behind XskMap's advice to put only bound sockets: since Linux 5.10 (commit
        // "xsk: Fix possible segfault at xskmap entry insertion") the map no longer checks the
        // socket's state. If this starts failing, the kernel checks again and the hint for
        // EOPNOTSUPP is the whole story.
        try (XskMap map = XskMap.create(4); Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(arena);
            int xsk = Libc.socket(errno, Libc.AF_XDP, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
            assertTrue(xsk >= 0, "socket(AF_XDP)");
            try {
                assertDoesNotThrow(() -> map.put(3, xsk));
                map.remove(3);
            } finally {
                Libc.close(errno, xsk);
            }
        }
    }

    @Test
    @Privileged
    void removeOfAnEmptyQueueIsFineAndQueuesAreRangeChecked() throws Exception {
        try (XskMap map = XskMap.create(4)) {
            map.remove(0);
            map.remove(3);
            var e = assertThrows(IllegalArgumentException.class, () -> map.remove(4));
            assertEquals("queue 4: this XSKMAP holds queues 0..3", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> map.put(-1, 0));
        }
    }

    @Test
    @Privileged(tools = "bpftool")
    void closeIsIdempotentAndReleasesTheMap() throws Exception {
        XskMap map = XskMap.create(4);
        int id = map.id();
        map.close();
        map.close();
        assertThrows(XdpClosedException.class, map::fd);
        assertThrows(XdpClosedException.class, () -> map.put(0, 0));
        assertThrows(XdpClosedException.class, () -> map.remove(0));
        assertTrue(map.toString().endsWith("closed]"), map.toString());
        // The map is freed asynchronously (RCU) once its last fd closes.
        for (int i = 0; i < 100 && Bpftool.mapShow(id).exitCode() == 0; i++) Thread.sleep(20);
        assertNotEquals(0, Bpftool.mapShow(id).exitCode(), "map " + id + " still exists after close");
    }
}
