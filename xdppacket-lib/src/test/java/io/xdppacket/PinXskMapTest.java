package io.xdppacket;

import io.xdppacket.testing.PinXskMapMain;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.PrivateBpfFs;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link XdpOptions.Builder#pinXskMap}: the XSKMAP of the socket's program is visible to bpftool at
 * the path while the socket is open, and gone after close. Every bpffs here is the test's own, in
 * a mount namespace of its own ({@link PrivateBpfFs}, or a child JVM under {@code unshare -m}): the
 * host's mounts are never touched, and the test checks that they were not.
 */
@Privileged(tools = {"ip", "bpftool", "unshare", "nsenter"})
class PinXskMapTest {
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern MAP_IDS = Pattern.compile("\"map_ids\":\\[([0-9,]*)]");

    /** A socket and a 4-queue set pin their map where bpffs is mounted; bpftool sees it there, and it is the attached program's map. */
    @Test
    void theMapIsPinnedWhileTheSocketIsOpenAndGoneAfterClose() throws Exception {
        try (VethPair veth = VethPair.create(4, 1500); PrivateBpfFs fs = PrivateBpfFs.mount()) {
            String inside = "/sys/fs/bpf/xsks_map";
            XdpOptions options = XdpOptions.builder().networkNamespace(veth.nsB()).pinXskMap(fs.fromHere(inside)).build();
            for (int queues : new int[] {1, 4}) {
                try (XdpPort port = XdpPort.open(veth.ifB(), options.toBuilder().queueCount(queues).build())) {
                    String map = fs.run("bpftool", "-j", "map", "show", "pinned", inside).orThrow(List.of("bpftool map show pinned")).stdout();
                    assertTrue(map.contains("\"type\":\"xskmap\"") && map.contains("\"name\":\"xsks_map\""), map);
                    assertTrue(map.contains("\"max_entries\":" + queues), "one entry per queue: " + map);
                    int mapId = id(map);
                    int progId = veth.xdpProgId(veth.nsB(), veth.ifB());
                    String prog = Tools.run("bpftool", "-j", "prog", "show", "id", Integer.toString(progId)).stdout();
                    Matcher m = MAP_IDS.matcher(prog);
                    assertTrue(m.find() && List.of(m.group(1).split(",")).contains(Integer.toString(mapId)),
                            "the pinned map " + mapId + " is the one the attached program uses: " + prog);
                    assertTrue(Files.exists(fs.fromHere(inside)));
                }
                assertNotEquals(0, fs.run("bpftool", "map", "show", "pinned", inside).exitCode(), "unpinned on close");
                assertFalse(Files.exists(fs.fromHere(inside)));
            }
            assertFalse(fs.visibleHere(), "the test's bpffs stays in its own mount namespace");
        }
    }

    /**
     * A second socket that asks for a path already pinned fails with a clear error, leaves nothing
     * attached, and leaves the first socket's pin alone.
     */
    @Test
    void aPathAlreadyPinnedFailsTheOpenAndLeavesTheOtherPinAlone() throws Exception {
        try (VethPair veth = VethPair.create(); PrivateBpfFs fs = PrivateBpfFs.mount()) {
            String inside = "/sys/fs/bpf/xsks_map";
            XdpOptions.Builder options = XdpOptions.builder().pinXskMap(fs.fromHere(inside));
            try (XdpSocket first = XdpSocket.open(veth.ifB(), options.networkNamespace(veth.nsB()).build())) {
                XdpOptions second = options.networkNamespace(veth.nsA()).build();
                XdpException e = assertThrows(XdpException.class, () -> XdpSocket.open(veth.ifA(), second));
                assertEquals("EEXIST", e.errnoName(), e.getMessage());
                assertFalse(veth.xdpAttached(veth.nsA(), veth.ifA()), "the failed open left nothing attached");
                assertEquals(0, fs.run("bpftool", "map", "show", "pinned", inside).exitCode(), "the first socket's pin stays");
            }
            assertFalse(Files.exists(fs.fromHere(inside)));
        }
    }

