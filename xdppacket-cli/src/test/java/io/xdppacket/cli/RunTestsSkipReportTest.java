package io.xdppacket.cli;

import io.xdppacket.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end of {@code ./run-tests}: {@code scripts/SkippedTests.java} reads the surefire reports of the
 * run and names each skipped test with its reason, then prints the totals. The reports here are in
 * the form surefire 3.5 wrote them in a run without tshark and one as a user other than root.
 */
class RunTestsSkipReportTest {
    @TempDir
    Path dir;

    /** The repository's script; the tests run in the module's directory. */
    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).resolve("../scripts/SkippedTests.java").normalize();

    private static String report(String suite, int tests, int skipped, int failures, String cases) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
                xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report.xsd" \
                version="3.0.2" name="%s" time="0.141" tests="%d" errors="0" skipped="%d" failures="%d">
                  <properties>
                    <property name="java.version" value="25.0.3"/>
                  </properties>
                %s</testsuite>
                """.formatted(suite, tests, skipped, failures, cases);
    }

    private static String skipped(String cls, String name, String reason) {
        return """
                  <testcase name="%s" classname="%s" time="0.0">
                    <skipped message="%s"/>
                  </testcase>
                """.formatted(name, cls, reason);
    }

    /** A failed assumption: surefire keeps the stack trace and no message. */
    private static String aborted(String cls, String name, String reason) {
        return """
                  <testcase name="%s" classname="%s" time="0.0">
                    <skipped type="org.opentest4j.TestAbortedException"><![CDATA[org.opentest4j.TestAbortedException: \
                Assumption failed: %s
                	at org.junit.jupiter.api.Assumptions.throwAssumptionFailed(Assumptions.java:321)
                ]]></skipped>
                  </testcase>
                """.formatted(name, cls, reason);
    }

    private static String passed(String cls, String name) {
        return "  <testcase name=\"" + name + "\" classname=\"" + cls + "\" time=\"0.012\"/>\n";
    }

    private static String failed(String cls, String name) {
        return "  <testcase name=\"" + name + "\" classname=\"" + cls + "\" time=\"0.012\">\n"
                + "    <failure message=\"expected: &lt;1&gt;\" type=\"org.opentest4j.AssertionFailedError\"/>\n  </testcase>\n";
    }

    private Tools.Result run(Path since, Path... reportDirs) {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                SCRIPT.toString(), since.toString()));
        for (Path d : reportDirs) cmd.add(d.toString());
        return Tools.run(cmd);
    }

    @Test
    void namesEverySkippedTestWithItsReasonThenTheTotals() throws Exception {
        Path since = Files.createFile(dir.resolve("since"));
        Path lib = Files.createDirectories(dir.resolve("lib")), cli = Files.createDirectories(dir.resolve("cli"));
        String tshark = "needs tshark (not found on PATH; Debian: apt-get install tshark)";
        String root = "needs root (AF_XDP sockets, BPF, network namespaces)";
        Files.writeString(cli.resolve("TEST-io.xdppacket.cli.bench.BenchCommandTest.xml"), report("io.xdppacket.cli.bench.BenchCommandTest", 1, 1, 0,
                aborted("io.xdppacket.cli.bench.BenchCommandTest", "compareCRunsTheReferenceOnTheRowsItSupports", "clang is not installed")));
        Files.writeString(cli.resolve("TEST-io.xdppacket.cli.recv.RecvCommandTest.xml"), report("io.xdppacket.cli.recv.RecvCommandTest", 4, 3, 0,
                skipped("io.xdppacket.cli.recv.RecvCommandTest", "pcapngWithSnaplenAndAnExactCount", tshark)
                        + skipped("io.xdppacket.cli.recv.RecvCommandTest", "writesWhatScapySentAsAPcapThatTsharkReads", tshark)
                        + skipped("io.xdppacket.cli.recv.RecvCommandTest", "theRecvLoopAllocatesNothingPerFrame(int)", root)
                        + passed("io.xdppacket.cli.recv.RecvCommandTest", "nothingArrivesUntilTheDurationEnds")));
        Files.writeString(lib.resolve("TEST-io.xdppacket.RingTest.xml"), report("io.xdppacket.RingTest", 2, 0, 1,
                passed("io.xdppacket.RingTest", "wrapsAround") + failed("io.xdppacket.RingTest", "fills")));
        // A report from an earlier run (older than the marker) does not count.
        Path old = Files.writeString(lib.resolve("TEST-io.xdppacket.OldTest.xml"), report("io.xdppacket.OldTest", 1, 1, 0,
                skipped("io.xdppacket.OldTest", "fromYesterday", "needs bpftool (not found on PATH)")));
        Files.setLastModifiedTime(old, FileTime.fromMillis(Files.getLastModifiedTime(since).toMillis() - 86_400_000L));

        Tools.Result r = run(since, lib, cli, dir.resolve("no-such-module"));
        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.stdout().lines().toList();
        assertEquals(List.of(
                "",
                "Skipped: 4 tests, by reason:",
                "  clang is not installed: 1 test",
                "    BenchCommandTest: compareCRunsTheReferenceOnTheRowsItSupports",
                "  " + root + ": 1 test",
                "    RecvCommandTest: theRecvLoopAllocatesNothingPerFrame(int)",
                "  " + tshark + ": 2 tests",
                "    RecvCommandTest: pcapngWithSnaplenAndAnExactCount, writesWhatScapySentAsAPcapThatTsharkReads",
                "Install what is missing (the README lists the packages) or run as root to run them.",
                "tests: 2 passed, 1 failed, 4 skipped"), lines, r::toString);
        assertFalse(r.stdout().contains("fromYesterday"));
    }

    @Test
    void nothingSkippedGivesTheTotalsAlone() throws Exception {
        Path since = Files.createFile(dir.resolve("since"));
        Files.writeString(dir.resolve("TEST-a.B.xml"), report("a.B", 1, 0, 0, passed("a.B", "works")));
        Tools.Result r = run(since, dir);
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("tests: 1 passed, 0 failed, 0 skipped", r.stdout().strip());
    }

    @Test
    void noReportSaysNothing() throws Exception {
        Tools.Result r = run(Files.createFile(dir.resolve("since")), dir);
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().isEmpty(), r::toString);
    }
}
