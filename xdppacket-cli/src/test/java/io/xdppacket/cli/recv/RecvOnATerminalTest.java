package io.xdppacket.cli.recv;

import io.xdppacket.cli.testing.Jvm;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code recv} as a person runs it: on a real terminal (a pseudo-terminal that util-linux's
 * {@code script} opens), interrupted by a Ctrl-C typed on it, which the terminal turns into SIGINT
 * and echoes as {@code ^C}. What the terminal received is what a person would see.
 */
class RecvOnATerminalTest {
    @Test
    @Privileged(tools = {"ip", "script", "env"})
    void progressIsRedrawnInPlaceAndCtrlCsSummaryStartsOnAFreshLine() throws Exception {
        try (VethPair veth = VethPair.create()) {
            // A JVM leaves SIGINT ignored if it was ignored at start (as in background jobs of scripts): reset it.
            List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT"));
            cmd.addAll(Jvm.command(Jvm.classPath(), "recv", veth.ifB(), "--netns", veth.nsB()));
            String shell = cmd.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
            // -e: script exits with the command's exit code; -f: flush each write; the log goes nowhere.
            Process p = new ProcessBuilder("script", "-q", "-f", "-e", "-c", shell, "/dev/null").redirectErrorStream(true).start();
            Screen screen = new Screen(p.getInputStream());
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!screen.text().contains("progress t=2 ")) {
                    assertTrue(p.isAlive() && System.nanoTime() < deadline, () -> "no second progress line: " + screen.text());
                    Thread.sleep(20);
                }
                p.getOutputStream().write(3); // Ctrl-C, typed on the terminal
                p.getOutputStream().flush();
                assertTrue(p.waitFor(20, TimeUnit.SECONDS), () -> "still running after Ctrl-C: " + screen.text());
                screen.join();
                String s = screen.text();
                assertEquals(130, p.exitValue(), s);

                int first = s.indexOf("\rprogress t=1 "), second = s.indexOf("\rprogress t=2 ");
                assertTrue(first > 0 && second > first, s);
                String between = s.substring(first, second);
                assertFalse(between.contains("\n"), () -> "the line is redrawn in place, not repeated: " + s);
                assertTrue(between.endsWith("\033[K"), () -> "each redraw erases the rest of the line: " + s);

                int sentence = s.indexOf("received 0 frames in ");
                assertTrue(sentence > second, s);
                assertTrue(s.lastIndexOf("^C", sentence) > second, () -> "the terminal echoed ^C after the progress: " + s);
                assertEquals('\n', s.charAt(sentence - 1), () -> "the summary starts a line of its own: " + s);
                assertTrue(s.contains("; none dropped by the kernel; interrupted\r\n"), s);
                assertTrue(s.contains("\r\nstopped=interrupt\r\n"), s);
            } finally {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /** Everything the terminal received, read as it comes. */
    private static final class Screen {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread reader;

        Screen(InputStream in) {
            reader = Thread.ofPlatform().daemon().start(() -> {
                byte[] buf = new byte[4096];
                try {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (bytes) {
                            bytes.write(buf, 0, n);
                        }
                    }
                } catch (IOException ended) {
                    // the process is gone: what we have is what it showed
                }
            });
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        void join() throws InterruptedException {
            reader.join(TimeUnit.SECONDS.toMillis(5));
        }
    }
}
