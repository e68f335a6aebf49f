package io.xdppacket;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's "Use it in your project" cannot rot: its coordinates are the build's, and its minimal
 * program is compiled against the library as it is, and run on a veth as the README says to run it.
 */
class ReadmeExampleTest {
    private static final Path README = Path.of(System.getProperty("user.dir")).resolve("../README.md").normalize();
    private static final String SECTION = "## Use it in your project";

    @TempDir
    Path dir;

    /** The section, up to the next heading of its level. */
    private static String section() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf(SECTION);
        assertTrue(start >= 0, "README has no '" + SECTION + "'");
        int end = readme.indexOf("\n## ", start + SECTION.length());
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    /** The first fenced block of the section that starts with {@code ```lang}. */
    private static String block(String section, String lang) {
        int open = section.indexOf("```" + lang + "\n");
        assertTrue(open >= 0, "no ```" + lang + " block in the section");
        int from = open + lang.length() + 4;
        return section.substring(from, section.indexOf("```", from));
    }

    /** Compiles the README's program into {@code dir}, as the README says: javac with the library on the class path. */
    private Path compile() throws Exception {
        String program = block(section(), "java");
        assertTrue(program.contains("public class FirstFrames"), program);
        Files.writeString(dir.resolve("FirstFrames.java"), program);
        Tools.Result r = Tools.run(List.of(javaTool("javac"), "-Werror", "-Xlint:all", "-cp", library().toString(),
                "-d", dir.toString(), dir.resolve("FirstFrames.java").toString()));
        assertEquals(0, r.exitCode(), () -> "the README's program does not compile:\n" + r.stderr());
        return dir;
    }

    private static String javaTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    /** Where the library's classes are: its jar, or target/classes. */
    private static Path library() throws URISyntaxException {
        return Path.of(XdpSocket.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void theCoordinatesAreTheBuilds() throws Exception {
        String version = System.getProperty("xdppacket.version");
        assertTrue(version != null && !version.isBlank(), "the build passes its version");
        String section = section();
        assertTrue(section.contains("`io.xdppacket:xdppacket:" + version + "`"), "Maven coordinates " + version);
        assertTrue(section.contains("<version>" + version + "</version>"), "the Maven snippet's version");
        assertTrue(section.contains("implementation(\"io.xdppacket:xdppacket:" + version + "\")"), "the Gradle snippet's version");
        assertTrue(section.contains("requires io.xdppacket;"), "the module name");
        assertEquals("io.xdppacket", XdpSocket.class.getModule().getName(), "the module the README names");
        assertTrue(section.contains("--enable-native-access=ALL-UNNAMED -cp xdppacket-" + version + ".jar:. FirstFrames eth0"),
                "the command line that runs the program");
    }

    @Test
    void theMinimalProgramCompiles() throws Exception {
        compile();
        assertTrue(Files.exists(dir.resolve("FirstFrames.class")));
    }

    /** Run as the README runs it (class path, native access for the unnamed module), on a veth of its own. */
    @Test
    @Privileged(tools = "ip")
    void theMinimalProgramPrintsTheFirstTenFrames() throws Exception {
        Path classes = compile();
        try (VethPair veth = VethPair.create()) {
            Process p = new ProcessBuilder("ip", "netns", "exec", veth.nsB(), javaTool("java"), "--enable-native-access=ALL-UNNAMED",
                    "-cp", library() + ":" + classes, "FirstFrames", veth.ifB()).redirectErrorStream(true).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!veth.xdpAttached(veth.nsB(), veth.ifB())) {
                    assertTrue(p.isAlive() && System.nanoTime() < deadline, "the program did not open its socket");
                    Thread.sleep(20);
                }
                try (XdpSocket a = XdpSocket.open(veth.ifA(), XdpOptions.builder().receive(false).networkNamespace(veth.nsA()).build())) {
                    for (int i = 0; i < 10; i++) assertTrue(a.writePacket(Frames.ipv4Udp(veth.macB(), veth.macA(), i, 100)));
                    assertTrue(a.flush(Duration.ofSeconds(5)));
                }
                assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the program did not end after ten frames");
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, p.exitValue(), out);
                List<String> lines = out.lines().toList();
                assertEquals(11, lines.size(), out);
                for (String line : lines.subList(0, 10)) assertTrue(line.matches("\\d+ bytes, EtherType 0x[0-9a-f]{4}"), out);
                assertTrue(lines.contains("100 bytes, EtherType 0x0800"), "our frames: " + out);
                assertTrue(lines.get(10).startsWith("XdpStats[rxPackets="), out);
            } finally {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
