package io.xdppacket.cli.bench;

import io.xdppacket.cli.CliErrors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What building the bench's C side needs, checked before {@code make} runs, so that a missing piece
 * is named with the Debian package that brings it instead of surfacing as a compiler error.
 */
final class CToolchain {
    /**
     * One thing the build needs.
     *
     * @param name    how the error names it: the command, or the package of a header
     * @param command a command that must be on PATH, or null
     * @param header  a header that must be under an include directory, or null
     * @param apt     the Debian package that brings it
     */
    record Need(String name, String command, String header, String apt) {}

    static final List<Need> NEEDS = List.of(
            new Need("make", "make", null, "make"),
            new Need("gcc", "gcc", null, "gcc"),
            new Need("clang", "clang", null, "clang"), // compiles the XDP programs (clang -target bpf)
            new Need("libxdp-dev", null, "xdp/xsk.h", "libxdp-dev"),
            new Need("libbpf-dev", null, "bpf/libbpf.h", "libbpf-dev"));

    private static final List<Path> INCLUDE_DIRS = List.of(Path.of("/usr/include"), Path.of("/usr/local/include"));

    private CToolchain() {}

    /** What is missing on this machine: commands looked up on PATH, headers in the standard include directories. */
    static List<Need> missing() {
        return missing(CToolchain::onPath, h -> INCLUDE_DIRS.stream().anyMatch(d -> Files.isRegularFile(d.resolve(h))));
    }

    /** What is missing, given how to find a command and a header. */
    static List<Need> missing(Predicate<String> hasCommand, Predicate<String> hasHeader) {
        List<Need> out = new ArrayList<>();
        for (Need n : NEEDS) {
            boolean ok = n.command() != null ? hasCommand.test(n.command()) : hasHeader.test(n.header());
            if (!ok) out.add(n);
        }
        return out;
    }

    /** Fails with exit code 3, naming what is missing and the apt command that installs it, unless nothing is. */
    static void require() {
        List<Need> m = missing();
        if (!m.isEmpty()) throw new CliErrors.MissingException(message(m));
    }

    static String message(List<Need> missing) {
        List<String> names = new ArrayList<>(), packages = new ArrayList<>();
        for (Need n : missing) {
            names.add(n.command() != null ? n.name() : n.name() + " (no " + n.header() + ")");
            packages.add(n.apt());
        }
        return "--compare-c: building the C side needs make, gcc, clang, libxdp-dev and libbpf-dev; missing: "
                + String.join(", ", names) + "; install with: apt-get install " + String.join(" ", packages);
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) return true;
        }
        return false;
    }
}
