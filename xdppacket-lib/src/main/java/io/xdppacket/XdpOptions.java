package io.xdppacket;

import io.xdppacket.internal.filter.XdpFilter;
import io.xdppacket.internal.sys.NetNs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Options of an {@link XdpSocket} or {@link XdpMultiQueue}: UMEM and ring sizes, XDP mode, queues,
 * how reads and writes wait. Immutable and thread-safe; make one with {@link #builder()}, change one
 * with {@link #toBuilder()}, or take {@link #defaults()}. {@link Builder#build()} checks every rule
 * below and throws {@link IllegalArgumentException} naming the option, its value and the rule.
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th scope="col">option</th><th scope="col">default</th><th scope="col">rule</th></tr>
 *   <tr><th scope="row">{@code numFrames}</th><td>1024</td><td>{@code ringSize} .. 1048576.
 *       The UMEM holds 2 × numFrames frames: the first numFrames for TX, the last numFrames for RX.</td></tr>
 *   <tr><th scope="row">{@code ringSize}</th><td>1024</td><td>a power of two, 16 .. 1048576;
 *       the size of the RX, TX and COMPLETION rings. The FILL ring gets room for twice the RX frames
 *       (see below).</td></tr>
 *   <tr><th scope="row">{@code xdpMode}</th><td>{@link XdpMode#AUTO}</td><td>{@code AUTO}, {@code DRV} or {@code SKB}</td></tr>
 *   <tr><th scope="row">{@code queueCount}</th><td>1</td><td>1 for {@link XdpSocket};
 *       1 .. the interface's queue count for {@link XdpMultiQueue}</td></tr>
 *   <tr><th scope="row">{@code pollTimeout}</th><td>100 µs</td><td>1 µs .. 1 hour; used in
 *       {@link IoMode#NONBLOCK} only</td></tr>
 *   <tr><th scope="row">{@code ioMode}</th><td>{@link IoMode#BLOCK}</td><td>{@code BLOCK} or {@code NONBLOCK}</td></tr>
 *   <tr><th scope="row">{@code frameSize}</th><td>2048</td><td>2048 or 4096 bytes. A frame carries at
 *       most frameSize − 256 bytes: the kernel keeps 256 bytes of headroom in front of every received
 *       frame, and sent frames are held to the same limit.</td></tr>
 *   <tr><th scope="row">{@code networkNamespace}</th><td>none</td><td>a name from {@code ip netns list}: open
 *       enters it on the calling thread for the duration of the open (sockets keep their namespace)</td></tr>
 *   <tr><th scope="row">{@code receive}</th><td>true</td><td>false: a send-only socket. No XDP program is
 *       attached, so the interface's incoming traffic keeps going to the kernel stack; reads throw
 *       {@link IllegalStateException}. For traffic generators next to other traffic.</td></tr>
 *   <tr><th scope="row">{@code txBudget}</th><td>0 (auto)</td><td>0, or 32 .. ringSize: frames one TX kick may
 *       send in copy mode ({@code XDP_MAX_TX_SKB_BUDGET}, Linux 6.17). Auto: {@code min(256, ringSize)}
 *       where the kernel has the option, its default of 32 elsewhere. A larger budget means fewer
 *       {@code sendto} calls per frame (batches of 64 go out in one kick instead of two).</td></tr>
 *   <tr><th scope="row">{@code busyPoll}</th><td>20 µs</td><td>0 .. 1 hour: how long a read that finds no
 *       frame keeps checking the RX ring before it sleeps in {@code ppoll}. 0 sleeps at once; 1 hour is
 *       busy polling.</td></tr>
 *   <tr><th scope="row">{@code multiBuffer}</th><td>{@link MultiBuffer#AUTO}</td><td>frames longer than one
 *       UMEM frame (jumbo frames), over several: on where the interface's MTU needs it</td></tr>
 *   <tr><th scope="row">{@code filter}, {@code filterBytecode}</th><td>none</td><td>a pcap-filter expression (or
 *       {@code tcpdump -ddd} text) the XDP program applies: frames that match go to the socket, the
 *       rest to the kernel's stack</td></tr>
 *   <tr><th scope="row">{@code pinXskMap}, {@code externalXskMap}</th><td>none</td><td>pin our XSKMAP in
 *       bpffs; or attach no program and join the pinned XSKMAP of a program of your own</td></tr>
 *   <tr><th scope="row">{@code kernelBusyPoll}</th><td>0 (off)</td><td>0 .. 1 ms: the kernel's preferred
 *       busy polling ({@code SO_BUSY_POLL}), with {@code kernelBusyPollBudget} frames per poll</td></tr>
 * </table>
 *
 * <p><b>Rings and frames.</b> {@code numFrames ≥ ringSize} is required: the RX frames must be able to
 * fill the RX ring, so that a reader that falls behind shows up as {@code kernelRxRingFull} and never
 * as a lack of buffers; and the TX frames must cover the TX ring, or the ring never fills and writes
 * wait on frames instead. Frames beyond {@code ringSize} give slack for frames the application holds
 * (zero-copy reads) and for completions that have not come back yet. The FILL ring is not
 * {@code ringSize}: it holds {@code 2 × numFrames} entries (a power of two). The kernel consumes FILL
 * entries lazily — it publishes how far it got only once it has used every entry it saw — so a FILL
 * ring just large enough for the frames would refuse the frames coming back from the RX ring until
 * then, and the kernel would drop arriving frames for want of a buffer ({@code kernelRxFillRingEmpty})
 * although the reader kept up. With room for twice the frames a refill always fits.
 */
public final class XdpOptions {
    /** Default {@code numFrames}: 1024 frames in each half (TX, RX) of the UMEM. */
    public static final int DEFAULT_NUM_FRAMES = 1024;
    /** Default {@code ringSize}: 1024 entries in the RX, TX and COMPLETION rings. */
    public static final int DEFAULT_RING_SIZE = 1024;
    /** Default {@code pollTimeout}: 100 µs. */
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofNanos(100_000);
    /** Default {@code frameSize}: 2048 bytes per UMEM frame. */
    public static final int DEFAULT_FRAME_SIZE = 2048;

    /** The smallest {@code ringSize}: 16 entries. */
    public static final int MIN_RING_SIZE = 16;
    /** The largest {@code ringSize}: 1048576 (2<sup>20</sup>) entries. */
    public static final int MAX_RING_SIZE = 1 << 20;
    /** The largest {@code numFrames}: 1048576 (2<sup>20</sup>) frames in each half of the UMEM. */
    public static final int MAX_NUM_FRAMES = 1 << 20;
    /** The shortest {@code pollTimeout}: 1 µs. */
    public static final Duration MIN_POLL_TIMEOUT = Duration.ofNanos(1_000);
    /** The longest {@code pollTimeout}: 1 hour. */
    public static final Duration MAX_POLL_TIMEOUT = Duration.ofHours(1);
    /** The kernel's per-kick TX budget when nobody sets one ({@code TX_BATCH_SIZE}), and the smallest it takes. */
    public static final int KERNEL_TX_BUDGET = 32;
    /** The budget {@code txBudget = 0} asks for, capped at the ring size. */
    public static final int AUTO_TX_BUDGET = 256;
    /** How long a read that finds no frame keeps checking the RX ring before it sleeps in {@code ppoll}. */
    public static final Duration DEFAULT_BUSY_POLL = Duration.ofNanos(20_000);
    /** The longest {@code busyPoll}; as good as "never sleep while waiting". */
    public static final Duration MAX_BUSY_POLL = Duration.ofHours(1);
    /** The longest {@code kernelBusyPoll}. */
    public static final Duration MAX_KERNEL_BUSY_POLL = Duration.ofMillis(1);
    /** Frames per busy poll unless set ({@code SO_BUSY_POLL_BUDGET}; the kernel's own default is 8). */
    public static final int DEFAULT_KERNEL_BUSY_POLL_BUDGET = 64;
    /** Bytes the kernel reserves in front of each received frame ({@code XDP_PACKET_HEADROOM}). */
    public static final int HEADROOM = 256;

    private static final XdpOptions DEFAULTS = builder().build();

    private final int numFrames;
    private final int ringSize;
    private final XdpMode xdpMode;
    private final int queueCount;
    private final Duration pollTimeout;
    private final IoMode ioMode;
    private final int frameSize;
    private final String networkNamespace;
    private final int txBudget;
    private final boolean receive;
    private final Duration busyPoll;
    private final MultiBuffer multiBuffer;
    private final String filter;
    private final String filterBytecode;
    private final Path pinXskMap;
    private final Path externalXskMap;
    private final Duration kernelBusyPoll;
    private final int kernelBusyPollBudget;

    private XdpOptions(Builder b) {
        this.numFrames = b.numFrames;
        this.ringSize = b.ringSize;
        this.xdpMode = b.xdpMode;
        this.queueCount = b.queueCount;
        this.pollTimeout = b.pollTimeout;
        this.ioMode = b.ioMode;
        this.frameSize = b.frameSize;
        this.networkNamespace = b.networkNamespace;
        this.txBudget = b.txBudget;
        this.receive = b.receive;
        this.busyPoll = b.busyPoll;
        this.multiBuffer = b.multiBuffer;
        this.filter = b.filter;
        this.filterBytecode = b.filterBytecode;
        this.pinXskMap = b.pinXskMap;
        this.externalXskMap = b.externalXskMap;
        this.kernelBusyPoll = b.kernelBusyPoll;
        this.kernelBusyPollBudget = b.kernelBusyPollBudget;
    }

    /**
     * The defaults: 1024 frames, rings of 1024, DRV, 1 queue, 100 µs poll timeout, BLOCK, 2048-byte
     * frames, no namespace, receiving, auto TX budget, 20 µs busy poll.
     *
     * @return the default options (one shared immutable instance)
     */
    public static XdpOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder that starts from the {@link #defaults()}.
     *
     * @return a new builder; not thread-safe, use it from one thread
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder that starts from these options, to change a few of them.
     *
     * @return a new builder holding these options' values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.numFrames = numFrames;
        b.ringSize = ringSize;
        b.xdpMode = xdpMode;
        b.queueCount = queueCount;
        b.pollTimeout = pollTimeout;
        b.ioMode = ioMode;
        b.frameSize = frameSize;
        b.networkNamespace = networkNamespace;
        b.txBudget = txBudget;
        b.receive = receive;
        b.busyPoll = busyPoll;
        b.multiBuffer = multiBuffer;
        b.filter = filter;
        b.filterBytecode = filterBytecode;
        b.pinXskMap = pinXskMap;
        b.externalXskMap = externalXskMap;
        b.kernelBusyPoll = kernelBusyPoll;
        b.kernelBusyPollBudget = kernelBusyPollBudget;
        return b;
    }

    /**
     * Frames in each half (TX, RX) of the UMEM.
     *
     * @return the number of frames per direction, {@code ringSize} .. {@link #MAX_NUM_FRAMES}
     */
    public int numFrames() { return numFrames; }

    /**
     * Entries in the RX, TX and COMPLETION rings (the FILL ring gets room for twice the RX frames).
     *
     * @return the ring size, a power of two between {@link #MIN_RING_SIZE} and {@link #MAX_RING_SIZE}
     */
    public int ringSize() { return ringSize; }

    /**
     * Where the XDP program runs: in the driver or in the generic path.
     *
     * @return the XDP mode, never {@code null}
     */
    public XdpMode xdpMode() { return xdpMode; }

    /**
     * Queues to open, {@code [0, queueCount)}: 1 for an {@link XdpSocket}, one socket per queue for an
     * {@link XdpMultiQueue}.
     *
     * @return the number of queues, at least 1
     */
    public int queueCount() { return queueCount; }

    /**
     * How long a read or write waits in {@link IoMode#NONBLOCK} mode before it gives up; not used in
     * {@link IoMode#BLOCK} mode.
     *
     * @return the timeout, {@link #MIN_POLL_TIMEOUT} .. {@link #MAX_POLL_TIMEOUT}
     */
    public Duration pollTimeout() { return pollTimeout; }

    /**
     * Whether reads and writes wait for a frame or for room ({@code BLOCK}), or give up after
     * {@link #pollTimeout()} ({@code NONBLOCK}).
     *
     * @return the I/O mode, never {@code null}
     */
    public IoMode ioMode() { return ioMode; }

    /**
     * Size of one UMEM frame.
     *
     * @return 2048 or 4096 bytes
     */
    public int frameSize() { return frameSize; }

    /**
     * The largest frame that can be received or sent: {@code frameSize − 256} (the kernel's headroom).
     *
     * @return bytes: 1792 or 3840
     */
    public int frameRoom() { return frameSize - HEADROOM; }

    /**
     * The network namespace that {@code open} enters, as {@code ip netns list} names it.
     *
     * @return the namespace name, or {@code null} for the caller's own namespace
     */
    public String networkNamespace() { return networkNamespace; }

    /**
     * The copy-mode TX budget asked for: how many frames one kick of the kernel may send.
     *
     * @return 0 for auto, else {@link #KERNEL_TX_BUDGET} .. {@code ringSize} frames
     */
    public int txBudget() { return txBudget; }

    /**
     * Whether the socket receives: attaches the XDP program that redirects the queue's frames to it.
     *
     * @return {@code true} to receive (and send); {@code false} for a send-only socket
     */
    public boolean receive() { return receive; }

    /**
     * How long a waiting read spins on its RX ring before it sleeps in {@code ppoll}.
     *
     * @return the spin time, {@link Duration#ZERO} .. {@link #MAX_BUSY_POLL}
     */
    public Duration busyPoll() { return busyPoll; }
    /**
     * Whether frames longer than one UMEM frame are received and sent ({@link MultiBuffer}).
     *
     * @return AUTO (the default), ON or OFF
     */
    public MultiBuffer multiBuffer() { return multiBuffer; }
    /**
     * The filter the XDP program applies, as a pcap-filter expression ({@code man pcap-filter}).
     *
     * @return the expression, or {@code null} for none (every frame of the queue goes to the socket)
     */
    public String filter() { return filter; }
    /**
     * The filter as classic BPF in the text {@code tcpdump -ddd} prints, for hosts without libpcap.
     *
     * @return the text, or {@code null} for none
     */
    public String filterBytecode() { return filterBytecode; }
    /**
     * Where in bpffs the XSKMAP of the socket's program is pinned while the socket is open.
     *
     * @return the path, or {@code null} for not pinned
     */
    public Path pinXskMap() { return pinXskMap; }
    /**
     * The pinned XSKMAP of a program of someone else's that the sockets join (no program of ours is attached).
     *
     * @return the path, or {@code null} for our own program
     */
    public Path externalXskMap() { return externalXskMap; }
    /**
     * How long the kernel busy-polls the device for this socket ({@code SO_BUSY_POLL}, with
     * {@code SO_PREFER_BUSY_POLL}).
     *
     * @return 0 (off, the default) or the time
     */
    public Duration kernelBusyPoll() { return kernelBusyPoll; }
    /**
     * Frames the device's poll may take in one busy poll.
     *
     * @return {@code SO_BUSY_POLL_BUDGET}
     */
    public int kernelBusyPollBudget() { return kernelBusyPollBudget; }

    /**
     * The options for logs, e.g. {@code XdpOptions{numFrames=1024, ringSize=1024, ...}}.
     *
     * @return every option with its value
     */
    @Override
    public String toString() {
        return "XdpOptions{numFrames=" + numFrames + ", ringSize=" + ringSize + ", xdpMode=" + xdpMode
                + ", queueCount=" + queueCount + ", pollTimeout=" + pollTimeout + ", ioMode=" + ioMode
                + ", frameSize=" + frameSize + (networkNamespace == null ? "" : ", networkNamespace=" + networkNamespace)
                + ", txBudget=" + (txBudget == 0 ? "auto" : txBudget) + ", busyPoll=" + busyPoll + ", multiBuffer=" + multiBuffer + (receive ? "" : ", send-only")
                + (filter == null ? "" : ", filter='" + filter + "'") + (filterBytecode == null ? "" : ", filterBytecode")
                + (pinXskMap == null ? "" : ", pinXskMap=" + pinXskMap) + (externalXskMap == null ? "" : ", externalXskMap=" + externalXskMap)
                + (kernelBusyPoll.isZero() ? "" : ", kernelBusyPoll=" + kernelBusyPoll + "/" + kernelBusyPollBudget)
                + "}";
    }

    /**
     * Options are equal when every option is.
     *
     * @param o the object to compare with
     * @return whether {@code o} is an {@code XdpOptions} with the same value for every option
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof XdpOptions x && numFrames == x.numFrames && ringSize == x.ringSize && xdpMode == x.xdpMode
                && queueCount == x.queueCount && pollTimeout.equals(x.pollTimeout) && ioMode == x.ioMode
                && frameSize == x.frameSize && Objects.equals(networkNamespace, x.networkNamespace) && txBudget == x.txBudget && receive == x.receive
                && busyPoll.equals(x.busyPoll) && multiBuffer == x.multiBuffer && Objects.equals(filter, x.filter)
                && Objects.equals(filterBytecode, x.filterBytecode) && Objects.equals(pinXskMap, x.pinXskMap)
                && Objects.equals(externalXskMap, x.externalXskMap) && kernelBusyPoll.equals(x.kernelBusyPoll)
                && kernelBusyPollBudget == x.kernelBusyPollBudget;
    }

    /**
     * A hash of every option, consistent with {@link #equals(Object)}.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return Objects.hash(numFrames, ringSize, xdpMode, queueCount, pollTimeout, ioMode, frameSize, networkNamespace, txBudget, receive, busyPoll,
                multiBuffer, filter, filterBytecode, pinXskMap, externalXskMap, kernelBusyPoll, kernelBusyPollBudget);
    }

    /**
     * Collects options; {@link #build()} checks them all and names the first one that breaks a rule.
     * The setters only record their value (no checks until {@code build()}) and return this builder.
     * A builder is not thread-safe; the options it builds are.
     */
    public static final class Builder {
        private int numFrames = DEFAULT_NUM_FRAMES;
        private int ringSize = DEFAULT_RING_SIZE;
        private XdpMode xdpMode = XdpMode.AUTO;
        private int queueCount = 1;
        private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
        private IoMode ioMode = IoMode.BLOCK;
        private int frameSize = DEFAULT_FRAME_SIZE;
        private String networkNamespace;
        private int txBudget;
        private boolean receive = true;
        private Duration busyPoll = DEFAULT_BUSY_POLL;
        private MultiBuffer multiBuffer = MultiBuffer.AUTO;
        private String filter;
        private String filterBytecode;
        private Path pinXskMap;
        private Path externalXskMap;
        private Duration kernelBusyPoll = Duration.ZERO;
        private int kernelBusyPollBudget = DEFAULT_KERNEL_BUSY_POLL_BUDGET;

        private Builder() {}

        /**
         * Frames in each half (TX, RX) of the UMEM: {@code ringSize} .. 1048576, default 1024. More than
         * {@code ringSize} leaves slack for frames held by zero-copy reads and for completions in flight.
         * The UMEM takes {@code 2 × numFrames × frameSize} bytes of locked memory.
         *
         * @param numFrames frames per direction
         * @return this builder
         */
        public Builder numFrames(int numFrames) { this.numFrames = numFrames; return this; }

        /**
         * Entries in the RX, TX and COMPLETION rings: a power of two, 16 .. 1048576, default 1024.
         *
         * @param ringSize entries per ring
         * @return this builder
         */
        public Builder ringSize(int ringSize) { this.ringSize = ringSize; return this; }

        /**
         * Where the XDP program runs: {@link XdpMode#AUTO} (native where the driver has it, else
         * generic; the default), {@link XdpMode#DRV} (native, strict) or {@link XdpMode#SKB}
         * (generic, any interface).
         *
         * @param xdpMode the mode; {@code null} is refused by {@code build()}
         * @return this builder
         */
        public Builder xdpMode(XdpMode xdpMode) { this.xdpMode = xdpMode; return this; }

        /**
         * Queues to open, {@code [0, queueCount)}: 1 (default) for an {@link XdpSocket}; for an
         * {@link XdpMultiQueue} at most the queues the interface has in use, which {@code open} checks.
         *
         * @param queueCount the number of queues, at least 1
         * @return this builder
         */
        public Builder queueCount(int queueCount) { this.queueCount = queueCount; return this; }

        /**
         * How long a read or write waits in {@link IoMode#NONBLOCK} mode before it gives up (returns
         * {@code null}, 0 or {@code false}): 1 µs .. 1 hour, default 100 µs. Not used in BLOCK mode.
         *
         * @param pollTimeout the timeout; {@code null} is refused by {@code build()}
         * @return this builder
         */
        public Builder pollTimeout(Duration pollTimeout) { this.pollTimeout = pollTimeout; return this; }

        /**
         * {@link IoMode#BLOCK} (default): reads wait for a frame and writes for room, until
         * {@code close()}; {@link IoMode#NONBLOCK}: they give up after {@code pollTimeout}.
         *
         * @param ioMode the I/O mode; {@code null} is refused by {@code build()}
         * @return this builder
         */
        public Builder ioMode(IoMode ioMode) { this.ioMode = ioMode; return this; }

        /**
         * Bytes per UMEM frame: 2048 (default) or 4096. The longest frame is this minus 256 bytes of
         * headroom: 1792 or 3840 bytes.
         *
         * @param frameSize 2048 or 4096
         * @return this builder
         */
        public Builder frameSize(int frameSize) { this.frameSize = frameSize; return this; }

        /**
         * Open inside this network namespace ({@code ip netns list}); {@code null} (default) for the
         * caller's own. The name must not be empty or contain {@code /}, NUL or control characters.
         *
         * @param name the namespace name, or {@code null}
         * @return this builder
         */
        public Builder networkNamespace(String name) { this.networkNamespace = name; return this; }

        /**
         * Frames one copy-mode TX kick may send: 0 (default) for auto ({@code min(256, ringSize)} where
         * the kernel supports it, Linux 6.17 and later), or 32 .. ringSize.
         *
         * @param frames the budget in frames, or 0
         * @return this builder
         */
        public Builder txBudget(int frames) { this.txBudget = frames; return this; }

        /**
         * {@code false} for a send-only socket: no XDP program is attached, so the interface's incoming
         * traffic stays with the kernel stack, and reads throw {@link IllegalStateException}. Default
         * {@code true}.
         *
         * @param receive whether the socket receives
         * @return this builder
         */
        public Builder receive(boolean receive) { this.receive = receive; return this; }

        /**
         * How long a read that finds no frame keeps checking the RX ring before it sleeps in
         * {@code ppoll}: 0 … 1 hour, default 20 µs. While frames keep coming a spinning reader never
         * sleeps, which saves the system calls of the sleep and the kernel's work of waking it (on veth
         * that runs on the sending CPU); the price is CPU time while nothing comes. 0 sleeps at once;
         * {@link #MAX_BUSY_POLL} is busy polling. In NONBLOCK mode the spin counts against {@code pollTimeout}.
         *
         * @param busyPoll the spin time; {@code null} is refused by {@code build()}
         * @return this builder
         */
        public Builder busyPoll(Duration busyPoll) { this.busyPoll = busyPoll; return this; }

        /**
         * Whether frames longer than one UMEM frame ({@code frameSize − 256} bytes) are received and
         * sent, each over several UMEM frames: jumbo frames. {@link MultiBuffer#AUTO} (the default)
         * turns it on where the interface's MTU needs it.
         *
         * @param multiBuffer AUTO, ON or OFF
         * @return this builder
         */
        public Builder multiBuffer(MultiBuffer multiBuffer) { this.multiBuffer = multiBuffer; return this; }

        /**
         * Takes only the frames that match a pcap-filter expression, tcpdump's syntax
         * ({@code man pcap-filter}): the XDP program runs the filter in the kernel on each frame as
         * it is on the wire (VLAN tags included); frames that match go to the socket, every other
         * frame goes on to the kernel's network stack untouched. Compiled with the system's libpcap
         * (Debian: {@code libpcap0.8}) when the socket opens. With a filter the stats count the
         * frames matched and passed.
         *
         * @param expression e.g. {@code "udp port 53"}; {@code null} for no filter
         * @return this builder
         */
        public Builder filter(String expression) { this.filter = expression; return this; }

        /**
         * {@link #filter(String)} for a program compiled elsewhere: classic BPF in the text
         * {@code tcpdump -ddd EXPRESSION} prints (a count, then one {@code code jt jf k} line per
         * instruction). For hosts without libpcap.
         *
         * @param tcpdumpDdd the text; {@code null} for no filter
         * @return this builder
         */
        public Builder filterBytecode(String tcpdumpDdd) { this.filterBytecode = tcpdumpDdd; return this; }

        /**
         * Pins the XSKMAP of the socket's XDP program at {@code path} in bpffs while the socket is
         * open (bpffs is mounted at {@code /sys/fs/bpf} if it is not yet), for tools and programs of
         * your own to see it. Unpinned on close.
         *
         * @param path e.g. {@code /sys/fs/bpf/xsks_map}; {@code null} for not pinned
         * @return this builder
         */
        public Builder pinXskMap(Path path) { this.pinXskMap = path; return this; }

        /**
         * Attaches no program: the sockets join the XSKMAP pinned at {@code path} by a program of
         * your own (loaded with {@code ip}, {@code bpftool} or libxdp), at key = queue id, and leave
         * it on close. That program decides which frames reach the sockets.
         *
         * @param path the pinned {@code BPF_MAP_TYPE_XSKMAP}; {@code null} for our own program
         * @return this builder
         */
        public Builder externalXskMap(Path path) { this.externalXskMap = path; return this; }

        /**
         * The kernel's preferred busy polling ({@code SO_PREFER_BUSY_POLL} with {@code SO_BUSY_POLL}
         * set to this): while frames are expected, the reading thread's wake-up calls run the device's
         * receive poll itself, for up to this long each, instead of waiting for its interrupt and
         * softirq. It pays off on a NIC whose interrupts are deferred — set the device's
         * {@code napi_defer_hard_irqs} (e.g. 2) and {@code gro_flush_timeout} (e.g. 200000 ns) in
         * {@code /sys/class/net/IF/}; the library does not change them — and it makes reads issue a
         * {@code recvfrom} whenever the RX ring is empty. 0 (the default) leaves it off.
         *
         * @param timeout 0 .. 1 ms
         * @return this builder
         */
        public Builder kernelBusyPoll(Duration timeout) { this.kernelBusyPoll = timeout; return this; }

        /**
         * Frames one busy poll of the device may take ({@code SO_BUSY_POLL_BUDGET}), with
         * {@link #kernelBusyPoll(Duration)}.
         *
         * @param frames 1 .. 65535 (default 64)
         * @return this builder
         */
        public Builder kernelBusyPollBudget(int frames) { this.kernelBusyPollBudget = frames; return this; }

        /**
         * Checks every option against its rule and makes the options. The builder can be used again.
         *
         * @return the options
         * @throws IllegalArgumentException naming the first option that breaks a rule, its value and the
         *         rule, e.g. {@code ringSize = 1000: must be a power of two between 16 and 1048576 (...)}
         */
        public XdpOptions build() {
            if (Integer.bitCount(ringSize) != 1 || ringSize < MIN_RING_SIZE || ringSize > MAX_RING_SIZE) {
                throw bad("ringSize", ringSize, "must be a power of two between " + MIN_RING_SIZE + " and " + MAX_RING_SIZE
                        + " (it sizes the RX, TX and COMPLETION rings)");
            }
            if (numFrames < 1 || numFrames > MAX_NUM_FRAMES) {
                throw bad("numFrames", numFrames, "must be between 1 and " + MAX_NUM_FRAMES
                        + " (frames in each half of the UMEM, TX and RX)");
            }
            if (numFrames < ringSize) {
                throw bad("numFrames", numFrames, "must be at least ringSize (" + ringSize
                        + "), so that the RX frames can fill the RX ring and the TX frames can fill the TX ring");
            }
            if (xdpMode == null) throw bad("xdpMode", null, "must be XdpMode.AUTO, DRV or SKB");
            if (ioMode == null) throw bad("ioMode", null, "must be IoMode.BLOCK or IoMode.NONBLOCK");
            if (multiBuffer == null) throw bad("multiBuffer", null, "must be MultiBuffer.AUTO, ON or OFF");
            if (kernelBusyPoll == null || kernelBusyPoll.isNegative() || kernelBusyPoll.compareTo(MAX_KERNEL_BUSY_POLL) > 0) {
                throw bad("kernelBusyPoll", kernelBusyPoll, "must be between 0 (off) and 1 ms");
            }
            if (kernelBusyPollBudget < 1 || kernelBusyPollBudget > 65535) {
                throw bad("kernelBusyPollBudget", kernelBusyPollBudget, "must be between 1 and 65535 frames");
            }
            if (filter != null && filterBytecode != null) {
                throw bad("filter", "'" + filter + "'", "give a filter expression or filterBytecode, not both");
            }
            if (filter != null && filter.isBlank()) throw bad("filter", "''", "must be an expression; null for no filter");
            if (filterBytecode != null) {
                try {
                    XdpFilter.parseDddText(filterBytecode);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("filterBytecode: " + e.getMessage(), e);
                }
            }
            boolean ownProgram = externalXskMap == null;
            if (!ownProgram && (filter != null || filterBytecode != null || pinXskMap != null)) {
                throw bad("externalXskMap", externalXskMap, "attaches no program of ours, so filter and pinXskMap do not apply");
            }
            if (!receive && (filter != null || filterBytecode != null || pinXskMap != null || externalXskMap != null)) {
                throw bad("receive", false, "a send-only socket attaches no program: filter, pinXskMap and externalXskMap do not apply");
            }
            if (queueCount < 1) throw bad("queueCount", queueCount, "must be at least 1");
            if (pollTimeout == null || pollTimeout.compareTo(MIN_POLL_TIMEOUT) < 0 || pollTimeout.compareTo(MAX_POLL_TIMEOUT) > 0) {
                throw bad("pollTimeout", pollTimeout, "must be between 1 µs and 1 hour");
            }
            if (busyPoll == null || busyPoll.isNegative() || busyPoll.compareTo(MAX_BUSY_POLL) > 0) {
                throw bad("busyPoll", busyPoll, "must be between 0 (sleep at once) and 1 hour");
            }
            if (frameSize != 2048 && frameSize != 4096) {
                throw bad("frameSize", frameSize, "must be 2048 or 4096 (a UMEM chunk: a power of two between 2048 and the page size)");
            }
            if (networkNamespace != null) {
                try {
                    NetNs.checkName(networkNamespace);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("networkNamespace: " + e.getMessage());
                }
            }
            if (txBudget != 0 && (txBudget < KERNEL_TX_BUDGET || txBudget > ringSize)) {
                throw bad("txBudget", txBudget, "must be 0 (auto) or between " + KERNEL_TX_BUDGET + " and ringSize (" + ringSize + ")");
            }
            long umem = 2L * numFrames * frameSize;
            if (umem > (1L << 33)) {
                throw bad("numFrames", numFrames, "gives a UMEM of " + umem + " bytes with frameSize " + frameSize + "; at most 8 GiB");
            }
            return new XdpOptions(this);
        }

        private static IllegalArgumentException bad(String option, Object value, String rule) {
            return new IllegalArgumentException(option + " = " + value + ": " + rule);
        }
    }
}