    /** A path on no bpffs (and not under /sys/fs/bpf, where one would be mounted) is refused with advice. */
    @Test
    void aPathOutsideAnyBpfFsIsRefusedWithAdvice() throws Exception {
        try (VethPair veth = VethPair.create()) {
            Path dir = Files.createTempDirectory("xdppacket-nobpffs");
            try {
                XdpOptions options = XdpOptions.builder().networkNamespace(veth.nsB()).pinXskMap(dir.resolve("xsks_map")).build();
                XdpException e = assertThrows(XdpException.class, () -> XdpSocket.open(veth.ifB(), options));
                assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("mount -t bpf"), e.getMessage());
                assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()));
                assertFalse(Files.exists(dir.resolve("xsks_map")));
            } finally {
                Files.deleteIfExists(dir);
            }
        }
    }

    /**
     * Where no bpffs is mounted at /sys/fs/bpf, the socket mounts one (in its own mount namespace:
     * a child JVM started with {@code unshare -m}, a tmpfs over /sys/fs/bpf so that it starts
     * without one even on hosts that have it), pins the map there, and unpins it on close.
     */
    @Test
    void whereNoBpfFsIsMountedTheSocketMountsOne() throws Exception {
        try (VethPair veth = VethPair.create()) {
            String pin = "/sys/fs/bpf/xsks_map";
            String hide = "xdppacket-nobpf-" + ProcessHandle.current().pid();
            String java = ProcessHandle.current().info().command().orElseThrow();
            String classpath = codeSource(XdpSocket.class) + File.pathSeparator + codeSource(PinXskMapMain.class);
            Path log = Files.createTempFile("xdppacket-pin", ".log");
            Process child = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c",
                    "mount -t tmpfs -o size=64k " + hide + " /sys/fs/bpf && exec \"$0\" \"$@\"",
                    java, "--enable-native-access=ALL-UNNAMED", "-cp", classpath, PinXskMapMain.class.getName(),
                    veth.nsB(), veth.ifB(), pin)
                    .redirectError(log.toFile()).start();
            String pid = Long.toString(child.pid());
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                 Writer in = child.outputWriter(StandardCharsets.UTF_8)) {
                String line = out.readLine();
                assertTrue(line != null && line.startsWith("OPEN "), "child said " + line + "; " + Files.readString(log));
                assertEquals("bpf_fs", Tools.run("nsenter", "-t", pid, "-m", "stat", "-f", "-c", "%T", "/sys/fs/bpf").stdout().strip(),
                        "the socket mounted a bpffs at /sys/fs/bpf in its mount namespace");
                String map = Tools.run("nsenter", "-t", pid, "-m", "bpftool", "-j", "map", "show", "pinned", pin).stdout();
                assertTrue(map.contains("\"type\":\"xskmap\""), "bpftool sees the pinned XSKMAP: " + map);
                assertTrue(veth.xdpAttached(veth.nsB(), veth.ifB()));
                String hostMounts = Files.readString(Path.of("/proc/self/mountinfo"));
                assertFalse(hostMounts.contains(" " + hide + " "), "the child's mounts stay in its namespace");

                in.write("close\n");
                in.flush();
                assertEquals("CLOSED", out.readLine(), Files.readString(log));
                assertNotEquals(0, Tools.run(List.of("nsenter", "-t", pid, "-m", "bpftool", "map", "show", "pinned", pin)).exitCode(),
                        "unpinned on close");
                assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()));
            } finally {
                // stdin is closed by now: the child exits by itself; kill it only if it does not.
                if (!child.waitFor(10, TimeUnit.SECONDS)) child.destroyForcibly().waitFor();
                Files.deleteIfExists(log);
            }
            assertEquals(0, child.exitValue(), "the child ended cleanly");
        }
    }

    private static int id(String json) {
        Matcher m = ID.matcher(json);
        if (!m.find()) throw new IllegalStateException("no id in bpftool's answer: " + json);
        return Integer.parseInt(m.group(1));
    }

    private static String codeSource(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
