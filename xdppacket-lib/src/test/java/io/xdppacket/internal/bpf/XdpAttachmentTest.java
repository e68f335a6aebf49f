package io.xdppacket.internal.bpf;

import io.xdppacket.XdpException;
import io.xdppacket.XdpMode;
import io.xdppacket.XdpUnavailableException;
import io.xdppacket.internal.sys.Errno;
import io.xdppacket.internal.sys.NetDevice;
import io.xdppacket.internal.sys.NetNs;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attach and detach on a veth end inside a test namespace, through both paths, checked with
 * {@code ip -d link} and rtnetlink. The test thread enters the namespace, as an application would.
 */
@Privileged(tools = "ip")
class XdpAttachmentTest {

    /** The first line of {@code ip -d link show}: {@code "... mtu 1500 xdp qdisc ..."} for native, {@code xdpgeneric} for generic. */
    private static String ipMode(VethPair veth) {
        String first = veth.linkDetails(veth.nsA(), veth.ifA()).lines().findFirst().orElseThrow();
        if (first.contains(" xdpgeneric ")) return "xdpgeneric";
        if (first.contains(" xdp ")) return "xdp";
        return "none";
    }

    private static String expectedIpMode(XdpMode mode) {
        return mode == XdpMode.DRV ? "xdp" : "xdpgeneric";
    }

    private static void assertAttached(VethPair veth, XdpMode mode, int progId) throws XdpException {
        assertEquals(expectedIpMode(mode), ipMode(veth), veth.linkDetails(veth.nsA(), veth.ifA()));
        assertTrue(veth.linkDetails(veth.nsA(), veth.ifA()).contains("prog/xdp id " + progId + " "),
                veth.linkDetails(veth.nsA(), veth.ifA()));
        NetDevice.LinkInfo info = NetDevice.info(NetDevice.ifindex(veth.ifA()));
        assertEquals(mode == XdpMode.DRV ? NetDevice.XdpAttachMode.DRV : NetDevice.XdpAttachMode.SKB, info.xdpAttachMode());
        assertEquals(progId, info.xdpProgId());
        assertEquals(progId, info.xdpProgId(mode));
    }

    private static void assertNothingAttached(VethPair veth) throws XdpException {
        assertFalse(veth.xdpAttached(veth.nsA(), veth.ifA()), veth.linkDetails(veth.nsA(), veth.ifA()));
        NetDevice.LinkInfo info = NetDevice.info(NetDevice.ifindex(veth.ifA()));
        assertEquals(NetDevice.XdpAttachMode.NONE, info.xdpAttachMode());
        assertEquals(0, info.xdpProgId());
    }

    @Test
    void thisKernelHasXdpLinks() throws Exception {
        assertTrue(XdpAttachment.xdpLinksSupported(), "Linux >= 5.9 answers the prog_fd -1 probe with EBADF");
    }

