package io.xdppacket.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two network namespaces joined by a veth pair, made for one test and deleted by {@link #close()}.
 *
 * <pre>
 *   netns {@link #nsA()}: {@link #ifA()}  &lt;== veth ==&gt;  {@link #ifB()} :netns {@link #nsB()}
 * </pre>
 *
 * Names carry the JVM's pid and a counter, so concurrent test runs never collide. Both ends live in
 * our namespaces, IPv6 is off (no autoconfiguration chatter on the link), no addresses are set:
 * the only frames on the link are the ones a test sends. Deleting a namespace destroys its veth
 * end, and with it any XDP program attached there.
 */
public final class VethPair implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    /** Our namespace names: {@code xp<pid>x<n>a|b}. */
    private static final Pattern NAME = Pattern.compile("xp(\\d+)x\\d+[ab]");
    /** Pairs not closed yet; a shutdown hook removes them if the JVM is stopped (SIGTERM, Ctrl-C) mid-test. */
    private static final Set<VethPair> LIVE = ConcurrentHashMap.newKeySet();

    static {
        sweepStale();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(VethPair::close), "veth-cleanup"));
    }

    /**
     * Deletes namespaces left by test JVMs that died without cleaning up (SIGKILL, a timeout): ours by
     * name, whose pid is no longer alive.
     */
    private static void sweepStale() {
        Tools.Result list = Tools.run(List.of("ip", "netns", "list"));
        if (list.exitCode() != 0) return;
        for (String line : list.stdout().lines().toList()) {
            String ns = line.split("\\s+")[0];
            Matcher m = NAME.matcher(ns);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                Tools.run(List.of("ip", "netns", "del", ns));
            }
        }
    }

    private final String nsA, nsB, ifA, ifB;
    private final int queues;
    private final List<String> created = new ArrayList<>();

    private VethPair(String tag, int queues) {
        this.nsA = tag + "a";
        this.nsB = tag + "b";
        // Interface names are per namespace, but unique names make logs unambiguous. At most 15 chars.
        this.ifA = "va" + tag.substring(2);
        this.ifB = "vb" + tag.substring(2);
        this.queues = queues;
    }

    /** A single-queue pair with MTU 1500. */
    public static VethPair create() {
        return create(1, 1500);
    }

    /** A pair with {@code queues} RX and TX queues on each end and the given MTU. */
    public static VethPair create(int queues, int mtu) {
        String tag = "xp" + ProcessHandle.current().pid() + "x" + COUNTER.incrementAndGet();
        VethPair p = new VethPair(tag, queues);
        LIVE.add(p);
        try {
            p.setUp(mtu);
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void setUp(int mtu) {
        for (String ns : List.of(nsA, nsB)) {
            Tools.run("ip", "netns", "add", ns);
            created.add(ns);
            Tools.run("ip", "netns", "exec", ns, "sysctl", "-q", "-w",
                    "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            Tools.run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        String q = Integer.toString(queues);
        Tools.run("ip", "link", "add", ifA, "numtxqueues", q, "numrxqueues", q, "netns", nsA, "type", "veth",
                "peer", "name", ifB, "numtxqueues", q, "numrxqueues", q, "netns", nsB);
        Tools.run("ip", "-n", nsA, "link", "set", ifA, "mtu", Integer.toString(mtu), "up");
        Tools.run("ip", "-n", nsB, "link", "set", ifB, "mtu", Integer.toString(mtu), "up");
        for (int i = 0; i < 100; i++) {
            if (Tools.run("ip", "-n", nsA, "link", "show", ifA).stdout().contains("LOWER_UP")
                    && Tools.run("ip", "-n", nsB, "link", "show", ifB).stdout().contains("LOWER_UP")) {
                return;
            }
            sleep(20);
        }
        throw new IllegalStateException("veth " + ifA + "/" + ifB + " did not come up");
    }

    public String nsA() { return nsA; }
    public String nsB() { return nsB; }
    public String ifA() { return ifA; }
    public String ifB() { return ifB; }
    public int queues() { return queues; }

    /** The MAC address of an end, as six bytes. */
    public byte[] mac(String ns, String ifname) {
        String out = Tools.run("ip", "-n", ns, "-o", "link", "show", ifname).stdout();
        int at = out.indexOf("link/ether ");
        if (at < 0) throw new IllegalStateException("no MAC in: " + out);
        String[] parts = out.substring(at + 11, at + 28).split(":");
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) mac[i] = (byte) Integer.parseInt(parts[i], 16);
        return mac;
    }

    public byte[] macA() { return mac(nsA, ifA); }
    public byte[] macB() { return mac(nsB, ifB); }

    /** {@code ip -d link show} of an end: the test's view of what is attached. */
    public String linkDetails(String ns, String ifname) {
        return Tools.run("ip", "-n", ns, "-d", "link", "show", ifname).stdout();
    }

    /** Whether any XDP program (any mode) is attached to an end, according to {@code ip -d link}. */
    public boolean xdpAttached(String ns, String ifname) {
        String d = linkDetails(ns, ifname);
        return d.contains(" xdp") || d.contains("prog/xdp");
    }

    /** The id of the XDP program attached to an end ({@code prog/xdp id N} in {@code ip -d link}), or -1 if there is none. */
    public int xdpProgId(String ns, String ifname) {
        Matcher m = Pattern.compile("prog/xdp id (\\d+)").matcher(linkDetails(ns, ifname));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** A counter of an end from {@code /sys/class/net/IF/statistics} (read inside its namespace). */
    public long statistic(String ns, String ifname, String counter) {
        String v = Tools.run("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + ifname + "/statistics/" + counter).stdout();
        return Long.parseLong(v.trim());
    }

    /** {@code Ip: InReceives} of namespace {@code ns} ({@code /proc/net/snmp}): IPv4 packets that reached its stack. */
    public long ipInReceives(String ns) {
        List<String> lines = Tools.run("ip", "netns", "exec", ns, "cat", "/proc/net/snmp").stdout().lines()
                .filter(l -> l.startsWith("Ip: ")).toList();
        if (lines.size() != 2) throw new IllegalStateException("no Ip header and values in /proc/net/snmp of " + ns);
        List<String> names = List.of(lines.get(0).split("\\s+"));
        int at = names.indexOf("InReceives");
        if (at < 0) throw new IllegalStateException("no InReceives in " + names);
        return Long.parseLong(lines.get(1).split("\\s+")[at]);
    }

    @Override
    public synchronized void close() {
        LIVE.remove(this);
        for (int i = created.size() - 1; i >= 0; i--) {
            Tools.run(List.of("ip", "netns", "del", created.get(i)));
        }
        created.clear();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
