package io.xdppacket.cli.testing;

import io.xdppacket.cli.Main;
import io.xdppacket.cli.Terminal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the xdppacket command in this JVM, as {@code main} would, and keeps what it printed. */
public final class Cli {
    private Cli() {}

    /** Exit code, stdout and stderr of one run. */
    public record Run(int exitCode, String out, String err) {
        /**
         * The summary's first line: the sentence for people. Fails if there is none, or if it looks like a
         * {@code key=value} line.
         */
        public String sentence() {
            List<String> lines = out.lines().filter(l -> !l.isEmpty()).toList();
            if (lines.isEmpty()) throw new AssertionError("no summary on stdout:\n" + this);
            String first = lines.getFirst();
            if (first.indexOf('=') >= 0) throw new AssertionError("the summary starts with '" + first + "', not a sentence:\n" + this);
            return first;
        }

        /**
         * The summary's {@code key=value} lines, in order, after its sentence. Fails on any other line:
         * stdout carries the summary and nothing else.
         */
        public Map<String, String> summary() {
            Map<String, String> m = new LinkedHashMap<>();
            String sentence = sentence();
            boolean first = true;
            for (String line : out.split("\n")) {
                if (line.isEmpty()) continue;
                if (first) {
                    first = false;
                    if (line.equals(sentence)) continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0) throw new AssertionError("not a key=value line on stdout: '" + line + "' in:\n" + out);
                if (m.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
                    throw new AssertionError("key " + line.substring(0, eq) + " twice in:\n" + out);
                }
            }
            return m;
        }

        public long longValue(String key) {
            String v = summary().get(key);
            if (v == null) throw new AssertionError("no " + key + "= in:\n" + out + "\nstderr:\n" + err);
            return Long.parseLong(v);
        }

        public double doubleValue(String key) {
            String v = summary().get(key);
            if (v == null) throw new AssertionError("no " + key + "= in:\n" + out + "\nstderr:\n" + err);
            return Double.parseDouble(v);
        }

        /** For assertion messages. */
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    public static Run run(String... args) {
        return run(Terminal.NONE, args);
    }

    /** {@link #run(String...)} as if {@code terminal} said which of stdout and stderr were terminals. */
    public static Run run(Terminal terminal, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), terminal);
        return new Run(code, out.toString(), err.toString());
    }

    /** {@link #run} on a thread of its own. */
    public static CompletableFuture<Run> start(String... args) {
        return start(Terminal.NONE, args);
    }

    /** {@link #run(Terminal, String...)} on a thread of its own. */
    public static CompletableFuture<Run> start(Terminal terminal, String... args) {
        CompletableFuture<Run> f = new CompletableFuture<>();
        Thread.ofPlatform().name("cli " + String.join(" ", args)).start(() -> {
            try {
                f.complete(run(terminal, args));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** The error line (first line of stderr) starts with {@code prefix} and has each fragment; no trace. */
    public static void assertOneLineError(Run r, String prefix, List<String> fragments) {
        List<String> lines = r.err().lines().toList();
        assertFalse(lines.isEmpty(), r::toString);
        String line = lines.getFirst();
        assertTrue(line.startsWith(prefix), r::toString);
        for (String f : fragments) assertTrue(line.contains(f), () -> "'" + f + "' missing in: " + line);
        assertTrue(lines.size() == 1 || lines.size() == 2 && lines.get(1).startsWith("try '"), r::toString);
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r::toString);
    }
}
