package io.xdppacket.cli.bench;

import io.xdppacket.XdpMode;
import io.xdppacket.XdpOptions;
import io.xdppacket.XdpSocket;
import io.xdppacket.cli.os.Affinity;
import io.xdppacket.cli.CliErrors;
import io.xdppacket.cli.FrameLength;
import io.xdppacket.cli.Main;
import io.xdppacket.cli.traffic.StopSignal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code xdppacket bench}: the performance table (rows 2–11), filled in on veth pairs of its own, and
 * optionally side by side with the C reference.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Measure the performance table on veth pairs of its own, optionally beside C.",
                "",
                "Creates network namespaces joined by veth pairs (1 queue for the single-queue rows, --queues for the"
                + " others), runs rows 2-11 and prints, for each, packets/s, Mbit/s, CPU time and heap bytes allocated"
                + " per frame. Row 1 is the test environment. Needs root; deletes everything it made, also on Ctrl-C.",
                "",
                "Rows: 2 single-queue single-frame send, 3 single-queue batch send, 4 single-queue single-frame"
                + " receive, 5 single-queue batch receive, 6 multi-queue send, 7 multi-queue receive (6, 7:"
                + " XdpMultiQueue's own writePackets/zeroCopyReadPacket from one thread), 8 multi-queue single-frame"
                + " send, 9 multi-queue batch send, 10 multi-queue single-frame receive, 11 multi-queue batch receive"
                + " (8-11: a thread per queue). Send rows: the peer drops the frames in XDP. Receive rows: a sender of"
                + " ours feeds the link.",
                "",
                "--compare-c builds the repository's C side, cbench/ (C on libxdp; needs make, gcc, clang, libxdp-dev,"
                + " libbpf-dev), and runs it on every row it supports at the same time as ours, on a second veth"
                + " pair, the pairs swapped every round; ours/C is the median of the per-round ratios of packets/s.",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {
                "  sudo xdppacket bench --quick",
                "      every row once, for about a second: checks that it all runs",
                "  sudo xdppacket bench",
                "      rows 2-11, 3 rounds of 5 seconds each (about 4 minutes)",
                "  sudo xdppacket bench --rows 3,5 --size 1514 --json",
                "      two rows with full-size frames, as JSON",
                "  sudo xdppacket bench --compare-c --rounds 5",
                "      ours beside the C side (cbench), 5 rounds a row",
                "",
                "Threads: senders on CPU 0 (a thread per queue: spread over the CPUs), receivers on CPU 1; C's"
                + " processes pinned the same way. On veth the peer's receive path runs on the sending CPU.",
                "",
                "Exit codes: 0 done; 1 a row failed; 2 bad usage; 3 not root, no AF_XDP, or the C side cannot"
                + " be built; 130 Ctrl-C."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--quick", order = 1,
            description = "Every row once, for about a second each: checks that everything runs; the rates mean little.")
    boolean quick;

    @Option(names = "--seconds", paramLabel = "S", order = 2,
            description = "Measured seconds per round, 0.1..600 (default: 5).")
    Double seconds;

    @Option(names = "--warmup", paramLabel = "S", order = 3,
            description = "Unmeasured seconds before each round's window, 0..60 (default: 1).")
    Double warmup;

    @Option(names = "--rounds", paramLabel = "N", order = 4,
            description = "Rounds per row, 1..100; the table shows medians (default: 3).")
    Integer rounds;

    @Option(names = "--rows", paramLabel = "N", order = 5, split = ",",
            description = "Run only these rows (2..11; default: all).")
    List<Integer> rowNumbers;

    @Option(names = "--size", paramLabel = "BYTES", order = 6, defaultValue = FrameLength.DEFAULT_TEXT,
            description = FrameLength.DESCRIPTION)
    int size;

    @Option(names = "--batch", paramLabel = "N", order = 7, defaultValue = "64",
            description = "Frames per call in the batch rows, per queue in rows 6 and 7's writes, 1..1024 (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--queues", paramLabel = "N", order = 8, defaultValue = "4",
            description = "Queues in the multi-queue rows, 2..16 (default: ${DEFAULT-VALUE}).")
    int queues;

    @Option(names = "--mode", paramLabel = "drv|skb", order = 9, defaultValue = "drv",
            description = "Where the XDP program of the receiving end runs: drv (native, in the veth driver) or skb"
                    + " (generic) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--wait", paramLabel = "busy|poll", order = 10, defaultValue = "busy",
            description = "How receivers wait: busy (never sleep: ours with busyPoll of an hour, C's rxdrop as it is) or poll "
                    + "(ours with the library's default busyPoll, then ppoll; C's rxdrop -p) (default: ${DEFAULT-VALUE}).")
    String waitMode;

    @Option(names = "--compare-c", order = 11, description = "Run the C side (cbench, on libxdp) beside ours and print our/C ratios.")
    boolean compareC;

    @Option(names = "--c-dir", paramLabel = "DIR", order = 12,
            description = "Where the C side's sources are (default: cbench/ in the repository this jar was built in); "
                    + "it is built into a directory of its own.")
    Path cDir;

    @Option(names = "--json", order = 13, description = "Print JSON instead of the table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        BenchConfig cfg = validate();
        List<BenchRow> selected = selectedRows();
        if (cDir != null && !compareC) throw CliErrors.usage("--c-dir " + cDir + ": only with --compare-c");
        Path cSources = compareC ? CReference.locate(cDir) : null;
        CliErrors.requireRoot("the bench creates network namespaces and attaches XDP programs");
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CReference c = compareC ? CReference.build(cSources) : null;
        boolean anySingle = selected.stream().anyMatch(r -> !r.multiQueue);
        boolean anyMulti = selected.stream().anyMatch(r -> r.multiQueue);
        int pairs = compareC ? 2 : 1;
        // The stop signal outlives the pairs: on Ctrl-C the JVM exits only once they are deleted.
        try (StopSignal stop = StopSignal.install()) {
            List<BenchPair> made = new ArrayList<>();
            try {
                BenchPair[] single = anySingle ? pairs("xpbs", 1, pairs, made) : null;
                BenchPair[] multi = anyMulti ? pairs("xpbm", queues, pairs, made) : null;
                BenchPair any = single != null ? single[0] : multi[0];
                Environment env = Environment.of(any);
                int txBudget = probeTxBudget(any);
                RowRunner runner = new RowRunner(cfg, c, stop);
                List<RowResult> results = new ArrayList<>();
                for (BenchRow row : selected) {
                    if (!json) err.printf(Locale.ROOT, "bench: row %d, %s ...%n", row.number, row.title);
                    try {
                        results.add(new RowResult(row, runner.run(row, row.multiQueue ? multi : single)));
                    } catch (RowRunner.Interrupted e) {
                        err.println("bench: interrupted");
                        return CliErrors.INTERRUPTED;
                    }
                }
                BenchReport report = new BenchReport(env, cfg, txBudget, c != null, results);
                if (json) report.printJson(out);
                else report.printTable(out);
                return CliErrors.OK;
            } finally {
                for (int i = made.size() - 1; i >= 0; i--) made.get(i).close();
            }
        }
    }

    private BenchConfig validate() {
        XdpMode xdpMode = CliErrors.xdpMode(mode);
        FrameLength.check(size);
        if (batch < 1 || batch > 1024) throw CliErrors.usage("--batch " + batch + ": must be between 1 and 1024");
        if (queues < 2 || queues > 16) throw CliErrors.usage("--queues " + queues + ": must be between 2 and 16");
        if (!waitMode.equals("busy") && !waitMode.equals("poll")) throw CliErrors.usage("--wait " + waitMode + ": must be busy or poll");
        boolean busy = waitMode.equals("busy");
        if (quick) {
            if (seconds != null || warmup != null || rounds != null) {
                throw CliErrors.usage("--quick sets its own timing: leave out --seconds, --warmup and --rounds");
            }
            return BenchConfig.quick(size, batch, queues, xdpMode, busy);
        }
        double s = seconds == null ? 5 : seconds, w = warmup == null ? 1 : warmup;
        int n = rounds == null ? 3 : rounds;
        if (!(s >= 0.1 && s <= 600)) throw CliErrors.usage("--seconds " + s + ": must be between 0.1 and 600");
        if (!(w >= 0 && w <= 60)) throw CliErrors.usage("--warmup " + w + ": must be between 0 and 60");
        if (n < 1 || n > 100) throw CliErrors.usage("--rounds " + n + ": must be between 1 and 100");
        // The tail keeps both sides running after the window, so that C's own window (by its clock) never sees the other stop.
        return new BenchConfig((long) (w * 1e9), (long) (s * 1e9), 1_000_000_000L, n, size, batch, queues,
                xdpMode, busy, 0, Affinity.CPUS > 1 ? 1 : 0);
    }

    private List<BenchRow> selectedRows() {
        if (rowNumbers == null || rowNumbers.isEmpty()) return BenchRow.all();
        List<BenchRow> rows = new ArrayList<>();
        for (int n : rowNumbers) {
            try {
                BenchRow r = BenchRow.byNumber(n);
                if (!rows.contains(r)) rows.add(r);
            } catch (IllegalArgumentException e) {
                throw CliErrors.usage("--rows " + n + ": " + e.getMessage());
            }
        }
        rows.sort(null);
        return rows;
    }

    private static BenchPair[] pairs(String prefix, int queues, int count, List<BenchPair> made) throws Exception {
        BenchPair[] p = new BenchPair[count];
        for (int i = 0; i < count; i++) {
            p[i] = BenchPair.create(prefix + (i + 1), queues);
            made.add(p[i]);
        }
        return p;
    }

    /** The copy-mode TX budget our sockets get on this kernel (auto), which C is given too. */
    private static int probeTxBudget(BenchPair pair) throws Exception {
        XdpOptions o = XdpOptions.builder().receive(false).ringSize(2048).numFrames(2048).networkNamespace(pair.nsA()).build();
        try (XdpSocket s = XdpSocket.open(pair.ifA(), o)) {
            return s.txBudget();
        }
    }
}
