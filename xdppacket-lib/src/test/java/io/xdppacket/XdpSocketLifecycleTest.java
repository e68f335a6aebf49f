package io.xdppacket;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.HoldSocketMain;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Open, close, kill: nothing is left attached, nothing is touched after it was freed. */
@Privileged(tools = "ip")
class XdpSocketLifecycleTest {

    @ParameterizedTest
    @EnumSource(XdpMode.class)
    void closeDetachesTheProgramAndIsIdempotent(XdpMode mode) throws Exception {
        try (VethPair veth = VethPair.create()) {
            XdpSocket s = XdpSocket.open(veth.ifB(), XdpOptions.builder().xdpMode(mode).networkNamespace(veth.nsB()).build());
            String attached = veth.linkDetails(veth.nsB(), veth.ifB());
            assertTrue(veth.xdpAttached(veth.nsB(), veth.ifB()), attached);
            XdpMode inUse = mode == XdpMode.AUTO ? XdpMode.DRV : mode;  // veth has native XDP
            assertEquals(inUse, s.mode());
            assertEquals(null, s.modeReason(), "AUTO found native XDP: nothing to explain");
            assertTrue(attached.contains(inUse == XdpMode.DRV ? "xdp " : "xdpgeneric"), "attached in " + mode + " mode: " + attached);
            s.close();
            assertTrue(s.isClosed());
            assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()), () -> veth.linkDetails(veth.nsB(), veth.ifB()));
            s.close(); // twice is fine
        }
    }

    @Test
    void everyCallAfterCloseThrowsClosed() throws Exception {
        try (VethPair veth = VethPair.create()) {
            XdpSocket s = XdpSocket.open(veth.ifA(), XdpOptions.builder().networkNamespace(veth.nsA()).build());
            byte[] frame = Frames.frame(veth.macB(), veth.macA(), 0, 60, new java.util.Random(1));
            s.close();
            assertThrows(XdpClosedException.class, s::readPacketData);
            assertThrows(XdpClosedException.class, s::zeroCopyReadPacket);
            assertThrows(XdpClosedException.class, () -> s.zeroCopyReadPackets(new PacketBatch()));
            assertThrows(XdpClosedException.class, () -> s.readPacketData(new byte[64], null));
            assertThrows(XdpClosedException.class, () -> s.writePacket(frame));
            assertThrows(XdpClosedException.class, () -> s.writePackets(new byte[][] {frame}));
            assertThrows(XdpClosedException.class, s::flush);
            assertThrows(XdpClosedException.class, s::release);
            XdpClosedException e = assertThrows(XdpClosedException.class, s::stats);
            assertTrue(e.getMessage().contains(veth.ifA()) && e.getMessage().contains("closed"), e.getMessage());
            // Configuration stays readable.
            assertEquals(veth.ifA(), s.interfaceName());
            assertEquals(0, s.queueId());
        }
    }

    /** A zero-copy view that outlives its socket throws on access instead of reading unmapped memory. */
    @Test
    void zeroCopyViewAfterCloseThrowsInsteadOfTouchingFreedMemory() throws Exception {
        try (VethPair veth = VethPair.create()) {
            try (XdpSocket tx = XdpSocket.open(veth.ifA(), XdpOptions.builder().networkNamespace(veth.nsA()).build())) {
                XdpSocket rx = XdpSocket.open(veth.ifB(), XdpOptions.builder().networkNamespace(veth.nsB()).build());
                tx.writePacket(Frames.frame(veth.macB(), veth.macA(), 7, 100, new java.util.Random(2)));
                Packet p = rx.zeroCopyReadPacket();
                assertEquals(100, p.length());
                assertEquals(7, p.getInt(Frames.SEQUENCE_OFFSET));
                var slice = p.segment();
                rx.close();
                assertThrows(IllegalStateException.class, () -> slice.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
                assertThrows(RuntimeException.class, () -> p.getByte(0));
            }
        }
    }

    @Test
    void closeWakesAReaderBlockedOnAnotherThread() throws Exception {
        try (VethPair veth = VethPair.create()) {
            XdpSocket s = XdpSocket.open(veth.ifB(), XdpOptions.builder().networkNamespace(veth.nsB()).build());
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    s.readPacketData();
                    outcome.set(new AssertionError("read returned without a frame"));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            Thread.sleep(200); // let it block in ppoll
            assertTrue(reader.isAlive(), "a BLOCK read waits for a frame");
            s.close();
            reader.join(5_000);
            assertFalse(reader.isAlive(), "close woke the reader");
            assertInstanceOf(XdpClosedException.class, outcome.get());
            assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()));
        }
    }

    /** busyPoll as long as it goes: the reader never sleeps (no ppoll), and close still ends its wait. */
    @Test
    void closeEndsABusyPollingReader() throws Exception {
        try (VethPair veth = VethPair.create()) {
            XdpSocket s = XdpSocket.open(veth.ifB(), XdpOptions.builder().busyPoll(XdpOptions.MAX_BUSY_POLL)
                    .networkNamespace(veth.nsB()).build());
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    s.zeroCopyReadPackets(new PacketBatch());
                    outcome.set(new AssertionError("read returned without a frame"));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            Thread.sleep(200);
            assertTrue(reader.isAlive(), "a BLOCK read waits for a frame");
            assertEquals(0, s.stats().rxPolls(), "spinning, not sleeping in ppoll");
            s.close();
            reader.join(5_000);
            assertFalse(reader.isAlive(), "close ended the spin");
            assertInstanceOf(XdpClosedException.class, outcome.get());
            assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()));
        }
    }

    /** A NONBLOCK read whose busyPoll is as long as its pollTimeout spends the whole timeout spinning and never sleeps. */
    @Test
    void nonBlockingReadSpinsAtMostThePollTimeout() throws Exception {
        Duration timeout = Duration.ofMillis(20);
        try (VethPair veth = VethPair.create();
             XdpSocket s = XdpSocket.open(veth.ifB(), XdpOptions.builder().ioMode(IoMode.NONBLOCK).pollTimeout(timeout)
                     .busyPoll(Duration.ofSeconds(10)).networkNamespace(veth.nsB()).build())) {
            long t0 = System.nanoTime();
            assertNull(s.readPacketData());
            long elapsed = System.nanoTime() - t0;
            assertTrue(elapsed >= timeout.toNanos() * 9 / 10, "waited " + elapsed + " ns");
            assertTrue(elapsed < timeout.toNanos() * 20, "returned after " + elapsed / 1_000_000 + " ms, not after busyPoll");
            assertEquals(0, s.stats().rxPolls(), "the spin took the whole timeout");
        }
    }

    @Test
    void nonBlockingReadWithoutTrafficReturnsNullAfterThePollTimeout() throws Exception {
        Duration timeout = Duration.ofMillis(20);
        try (VethPair veth = VethPair.create();
             XdpSocket s = XdpSocket.open(veth.ifB(), XdpOptions.builder().ioMode(IoMode.NONBLOCK)
                     .pollTimeout(timeout).networkNamespace(veth.nsB()).build())) {
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                assertNull(s.readPacketData());
                assertNull(s.zeroCopyReadPacket());
                assertEquals(0, s.zeroCopyReadPackets(new PacketBatch()));
                long elapsed = System.nanoTime() - t0;
                // Three reads: at least three timeouts; the bound is loose on purpose (a loaded CI VM).
                assertTrue(elapsed >= 3 * timeout.toNanos() * 9 / 10, "waited " + elapsed + " ns");
                assertTrue(elapsed < 3 * timeout.toNanos() * 20, "returned after " + elapsed / 1_000_000 + " ms");
            }
            assertTrue(s.stats().rxPolls() >= 15);
        }
    }

    @Test
    void theQueueCanBeReopenedRightAfterClose() throws Exception {
        try (VethPair veth = VethPair.create()) {
            XdpOptions o = XdpOptions.builder().networkNamespace(veth.nsB()).build();
            for (int i = 0; i < 5; i++) {
                try (XdpSocket s = XdpSocket.open(veth.ifB(), o)) {
                    assertNotNull(s.stats());
                }
            }
        }
    }

    /** A process killed with SIGKILL while receiving leaves no program: the bpf_link dies with its fd. */
    @Test
    void sigkilledProcessLeavesNothingAttached() throws Exception {
        try (VethPair veth = VethPair.create()) {
            String java = ProcessHandle.current().info().command().orElseThrow();
            String classpath = codeSource(XdpSocket.class) + File.pathSeparator + codeSource(HoldSocketMain.class);
            Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
                    HoldSocketMain.class.getName(), veth.nsB(), veth.ifB(), XdpMode.DRV.name().toLowerCase(Locale.ROOT))
                    .redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line = out.readLine();
                assertEquals("READY", line, "child output");
                assertTrue(veth.xdpAttached(veth.nsB(), veth.ifB()), "the child attached its program");
                child.destroyForcibly(); // SIGKILL
                assertTrue(child.waitFor(10, TimeUnit.SECONDS));
                assertEquals(137, child.exitValue(), "killed by SIGKILL");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (veth.xdpAttached(veth.nsB(), veth.ifB()) && System.nanoTime() < deadline) Thread.sleep(20);
                assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()), () -> veth.linkDetails(veth.nsB(), veth.ifB()));
            } finally {
                child.destroyForcibly();
            }
        }
    }

    private static String codeSource(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

}
