package io.xdppacket.cli.bench;

import io.xdppacket.cli.CliErrors;
import io.xdppacket.cli.Main;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The C reference, {@code xskref}'s {@code xskbench} (Debian's libxdp ring helpers, libbpf, our own
 * redirect program), built from its sources into a directory of ours (the sources' directory may be
 * read-only) and run on the same rows as ours, with the same frames, ring sizes and TX budget.
 *
 * <p>Where the sources are: {@code --xskref DIR}, else {@code $XDPPACKET_XSKREF}, else
 * {@code ../shared/xskref} next to this repository. Building needs make, gcc, clang, libxdp-dev and
 * libbpf-dev.
 */
final class CReference {
    /** What the bench runs: the benchmark and the XDP program it loads from its working directory. */
    private static final List<String> TARGETS = List.of("xskbench", "xsk_redirect.bpf.o");

    final Path dir;

    private CReference(Path dir) {
        this.dir = dir;
    }

    /** The sources' directory: {@code given}, or the defaults; a usage error if there is no xskbench.c. */
    static Path locate(Path given) {
        Path src = given != null ? given : defaultSources();
        if (src == null || !Files.isRegularFile(src.resolve("xskbench.c"))) {
            throw CliErrors.usage((given != null ? "--xskref " + given : "--compare-c: the C reference " + (src == null ? "" : src))
                    + ": no xskbench.c there; give the xskref directory with --xskref DIR (or $XDPPACKET_XSKREF)");
        }
        return src;
    }

    /** Copies the sources at {@code src} to our build directory and builds what changed. */
    static CReference build(Path src) throws IOException, InterruptedException {
        Path build = Path.of(System.getProperty("java.io.tmpdir"), "xdppacket-xskref");
        Files.createDirectories(build);
        boolean stale = false;
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.filter(CReference::isSource).toList()) {
                Path copy = build.resolve(f.getFileName());
                if (!Files.exists(copy) || Files.mismatch(f, copy) != -1) {
                    Files.copy(f, copy, StandardCopyOption.REPLACE_EXISTING);
                    stale = true;
                }
            }
        }
        for (String t : TARGETS) stale |= !Files.exists(build.resolve(t));
        if (stale) make(build);
        return new CReference(build);
    }

    private static boolean isSource(Path f) {
        String n = f.getFileName().toString();
        return n.equals("Makefile") || n.endsWith(".c") || n.endsWith(".h");
    }

    /** {@code ../shared/xskref} beside the repository that holds this jar (or these classes). */
    private static Path defaultSources() {
        String env = System.getenv("XDPPACKET_XSKREF");
        if (env != null && !env.isEmpty()) return Path.of(env);
        try {
            // .../xdppacket-cli/target/xdppacket-cli.jar or .../xdppacket-cli/target/classes
            Path code = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path repo = code.getParent().getParent().getParent();
            return repo.getParent().resolve("shared").resolve("xskref");
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static void make(Path build) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("make", "-s", "-C", build.toString()));
        cmd.addAll(TARGETS);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new CliErrors.MissingException("--compare-c: cannot run make to build the C reference (" + e.getMessage()
                    + "); install make, gcc, clang, libxdp-dev and libbpf-dev");
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            String last = out.isEmpty() ? "" : out.lines().reduce((a, b) -> b).orElse("");
            throw new CliErrors.MissingException("--compare-c: building the C reference in " + build + " failed (it needs make, gcc, clang, "
                    + "libxdp-dev, libbpf-dev): " + last);
        }
    }

    /** {@code xskbench txonly} on queue {@code queue} of vA: no program on vA, frames to vB's MAC. */
    List<String> txonly(BenchPair pair, BenchConfig cfg, int queue, int batch, int txBudget) {
        List<String> a = new ArrayList<>(List.of("txonly", "-i", pair.ifA(), "-q", Integer.toString(queue), "-m", "none",
                "-b", Integer.toString(batch), "-s", Integer.toString(cfg.frameLength()), "-P", Integer.toString(BenchFrames.SOURCE_PORTS),
                "-D", pair.macB.toString()));
        if (txBudget != 32) a.addAll(List.of("-B", Integer.toString(txBudget)));
        a.addAll(window(cfg));
        a.addAll(List.of("-t", seconds(cfg.tailNanos())));
        return a;
    }

    /** {@code xskbench rxdrop} over queues {@code [0, queues)} of vB, in the bench's XDP mode. */
    List<String> rxdrop(BenchPair pair, BenchConfig cfg, int queues, int batch) {
        List<String> a = new ArrayList<>(List.of("rxdrop", "-i", pair.ifB(), "-Q", Integer.toString(queues),
                "-m", cfg.xdpMode().name().toLowerCase(Locale.ROOT), "-L", "-b", Integer.toString(batch), "-T", "10"));
        if (!cfg.busyPoll()) a.add("-p");
        a.addAll(window(cfg));
        return a;
    }

    /** The measured window as xskbench takes it: warm-up and duration in seconds. */
    private static List<String> window(BenchConfig cfg) {
        return List.of("-W", seconds(cfg.warmupNanos()), "-d", seconds(cfg.durationNanos()));
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }
}
