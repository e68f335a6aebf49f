package io.xdppacket.cli.recv;

import io.xdppacket.XdpMultiQueueStats;
import io.xdppacket.XdpOptions;
import io.xdppacket.XdpStats;
import io.xdppacket.cli.CliErrors;
import io.xdppacket.cli.Main;
import io.xdppacket.pcap.CaptureWriter;
import io.xdppacket.cli.traffic.Converters;
import io.xdppacket.cli.traffic.HotThread;
import io.xdppacket.cli.traffic.PortOptions;
import io.xdppacket.cli.traffic.ProgressLine;
import io.xdppacket.cli.traffic.StopSignal;
import io.xdppacket.cli.traffic.Summary;
import io.xdppacket.cli.traffic.Target;
import io.xdppacket.XdpPort;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/** {@code xdppacket recv IFACE}: frames from queue 0 of IFACE, or of several queues, counted and optionally written to a capture file. */
@Command(name = "recv", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Receive frames through AF_XDP; count them, or write a pcap/pcapng file.",
                "",
                "Frames come from an AF_XDP socket on queue 0 of IFACE, or one on each of queues [0, N) with"
                + " --queues N (all: every RX queue), and can go to a pcap or pcapng file. With several queues one"
                + " thread reads them all: each read fills the batch from every queue that has frames, a share"
                + " each, so no queue starves.",
                "",
                "Receives until --count frames, --duration or Ctrl-C, whichever comes first, then prints a summary."
                + " Needs root. While it runs, frames that arrive on those queues of IFACE go to the sockets, not to"
                + " the kernel's stack; frames on other queues still do.",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {
                "  sudo xdppacket recv eth0",
                "      count the frames on queue 0 of eth0 until Ctrl-C",
                "  sudo xdppacket recv eth0 --queues all -w in.pcapng --duration 10s",
                "      capture every RX queue of eth0 for 10 seconds; read it with tshark -r",
                "  sudo xdppacket recv vB --netns lab --count 1000000 -q",
                "      a million frames in namespace lab; only the summary",
                "  sudo xdppacket recv eth0 -w head.pcap --snaplen 128 --cpu 1",
                "      the first 128 bytes of each frame, read on CPU 1",
                "",
                "Progress, once a second on stderr (not with --quiet), rates over that second;",
                "on a terminal the line is redrawn in place:",
                "  progress t=SECONDS received=FRAMES pps=RATE mbps=RATE dropped=N",
                "  dropped: frames the kernel dropped before we read them (all reasons)",
                "",
                "Summary, on stdout at the end: a sentence, e.g.",
                "  received 9,318,103 frames in 10.0 s (931,810/s, 477.1 Mbit/s); 424,233",
                "  dropped by the kernel: RX ring full",
                "then one key=value per line, in this order:",
                "  interface, netns (if given), queues, mode, zero_copy, frames, bytes,",
                "  seconds (the measured window: from the start of receiving to its end),",
                "  pps, mbps (over that window), elapsed (the same window),",
                "  kernel_rx_dropped (no free frame on the FILL ring, frame too large: includes",
                "  kernel_rx_fill_ring_empty), kernel_rx_fill_ring_empty,",
                "  kernel_rx_ring_full (read too slowly), kernel_rx_invalid_descs,",
                "  kernel_rx_drops_total (rx_dropped + rx_ring_full + rx_invalid_descs),",
                "  queue_rx_frames (frames each queue delivered, comma-separated in queue",
                "  order, e.g. 12,40,3,9; they add up to frames), queue_kernel_rx_drops",
                "  (kernel_rx_drops_total of each queue),",
                "  file and written (with --write), stopped (count|duration|interrupt)",
                "Rates count frame bytes without FCS, preamble or gap.",
                "",
                "--write: the format follows the extension (.pcap or .pcapng); nanosecond timestamps (when the"
                + " read took the frame's batch from the ring), the frame's length and up to --snaplen of its"
                + " bytes. Wireshark and tshark -r read both. With several queues all of them go into the one"
                + " file, in the order read: each queue's frames in the order they arrived, the queues'"
                + " interleaved; each frame has its own queue's timestamp, so the file's timestamps can step back"
                + " a little where a batch moves from one queue to the next.",
                "",
                "Exit codes: 0 done; 1 failure; 2 bad usage, an unknown IFACE or --netns (with the library's"
                + " message), more --queues than IFACE has, a --write file that cannot be created; 3 not root, or"
                + " AF_XDP/XDP unavailable; 130 Ctrl-C (after the summary)."})
