package io.xdppacket;

import io.xdppacket.internal.filter.FilterExpressions;
import io.xdppacket.internal.filter.FrameCorpus;
import io.xdppacket.testing.FrameSets;
import io.xdppacket.testing.PcapFile;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.ScapySender;
import io.xdppacket.testing.Tcpdump;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Filters ({@link XdpOptions.Builder#filter}, {@link XdpOptions.Builder#filterBytecode}) on a real
 * veth, checked against tcpdump. Scapy, in the peer namespace, sends a mixed set of frames (the
 * filter corpus: Ethernet, 802.1Q and QinQ, IPv4 with options and fragments, IPv6 with extension
 * headers, TCP with every flag combination, UDP, ICMP, ARP, IGMP, SCTP, MPLS, STP...; plus random
 * frames) and writes them to sent.pcap. For each expression:
 * <ul>
 *   <li>the socket receives exactly the frames {@code tcpdump -r sent.pcap EXPRESSION} selects, in
 *       order, byte-identical;</li>
 *   <li>tcpdump on the receiving interface — the kernel's path: frames the program passes reach
 *       AF_PACKET, frames it redirects to the socket do not — captures exactly the others;</li>
 *   <li>the stats count them: {@code filterMatched} and {@code filterPassed}.</li>
 * </ul>
 * One scapy process per test sends the frames on request; tcpdump is started per expression.
 */
@Privileged(tools = {"ip", "tcpdump", Tools.PYTHON + ":scapy"})
class FilterOnTheWireTest {
    /** Random frames next to scapy's: at least 60 bytes, so that a VLAN tag can always be taken off (shorter ones are dropped before the taps). */
    private static final List<byte[]> RANDOM_FRAMES = FrameCorpus.random(40, 60, 20261202);
    /** How long one round may take before it counts as failed: generous, the machine is shared. */
    private static final long ROUND_SECONDS = 20;

    @TempDir
    Path dir;

    /** A veth pair, scapy on side A sending the corpus, sockets and tcpdump on side B. */
    private record Wire(VethPair veth, ScapySender sender, Path dir) implements AutoCloseable {
        static Wire open(int queues, Path dir) throws IOException {
            VethPair veth = VethPair.create(queues, 1500);
            try {
                return new Wire(veth, ScapySender.start(veth.nsA(), veth.ifA(), dir, FrameCorpus.SCAPY, RANDOM_FRAMES), dir);
            } catch (IOException | RuntimeException e) {
                veth.close();
                throw e;
            }
        }

        XdpOptions.Builder options(XdpMode mode) {
            return XdpOptions.builder().xdpMode(mode).ioMode(IoMode.NONBLOCK).pollTimeout(Duration.ofMillis(5))
                    .networkNamespace(veth.nsB()).queueCount(veth.queues());
        }

        @Override
        public void close() {
            try {
                sender.close();
            } finally {
                veth.close();
            }
        }
    }

    /** What one round saw, and what was wrong with it (nothing if {@code problems} is empty). */
    private record Round(String label, int selected, int rest, List<String> problems, long millis, int queuesUsed) {}

    // ---- the expressions -----------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = XdpMode.class, names = {"DRV", "SKB"})
    void everyExpressionTakesWhatTcpdumpSelectsAndTheStackSeesTheRest(XdpMode mode) throws Exception {
        assertTrue(FilterExpressions.ALL.size() >= 40, "the issue asks for at least 40 expressions");
        try (Wire wire = Wire.open(1, dir)) {
            List<Round> rounds = new ArrayList<>();
            for (String expression : FilterExpressions.ALL) {
                rounds.add(round(wire, wire.options(mode).filter(expression).build(), expression));
            }
            report(mode + ", " + wire.sender().frames().size() + " frames per round", rounds);
            assertFalse(wire.veth().xdpAttached(wire.veth().nsB(), wire.veth().ifB()), "every program was detached");
        }
    }

    /**
     * {@code vlan 100 and udp} on frames that carry their 802.1Q tag on the wire (scapy's
     * {@code Dot1Q}, not the kernel's offloaded tag): the socket gets exactly the UDP frames whose
     * outer tag is VLAN 100, tags in place.
     */
    @ParameterizedTest
    @EnumSource(value = XdpMode.class, names = {"DRV", "SKB"})
    void vlan100AndUdpTakesTheTaggedUdpFramesOfVlan100(XdpMode mode) throws Exception {
        try (Wire wire = Wire.open(1, dir)) {
            String expression = "vlan 100 and udp";
            List<byte[]> selected = Tcpdump.select(wire.sender().pcap(), expression);
            assertFalse(selected.isEmpty(), "the corpus has UDP frames on VLAN 100");
            for (byte[] f : selected) {
                int tpid = (f[12] & 0xff) << 8 | (f[13] & 0xff);
                assertTrue(tpid == 0x8100 || tpid == 0x88a8 || tpid == 0x9100, "tagged on the wire: " + hex(f));
                assertEquals(100, ((f[14] & 0x0f) << 8) | (f[15] & 0xff), "outer VLAN id: " + hex(f));
            }
            Round r = round(wire, wire.options(mode).filter(expression).build(), expression);
            assertTrue(r.problems().isEmpty(), String.join("\n", r.problems()));
            assertEquals(selected.size(), r.selected());
        }
    }

    /** Classic BPF as {@code tcpdump -ddd} prints it selects the same frames as the expression it came from. */
    @ParameterizedTest
    @EnumSource(value = XdpMode.class, names = {"DRV", "SKB"})
    void filterBytecodeFromTcpdumpDddTakesTheSameFramesAsTheExpression(XdpMode mode) throws Exception {
        List<String> expressions = List.of("udp port 53", "vlan 100 and udp", "ip6 and tcp port 443", "not ip",
                "tcp[tcpflags] & (tcp-syn|tcp-ack) != 0", "len >= 60 and len <= 128", "ip multicast", "ether host 02:00:00:00:00:01");
        try (Wire wire = Wire.open(1, dir)) {
            List<Round> rounds = new ArrayList<>();
            for (String expression : expressions) {
                String ddd = Tcpdump.ddd(wire.sender().pcap(), expression);
                rounds.add(round(wire, wire.options(mode).filterBytecode(ddd).build(), "-ddd of " + expression,
                        Tcpdump.select(wire.sender().pcap(), expression)));
            }
            report(mode + ", filterBytecode", rounds);
        }
    }

    /** A filtered XdpMultiQueue on a veth of 4 queues: the frames spread over the queues, the set takes exactly the matching ones. */
    @ParameterizedTest
    @EnumSource(value = XdpMode.class, names = {"DRV", "SKB"})
    void aMultiQueueSetTakesExactlyTheMatchingFramesOfEveryQueue(XdpMode mode) throws Exception {
        List<String> expressions = List.of("udp", "tcp port 80 or tcp port 443", "vlan", "not (tcp or udp or icmp)",
                "ip6", "host 198.18.0.1 and not port 22");
        try (Wire wire = Wire.open(4, dir)) {
            List<Round> rounds = new ArrayList<>();
            for (String expression : expressions) {
                rounds.add(round(wire, wire.options(mode).filter(expression).build(), expression));
            }
            report(mode + ", XdpMultiQueue of 4 queues", rounds);
            int most = rounds.stream().mapToInt(Round::queuesUsed).max().orElse(0);
            assertTrue(most >= 2, "the frames should spread over the queues; at most " + most + " queue(s) got frames");
        }
    }

    /**
     * An expression libpcap rejects fails the open, of a socket and of a set, with libpcap's own
     * message (as tcpdump prints it), and leaves nothing behind: the queues open again at once.
     */
    @Test
    void anExpressionLibpcapRejectsFailsTheOpenWithLibpcapsMessage() throws Exception {
        try (VethPair veth = VethPair.create(2, 1500)) {
            Path pcap = dir.resolve("empty.pcap");
            // A pcap file of link type Ethernet without frames: what tcpdump compiles against.
            Files.write(pcap, HexFormat.of().parseHex("d4c3b2a1020004000000000000000000ffff000001000000"));
            XdpOptions.Builder options = XdpOptions.builder().networkNamespace(veth.nsB());
            for (String expression : List.of("udp port 99999", "host 198.18.0.256", "tcp[tcpflags] & tcp-nope != 0",
                    "vlan and and udp", "ether host 02:00:00:00:00")) {
                String libpcapMessage = Tcpdump.compileError(pcap, expression);
                assertNotNull(libpcapMessage, "tcpdump accepts '" + expression + "'");
                for (int queues : new int[] {1, 2}) {
                    XdpOptions o = options.filter(expression).queueCount(queues).build();  // compiled at open, not at build
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> XdpPort.open(veth.ifB(), o));
                    assertTrue(e.getMessage().contains(libpcapMessage) && e.getMessage().contains(expression),
                            "'" + e.getMessage() + "' should carry libpcap's '" + libpcapMessage + "'");
                    assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()), "a failed open leaves nothing attached");
                }
            }
            try (XdpPort p = XdpPort.open(veth.ifB(), options.filter("udp").queueCount(2).build())) {
                assertTrue(veth.xdpAttached(veth.nsB(), veth.ifB()), "the queues are free again after the failures");
            }
        }
    }

    // ---- one round ------------------------------------------------------------------------------------

    private static Round round(Wire wire, XdpOptions options, String expression) throws Exception {
        return round(wire, options, expression, Tcpdump.select(wire.sender().pcap(), expression));
    }

    /**
     * Opens a port with {@code options} on side B, starts tcpdump there for the frames that should
     * reach the stack, has scapy send every frame, and compares.
     */
    private static Round round(Wire wire, XdpOptions options, String label, List<byte[]> selected) throws Exception {
        long start = System.nanoTime();
        List<byte[]> sent = wire.sender().frames();
        List<byte[]> rest = FrameSets.rest(sent, selected);
        List<String> problems = new ArrayList<>();
        if (selected.isEmpty() || rest.isEmpty()) {
            problems.add("'" + label + "' selects " + selected.size() + " of " + sent.size() + " frames: the corpus does not test it both ways");
        }
        VethPair veth = wire.veth();
        Path capture = Files.createTempFile(wire.dir(), "stack", ".pcap");
        int queuesUsed = 0;
        try (XdpPort port = XdpPort.open(veth.ifB(), options);
             Tcpdump stack = rest.isEmpty() ? null : Tcpdump.capture(veth.nsB(), veth.ifB(), capture, rest.size(), "-Q", "in")) {
            wire.sender().sendAll();

            // Read until the program has seen every frame and the socket has every frame it redirected.
            List<byte[]> got = new ArrayList<>();
            List<Integer> queueOf = new ArrayList<>();
            PacketBatch batch = new PacketBatch(64);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUND_SECONDS);
            XdpStats s;
            while (true) {
                int n = port.zeroCopyReadPackets(batch);
                for (int i = 0; i < n; i++) {
                    got.add(batch.get(i).toArray());
                    queueOf.add(batch.get(i).info().queueId());
                }
                s = port.stats();
                if (s.filterMatched() + s.filterPassed() >= sent.size() && got.size() >= s.filterMatched()) break;
                if (System.nanoTime() > deadline) {
                    problems.add("after " + ROUND_SECONDS + " s the program had seen " + (s.filterMatched() + s.filterPassed())
                            + " of " + sent.size() + " frames and the socket had read " + got.size() + "; stats " + s);
                    break;
                }
            }
            port.release();
            queuesUsed = new TreeSet<>(queueOf).size();
            if (s.filterMatched() != selected.size() || s.filterPassed() != rest.size()) {
                problems.add("stats count " + s.filterMatched() + " matched and " + s.filterPassed() + " passed; tcpdump -r selects "
                        + selected.size() + " of " + sent.size());
            }
            problems.addAll(compare("socket", selected, got, queueOf));

            if (stack != null) {
                if (s.filterPassed() == rest.size()) {
                    List<byte[]> seen = stack.frames(ROUND_SECONDS).stream().map(PcapFile.Record::data).toList();
                    problems.addAll(compare("tcpdump on " + veth.ifB(), rest, seen, null));
                } else {
                    problems.add("tcpdump on " + veth.ifB() + " not checked: the program passed " + s.filterPassed() + " frames, not " + rest.size());
                }
            }
        } finally {
            Files.deleteIfExists(capture);
            Files.deleteIfExists(capture.resolveSibling(capture.getFileName() + ".log"));
        }
        List<String> labelled = problems.stream().map(p -> "'" + label + "': " + p).toList();
        return new Round(label, selected.size(), rest.size(), labelled, (System.nanoTime() - start) / 1_000_000, queuesUsed);
    }

    /**
     * {@code got} must hold exactly the frames of {@code expected}, byte-identical; the frames of
     * each queue ({@code queueOf}: each frame's queue, or null when order does not matter) in the
     * order expected.
     */
    private static List<String> compare(String who, List<byte[]> expected, List<byte[]> got, List<Integer> queueOf) {
        String mismatch = FrameSets.mismatch(who, expected, got);
        if (mismatch != null) return List.of(mismatch);
        List<String> problems = new ArrayList<>();
        if (queueOf != null) {
            for (int q : new TreeSet<>(queueOf)) {
                List<byte[]> ofQueue = new ArrayList<>();
                for (int i = 0; i < got.size(); i++) if (queueOf.get(i) == q) ofQueue.add(got.get(i));
                if (!FrameSets.inOrder(expected, ofQueue)) problems.add(who + ": the frames of queue " + q + " arrived out of order");
            }
        }
        return problems;
    }

    private static void report(String title, List<Round> rounds) {
        StringBuilder table = new StringBuilder(String.format("%nFILTER ON THE WIRE: %s%n| expression | to socket | to stack | queues used | ms |%n|---|---:|---:|---:|---:|%n", title));
        List<String> problems = new ArrayList<>();
        long total = 0;
        for (Round r : rounds) {
            String shown = r.label().length() <= 70 ? r.label() : r.label().substring(0, 60) + "... (" + r.label().length() + " chars)";
            table.append(String.format("| `%s` | %d | %d | %d | %d |%s%n", shown, r.selected(), r.rest(), r.queuesUsed(), r.millis(),
                    r.problems().isEmpty() ? "" : " FAILED"));
            problems.addAll(r.problems());
            total += r.millis();
        }
        table.append(String.format("| %d rounds | | | | %d |%n", rounds.size(), total));
        System.out.println(table);
        if (!problems.isEmpty()) fail(problems.size() + " problems:\n" + String.join("\n", problems.subList(0, Math.min(20, problems.size()))));
    }

    private static String hex(byte[] f) {
        return HexFormat.of().formatHex(f);
    }
}
