package io.xdppacket.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A sender nobody here wrote: one long-lived Debian python3 with scapy inside a network namespace
 * that builds a set of frames once, writes them to a pcap file (for {@code tcpdump -r}), and sends
 * all of them through an AF_PACKET socket ({@code conf.L2socket}) each time it is asked. Keeping
 * the process saves scapy's second of start-up per round, which matters for tests that send the
 * same frames for dozens of filters.
 *
 * <p>The frames are Python code that leaves a list {@code f} of scapy packets (or bytes), plus raw
 * frames given as bytes; {@link #frames()} reads them back from the pcap file, as scapy wrote them.
 */
public final class ScapySender implements AutoCloseable {
    /** Builds the frames, writes the pcap, then sends every frame on each "send" line from stdin. */
    private static final String SERVER = """
            import sys
            from scapy.all import conf, wrpcap
            iface, pcap, code_file, extra_file = sys.argv[1:5]
            sys.argv = [code_file, pcap]
            scope = {}
            exec(compile(open(code_file).read(), code_file, "exec"), scope)
            frames = [bytes(p) for p in scope["f"]]
            frames += [bytes.fromhex(h) for h in open(extra_file).read().split()]
            wrpcap(pcap, frames, linktype=1)
            s = conf.L2socket(iface=iface)
            print("ready %d" % len(frames), flush=True)
            for line in sys.stdin:
                if line.strip() == "send":
                    for b in frames:
                        s.send(b)
                    print("sent %d" % len(frames), flush=True)
            s.close()
            """;

    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final Path pcap;
    private final Path log;
    private final List<byte[]> frames;

    private ScapySender(Process process, Path pcap, Path log) throws IOException {
        this.process = process;
        this.pcap = pcap;
        this.log = log;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = process.outputWriter(StandardCharsets.UTF_8);
        String ready = out.readLine();
        if (ready == null || !ready.startsWith("ready ")) {
            throw new IllegalStateException("scapy sender did not start (said " + ready + "): " + errors());
        }
        this.frames = PcapFile.read(pcap).stream().map(PcapFile.Record::data).toList();
        if (frames.size() != Integer.parseInt(ready.substring(6))) {
            throw new IllegalStateException("scapy built " + ready.substring(6) + " frames, its pcap has " + frames.size());
        }
    }

    /**
     * Starts the sender in {@code netns}, sending on {@code ifname}; its files go into {@code dir}.
     *
     * @param framesCode Python that leaves the list {@code f} (scapy's names imported by itself);
     *                   {@code sys.argv[1]} is the pcap path, which it may write (it is rewritten)
     * @param rawFrames  frames appended after those of {@code f}, as they are
     */
    public static ScapySender start(String netns, String ifname, Path dir, String framesCode, List<byte[]> rawFrames)
            throws IOException {
        Path code = Files.writeString(Files.createTempFile(dir, "frames", ".py"), framesCode);
        Path extra = Files.writeString(Files.createTempFile(dir, "raw", ".hex"),
                rawFrames.stream().map(HexFormat.of()::formatHex).collect(Collectors.joining("\n")));
        Path pcap = Files.createTempFile(dir, "sent", ".pcap");
        Path log = Files.createTempFile(dir, "scapy", ".log");
        Process p = new ProcessBuilder("ip", "netns", "exec", netns, Tools.PYTHON, "-u", "-c", SERVER, ifname,
                pcap.toString(), code.toString(), extra.toString())
                .redirectError(log.toFile()).start();
        try {
            return new ScapySender(p, pcap, log);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** The frames, in the order they are sent, as scapy wrote them to {@link #pcap()}. */
    public List<byte[]> frames() {
        return frames;
    }

    /** The pcap file of every frame sent in a round ("sent.pcap"). */
    public Path pcap() {
        return pcap;
    }

    /** Sends every frame once, in order; returns when scapy has handed the last one to the kernel. */
    public void sendAll() throws IOException {
        in.write("send\n");
        in.flush();
        String done = out.readLine();
        if (!("sent " + frames.size()).equals(done)) {
            throw new IllegalStateException("scapy sender said " + done + " instead of sent " + frames.size() + ": " + errors());
        }
    }

    private String errors() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    /** Ends the process: stdin closed, then killed if it does not exit. Never throws. */
    @Override
    public void close() {
        try {
            in.close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
