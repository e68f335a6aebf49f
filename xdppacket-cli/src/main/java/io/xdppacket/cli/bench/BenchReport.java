package io.xdppacket.cli.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The bench's output: the performance table for people, or JSON for machines. Rates count frame bytes
 * without FCS, preamble or gap. Per-frame CPU is the hot threads' (C: the processes') CPU time in
 * the window divided by the frames they moved; on veth a sender's CPU time includes the peer's
 * receive path, which the kernel runs on the sending CPU.
 */
final class BenchReport {
    private final Environment env;
    private final BenchConfig cfg;
    private final int txBudget;
    private final boolean compareC;
    private final List<RowResult> rows;

    BenchReport(Environment env, BenchConfig cfg, int txBudget, boolean compareC, List<RowResult> rows) {
        this.env = env;
        this.cfg = cfg;
        this.txBudget = txBudget;
        this.compareC = compareC;
        this.rows = rows;
    }

    // ---- table --------------------------------------------------------------------------------

    void printTable(PrintWriter out) {
        out.printf(Locale.ROOT, "xdppacket bench: %d-byte frames, batch %d, %d queues in the multi-queue rows, %s mode, "
                        + "TX budget %d, receivers %s; %d round%s of %.1f s after %.1f s warm-up%s%n",
                cfg.frameLength(), cfg.batch(), cfg.queues(), cfg.xdpMode(), txBudget,
                cfg.busyPoll() ? "busy-polling" : "sleeping in ppoll when idle", cfg.rounds(), cfg.rounds() == 1 ? "" : "s",
                cfg.durationSeconds(), cfg.warmupSeconds(),
                compareC ? "; C (cbench, libxdp) at the same time on its own veth pair, pairs swapped every round" : "");
        out.printf("%3s  %-34s %s%n", "1", "test environment", env.oneLine());
        String head = String.format(Locale.ROOT, "%3s  %-34s %12s %9s %9s %9s %7s %9s", "row", "test", "pps", "Mbit/s",
                "CPU ns/f", "alloc B/f", "sys/f", "rx drops");
        if (compareC) {
            head += String.format(Locale.ROOT, " | %12s %9s %7s %9s %7s %15s", "C pps", "C ns/f", "C sys/f", "C drops", "ours/C", "[min..max]");
        }
        out.println(head);
        boolean footnote = false;
        for (RowResult r : rows) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%3d  %-34s %,12.0f %9.1f %9.1f %9.3f %7.4f %9s",
                    r.row().number, r.row().title, r.oursMedian(Measure::pps), r.oursMedian(m -> m.mbps(cfg.frameLength())),
                    r.oursMedian(Measure::cpuNanosPerFrame), r.oursMedian(Measure::allocBytesPerFrame),
                    r.oursMedian(Measure::syscallsPerFrame), r.row().sends() ? "-" : Long.toString(r.oursRxDrops())));
            if (compareC) {
                if (r.hasC()) {
                    double[] ratios = r.rounds().stream().mapToDouble(Round::ratio).toArray();
                    double min = ratios[0], max = ratios[0];
                    for (double x : ratios) {
                        min = Math.min(min, x);
                        max = Math.max(max, x);
                    }
                    boolean note = r.row().cLayoutDiffers();
                    footnote |= note;
                    line.append(String.format(Locale.ROOT, " | %,12.0f %9.1f %7.4f %9s %7.3f %15s%s", r.cMedian(Measure::pps),
                            r.cMedian(Measure::cpuNanosPerFrame), r.cMedian(Measure::syscallsPerFrame),
                            r.row().sends() ? "-" : Long.toString(r.cRxDrops()),
                            r.ratio(), String.format(Locale.ROOT, "[%.3f..%.3f]", min, max), note ? " *" : ""));
                } else {
                    line.append(" | ").append(String.format(Locale.ROOT, "%12s", "-")).append("   (no C counterpart: cbench has no spreading multi-queue write)");
                }
            }
            out.println(line);
        }
        if (footnote) out.println("  * C: one thread over all queues (an interface has one XDP program, so one cbench process); ours: a thread per queue");
        out.println("  pps: frames sent (completed, not dropped by the driver) or received, per second; median over the rounds");
        out.println("  CPU ns/f, alloc B/f: CPU time and heap allocation of the hot threads per frame; sys/f: data-path system calls"
                + " (TX kicks, RX wake-ups, polls) per frame");
        out.println("  rx drops: the kernel's (RX ring full, FILL ring empty, other), ours in the windows, C's over its whole runs");
        for (RowResult r : rows) {
            for (Round round : r.rounds()) {
                if (!round.accounted()) {
                    out.printf(Locale.ROOT, "  warning: row %d round %d: %,d frames offered, %,d accounted for%n",
                            r.row().number, round.round() + 1, round.offered(), round.delivered());
                }
            }
        }
        out.flush();
    }

    // ---- JSON ---------------------------------------------------------------------------------

    void printJson(PrintWriter out) {
        StringBuilder j = new StringBuilder(4096);
        j.append("{\n  \"environment\": {");
        field(j, "cpu", env.cpu()).append(", ");
        field(j, "cpus", env.cpus()).append(", ");
        field(j, "memory", env.memory()).append(", ");
        field(j, "kernel", env.kernel()).append(", ");
        field(j, "nic", env.nic()).append(", ");
        field(j, "jdk", env.jdk()).append("},\n  \"config\": {");
        field(j, "frame_length", cfg.frameLength()).append(", ");
        field(j, "batch", cfg.batch()).append(", ");
        field(j, "queues", cfg.queues()).append(", ");
        field(j, "xdp_mode", cfg.xdpMode().name()).append(", ");
        field(j, "tx_budget", txBudget).append(", ");
        field(j, "wait", cfg.busyPoll() ? "busy" : "poll").append(", ");
        field(j, "rounds", cfg.rounds()).append(", ");
        field(j, "warmup_seconds", cfg.warmupSeconds()).append(", ");
        field(j, "seconds", cfg.durationSeconds()).append(", ");
        field(j, "compare_c", compareC).append("},\n  \"rows\": [");
        for (int i = 0; i < rows.size(); i++) {
            RowResult r = rows.get(i);
            j.append(i == 0 ? "\n" : ",\n").append("    {");
            field(j, "row", r.row().number).append(", ");
            field(j, "name", r.row().name().toLowerCase(Locale.ROOT)).append(", ");
            field(j, "test", r.row().title).append(", ");
            field(j, "direction", r.row().direction.name().toLowerCase(Locale.ROOT)).append(", ");
            field(j, "queues", r.row().queues(cfg.queues())).append(", ");
            field(j, "api", r.row().api.name().toLowerCase(Locale.ROOT)).append(", ");
            field(j, "thread_per_queue", r.row().threadPerQueue).append(",\n      ");
            j.append("\"ours\": ");
            summary(j, r, false);
            j.append(",\n      \"c\": ");
            if (r.hasC()) summary(j, r, true);
            else j.append("null");
            j.append(",\n      ");
            field(j, "ratio", r.ratio()).append(", ");
            field(j, "accounted", r.accounted()).append(",\n      \"rounds\": [");
            for (int k = 0; k < r.rounds().size(); k++) {
                Round round = r.rounds().get(k);
                j.append(k == 0 ? "" : ", ").append('{');
                field(j, "pair", round.oursOn()).append(", ");
                field(j, "ours_pps", round.ours().pps()).append(", ");
                field(j, "c_pps", round.c() == null ? Double.NaN : round.c().pps()).append(", ");
                field(j, "ratio", round.ratio() == null ? Double.NaN : round.ratio()).append(", ");
                field(j, "offered", round.offered()).append(", ");
                field(j, "delivered", round.delivered()).append('}');
            }
            j.append("]}");
        }
        j.append("\n  ]\n}\n");
        out.print(j);
        out.flush();
    }

    private void summary(StringBuilder j, RowResult r, boolean c) {
        j.append('{');
        field(j, "pps", c ? r.cMedian(Measure::pps) : r.oursMedian(Measure::pps)).append(", ");
        field(j, "mbps", c ? r.cMedian(m -> m.mbps(cfg.frameLength())) : r.oursMedian(m -> m.mbps(cfg.frameLength()))).append(", ");
        field(j, "cpu_ns_per_frame", c ? r.cMedian(Measure::cpuNanosPerFrame) : r.oursMedian(Measure::cpuNanosPerFrame)).append(", ");
        field(j, "alloc_bytes_per_frame", c ? Double.NaN : r.oursMedian(Measure::allocBytesPerFrame)).append(", ");
        field(j, "syscalls_per_frame", c ? r.cMedian(Measure::syscallsPerFrame) : r.oursMedian(Measure::syscallsPerFrame)).append(", ");
        if (r.row().sends()) {
            long drops = r.rounds().stream().mapToLong(x -> (c ? x.c() : x.ours()).driverDrops()).sum();
            field(j, "driver_drops", c ? Double.NaN : drops);
        } else {
            long full = r.rounds().stream().mapToLong(x -> (c ? x.c() : x.ours()).rxRingFull()).sum();
            long empty = r.rounds().stream().mapToLong(x -> (c ? x.c() : x.ours()).fillEmpty()).sum();
            long other = r.rounds().stream().mapToLong(x -> (c ? x.c() : x.ours()).otherDrops()).sum();
            field(j, "rx_ring_full", full).append(", ");
            field(j, "fill_empty", empty).append(", ");
            field(j, "rx_dropped_other", other);
        }
        j.append('}');
    }

    private static StringBuilder field(StringBuilder j, String key, Object value) {
        j.append('"').append(key).append("\": ");
        switch (value) {
            case null -> j.append("null");
            case String s -> string(j, s);
            case Double d -> j.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.3f", d));
            default -> j.append(value);
        }
        return j;
    }

    private static void string(StringBuilder j, String s) {
        j.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> j.append("\\\"");
                case '\\' -> j.append("\\\\");
                case '\n' -> j.append("\\n");
                default -> {
                    if (ch < 0x20) j.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    else j.append(ch);
                }
            }
        }
        j.append('"');
    }
}
