package io.xdppacket.cli.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A veth pair between two network namespaces of our own, for the demo and the benchmarks:
 * <pre>
 *   netns {@link #nsA()}: {@link #ifA()}  &lt;== veth ==&gt;  {@link #ifB()} :netns {@link #nsB()}
 * </pre>
 * Both ends live in our namespaces; the root namespace gets nothing, IPv6 is off (no autoconfiguration
 * frames on the link), and no addresses are set: the only frames on the link are ours, which carry
 * 198.18.0.1 → 198.18.0.2 (RFC 2544 benchmarking range) in their headers and never leave the pair.
 * {@link #close()} deletes the namespaces, which destroys the veth and any XDP program on it; a
 * shutdown hook does the same on Ctrl-C. Needs {@code ip} (iproute2) and root.
 */
public final class VethLab implements AutoCloseable {
    private static final Set<VethLab> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(VethLab::close), "veth-lab-cleanup"));
    }

    private final String nsA, nsB, ifA, ifB;
    private final int queues;
    private final List<String> created = new ArrayList<>();

    private VethLab(String prefix, int queues) {
        this.nsA = prefix + "a";
        this.nsB = prefix + "b";
        this.ifA = "vA";
        this.ifB = "vB";
        this.queues = queues;
    }

    /**
     * Creates the pair.
     *
     * @param prefix namespace name prefix; the pid is appended so concurrent runs never collide
     * @param queues RX and TX queues on each end (veth needs them at creation time)
     * @param mtu MTU of both ends
     */
    public static VethLab create(String prefix, int queues, int mtu) throws IOException {
        VethLab lab = new VethLab(prefix + ProcessHandle.current().pid(), queues);
        LIVE.add(lab);
        try {
            lab.setUp(mtu);
            return lab;
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void setUp(int mtu) throws IOException {
        for (String ns : List.of(nsA, nsB)) {
            run("ip", "netns", "add", ns);
            created.add(ns);
            run("ip", "netns", "exec", ns, "sysctl", "-q", "-w",
                    "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        String q = Integer.toString(queues);
        run("ip", "link", "add", ifA, "numtxqueues", q, "numrxqueues", q, "netns", nsA, "type", "veth",
                "peer", "name", ifB, "numtxqueues", q, "numrxqueues", q, "netns", nsB);
        run("ip", "-n", nsA, "link", "set", ifA, "mtu", Integer.toString(mtu), "up");
        run("ip", "-n", nsB, "link", "set", ifB, "mtu", Integer.toString(mtu), "up");
        for (int i = 0; i < 100; i++) {
            if (run("ip", "-n", nsA, "link", "show", ifA).contains("LOWER_UP")
                    && run("ip", "-n", nsB, "link", "show", ifB).contains("LOWER_UP")) {
                return;
            }
            sleep(20);
        }
        throw new IOException("veth " + ifA + "/" + ifB + " did not come up");
    }

    public String nsA() { return nsA; }
    public String nsB() { return nsB; }
    public String ifA() { return ifA; }
    public String ifB() { return ifB; }
    public int queues() { return queues; }

    /** The MAC address of one end. */
    public byte[] mac(String ns, String ifname) throws IOException {
        String out = run("ip", "-n", ns, "-o", "link", "show", ifname);
        int at = out.indexOf("link/ether ");
        if (at < 0) throw new IOException("no MAC address for " + ifname + " in: " + out);
        return HexFormat.ofDelimiter(":").parseHex(out.substring(at + 11, at + 28));
    }

    /** A counter from {@code /sys/class/net/IF/statistics}, read inside the end's namespace. */
    public long statistic(String ns, String ifname, String counter) throws IOException {
        return Long.parseLong(run("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + ifname + "/statistics/" + counter).trim());
    }

    /** Deletes what was created; idempotent. */
    @Override
    public synchronized void close() {
        LIVE.remove(this);
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                run("ip", "netns", "del", created.get(i));
            } catch (IOException e) {
                System.err.println("warning: could not delete network namespace " + created.get(i) + ": " + e.getMessage());
            }
        }
        created.clear();
    }

    /** Runs a command and returns its standard output; fails with its standard error. */
    public static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        byte[] err;
        String out;
        try (var stdout = p.getInputStream(); var stderr = p.getErrorStream()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
            err = stderr.readAllBytes();
        }
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                    + new String(err, StandardCharsets.UTF_8).trim());
        }
        return out;
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