public final class RecvCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "IFACE", description = "The interface to receive on.")
    String ifname;

    @Option(names = "--count", paramLabel = "N", order = 1, description = "Receive N frames, then stop.")
    Long count;

    @Option(names = "--duration", paramLabel = "TIME", order = 2, converter = Converters.DurationConverter.class,
            description = "Receive for this long, e.g. 10s, 500ms, 2m (a bare number is seconds).")
    Duration duration;

    @Option(names = {"-w", "--write"}, paramLabel = "FILE", order = 3,
            description = "Write the frames to FILE: .pcap or .pcapng (replaced if it exists).")
    Path write;

    @Option(names = "--snaplen", paramLabel = "BYTES", order = 4,
            description = "With --write: keep at most this many bytes of each frame, 1..262144 (default: all).")
    Integer snaplen;

    @Mixin
    RecvPortOptions port;

    @Override
    public Integer call() throws Exception {
        XdpOptions options = port.validate();
        if (count != null && count < 1) throw CliErrors.usage("--count " + count + ": must be at least 1");
        if (snaplen != null) {
            if (write == null) throw CliErrors.usage("--snaplen " + snaplen + ": only with --write");
            if (snaplen < 1 || snaplen > CaptureWriter.DEFAULT_SNAPLEN) {
                throw CliErrors.usage("--snaplen " + snaplen + ": must be between 1 and " + CaptureWriter.DEFAULT_SNAPLEN);
            }
        }
        if (write != null) {
            String name = write.getFileName() == null ? "" : write.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!name.endsWith(".pcap") && !name.endsWith(".pcapng")) {
                throw CliErrors.usage("--write " + write + ": must end in .pcap or .pcapng (the file format)");
            }
        }
        CliErrors.requireRoot("AF_XDP sockets and XDP programs");
        Target target = Target.lookup(ifname, port.netns());
        options = port.resolveQueues(options, target);

        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (StopSignal signal = StopSignal.install();
             CaptureWriter writer = write == null ? null : createWriter(target);
             XdpPort xdp = XdpPort.open(ifname, options)) {
            RecvLoop loop = new RecvLoop(xdp, signal, count == null ? Long.MAX_VALUE : count, duration, writer, port.batch());
            if (!port.quiet()) {
                err.println("recv: " + target + " " + PortOptions.describeQueues(xdp.queueCount()) + ", " + options.xdpMode().name().toLowerCase(Locale.ROOT) + " mode, "
                        + (xdp.isZeroCopy() ? "zero-copy" : "copy mode")
                        + (writer == null ? "" : "; writing " + write + (snaplen == null ? "" : " (snaplen " + snaplen + ")"))
                        + "; until " + (count == null ? "" : count + " frames, ")
                        + (duration == null ? "" : duration.toNanos() / 1e9 + " s, ") + "Ctrl-C");
                err.flush();
            }
            ProgressLine progress = new ProgressLine(out, err, main.terminal(), ProgressLine.Direction.RECEIVE, loop.meter, xdp);
            long t0 = System.nanoTime();
            HotThread hot = HotThread.start("xdppacket-recv", port.cpu(), loop::run);
            hot.join(t0, port.quiet() ? s -> { } : progress::tick);
            progress.end(signal.raised());
            Throwable failure = hot.failure();
            if (writer != null) {
                try {
                    writer.flush();
                } catch (IOException e) {
                    if (failure == null) failure = e;
                }
            }
            if (loop.startNanos != 0) {
                if (loop.endNanos == 0) loop.endNanos = System.nanoTime(); // ended by the failure
                try {
                    summary(target, options, xdp, loop).print(out);
                } catch (Exception e) {
                    if (failure == null) throw e;
                    failure.addSuppressed(e);
                }
            }
            if (failure instanceof Exception e) throw e;
            if (failure != null) throw (Error) failure;
            return signal.raised() ? CliErrors.INTERRUPTED : CliErrors.OK;
        }
    }

    private CaptureWriter createWriter(Target target) {
        try {
            return CaptureWriter.open(write, snaplen == null ? CaptureWriter.DEFAULT_SNAPLEN : snaplen, target.name());
        } catch (NoSuchFileException e) {
            throw CliErrors.usage("--write " + write + ": no such directory");
        } catch (AccessDeniedException e) {
            throw CliErrors.usage("--write " + write + ": permission denied");
        } catch (IOException e) {
            throw CliErrors.usage("--write " + write + ": " + e.getMessage());
        }
    }

    private Summary summary(Target target, XdpOptions options, XdpPort xdp, RecvLoop loop) throws Exception {
        XdpMultiQueueStats queues = xdp.queueStats();
        XdpStats st = queues.total();
        // The measured window is the whole time the loop received: a frame that strayed in long before
        // the traffic cannot stretch it, nor a pause before the first frame shrink it.
        long window = loop.endNanos - loop.startNanos;
        Summary s = new Summary(sentence(st, loop, window)).put("interface", target.name());
        if (target.netns() != null) s.put("netns", target.netns());
        s.put("queues", xdp.queueCount())
                .put("mode", options.xdpMode().name().toLowerCase(Locale.ROOT))
                .put("zero_copy", Boolean.toString(xdp.isZeroCopy()))
                .put("frames", loop.frames)
                .put("bytes", loop.bytes)
                .put("seconds", window / 1e9, 6)
                .put("pps", Summary.perSecond(loop.frames, window), 0)
                .put("mbps", Summary.mbps(loop.bytes, window), 1)
                .put("elapsed", window / 1e9, 6)
                .put("kernel_rx_dropped", st.kernelRxDropped())
                .put("kernel_rx_fill_ring_empty", st.kernelRxFillRingEmpty())
                .put("kernel_rx_ring_full", st.kernelRxRingFull())
                .put("kernel_rx_invalid_descs", st.kernelRxInvalidDescs())
                .put("kernel_rx_drops_total", st.kernelRxDropsTotal())
                .put("queue_rx_frames", queues.perQueue(), XdpStats::rxPackets)
                .put("queue_kernel_rx_drops", queues.perQueue(), XdpStats::kernelRxDropsTotal);
        if (write != null) s.put("file", write.toString()).put("written", loop.frames);
        return s.put("stopped", loop.stop == null ? "failure" : loop.stop.key);
    }

    /**
     * {@code received 9,318,103 frames in 10.0 s (931,810/s, 477.1 Mbit/s); 424,233 dropped by the kernel:
     * RX ring full}, and what else a person should know.
     */
    private String sentence(XdpStats st, RecvLoop loop, long window) {
        StringBuilder b = new StringBuilder("received ").append(Summary.frames(loop.frames)).append(" in ")
                .append(Summary.seconds(window)).append(" (").append(Summary.rates(loop.frames, loop.bytes, window)).append(")");
        long drops = st.kernelRxDropsTotal();
        if (drops == 0) {
            b.append("; none dropped by the kernel");
        } else {
            long fillEmpty = st.kernelRxFillRingEmpty();
            long otherDropped = st.kernelRxDropped() - fillEmpty + st.kernelRxInvalidDescs();
            StringJoiner why = new StringJoiner(", ");
            reason(why, st.kernelRxRingFull(), drops, "RX ring full (read too slowly)");
            reason(why, fillEmpty, drops, "no free frame on the FILL ring");
            reason(why, otherDropped, drops, "frame too large or invalid");
            b.append("; ").append(Summary.count(drops)).append(" dropped by the kernel: ").append(why);
        }
        if (write != null) b.append("; ").append(Summary.count(loop.frames)).append(" written to ").append(write.getFileName());
        if (loop.stop == RecvLoop.Stop.INTERRUPT) b.append("; interrupted");
        else if (loop.stop == null) b.append("; stopped by a failure");
        return b.toString();
    }

    /** One reason for kernel drops: alone it needs no count, beside others it does. */
    private static void reason(StringJoiner why, long count, long total, String text) {
        if (count <= 0) return;
        why.add(count == total ? text : Summary.count(count) + " " + text);
    }
}
