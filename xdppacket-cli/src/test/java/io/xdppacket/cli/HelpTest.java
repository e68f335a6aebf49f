package io.xdppacket.cli;

import io.xdppacket.cli.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The help of every command reads like the help of tools people know: examples, text that fits 80
 * columns without lines broken twice, options worded for the command they appear in, one default
 * frame length. Needs no privilege.
 */
class HelpTest {
    /** picocli's default width, and the width of a terminal nobody resized. */
    private static final int WIDTH = 80;

    private static Map<String, CommandLine> subcommands() {
        return Main.commandLine(Terminal.NONE).getSubcommands();
    }

    private static CommandSpec spec(String command) {
        return command.isEmpty() ? Main.commandLine(Terminal.NONE).getCommandSpec() : subcommands().get(command).getCommandSpec();
    }

    @ParameterizedTest(name = "xdppacket {0} --help")
    @ValueSource(strings = {"", "demo", "send", "recv", "bench"})
    void everyHelpHasExamplesAndFitsEightyColumns(String command) {
        List<String> args = new ArrayList<>();
        if (!command.isEmpty()) args.add(command);
        args.add("--help");
        Cli.Run r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.out().lines().toList();
        int examples = lines.indexOf("Examples:");
        assertTrue(examples > 0, () -> "no Examples section:\n" + r.out());
        String invocation = command.isEmpty() ? "xdppacket " : "xdppacket " + command;
        assertTrue(lines.get(examples + 1).contains(invocation), () -> "the first example runs " + invocation + ":\n" + r.out());
        for (String line : lines) assertTrue(line.length() <= WIDTH, () -> "wider than " + WIDTH + ": '" + line + "'");
    }

    /**
     * A line of the source text either fits as it is (a list, an example, a table row), or is a
     * paragraph of its own that picocli wraps; never a line broken by hand that picocli then breaks
     * again into a long and a short line.
     */
    @ParameterizedTest(name = "xdppacket {0}")
    @ValueSource(strings = {"", "demo", "send", "recv", "bench"})
    void textIsEitherPreformattedOrWholeParagraphs(String command) {
        CommandSpec spec = spec(command);
        checkParagraphs(command + " description", spec.usageMessage().description());
        checkParagraphs(command + " footer", spec.usageMessage().footer());
        for (OptionSpec o : spec.options()) {
            assertEquals(1, o.description().length, () -> command + " " + o.longestName() + ": one paragraph, which picocli wraps");
        }
    }

    private static void checkParagraphs(String where, String[] text) {
        for (int i = 0; i < text.length; i++) {
            String line = String.format(text[i]);
            if (line.length() <= WIDTH) continue;
            boolean alone = (i == 0 || text[i - 1].isBlank()) && (i == text.length - 1 || text[i + 1].isBlank());
            int at = i;
            assertTrue(alone, () -> where + ", line " + at + ": longer than " + WIDTH
                    + " columns but not a paragraph of its own, so picocli would break it into a ragged line: " + line);
        }
    }

    /** The options send and recv share say what they do in that command. */
    @Test
    void sharedOptionsAreWordedForTheirCommand() {
        CommandSpec send = spec("send"), recv = spec("recv");
        for (String name : List.of("--mode", "--ring-size", "--frames", "--batch", "--queues", "--cpu")) {
            assertNotEquals(send.findOption(name).description()[0], recv.findOption(name).description()[0], name);
        }
        assertTrue(send.findOption("--batch").description()[0].startsWith("Frames per write call"));
        assertTrue(recv.findOption("--batch").description()[0].startsWith("Frames per read call"));
        assertTrue(send.findOption("--queues").description()[0].contains("TX queues"));
        assertTrue(recv.findOption("--queues").description()[0].contains("RX queues"));
        assertTrue(send.findOption("--cpu").description()[0].contains("writes"));
        assertTrue(recv.findOption("--cpu").description()[0].contains("reads"));
        for (String text : List.of(send.findOption("--batch").description()[0], recv.findOption("--batch").description()[0],
                send.findOption("--cpu").description()[0], recv.findOption("--cpu").description()[0])) {
            assertFalse(text.contains("read or write") || text.contains("reads or writes"), text);
        }
    }

    /** demo, send and bench generate frames of one default length, described the same way. */
    @Test
    void oneDefaultFrameLengthEverywhere() {
        for (String command : List.of("demo", "send", "bench")) {
            OptionSpec size = spec(command).findOption("--size");
            assertEquals(FrameLength.DESCRIPTION, size.description()[0], command);
            assertTrue(size.description()[0].endsWith("(default: " + FrameLength.DEFAULT + ")."), command);
        }
        assertEquals(FrameLength.DEFAULT_TEXT, spec("demo").findOption("--size").defaultValue());
        assertEquals(FrameLength.DEFAULT_TEXT, spec("bench").findOption("--size").defaultValue());
    }
}
