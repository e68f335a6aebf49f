package io.xdppacket.cli.traffic;

import io.xdppacket.IoMode;
import io.xdppacket.XdpMode;
import io.xdppacket.XdpOptions;
import io.xdppacket.cli.os.Affinity;
import io.xdppacket.cli.CliErrors;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The socket options {@code send} and {@code recv} share (a picocli mixin). The options whose meaning
 * depends on the direction ({@code --mode}, {@code --ring-size}, {@code --frames}, {@code --batch},
 * {@code --queues}, {@code --cpu}) are declared by each command's subclass, so that its help speaks of
 * what that command does; the rules and checks are here, once. {@link #validate()} checks each option
 * against its rule and names option, value and rule in the message (exit code 2).
 */
public abstract class PortOptions {
    /** How long a read or write waits before the hot loop looks at its stop conditions again. */
    static final Duration POLL = Duration.ofMillis(10);

    @Option(names = "--netns", paramLabel = "NAME", order = 100,
            description = "IFACE is in this network namespace (as 'ip netns list' shows it): the sockets are opened there.")
    String netns;

    @Option(names = "--frame-size", paramLabel = "BYTES", defaultValue = "2048", order = 104,
            description = "UMEM frame size, 2048 or 4096; the longest frame is this minus 256 bytes of headroom (default: ${DEFAULT-VALUE}).")
    int frameSize;

    @Option(names = {"-q", "--quiet"}, order = 108, description = "No progress line on stderr.")
    boolean quiet;

    /** {@code --mode}: drv or skb, as typed. */
    protected abstract String mode();

    /** {@code --ring-size}. */
    protected abstract int ringSize();

    /** {@code --frames}, or null for the default (2 x --ring-size). */
    protected abstract Integer frames();

    /** {@code --batch}. */
    public abstract int batch();

    /** {@code --queues}: a number or {@code all}, as typed. */
    protected abstract String queues();

    /** {@code --cpu}: the CPU to pin the hot thread to, or {@code null}. */
    public abstract Integer cpu();

    /** Checks every option and returns the socket options they give, for sockets that use {@code ioMode}. */
    public XdpOptions validate() {
        XdpMode xdpMode = CliErrors.xdpMode(mode());
        int ringSize = ringSize();
        Integer frames = frames();
        int batch = batch();
        Integer cpu = cpu();
        if (Integer.bitCount(ringSize) != 1 || ringSize < XdpOptions.MIN_RING_SIZE || ringSize > XdpOptions.MAX_RING_SIZE) {
            throw CliErrors.usage("--ring-size " + ringSize + ": must be a power of two between "
                    + XdpOptions.MIN_RING_SIZE + " and " + XdpOptions.MAX_RING_SIZE);
        }
        int numFrames = frames != null ? frames : Math.min(2 * ringSize, XdpOptions.MAX_NUM_FRAMES);
        if (numFrames < ringSize || numFrames > XdpOptions.MAX_NUM_FRAMES) {
            throw CliErrors.usage("--frames " + numFrames + ": must be between --ring-size (" + ringSize + ") and "
                    + XdpOptions.MAX_NUM_FRAMES + ", so that the frames can fill the rings");
        }
        if (frameSize != 2048 && frameSize != 4096) {
            throw CliErrors.usage("--frame-size " + frameSize + ": must be 2048 or 4096");
        }
        if (batch < 1 || batch > 1024) throw CliErrors.usage("--batch " + batch + ": must be between 1 and 1024");
        int queueCount = parseQueues();
        if (cpu != null && (cpu < 0 || cpu >= Affinity.CPUS)) {
            throw CliErrors.usage("--cpu " + cpu + ": must be between 0 and " + (Affinity.CPUS - 1)
                    + " (this machine has " + Affinity.CPUS + " CPUs)");
        }
        if (netns != null && (netns.isEmpty() || netns.contains("/") || netns.equals(".") || netns.equals(".."))) {
            throw CliErrors.usage("--netns '" + netns + "': must be a name as 'ip netns list' shows it");
        }
        // "all" is known only once the interface is found: 1 until resolveQueues.
        return XdpOptions.builder().xdpMode(xdpMode).ringSize(ringSize).numFrames(numFrames).frameSize(frameSize)
                .queueCount(queueCount == ALL ? 1 : queueCount).ioMode(IoMode.NONBLOCK).pollTimeout(POLL)
                .networkNamespace(netns).build();
    }

    /** {@link #parseQueues} for {@code all}. */
    private static final int ALL = 0;

    /** The number {@code --queues} asks for, or {@link #ALL}. */
    private int parseQueues() {
        String queues = queues();
        if (queues.equalsIgnoreCase("all")) return ALL;
        int n;
        try {
            n = Integer.parseInt(queues);
        } catch (NumberFormatException e) {
            throw CliErrors.usage("--queues " + queues + ": must be a number of queues (1 or more) or 'all'");
        }
        if (n < 1) throw CliErrors.usage("--queues " + queues + ": must be at least 1 (or 'all')");
        return n;
    }

    /**
     * {@code options} with the queue count {@code --queues} asks for on {@code target}: {@code all} is
     * every queue it has in use, a number must not exceed them. The queues that count are the RX
     * queues for a receiving socket, the TX queues for a send-only one ({@code options.receive()}).
     *
     * @throws CliErrors.UsageException if the interface has fewer queues, naming it, the value and its count
     */
    public XdpOptions resolveQueues(XdpOptions options, Target target) {
        boolean rx = options.receive();
        int available = rx ? target.rxQueues() : target.txQueues();
        int wanted = parseQueues();
        if (wanted == ALL) return options.toBuilder().queueCount(available).build();
        if (wanted > available) {
            String kind = rx ? "RX" : "TX";
            throw CliErrors.usage("--queues " + wanted + ": " + target + " has " + available + " " + kind + " queue"
                    + (available == 1 ? "" : "s") + " in use (ethtool -l " + target.name() + "); use at most " + available
                    + " or 'all'");
        }
        return options;
    }

    /** {@code queue 0}, or {@code queues 0-3}: for the start-up line. */
    public static String describeQueues(int count) {
        return count == 1 ? "queue 0" : "queues 0-" + (count - 1);
    }

    public String netns() { return netns; }
    public boolean quiet() { return quiet; }
}
