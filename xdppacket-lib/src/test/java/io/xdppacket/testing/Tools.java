package io.xdppacket.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external commands for tests (ip, tcpdump, Debian's python3 with scapy) and checks that they exist. */
public final class Tools {
    private Tools() {}

    /** Debian's interpreter, which has python3-scapy; the python3 first on PATH may be another one. */
    public static final String PYTHON = "/usr/bin/python3";

    /** The output and exit status of a finished command. */
    public record Result(int exitCode, String stdout, String stderr) {
        public Result orThrow(List<String> command) {
            if (exitCode != 0) {
                throw new IllegalStateException("command failed (exit " + exitCode + "): " + String.join(" ", command)
                        + "\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    /** Runs a command to completion (at most 60 s) and throws if it fails. */
    public static Result run(String... command) {
        return run(List.of(command)).orThrow(List.of(command));
    }

    /** Runs a command to completion (at most 60 s), whatever its exit status. */
    public static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).start();
            p.getOutputStream().close();
            // Read both streams fully; a thread for stderr so neither pipe can fill up and block the child.
            var err = new StringBuilder();
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                try {
                    err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the process died; what we have is what there is
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("command timed out: " + String.join(" ", command));
            }
            t.join();
            return new Result(p.exitValue(), out, err.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /**
     * Whether a tool exists: a command name looked up on PATH (or an absolute path), or
     * {@code "INTERPRETER:module"} for a Python module importable by that interpreter.
     */
    public static boolean available(String tool) {
        int colon = tool.indexOf(':');
        if (colon > 0) {
            String interpreter = tool.substring(0, colon);
            String module = tool.substring(colon + 1);
            return Files.isExecutable(Path.of(interpreter))
                    && run(List.of(interpreter, "-c", "import " + module)).exitCode() == 0;
        }
        if (tool.startsWith("/")) return Files.isExecutable(Path.of(tool));
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    /** The Debian package of a command the tests run, for skip messages (the README lists them too), or null. */
    static String debianPackage(String tool) {
        return switch (tool) {
            case "ip" -> "iproute2";
            case "tcpdump", "tshark", "bpftool", "ethtool", "make", "gcc", "clang" -> tool;
            case "script" -> "bsdutils";
            case "env" -> "coreutils";
            case "setpriv" -> "util-linux";
            case "kill" -> "procps";
            case PYTHON -> "python3";
            default -> null;
        };
    }

    /** How to name a missing tool in a skip message: what it is and the package that has it. */
    public static String describe(String tool) {
        int colon = tool.indexOf(':');
        if (colon > 0) {
            return "Python module " + tool.substring(colon + 1) + " for " + tool.substring(0, colon)
                    + " (Debian: apt-get install python3-" + tool.substring(colon + 1) + ")";
        }
        String pkg = debianPackage(tool);
        return tool + " (not found on PATH" + (pkg == null ? "" : "; Debian: apt-get install " + pkg) + ")";
    }

    /** Splits a command line for {@link #run(List)} without a shell: words separated by spaces. */
    public static List<String> words(String commandLine) {
        return new ArrayList<>(List.of(commandLine.trim().split("\\s+")));
    }
}
