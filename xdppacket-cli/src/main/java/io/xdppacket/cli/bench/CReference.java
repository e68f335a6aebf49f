package io.xdppacket.cli.bench;

import io.xdppacket.cli.CliErrors;
import io.xdppacket.cli.Main;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The bench's C side: {@code cbench}, a small C program of this repository ({@code cbench/}: Debian's
 * libxdp ring helpers, libbpf, XDP programs of our own), built with {@code make} into a directory of
 * its own (the sources stay untouched; make rebuilds only what changed) and run on the same rows as
 * ours, with the same frames, ring sizes and TX budget.
 *
 * <p>Where the sources are: {@code --c-dir DIR}, else {@code cbench/} in the repository this jar (or
 * these classes) was built in. Building needs make, gcc, clang, libxdp-dev and libbpf-dev
 * ({@link CToolchain} names what is missing).
 */
final class CReference {
    /** The executable; it loads its XDP programs (*.bpf.o) from its own directory. */
    static final String EXECUTABLE = "cbench";
    /** Files that make a directory the C side's sources. */
    private static final List<String> SOURCE_MARKERS = List.of("Makefile", "cbench.h");

    final Path dir;

    private CReference(Path dir) {
        this.dir = dir;
    }

    /** The sources' directory: {@code given}, or cbench/ in this repository; a usage error if it does not hold them. */
    static Path locate(Path given) {
        Path src = given != null ? given : repositorySources();
        if (src == null) {
            throw CliErrors.usage("--compare-c: cannot tell which repository this jar was built in, so not where the C side's "
                    + "sources (cbench/) are; give them with --c-dir DIR");
        }
        for (String f : SOURCE_MARKERS) {
            if (!Files.isRegularFile(src.resolve(f))) {
                throw CliErrors.usage((given != null ? "--c-dir " + given : "--compare-c: " + src)
                        + ": not the C side's sources (no " + f + " there); give the repository's cbench/ directory with --c-dir DIR");
            }
        }
        return src;
    }

    /**
     * Builds the sources at {@code src} (what changed since the last build) into a directory of their
     * own under the temporary directory, one per source directory, so that several checkouts never
     * share a build. Checks the build tools first.
     */
    static CReference build(Path src) throws IOException, InterruptedException {
        CToolchain.require();
        Path real = src.toRealPath();
        Path build = Path.of(System.getProperty("java.io.tmpdir"), "xdppacket-cbench-" + shortHash(real.toString()));
        Files.createDirectories(build);
        // Two benches starting at once from the same checkout must not run make in the same directory together.
        try (FileChannel lock = FileChannel.open(build.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = lock.lock()) {
            make(real, build);
        }
        return new CReference(build);
    }

    /** .../xdppacket-cli/target/xdppacket-cli.jar (or .../target/classes) → the repository's cbench/. */
    private static Path repositorySources() {
        try {
            Path code = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path repo = code.getParent().getParent().getParent();
            return repo.resolve("cbench");
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static void make(Path src, Path build) throws IOException, InterruptedException {
        List<String> cmd = List.of("make", "-s", "-C", build.toString(), "-f", src.resolve("Makefile").toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new CliErrors.MissingException("--compare-c: cannot run make to build the C side (" + e.getMessage() + ")");
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            List<String> lines = out.lines().toList();
            String last = String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
            throw new CliErrors.MissingException("--compare-c: building the C side (" + String.join(" ", cmd) + ") failed: " + last);
        }
    }

    /** {@code cbench txonly} on queue {@code queue} of vA: no program on vA, frames to vB's MAC. */
    List<String> txonly(BenchPair pair, BenchConfig cfg, int queue, int batch, int txBudget) {
        List<String> a = new ArrayList<>(List.of("txonly", "-i", pair.ifA(), "-q", Integer.toString(queue), "-m", "none",
                "-b", Integer.toString(batch), "-s", Integer.toString(cfg.frameLength()), "-P", Integer.toString(BenchFrames.SOURCE_PORTS),
                "-D", pair.macB.toString()));
        if (txBudget != 32) a.addAll(List.of("-B", Integer.toString(txBudget)));
        a.addAll(window(cfg));
        a.addAll(List.of("-t", seconds(cfg.tailNanos())));
        return a;
    }

    /** {@code cbench rxdrop} over queues {@code [0, queues)} of vB, in the bench's XDP mode. */
    List<String> rxdrop(BenchPair pair, BenchConfig cfg, int queues, int batch) {
        List<String> a = new ArrayList<>(List.of("rxdrop", "-i", pair.ifB(), "-Q", Integer.toString(queues),
                "-m", cfg.xdpMode().name().toLowerCase(Locale.ROOT), "-L", "-b", Integer.toString(batch), "-T", "10"));
        if (!cfg.busyPoll()) a.add("-p");
        a.addAll(window(cfg));
        return a;
    }

    /** The measured window as cbench takes it: warm-up and duration in seconds. */
    private static List<String> window(BenchConfig cfg) {
        return List.of("-W", seconds(cfg.warmupNanos()), "-d", seconds(cfg.durationNanos()));
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }
}
