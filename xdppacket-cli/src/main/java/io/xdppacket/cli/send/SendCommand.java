package io.xdppacket.cli.send;

import io.xdppacket.XdpMultiQueueStats;
import io.xdppacket.XdpOptions;
import io.xdppacket.XdpStats;
import io.xdppacket.cli.CliErrors;
import io.xdppacket.cli.FrameLength;
import io.xdppacket.cli.Main;
import io.xdppacket.packet.Ipv4Address;
import io.xdppacket.packet.MacAddress;
import io.xdppacket.cli.frame.PortRange;
import io.xdppacket.cli.frame.UdpFrameSpec;
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
import java.util.concurrent.Callable;

/** {@code xdppacket send IFACE}: generated UDP frames or a capture's frames, out of queue 0 of IFACE, or of several queues. */
@Command(name = "send", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Send generated UDP frames, or replay a pcap/pcapng file, through AF_XDP.",
                "",
                "Frames leave through an AF_XDP socket on queue 0 of IFACE, or one on each of queues [0, N) with"
                + " --queues N (all: every TX queue): generated Ethernet/IPv4/UDP frames, or the frames of a"
                + " pcap/pcapng file, byte for byte. With several queues one thread writes them all: each batch is"
                + " cut into contiguous chunks, one per queue, in order, so each queue sends its frames in order.",
                "",
                "Sends until --count frames, --duration or Ctrl-C, whichever comes first; then waits until every"
                + " frame has completed and prints a summary. Needs root. The sockets only send: no XDP program"
                + " is attached, so IFACE's incoming traffic is left alone.",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {
                "  sudo xdppacket send eth0 --count 1000000",
                "      a million 64-byte UDP frames out of queue 0 of eth0, as fast as they go",
                "  sudo xdppacket send eth0 --rate 10000 --duration 30s --dst-ip 198.18.0.9",
                "      10,000 frames a second for 30 seconds",
                "  sudo xdppacket send eth0 --pcap in.pcapng --loop 0 --queues all",
                "      replay a capture over every TX queue of eth0 until Ctrl-C",
                "  sudo xdppacket send vA --netns lab --size 1514 --src-port 1000-1999 -q",
                "      full-size frames in 1000 flows from namespace lab; only the summary",
                "",
                "Progress, once a second on stderr (not with --quiet), rates over that second;",
                "on a terminal the line is redrawn in place:",
                "  progress t=SECONDS sent=FRAMES pps=RATE mbps=RATE dropped=N errors=N",
                "  dropped: frames the driver dropped; errors: TX descriptors the kernel refused",
                "",
                "Summary, on stdout at the end: a sentence, e.g.",
                "  sent 1,000,000 frames in 1.0 s (998,120/s, 511.0 Mbit/s); none dropped",
                "then one key=value per line, in this order:",
                "  interface, netns (if given), queues, mode, zero_copy, source (udp|pcap),",
                "  pcap (the file), frames (taken by the socket), bytes,",
                "  seconds (from the first write to the last completion), pps, mbps,",
                "  tx_completed, tx_dropped (by the driver: peer full, frame over its MTU),",
                "  tx_sent (completed, not dropped), tx_in_flight (0 unless the flush failed),",
                "  tx_kicks, kernel_tx_invalid_descs, kernel_tx_ring_empty,",
                "  queue_tx_frames (frames taken by each queue's socket, comma-separated in",
                "  queue order, e.g. 16,16,16,16; they add up to frames), queue_tx_dropped,",
                "  loops (pcap passes begun), stopped (count|duration|end|interrupt)",
                "Rates count frame bytes without FCS, preamble or gap.",
                "",
                "A --pcap file is read once before the first frame leaves, and refused (exit 2) if it is not"
                + " pcap/pcapng, not Ethernet, has no frames, or has a frame under 14 bytes or over --frame-size"
                + " minus 256. Then each record's captured bytes go out as they are, in file order; records the"
                + " capture cut short go out cut (with a warning).",
                "",
                "Exit codes: 0 done; 1 failure, or frames that did not complete; 2 bad usage, an unknown IFACE or"
                + " --netns (with the library's message), more --queues than IFACE has, a bad --pcap file;"
                + " 3 not root, or AF_XDP/XDP unavailable; 130 Ctrl-C (after the summary)."})
