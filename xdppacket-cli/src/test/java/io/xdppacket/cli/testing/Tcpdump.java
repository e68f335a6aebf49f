package io.xdppacket.cli.testing;

import io.xdppacket.testing.PcapFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * tcpdump as an independent receiver: captures {@code count} frames on an interface inside a
 * namespace into a pcap file, through the kernel's AF_PACKET, nothing of ours.
 */
public final class Tcpdump implements AutoCloseable {
    private final Process process;
    private final Path file, log;

    private Tcpdump(Process process, Path file, Path log) {
        this.process = process;
        this.file = file;
        this.log = log;
    }

    /** Starts capturing and returns once tcpdump listens. */
    public static Tcpdump start(String netns, String ifname, Path file, int count) throws IOException, InterruptedException {
        Path log = file.resolveSibling(file.getFileName() + ".log");
        // Snaplen 2048 (frames are at most 1514): with -s 0 the capture ring holds only ~8 slots in immediate mode.
        Process p = new ProcessBuilder("ip", "netns", "exec", netns, "tcpdump", "-i", ifname, "-w", file.toString(), "-U",
                "--immediate-mode", "-s", "2048", "-B", "16384", "-c", Integer.toString(count))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Tcpdump t = new Tcpdump(p, file, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(log).contains("listening on")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                t.close();
                throw new IllegalStateException("tcpdump did not start: " + Files.readString(log));
            }
            Thread.sleep(20);
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

    public Path file() {
        return file;
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
