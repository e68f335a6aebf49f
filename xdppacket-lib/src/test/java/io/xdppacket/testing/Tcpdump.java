package io.xdppacket.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * tcpdump as the reference nobody here wrote: live captures on an interface inside a namespace
 * (through the kernel's AF_PACKET taps, nothing of ours), and libpcap's own reading of a pcap file
 * for what a filter expression selects.
 */
public final class Tcpdump implements AutoCloseable {
    private final Process process;
    private final Path file;
    private final Path log;

    private Tcpdump(Process process, Path file, Path log) {
        this.process = process;
        this.file = file;
        this.log = log;
    }

    /**
     * Captures {@code count} frames on {@code ifname} in {@code netns} into {@code file}, nanosecond
     * time stamps, and returns once tcpdump listens.
     *
     * @param options more tcpdump options, e.g. {@code "-Q", "in"} for received frames only
     */
    public static Tcpdump capture(String netns, String ifname, Path file, int count, String... options)
            throws IOException, InterruptedException {
        Path log = file.resolveSibling(file.getFileName() + ".log");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns, "tcpdump", "-i", ifname, "-w", file.toString(),
                // Snaplen 2048 (frames are at most 1514): with -s 0 the capture ring holds only ~8 slots in immediate mode.
                "-U", "--immediate-mode", "-s", "2048", "-B", "16384", "--time-stamp-precision=nano", "-c", Integer.toString(count)));
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Tcpdump t = new Tcpdump(p, file, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(log).contains("listening on")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                t.close();
                throw new IllegalStateException("tcpdump did not start: " + Files.readString(log));
            }
            Thread.sleep(5);
        }
        return t;
    }

    /** Waits for tcpdump to have its count and exit; returns the frames, or fails naming what it saw. */
    public List<PcapFile.Record> frames(long timeoutSeconds) throws IOException, InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            // SIGTERM to tcpdump itself (ip netns exec may have forked it) makes it write its counters.
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("tcpdump did not get its count within " + timeoutSeconds + " s; it captured "
                    + PcapFile.read(file).size() + " frames; its log: " + Files.readString(log));
        }
        return PcapFile.read(file);
    }

    /**
     * The frames of {@code pcap} that {@code expression} selects, as {@code tcpdump -r PCAP -w OUT
     * EXPRESSION} writes them (libpcap's compiler and interpreter).
     *
     * @throws IllegalStateException if tcpdump refuses the expression (its message included)
     */
    public static List<byte[]> select(Path pcap, String expression) throws IOException {
        Path out = Files.createTempFile(pcap.getParent(), "selected", ".pcap");
        try {
            Tools.run("tcpdump", "-r", pcap.toString(), "-w", out.toString(), expression);
            return PcapFile.read(out).stream().map(PcapFile.Record::data).toList();
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** {@code tcpdump -r PCAP -ddd EXPRESSION}: the classic program, compiled for the file's link type, as text. */
    public static String ddd(Path pcap, String expression) {
        return Tools.run("tcpdump", "-r", pcap.toString(), "-ddd", expression).stdout();
    }

    /**
     * libpcap's message when it cannot compile {@code expression} for {@code pcap}'s link type, as
     * tcpdump prints it (without its {@code "tcpdump: "}), or null if it can.
     */
    public static String compileError(Path pcap, String expression) {
        Tools.Result r = Tools.run(List.of("tcpdump", "-r", pcap.toString(), "-d", expression));
        if (r.exitCode() == 0) return null;
        return r.stderr().lines().filter(l -> l.startsWith("tcpdump: ")).map(l -> l.substring(9).strip()).findFirst()
                .orElseThrow(() -> new IllegalStateException("tcpdump failed without saying why: " + r.stderr()));
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
