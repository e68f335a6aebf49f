package io.xdppacket.cli;

import io.xdppacket.cli.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static io.xdppacket.cli.testing.Cli.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code -V}/{@code --version} on every command; picocli's "did you mean" for a mistyped command or option. */
class VersionAndSuggestionsTest {
    /** The version the build is making (surefire passes the project's version). */
    private static final String VERSION = System.getProperty("xdppacket.version");

    @ParameterizedTest(name = "xdppacket {0} -V / --version")
    @ValueSource(strings = {"", "demo", "send", "recv", "bench"})
    void everyCommandPrintsTheVersion(String command) {
        assertTrue(VERSION != null && VERSION.matches("\\d+\\.\\d+\\.\\d+.*"), "the build passes its version: " + VERSION);
        for (String flag : List.of("-V", "--version")) {
            List<String> args = new ArrayList<>();
            if (!command.isEmpty()) args.add(command);
            args.add(flag);
            Cli.Run r = Cli.run(args.toArray(String[]::new));
            assertEquals(0, r.exitCode(), r::toString);
            List<String> lines = r.out().lines().toList();
            assertEquals("xdppacket " + VERSION, lines.getFirst(), r::toString);
            assertTrue(lines.get(1).startsWith("Java " + Runtime.version()), r::toString);
            assertEquals("", r.err());
        }
    }

    @Test
    void theVersionIsTheBuildsFromTheResourceItWrote() {
        assertEquals(VERSION, Main.Version.number());
    }

    @ParameterizedTest(name = "xdppacket {0}")
    @CsvSource(delimiter = '|', value = {
            "sedn|xdppacket|unknown command 'sedn'; did you mean send?",
            "recieve|xdppacket|unknown command 'recieve'; did you mean recv?",
            "send vX --cout 5|xdppacket send|Unknown options: '--cout', '5'; did you mean --count?",
            "recv vX --snaplne 64|xdppacket recv|Unknown options: '--snaplne', '64'; did you mean --snaplen?",
            "bench --quik|xdppacket bench|Unknown option: '--quik'; did you mean --quick or --queues?",
            "demo --second 2|xdppacket demo|Unknown options: '--second', '2'; did you mean --seconds?"})
    void aMistypedCommandOrOptionGetsSuggestions(String args, String command, String message) {
        String prefix = command + ": ";
        Cli.Run r = Cli.run(args.split(" "));
        assertEquals(CliErrors.USAGE, r.exitCode(), r::toString);
        assertEquals("", r.out());
        assertOneLineError(r, prefix, List.of(message));
        assertEquals(prefix + message, r.err().lines().findFirst().orElseThrow(), r::toString);
    }

    @Test
    void noCommandAtAllNamesTheCommands() {
        Cli.Run r = Cli.run();
        assertEquals(CliErrors.USAGE, r.exitCode(), r::toString);
        assertOneLineError(r, "xdppacket: ", List.of("missing command (demo, send, recv or bench)"));
    }
}
