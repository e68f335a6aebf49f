package io.xdppacket.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A BPF filesystem of the test's own, so that pinning never touches the host's mounts: a helper
 * process ({@code unshare -m}, mount propagation private) mounts a fresh bpffs at
 * {@code /sys/fs/bpf} in a mount namespace nobody else uses, and holds it until {@link #close()}.
 * Its pins are reached from the test's JVM through {@code /proc/PID/root} ({@link #fromHere}), and
 * tools run inside it with {@code nsenter} ({@link #run}). When the helper ends, the namespace and
 * the bpffs go with it, and every pin in it.
 */
public final class PrivateBpfFs implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Process process;
    private final String source;

    private PrivateBpfFs(Process process, String source) {
        this.process = process;
        this.source = source;
    }

    /** Starts the helper and returns once the bpffs is mounted. */
    public static PrivateBpfFs mount() throws IOException {
        // The mount's source names it in mountinfo, so a test can check that the host never sees it.
        String source = "xdppacket-test-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        Process p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount -t bpf " + source + " /sys/fs/bpf && echo mounted && exec cat")
                .redirectErrorStream(true).start();
        PrivateBpfFs fs = new PrivateBpfFs(p, source);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"mounted".equals(line)) {
            fs.close();
            throw new IllegalStateException("could not mount a private bpffs: " + line);
        }
        return fs;
    }

    /** The mount's source name, as {@code /proc/self/mountinfo} would show it. */
    public String source() {
        return source;
    }

    /** The path, in the test's own mount namespace, of {@code inside} (an absolute path in the helper's namespace). */
    public Path fromHere(String inside) {
        return Path.of("/proc/" + process.pid() + "/root" + inside);
    }

    /** Runs a command inside the helper's mount namespace (e.g. bpftool on its pins), whatever its exit status. */
    public Tools.Result run(String... command) {
        List<String> c = new ArrayList<>(List.of("nsenter", "-t", Long.toString(process.pid()), "-m"));
        c.addAll(List.of(command));
        return Tools.run(c);
    }

    /** {@link #run}, also inside network namespace {@code netns} (one of {@code ip netns list}). */
    public Tools.Result runInNetns(String netns, String... command) {
        List<String> c = new ArrayList<>(List.of("nsenter", "-t", Long.toString(process.pid()), "-m", "--net=/run/netns/" + netns));
        c.addAll(List.of(command));
        return Tools.run(c);
    }

    /** Whether the test's own mount namespace shows a mount of this bpffs (it must not). */
    public boolean visibleHere() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().anyMatch(l -> l.contains(" " + source + " "));
    }

    /** Ends the helper, and with it the namespace, the bpffs and its pins. Never throws. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