    @ParameterizedTest
    @EnumSource(XdpMode.class)
    void attachThroughABpfLink(XdpMode mode) throws Exception {
        try (VethPair veth = VethPair.create(); NetNs ns = NetNs.enter(veth.nsA());
             XskMap map = XskMap.create(1); RedirectProgram prog = RedirectProgram.load(map, false)) {
            int ifindex = NetDevice.ifindex(veth.ifA());
            XdpAttachment a = XdpAttachment.attach(prog.fd(), ifindex, mode);
            try {
                assertTrue(a.viaLink());
                assertEquals(prog.id(), a.progId());
                assertEquals(veth.ifA(), a.ifname());
                assertEquals(ifindex, a.ifindex());
                assertEquals(mode, a.mode());
                assertAttached(veth, mode, prog.id());
                Bpf.LinkInfo link = a.linkInfo();
                assertEquals(Bpf.BPF_LINK_TYPE_XDP, link.type());
                assertEquals(prog.id(), link.progId());
                assertEquals(ifindex, link.xdpIfindex());
            } finally {
                a.close();
            }
            assertNothingAttached(veth);
            a.close();
            assertNothingAttached(veth);
            assertTrue(a.toString().endsWith(", bpf_link, closed]"), a.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(XdpMode.class)
    void attachThroughNetlinkWhenLinksAreSwitchedOff(XdpMode mode) throws Exception {
        try (VethPair veth = VethPair.create(); NetNs ns = NetNs.enter(veth.nsA());
             XskMap map = XskMap.create(1); RedirectProgram prog = RedirectProgram.load(map, false)) {
            XdpAttachment a = XdpAttachment.attach(prog.fd(), NetDevice.ifindex(veth.ifA()), mode, false);
            try {
                assertFalse(a.viaLink());
                assertAttached(veth, mode, prog.id());
                assertThrows(IllegalStateException.class, a::linkInfo);
            } finally {
                a.close();
            }
            assertNothingAttached(veth);
            a.close();
            assertNothingAttached(veth);
        }
    }

    @Test
    void theProgramFdMayBeClosedWhileAttached() throws Exception {
        try (VethPair veth = VethPair.create(); NetNs ns = NetNs.enter(veth.nsA()); XskMap map = XskMap.create(1)) {
            RedirectProgram prog = RedirectProgram.load(map, false);
            try (XdpAttachment a = XdpAttachment.attach(prog.fd(), NetDevice.ifindex(veth.ifA()), XdpMode.SKB)) {
                prog.close();
                assertAttached(veth, XdpMode.SKB, a.progId());
            }
            assertNothingAttached(veth);
        }
    }

    @Test
    void netlinkDetachLeavesSomeoneElsesProgramAlone() throws Exception {
        try (VethPair veth = VethPair.create(); NetNs ns = NetNs.enter(veth.nsA()); XskMap map = XskMap.create(1);
             RedirectProgram ours = RedirectProgram.load(map, false);
             RedirectProgram theirs = RedirectProgram.load(map, false)) {
            int ifindex = NetDevice.ifindex(veth.ifA());
            XdpAttachment a = XdpAttachment.attach(ours.fd(), ifindex, XdpMode.SKB, false);
            // Someone detaches ours and attaches another program behind our back.
            Tools.run("ip", "-n", veth.nsA(), "link", "set", "dev", veth.ifA(), "xdpgeneric", "off");
            try (XdpAttachment b = XdpAttachment.attach(theirs.fd(), ifindex, XdpMode.SKB, false)) {
                a.close();
                assertAttached(veth, XdpMode.SKB, theirs.id());
                assertEquals(theirs.id(), b.progId());
            }
            assertNothingAttached(veth);
        }
    }

    @Test
    void aSecondProgramIsRefusedWithEbusy() throws Exception {
        try (VethPair veth = VethPair.create(); NetNs ns = NetNs.enter(veth.nsA()); XskMap map = XskMap.create(1);
             RedirectProgram prog = RedirectProgram.load(map, false)) {
            int ifindex = NetDevice.ifindex(veth.ifA());
            String ifA = veth.ifA();
            String hint = "another XDP program is already attached to " + ifA + " (ip -d link show dev " + ifA + ")";
            try (XdpAttachment first = XdpAttachment.attach(prog.fd(), ifindex, XdpMode.DRV)) {
                XdpException e = assertThrows(XdpException.class, () -> XdpAttachment.attach(prog.fd(), ifindex, XdpMode.DRV));
                assertEquals("EBUSY", e.errnoName());
                assertEquals("bpf(BPF_LINK_CREATE, prog id " + prog.id() + " on " + ifA + " ifindex " + ifindex + " DRV)",
                        e.operation());
                assertEquals(hint, e.hint());
                assertEquals(e.operation() + " failed: EBUSY (Device or resource busy): " + hint, e.getMessage());

                // The legacy path sees the link too, and the kernel says why.
                e = assertThrows(XdpException.class, () -> XdpAttachment.attach(prog.fd(), ifindex, XdpMode.DRV, false));
                assertEquals("EBUSY", e.errnoName());
                assertEquals(hint + " (kernel: Can't replace active BPF XDP link)", e.hint());
                assertTrue(e.operation().startsWith("netlink RTM_SETLINK(IFLA_XDP fd " + prog.fd()
                        + " flags DRV_MODE|UPDATE_IF_NOEXIST, prog id "), e.operation());

                // The other mode: native and generic cannot both be active.
                e = assertThrows(XdpException.class, () -> XdpAttachment.attach(prog.fd(), ifindex, XdpMode.SKB));
                assertEquals("EEXIST", e.errnoName());
                assertEquals("another XDP program is already attached to " + ifA + " in the other mode, and native and "
                        + "generic XDP cannot be active at the same time (ip -d link show dev " + ifA + ")", e.hint());
                assertAttached(veth, XdpMode.DRV, first.progId());
            }
            try (XdpAttachment legacy = XdpAttachment.attach(prog.fd(), ifindex, XdpMode.SKB, false)) {
                XdpException e = assertThrows(XdpException.class, () -> XdpAttachment.attach(prog.fd(), ifindex, XdpMode.SKB, false));
                assertEquals("EBUSY", e.errnoName());
                assertEquals(hint + " (kernel: XDP program already attached)", e.hint());
                // A link cannot take the hook from a legacy attachment either.
                e = assertThrows(XdpException.class, () -> XdpAttachment.attach(prog.fd(), ifindex, XdpMode.SKB));
                assertEquals("EBUSY", e.errnoName());
                assertEquals(hint, e.hint());
                assertAttached(veth, XdpMode.SKB, legacy.progId());
            }
            assertNothingAttached(veth);
        }
    }

    @Test
    void nativeModeOnAJumboVethNeedsTheFragsProgram() throws Exception {
        try (VethPair veth = VethPair.create(1, 9000); NetNs ns = NetNs.enter(veth.nsA()); XskMap map = XskMap.create(1);
             RedirectProgram plain = RedirectProgram.load(map, false);
             RedirectProgram frags = RedirectProgram.load(map, true)) {
            int ifindex = NetDevice.ifindex(veth.ifA());
            String ifA = veth.ifA();
            String hint = ifA + "'s MTU is too large for native XDP without multi-buffer (veth: the peer's MTU counts); "
                    + "turn multi-buffer on (XdpOptions multiBuffer AUTO or ON), lower the MTU, or use XdpMode.SKB";
            XdpException e = assertThrows(XdpException.class, () -> XdpAttachment.attach(plain.fd(), ifindex, XdpMode.DRV));
            XdpUnavailableException u = assertInstanceOf(XdpUnavailableException.class, e);
            assertEquals(XdpUnavailableException.Missing.INTERFACE_SUPPORT, u.missing());
            assertEquals("ERANGE", e.errnoName());
            assertEquals(hint, e.hint());

            e = assertThrows(XdpUnavailableException.class, () -> XdpAttachment.attach(plain.fd(), ifindex, XdpMode.DRV, false));
            assertEquals(hint + " (kernel: veth: Peer MTU is too large to set XDP)", e.hint());
            assertNothingAttached(veth);

            try (XdpAttachment a = XdpAttachment.attach(frags.fd(), ifindex, XdpMode.DRV)) {
                assertAttached(veth, XdpMode.DRV, a.progId());
            }
            try (XdpAttachment a = XdpAttachment.attach(plain.fd(), ifindex, XdpMode.SKB)) {
                assertAttached(veth, XdpMode.SKB, a.progId());
            }
            assertNothingAttached(veth);
        }
    }

    @Test
    @Privileged(tools = {"ip", "ethtool"})
    void nativeModeOnVethNeedsRxQueuesForThePeersTxQueues() throws Exception {
        try (VethPair veth = VethPair.create(4, 1500); NetNs ns = NetNs.enter(veth.nsA()); XskMap map = XskMap.create(4);
             RedirectProgram prog = RedirectProgram.load(map, false)) {
            Tools.run("ip", "netns", "exec", veth.nsA(), "ethtool", "-L", veth.ifA(), "rx", "2");
            int ifindex = NetDevice.ifindex(veth.ifA());
            XdpUnavailableException e = assertThrows(XdpUnavailableException.class,
                    () -> XdpAttachment.attach(prog.fd(), ifindex, XdpMode.DRV, false));
            assertEquals("ENOSPC", e.errnoName());
            assertEquals(XdpUnavailableException.Missing.INTERFACE_SUPPORT, e.missing());
            assertEquals(veth.ifA() + " has fewer RX queues in use than its veth peer has TX queues; native XDP on veth "
                    + "needs at least as many (ethtool -L " + veth.ifA() + " rx N) "
                    + "(kernel: veth: XDP expects number of rx queues not less than peer tx queues)", e.hint());
            assertNothingAttached(veth);
        }
    }

    @Test
    void nativeModeOnADriverWithoutXdpIsUnsupported() throws Exception {
        try (VethPair veth = VethPair.create(); NetNs ns = NetNs.enter(veth.nsA()); XskMap map = XskMap.create(1);
             RedirectProgram prog = RedirectProgram.load(map, false)) {
            // A bridge has no ndo_bpf: generic XDP only.
            String br = "br" + veth.ifA().substring(2);
            Tools.run("ip", "-n", veth.nsA(), "link", "add", br, "type", "bridge");
            int ifindex = NetDevice.ifindex(br);
            String hint = br + "'s driver has no native XDP; use XdpMode.SKB";
            XdpUnavailableException e = assertThrows(XdpUnavailableException.class,
                    () -> XdpAttachment.attach(prog.fd(), ifindex, XdpMode.DRV));
            assertEquals("EOPNOTSUPP", e.errnoName());
            assertEquals(XdpUnavailableException.Missing.INTERFACE_SUPPORT, e.missing());
            assertEquals(hint, e.hint());
            e = assertThrows(XdpUnavailableException.class, () -> XdpAttachment.attach(prog.fd(), ifindex, XdpMode.DRV, false));
            assertEquals(hint + " (kernel: Underlying driver does not support XDP in native mode)", e.hint());
            try (XdpAttachment a = XdpAttachment.attach(prog.fd(), ifindex, XdpMode.SKB)) {
                assertEquals(prog.id(), NetDevice.info(ifindex).xdpSkbProgId());
                assertTrue(a.viaLink());
            }
            assertEquals(NetDevice.XdpAttachMode.NONE, NetDevice.info(ifindex).xdpAttachMode());
        }
    }

    @Test
    void netlinkDetachHappensInTheAttachNamespaceWhateverThreadCloses() throws Exception {
        try (VethPair veth = VethPair.create(); XskMap map = XskMap.create(1); RedirectProgram prog = RedirectProgram.load(map, false)) {
            XdpAttachment a;
            try (NetNs ns = NetNs.enter(veth.nsA())) {
                a = XdpAttachment.attach(prog.fd(), NetDevice.ifindex(veth.ifA()), XdpMode.SKB, false);
            }
            assertEquals("xdpgeneric", ipMode(veth));
            // A thread that never entered the namespace; ifindex 2 or so means nothing in the root namespace.
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread closer = Thread.ofPlatform().start(() -> {
                try {
                    a.close();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            closer.join();
            assertNull(failure.get());
            assertFalse(veth.xdpAttached(veth.nsA(), veth.ifA()), veth.linkDetails(veth.nsA(), veth.ifA()));
        }
    }

    @Test
    void unknownInterfaceOrModeIsRefusedBeforeTheKernel() throws Exception {
        try (XskMap map = XskMap.create(1); RedirectProgram prog = RedirectProgram.load(map, false)) {
            XdpException e = assertThrows(XdpException.class, () -> XdpAttachment.attach(prog.fd(), 100_000, XdpMode.SKB));
            assertEquals("ENXIO", e.errnoName());
            assertEquals("no network interface with ifindex 100000 in this network namespace (ip link show)", e.hint());
            assertThrows(IllegalArgumentException.class, () -> XdpAttachment.attach(prog.fd(), 1, null));
        }
    }

    @Test
    void hintsNameTheInterfaceAndTheWayOut() {
        assertEquals("vX's driver has no native XDP; use XdpMode.SKB", XdpAttachment.hint(Errno.EOPNOTSUPP, XdpMode.DRV, "vX"));
        assertEquals("interface vX is gone", XdpAttachment.hint(Errno.ENODEV, XdpMode.SKB, "vX"));
        assertNull(XdpAttachment.hint(Errno.ERANGE, XdpMode.SKB, "vX"), "ERANGE means nothing special in generic mode");
        assertNotNull(XdpAttachment.hint(Errno.EINVAL, XdpMode.SKB, "vX"));
    }

    // ---- a process that dies holding an attachment ---------------------------------------------

    private static Path codeSource(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Starts {@link LinkHolder}, waits for it to attach, kills it with SIGKILL, and returns what it attached. */
    private static String attachInChildAndKill(VethPair veth, String path) throws Exception {
        String classPath = codeSource(XdpAttachment.class) + java.io.File.pathSeparator + codeSource(LinkHolder.class);
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, LinkHolder.class.getName(),
                veth.nsA(), veth.ifA(), path)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertNotNull(line, "the child exited before attaching");
            assertTrue(line.startsWith("ATTACHED "), line);
            assertTrue(veth.xdpAttached(veth.nsA(), veth.ifA()), "attached while the child lives");
            return line;
        } finally {
            child.destroyForcibly();  // SIGKILL: no finally blocks, no shutdown hooks in the child
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
        }
    }

    @Test
    void aKilledProcessLeavesNoLinkAttachment() throws Exception {
        try (VethPair veth = VethPair.create()) {
            String line = attachInChildAndKill(veth, "link");
            assertTrue(line.endsWith(" link"), line);
            // The kernel closes the dead process's fds on exit, and the link with them.
            for (int i = 0; i < 100 && veth.xdpAttached(veth.nsA(), veth.ifA()); i++) Thread.sleep(20);
            assertFalse(veth.xdpAttached(veth.nsA(), veth.ifA()), veth.linkDetails(veth.nsA(), veth.ifA()));
        }
    }

    @Test
    void aKilledProcessLeavesItsLegacyAttachmentBehind() throws Exception {
        // The reason links come first: the netlink attachment belongs to the interface, not the process.
        try (VethPair veth = VethPair.create()) {
            String line = attachInChildAndKill(veth, "netlink");
            assertTrue(line.endsWith(" netlink"), line);
            Thread.sleep(200);
            assertTrue(veth.xdpAttached(veth.nsA(), veth.ifA()), "still attached after the holder died");
            Tools.run("ip", "-n", veth.nsA(), "link", "set", "dev", veth.ifA(), "xdpgeneric", "off");
            assertFalse(veth.xdpAttached(veth.nsA(), veth.ifA()));
        }
    }
}
