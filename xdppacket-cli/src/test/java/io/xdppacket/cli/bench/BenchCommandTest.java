package io.xdppacket.cli.bench;

import io.xdppacket.cli.CliErrors;
import io.xdppacket.cli.testing.Cli;
import io.xdppacket.cli.testing.Jvm;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code bench --quick}: the seed's table, every row, on veth pairs the bench makes itself. Checks the
 * structure and that frames really moved (every rate above zero, every frame accounted for), never
 * the speed. The JSON is read by Python's json module, not by us.
 */
class BenchCommandTest {
    /** Prints one line per row of the bench's JSON, and the environment; fails on anything malformed. */
    private static final String READ_JSON = String.join("\n",
            "import json, sys",
            "d = json.load(open(sys.argv[1]))",
            "e = d['environment']",
            "print('env', all(isinstance(e[k], str) and e[k] for k in ('cpu', 'kernel', 'nic', 'jdk', 'memory')), e['cpus'])",
            "for r in d['rows']:",
            "    o = r['ours']",
            "    print('row', r['row'], r['direction'], r['queues'], o['pps'], o['mbps'], o['cpu_ns_per_frame'],",
            "          o['alloc_bytes_per_frame'], r['accounted'], r['c'] is not None, r['ratio'])");

    @TempDir
    Path dir;

    @Test
    @Privileged(tools = {"ip", "ethtool", Tools.PYTHON})
    void quickRunFillsEveryRowOfTheSeedsTable() throws Exception {
        Cli.Run r = Cli.run("bench", "--quick", "--json");
        assertEquals(CliErrors.OK, r.exitCode(), r::toString);
        Map<Integer, String[]> rows = readJson(r.out());
        assertEquals(List.of(2, 3, 4, 5, 6, 7, 8, 9, 10, 11), rows.keySet().stream().sorted().toList(), r::toString);
        for (var e : rows.entrySet()) {
            String[] f = e.getValue();
            int row = e.getKey();
            assertEquals(row <= 5 ? "1" : "4", f[3], "queues of row " + row);
            assertEquals(row == 4 || row == 5 || row == 7 || row >= 10 ? "receive" : "send", f[2], "direction of row " + row);
            assertTrue(Double.parseDouble(f[4]) > 0, "row " + row + " moved frames: " + String.join(" ", f));
            assertTrue(Double.parseDouble(f[5]) > 0, "row " + row + " Mbit/s");
            assertTrue(Double.parseDouble(f[6]) > 0, "row " + row + " CPU time per frame");
            assertTrue(Double.parseDouble(f[7]) >= 0, "row " + row + " allocation per frame");
            assertEquals("True", f[8], "row " + row + ": every frame offered was received or counted as dropped");
            assertEquals("False", f[9], "no C figures without --compare-c");
        }
    }

    @Test
    @Privileged(tools = {"ip", "ethtool"})
    void tableShowsTheEnvironmentAndTheChosenRows() {
        Cli.Run r = Cli.run("bench", "--quick", "--rows", "7,3");
        assertEquals(CliErrors.OK, r.exitCode(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+1\\s+test environment\\s+CPU: .+; kernel: Linux .+; NIC: veth .+; JDK: .+")), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+3\\s+single-queue batch send\\s+[\\d,]+\\s+[\\d.]+\\s.*")), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+7\\s+multi-queue receive\\s+[\\d,]+\\s+[\\d.]+\\s.*")), r::toString);
        assertFalse(lines.stream().anyMatch(l -> l.matches("\\s+5\\s+.*")), "only the rows asked for: " + r);
        assertFalse(r.out().contains("warning"), r::toString);
    }

    /**
     * The C side (cbench/ of this repository) built by the bench and run beside ours. .ci/run installs
     * its build tools; elsewhere the test is skipped without them, naming what is missing.
     */
    @Test
    @Privileged(tools = {"ip", "ethtool", Tools.PYTHON})
    void compareCBuildsTheCSideAndRunsItOnTheRowsItSupports() throws Exception {
        List<CToolchain.Need> missing = CToolchain.missing();
        if (!"1".equals(System.getenv("XDPPACKET_REQUIRE_PRIVILEGED"))) assumeTrue(missing.isEmpty(), () -> CToolchain.message(missing));
        Cli.Run r = Cli.run("bench", "--quick", "--json", "--compare-c", "--rows", "3,5,6");
        assertEquals(CliErrors.OK, r.exitCode(), r::toString);
        Map<Integer, String[]> rows = readJson(r.out());
        assertEquals("True", rows.get(3)[9], "C ran row 3: " + r);
        assertTrue(Double.parseDouble(rows.get(3)[10]) > 0, "a ratio for row 3: " + r);
        assertEquals("True", rows.get(5)[9], "C ran row 5: " + r);
        assertTrue(Double.parseDouble(rows.get(5)[10]) > 0, "a ratio for row 5: " + r);
        assertEquals("False", rows.get(6)[9], "C has no row 6: " + r);
    }

