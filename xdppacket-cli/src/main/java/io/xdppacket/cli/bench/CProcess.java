package io.xdppacket.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One running program of the C side ({@code cbench MODE ...}), started in a network namespace and
 * pinned to a CPU: {@code ip netns exec NS taskset -c CPU cbench ARGS}. Both {@code ip netns exec}
 * and {@code taskset} exec in place, so the process we start is cbench itself and its
 * {@code /proc/PID/stat} is cbench's CPU time. Its output is collected as it comes; cbench ends
 * with one {@code RESULT key=value ...} line, and prints its sockets' {@code XDP_STATISTICS} on
 * {@code xdp_stats:} lines. A shutdown hook kills what is still running (Ctrl-C).
 */
final class CProcess implements AutoCloseable {
    /** /proc's clock ticks: USER_HZ, 100 on every Linux ABI the library runs on (x86_64, aarch64). */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final Set<CProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(CProcess::close), "cbench-cleanup"));
    }

    private final String label;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    /** The last CPU time read, kept for after the process is gone. */
    private long lastCpu;

    private CProcess(String label, Process process) {
        this.label = label;
        this.process = process;
        this.reader = Thread.ofPlatform().daemon(true).name("cbench-out").start(this::collect);
    }

    /** Starts {@code dir/cbench args} in namespace {@code ns} on CPU {@code cpu} (it loads its XDP programs from {@code dir}). */
    static CProcess start(Path dir, String ns, int cpu, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "taskset", "-c", Integer.toString(cpu),
                dir.resolve(CReference.EXECUTABLE).toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        CProcess c = new CProcess(CReference.EXECUTABLE + " " + String.join(" ", args), p);
        LIVE.add(c);
        return c;
    }

    private void collect() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process was killed: what it printed so far is kept
        }
    }

    /** Waits until a line starting with {@code prefix} appeared (e.g. a receiver's ready line); false if the process ended or time ran out. */
    boolean awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (String l : lines) if (l.startsWith(prefix)) return true;
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) return false;
                TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, 50_000_000L));
            }
        }
    }

    /** User plus system CPU time so far ({@code /proc/PID/stat}); the last value once the process is gone. */
    long cpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // Fields after the command name in parentheses (which may contain spaces): state is field 3, utime 14, stime 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            lastCpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException gone) {
            // exited: keep the last reading
        }
        return lastCpu;
    }

    /** Waits for the process to end; kills it after {@code timeout}. Returns its exit code. */
    int await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(Duration.ofSeconds(5));
        LIVE.remove(this);
        return process.exitValue();
    }

    /** The RESULT line's values (empty if there was none). */
    Map<String, String> result() {
        Map<String, String> kv = new HashMap<>();
        for (String l : output()) {
            if (!l.startsWith("RESULT ")) continue;
            kv.clear();
            for (String item : l.substring(7).trim().split("\\s+")) {
                int eq = item.indexOf('=');
                if (eq > 0) kv.put(item.substring(0, eq), item.substring(eq + 1));
            }
        }
        return kv;
    }

    /** A RESULT value as a number. */
    double resultValue(String key) {
        String v = result().get(key);
        if (v == null) throw new IllegalStateException(label + " printed no " + key + "; its output:\n" + tail());
        return Double.parseDouble(v);
    }

    /** The sum over all {@code xdp_stats:} lines of counter {@code key} (e.g. rx_ring_full). */
    long xdpStat(String key) {
        long sum = 0;
        String k = " " + key + "=";
        for (String l : output()) {
            int at = l.indexOf(k);
            if (!l.contains("xdp_stats:") || at < 0) continue;
            int from = at + k.length();
            int to = from;
            while (to < l.length() && Character.isDigit(l.charAt(to))) to++;
            sum += Long.parseLong(l.substring(from, to));
        }
        return sum;
    }

    List<String> output() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The last lines of output, for error messages. */
    String tail() {
        List<String> out = output();
        return String.join("\n", out.subList(Math.max(0, out.size() - 8), out.size()));
    }

    String label() {
        return label;
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly();
        LIVE.remove(this);
    }
}