public final class SendCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "IFACE", description = "The interface to send on.")
    String ifname;

    @Option(names = "--count", paramLabel = "N", order = 1, description = "Send N frames, then stop.")
    Long count;

    @Option(names = "--duration", paramLabel = "TIME", order = 2, converter = Converters.DurationConverter.class,
            description = "Send for this long, e.g. 10s, 500ms, 2m (a bare number is seconds).")
    Duration duration;

    @Option(names = "--rate", paramLabel = "PPS", order = 3,
            description = "At most this many frames per second (a batch leaves as a burst; --batch 1 for even spacing;"
                    + " with --queues N at least N frames leave at once, one per queue).")
    Double rate;

    @Option(names = "--size", paramLabel = "BYTES", order = 10,
            description = FrameLength.DESCRIPTION)
    Integer size;

    @Option(names = "--src-mac", paramLabel = "MAC", order = 11, converter = Converters.MacConverter.class,
            description = "Ethernet source (default: IFACE's own address).")
    MacAddress srcMac;

    @Option(names = "--dst-mac", paramLabel = "MAC", order = 12, converter = Converters.MacConverter.class,
            description = "Ethernet destination (default: ff:ff:ff:ff:ff:ff, which every receiver accepts).")
    MacAddress dstMac;

    @Option(names = "--src-ip", paramLabel = "IPV4", order = 13, converter = Converters.Ipv4Converter.class,
            description = "IPv4 source (default: 198.18.0.1).")
    Ipv4Address srcIp;

    @Option(names = "--dst-ip", paramLabel = "IPV4", order = 14, converter = Converters.Ipv4Converter.class,
            description = "IPv4 destination (default: 198.18.0.2).")
    Ipv4Address dstIp;

    @Option(names = "--src-port", paramLabel = "PORT[-PORT]", order = 15, converter = Converters.PortRangeConverter.class,
            description = "UDP source port or range; frames cycle through the ranges' combinations as flows (default: 9).")
    PortRange srcPort;

    @Option(names = "--dst-port", paramLabel = "PORT[-PORT]", order = 16, converter = Converters.PortRangeConverter.class,
            description = "UDP destination port or range (default: 9).")
    PortRange dstPort;

    @Option(names = "--pcap", paramLabel = "FILE", order = 20,
            description = "Replay the frames of this pcap or pcapng file instead of generating frames.")
    Path pcap;

    @Option(names = "--loop", paramLabel = "N", order = 21,
            description = "Replay the file N times; 0: until --count, --duration or Ctrl-C (default: 1).")
    Long loop;

    @Mixin
    SendPortOptions port;

    @Override
    public Integer call() throws Exception {
        // Send-only: no XDP program, so what arrives on IFACE meanwhile still reaches the kernel stack.
        XdpOptions options = port.validate().toBuilder().receive(false).build();
        if (count != null && count < 1) throw CliErrors.usage("--count " + count + ": must be at least 1");
        if (rate != null && !(rate > 0 && rate <= 1e9)) {
            throw CliErrors.usage("--rate " + rate + ": must be more than 0 and at most 1000000000 frames per second");
        }
        PcapScan scan = null;
        if (pcap != null) {
            String generatorOption = size != null ? "--size" : srcMac != null ? "--src-mac" : dstMac != null ? "--dst-mac"
                    : srcIp != null ? "--src-ip" : dstIp != null ? "--dst-ip" : srcPort != null ? "--src-port"
                    : dstPort != null ? "--dst-port" : null;
            if (generatorOption != null) {
                throw CliErrors.usage(generatorOption + " cannot be used with --pcap: a replay sends the file's frames as they are");
            }
            if (loop != null && loop < 0) throw CliErrors.usage("--loop " + loop + ": must be 0 (no end) or more");
            scan = scan(options);
        } else {
            if (loop != null) throw CliErrors.usage("--loop " + loop + ": only with --pcap");
            if (size != null) FrameLength.check(size);
        }
        CliErrors.requireRoot("AF_XDP sockets and XDP programs");
        Target target = Target.lookup(ifname, port.netns());
        options = port.resolveQueues(options, target);
        if (port.batch() < options.queueCount()) {
            // A write cuts its frames into one chunk per queue, the first ones first: fewer frames than
            // queues would leave the last queues without any, for ever.
            throw CliErrors.usage("--batch " + port.batch() + ": must be at least --queues (" + options.queueCount()
                    + "), so that every write gives each queue a frame");
        }
        UdpFrameSpec udp = pcap == null ? frameSpec(target) : null;

        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (StopSignal signal = StopSignal.install();
             XdpPort xdp = XdpPort.open(ifname, options);
             PcapFrames replay = pcap == null ? null : new PcapFrames(pcap, loop == null ? 1 : loop, xdp.maxFrameLength(), port.batch())) {
            FrameSource source = replay != null ? replay : new GeneratedFrames(udp, port.batch());
            Pacer pacer = rate == null ? null : new Pacer(rate, port.batch(), xdp.queueCount(), System.nanoTime());
            SendLoop loop = new SendLoop(xdp, source, pacer, signal, count == null ? Long.MAX_VALUE : count, duration, port.batch());
            if (!port.quiet()) {
                err.println("send: " + target + " " + PortOptions.describeQueues(xdp.queueCount()) + ", " + options.xdpMode().name().toLowerCase(Locale.ROOT) + " mode, "
                        + (xdp.isZeroCopy() ? "zero-copy" : "copy mode") + "; " + describeSource(udp, scan) + "; "
                        + describeLimits());
                if (scan != null && scan.truncated() > 0) {
                    err.println("send: warning: " + scan.truncated() + " of " + scan.frames() + " frames in " + pcap
                            + " were cut by the capture's snaplen; they are sent as captured");
                }
                err.flush();
            }
            ProgressLine progress = new ProgressLine(out, err, main.terminal(), ProgressLine.Direction.SEND, loop.meter, xdp);
            long t0 = System.nanoTime();
            HotThread hot = HotThread.start("xdppacket-send", port.cpu(), loop::run);
            hot.join(t0, port.quiet() ? s -> { } : progress::tick);
            progress.end(signal.raised());
            Throwable failure = hot.failure();
            if (loop.startNanos != 0) {
                if (loop.endNanos == 0) loop.endNanos = System.nanoTime(); // ended by the failure
                try {
                    summary(target, options, xdp, loop, replay).print(out);
                } catch (Exception e) {
                    if (failure == null) throw e;
                    failure.addSuppressed(e);
                }
            }
            if (failure instanceof Exception e) throw e;
            if (failure != null) throw (Error) failure;
            if (!loop.flushed) {
                throw new IllegalStateException(xdp.stats().txInFlight() + " frames did not complete within "
                        + SendLoop.FLUSH_TIMEOUT.toSeconds() + " s of the end (is " + target + " up?)");
            }
            return signal.raised() ? CliErrors.INTERRUPTED : CliErrors.OK;
        }
    }

    private PcapScan scan(XdpOptions options) {
        String hint = options.frameSize() == 2048
                ? " (--frame-size 2048 minus 256 bytes of headroom; --frame-size 4096 allows 3840)"
                : " (--frame-size 4096 minus 256 bytes of headroom)";
        try {
            return PcapScan.of(pcap, options.frameRoom(), hint);
        } catch (NoSuchFileException e) {
            throw CliErrors.usage("--pcap " + pcap + ": no such file");
        } catch (AccessDeniedException e) {
            throw CliErrors.usage("--pcap " + pcap + ": permission denied");
        } catch (IOException e) {
            String m = e.getMessage();
            throw CliErrors.usage("--pcap " + (m != null && m.startsWith(pcap.toString()) ? m : pcap + ": " + m));
        }
    }

    private UdpFrameSpec frameSpec(Target target) {
        MacAddress src = srcMac;
        if (src == null) {
            byte[] mac = target.mac();
            if (mac == null) throw CliErrors.usage(target + " has no Ethernet address: give --src-mac");
            src = MacAddress.of(mac);
        }
        UdpFrameSpec s = UdpFrameSpec.defaults().withSrcMac(src);
        if (dstMac != null) s = s.withDstMac(dstMac);
        if (srcIp != null) s = s.withSrcIp(srcIp);
        if (dstIp != null) s = s.withDstIp(dstIp);
        if (srcPort != null) s = s.withSrcPorts(srcPort);
        if (dstPort != null) s = s.withDstPorts(dstPort);
        s = s.withFrameLength(size != null ? size : FrameLength.DEFAULT);
        return s;
    }

    private String describeSource(UdpFrameSpec udp, PcapScan scan) {
        if (udp == null) {
            return pcap + " (" + scan.frames() + " frames, " + scan.bytes() + " bytes)"
                    + (loop == null || loop == 1 ? "" : loop == 0 ? " looped" : " x " + loop);
        }
        long flows = udp.flowCount();
        return udp.frameLength() + "-byte UDP frames " + udp.srcMac() + " " + udp.srcIp() + ":" + udp.srcPorts() + " -> "
                + udp.dstMac() + " " + udp.dstIp() + ":" + udp.dstPorts() + ", " + flows + (flows == 1 ? " flow" : " flows");
    }

    private String describeLimits() {
        StringBuilder s = new StringBuilder();
        if (rate != null) s.append(String.format(Locale.ROOT, "at most %.0f pps, ", rate));
        s.append("until ");
        if (count != null) s.append(count).append(" frames, ");
        if (duration != null) s.append(duration.toNanos() / 1e9).append(" s, ");
        if (pcap != null && (loop == null || loop != 0)) s.append("the end of the file, ");
        return s.append("Ctrl-C").toString();
    }

    private Summary summary(Target target, XdpOptions options, XdpPort xdp, SendLoop loop, PcapFrames replay)
            throws Exception {
        XdpMultiQueueStats queues = xdp.queueStats();
        XdpStats st = queues.total();
        long nanos = loop.endNanos - loop.startNanos;
        Summary s = new Summary(sentence(st, loop, replay, nanos)).put("interface", target.name());
        if (target.netns() != null) s.put("netns", target.netns());
        s.put("queues", xdp.queueCount())
                .put("mode", options.xdpMode().name().toLowerCase(Locale.ROOT))
                .put("zero_copy", Boolean.toString(xdp.isZeroCopy()))
                .put("source", replay == null ? "udp" : "pcap");
        if (replay != null) s.put("pcap", pcap.toString());
        s.put("frames", loop.frames)
                .put("bytes", loop.bytes)
                .put("seconds", nanos / 1e9, 6)
                .put("pps", Summary.perSecond(loop.frames, nanos), 0)
                .put("mbps", Summary.mbps(loop.bytes, nanos), 1)
                .put("tx_completed", st.txCompleted())
                .put("tx_dropped", st.txDropped())
                .put("tx_sent", st.txSent())
                .put("tx_in_flight", st.txInFlight())
                .put("tx_kicks", st.txKicks())
                .put("kernel_tx_invalid_descs", st.kernelTxInvalidDescs())
                .put("kernel_tx_ring_empty", st.kernelTxRingEmpty())
                .put("queue_tx_frames", queues.perQueue(), XdpStats::txPackets)
                .put("queue_tx_dropped", queues.perQueue(), XdpStats::txDropped);
        if (replay != null) s.put("loops", replay.passes());
        return s.put("stopped", loop.stop == null ? "failure" : loop.stop.key);
    }

    /** {@code sent 1,000 frames in 0.500 s (2,000/s, 1.0 Mbit/s); none dropped}, and what else a person should know. */
    private String sentence(XdpStats st, SendLoop loop, PcapFrames replay, long nanos) {
        StringBuilder b = new StringBuilder("sent ").append(Summary.frames(loop.frames));
        if (replay != null) b.append(" of ").append(pcap.getFileName());
        b.append(" in ").append(Summary.seconds(nanos)).append(" (").append(Summary.rates(loop.frames, loop.bytes, nanos)).append(")");
        b.append(st.txDropped() == 0 ? "; none dropped" : "; " + Summary.count(st.txDropped()) + " dropped by the driver (peer full or frame over its MTU)");
        if (st.txInFlight() > 0) b.append("; ").append(Summary.count(st.txInFlight())).append(" did not complete");
        if (loop.stop == SendLoop.Stop.INTERRUPT) b.append("; interrupted");
        else if (loop.stop == null) b.append("; stopped by a failure");
        return b.toString();
    }
}