    /**
     * Without clang (a PATH that has make and gcc but not clang), in a process of its own: exit code 3
     * and one line naming clang and its package, before anything is made.
     */
    @Test
    @Privileged(tools = {"make", "gcc"})
    void compareCWithoutClangNamesItAndItsPackage() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("make", "gcc")) {
            Path wrapper = bin.resolve(tool);
            Files.writeString(wrapper, "#!/bin/sh\nexec " + Tools.run("sh", "-c", "command -v " + tool).stdout().trim() + " \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        ProcessBuilder pb = new ProcessBuilder(Jvm.command(Jvm.classPath(), "bench", "--quick", "--compare-c", "--rows", "3"));
        pb.environment().put("PATH", bin.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the bench ended");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(CliErrors.UNAVAILABLE, p.exitValue(), out + err);
        assertEquals("", out);
        assertEquals(1, err.lines().count(), err);
        // Only clang among the commands (the headers are this machine's: CI has them, see CToolchainTest for the rest).
        assertTrue(err.startsWith("xdppacket bench: --compare-c: building the C side needs make, gcc, clang, libxdp-dev and "
                + "libbpf-dev; missing: clang"), err);
        assertTrue(err.matches("(?s).*missing: clang[;,].*install with: apt-get install clang\\b.*"), err);
    }

    /** Ctrl-C in the middle of a row: exit code 130, and the namespaces (with their veths and programs) are gone. */
    @Test
    @Privileged(tools = {"ip", "ethtool", "kill"})
    void ctrlCEndsTheBenchAndRemovesEverythingItMade() throws Exception {
        Process p = new ProcessBuilder(Jvm.command(Jvm.classPath(), "bench", "--rows", "5", "--seconds", "60", "--rounds", "1"))
                .redirectErrorStream(true).start();
        try {
            String prefix = "xpbs1" + p.pid();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Tools.run("ip", "netns", "list").stdout().contains(prefix)) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "the bench made no namespace " + prefix);
                Thread.sleep(50);
            }
            Thread.sleep(1500); // into the row: sockets open, frames moving
            Tools.run("kill", "-INT", Long.toString(p.pid()));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the bench ended after Ctrl-C");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(CliErrors.INTERRUPTED, p.exitValue(), out);
            assertFalse(Tools.run("ip", "netns", "list").stdout().contains("xpbs1" + p.pid()), "namespaces left behind");
        } finally {
            p.destroyForcibly();
        }
    }

    /** As nobody, in a process of its own: exit code 3 and one line, before anything is made. */
    @Test
    @Privileged(tools = "setpriv")
    void withoutRootTheExitCodeIs3() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        cmd.addAll(Jvm.command(Jvm.worldReadableClassPath(dir), "bench", "--quick"));
        Tools.Result r = Tools.run(cmd);
        assertEquals(CliErrors.UNAVAILABLE, r.exitCode(), r::toString);
        assertEquals("", r.stdout());
        assertEquals("xdppacket bench: needs root: the bench creates network namespaces and attaches XDP programs (run with sudo)\n",
                r.stderr());
    }

    /** Row number to the fields of its line (see {@link #READ_JSON}); also checks the environment line. */
    private Map<Integer, String[]> readJson(String json) throws Exception {
        Path file = dir.resolve("bench.json");
        Files.writeString(file, json);
        Tools.Result py = Tools.run(List.of(Tools.PYTHON, "-c", READ_JSON, file.toString()));
        assertEquals(0, py.exitCode(), () -> "python could not read the JSON: " + py.stderr() + "\n" + json);
        Map<Integer, String[]> rows = new HashMap<>();
        Pattern env = Pattern.compile("env True (\\d+)");
        boolean envSeen = false;
        for (String line : py.stdout().lines().toList()) {
            Matcher m = env.matcher(line);
            if (m.matches()) {
                envSeen = Integer.parseInt(m.group(1)) > 0;
            } else if (line.startsWith("row ")) {
                String[] f = line.split(" ");
                rows.put(Integer.parseInt(f[1]), f);
            }
        }
        assertTrue(envSeen, "environment with CPU, kernel, NIC, JDK: " + py.stdout());
        return rows;
    }
}
