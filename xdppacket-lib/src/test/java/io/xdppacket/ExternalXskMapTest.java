package io.xdppacket;

import io.xdppacket.testing.FrameSets;
import io.xdppacket.testing.PcapFile;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.PrivateBpfFs;
import io.xdppacket.testing.ScapySender;
import io.xdppacket.testing.Tcpdump;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link XdpOptions.Builder#externalXskMap}: a program of the user's own, compiled here with clang
 * from C (redirect IPv4 UDP to port 9 to an XSKMAP at key {@code rx_queue_index}, pass the rest; the
 * map declared with libbpf's BTF syntax), loaded and attached with bpftool, its map pinned. The
 * sockets join that map and receive exactly the port-9 frames scapy sends (the reference:
 * {@code tcpdump -r sent.pcap 'ip and udp dst port 9'}), while tcpdump on the interface sees the
 * rest reach the stack. After close the program is still attached, untouched, and with the sockets
 * out of its map every frame goes to the stack. The bpffs is the test's own ({@link PrivateBpfFs});
 * the program is detached and unpinned in {@code finally}.
 */
@Privileged(tools = {"ip", "tcpdump", "clang", "bpftool", "unshare", "nsenter", Tools.PYTHON + ":scapy"})
class ExternalXskMapTest {
    /** The user's program: what a user of the library might write. */
    private static final String PROGRAM = """
            #include <linux/bpf.h>
            #include <linux/if_ether.h>
            #include <linux/in.h>
            #include <linux/ip.h>
            #include <linux/udp.h>
            #include <bpf/bpf_helpers.h>
            #include <bpf/bpf_endian.h>

            struct {
                __uint(type, BPF_MAP_TYPE_XSKMAP);
                __uint(max_entries, 64);
                __type(key, __u32);
                __type(value, __u32);
            } xsks SEC(".maps");

            SEC("xdp")
            int udp9(struct xdp_md *ctx)
            {
                void *data = (void *)(long)ctx->data;
                void *end = (void *)(long)ctx->data_end;
                struct ethhdr *eth = data;
                if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
                    return XDP_PASS;
                struct iphdr *ip = (void *)(eth + 1);
                if ((void *)(ip + 1) > end || ip->ihl < 5 || ip->protocol != IPPROTO_UDP)
                    return XDP_PASS;
                struct udphdr *udp = (void *)ip + ip->ihl * 4;
                if ((void *)(udp + 1) > end || udp->dest != bpf_htons(9))
                    return XDP_PASS;
                /* A queue without a socket in the map: XDP_PASS, to the stack. */
                return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
            }

            char LICENSE[] SEC("license") = "GPL";
            """;

    /** The frames the reference expression selects are exactly those the program redirects. */
    private static final String REFERENCE = "ip and udp dst port 9";

    @TempDir
    static Path dir;
    static Path object;

    @BeforeAll
    static void compile() throws Exception {
        Path source = Files.writeString(dir.resolve("udp9.bpf.c"), PROGRAM);
        object = dir.resolve("udp9.bpf.o");
        String multiarch = Tools.run("clang", "-print-multiarch").stdout().strip();
        // -g: the BTF that libbpf's map syntax needs; the multiarch directory: <asm/types.h> for linux/bpf.h.
        Tools.run("clang", "-O2", "-g", "-target", "bpf", "-I/usr/include/" + multiarch, "-c", source.toString(), "-o", object.toString());
    }

    /** Port-9 frames of 48 flows, and others of every kind around them; scapy's code, leaving the list {@code f}. */
    private static String frames(VethPair veth) {
        return """
                from scapy.all import Ether, Dot1Q, IP, IPv6, UDP, TCP, ICMP, ARP, Raw, IPOption_RR
                D = "%s"
                f = []
                for i in range(48):
                    src = "198.18.1.%%d" %% (1 + i %% 48)
                    f.append(Ether(dst=D) / IP(src=src, dst="198.18.0.2") / UDP(sport=20000 + 13 * i, dport=9)
                             / Raw(bytes([i]) * (4 + 29 * i)))
                    f.append([Ether(dst=D) / IP(src=src, dst="198.18.0.2") / UDP(sport=9, dport=10) / Raw(b"s" * i),
                              Ether(dst=D) / IP(src=src, dst="198.18.0.2") / TCP(sport=20000 + i, dport=9, flags="S"),
                              Ether(dst=D) / IP(src=src, dst="198.18.0.2") / ICMP() / Raw(b"p" * i),
                              Ether(dst="ff:ff:ff:ff:ff:ff") / ARP(psrc=src, pdst="198.18.0.2"),
                              Ether(dst=D) / IPv6(src="2001:db8::1", dst="2001:db8::2") / UDP(sport=20000 + i, dport=9),
                              Ether(dst=D) / Dot1Q(vlan=100) / IP(src=src, dst="198.18.0.2") / UDP(sport=20000 + i, dport=9),
                              Ether(dst=D, type=0x88b5) / Raw(bytes([i]) * 50),
                              Ether(dst=D) / IP(src=src, dst="198.18.0.2", options=[IPOption_RR()]) / UDP(sport=30000 + i, dport=9)
                              ][i %% 8])
                """.formatted(HexFormat.ofDelimiter(":").formatHex(veth.macB()));
    }

    /**
     * @param attach how bpftool attaches the program: {@code xdpdrv} (native) or {@code xdpgeneric}
     * @param queues 1 for an {@link XdpSocket}, 4 for an {@link XdpMultiQueue} (each socket at key = its queue)
     */
    @ParameterizedTest
    @CsvSource({"xdpdrv, 1", "xdpgeneric, 1", "xdpdrv, 4", "xdpgeneric, 4"})
    void socketsJoinTheMapOfAProgramOfTheirOwnAndReceiveExactlyItsFrames(String attach, int queues) throws Exception {
        try (VethPair veth = VethPair.create(queues, 1500); PrivateBpfFs fs = PrivateBpfFs.mount()) {
            String prog = "/sys/fs/bpf/udp9";
            String maps = "/sys/fs/bpf/udp9_maps";
            boolean attached = false;
            try {
                fs.run("bpftool", "prog", "load", object.toString(), prog, "type", "xdp", "pinmaps", maps)
                        .orThrow(List.of("bpftool prog load"));
                fs.runInNetns(veth.nsB(), "bpftool", "net", "attach", attach, "pinned", prog, "dev", veth.ifB())
                        .orThrow(List.of("bpftool net attach"));
                attached = true;
                int progId = veth.xdpProgId(veth.nsB(), veth.ifB());
                assertTrue(progId > 0, veth.linkDetails(veth.nsB(), veth.ifB()));
                assertEquals(attach.equals("xdpgeneric"), veth.linkDetails(veth.nsB(), veth.ifB()).contains("xdpgeneric"));

                XdpOptions options = XdpOptions.builder().externalXskMap(fs.fromHere(maps + "/xsks")).queueCount(queues)
                        .ioMode(IoMode.NONBLOCK).pollTimeout(Duration.ofMillis(5)).networkNamespace(veth.nsB()).build();
                try (ScapySender sender = ScapySender.start(veth.nsA(), veth.ifA(), dir, frames(veth), List.of())) {
                    List<byte[]> sent = sender.frames();
                    List<byte[]> selected = Tcpdump.select(sender.pcap(), REFERENCE);
                    List<byte[]> rest = FrameSets.rest(sent, selected);
                    assertEquals(48 + 6, selected.size(), "the port-9 frames: 48 plain, 6 with IP options");

                    try (XdpPort port = XdpPort.open(veth.ifB(), options)) {
                        assertEquals(progId, veth.xdpProgId(veth.nsB(), veth.ifB()), "the open attached nothing of its own");
                        assertEquals(TimestampSource.READ, port.timestampSource(), "no program of ours stamps the frames");
                        assertNull(port.modeReason());
                        try (Tcpdump stack = Tcpdump.capture(veth.nsB(), veth.ifB(), dir.resolve("stack.pcap"), rest.size(), "-Q", "in")) {
                            sender.sendAll();
                            List<byte[]> got = new ArrayList<>();
                            List<Integer> queueOf = new ArrayList<>();
                            PacketBatch batch = new PacketBatch(64);
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                            while (got.size() < selected.size() && System.nanoTime() < deadline) {
                                int n = port.zeroCopyReadPackets(batch);
                                for (int i = 0; i < n; i++) {
                                    got.add(batch.get(i).toArray());
                                    queueOf.add(batch.get(i).info().queueId());
                                }
                            }
                            port.release();
                            assertNull(FrameSets.mismatch("the sockets", selected, got));
                            for (int q = 0; q < queues; q++) {
                                List<byte[]> ofQueue = new ArrayList<>();
                                for (int i = 0; i < got.size(); i++) if (queueOf.get(i) == q) ofQueue.add(got.get(i));
                                assertTrue(FrameSets.inOrder(selected, ofQueue), "queue " + q + "'s frames in the order sent");
                            }
                            if (queues > 1) {
                                assertTrue(queueOf.stream().distinct().count() >= 2, "the flows should spread over the queues: " + queueOf);
                            }
                            List<byte[]> seen = stack.frames(20).stream().map(PcapFile.Record::data).toList();
                            assertNull(FrameSets.mismatch("tcpdump on " + veth.ifB(), rest, seen));
                        }
                        assertEquals(0, port.stats().rxInvalid());
                    }

                    // Closed: the user's program stays, and without our sockets in its map it passes everything on.
                    assertEquals(progId, veth.xdpProgId(veth.nsB(), veth.ifB()), "close leaves the user's program attached");
                    try (Tcpdump stack = Tcpdump.capture(veth.nsB(), veth.ifB(), dir.resolve("after.pcap"), sent.size(), "-Q", "in")) {
                        sender.sendAll();
                        List<byte[]> seen = stack.frames(20).stream().map(PcapFile.Record::data).toList();
                        assertNull(FrameSets.mismatch("tcpdump on " + veth.ifB() + " after close", sent, seen));
                    }
                }
            } finally {
                if (attached) fs.runInNetns(veth.nsB(), "bpftool", "net", "detach", attach, "dev", veth.ifB());
                fs.run("rm", "-rf", prog, maps);
            }
            assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()), "detached in finally");
        }
    }

    /**
     * A path where nothing is pinned, or where the map is no XSKMAP, fails the open with a message
     * that says so; nothing stays open, the queue binds again at once.
     */
    @Test
    void aPinnedMapThatIsNoXskMapIsRefused() throws Exception {
        try (VethPair veth = VethPair.create(); PrivateBpfFs fs = PrivateBpfFs.mount()) {
            fs.run("bpftool", "map", "create", "/sys/fs/bpf/counts", "type", "hash", "key", "4", "value", "4", "entries", "4",
                    "name", "counts").orThrow(List.of("bpftool map create"));
            XdpOptions.Builder options = XdpOptions.builder().networkNamespace(veth.nsB());
            XdpOptions hash = options.externalXskMap(fs.fromHere("/sys/fs/bpf/counts")).build();
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> XdpSocket.open(veth.ifB(), hash));
            assertTrue(wrong.getMessage().contains("counts") && wrong.getMessage().contains("not a BPF_MAP_TYPE_XSKMAP"), wrong.getMessage());
            XdpOptions none = options.externalXskMap(fs.fromHere("/sys/fs/bpf/nothing")).build();
            XdpException missing = assertThrows(XdpException.class, () -> XdpSocket.open(veth.ifB(), none));
            assertEquals("ENOENT", missing.errnoName(), missing.getMessage());
            try (XdpSocket s = XdpSocket.open(veth.ifB(), options.externalXskMap(null).build())) {
                assertTrue(veth.xdpAttached(veth.nsB(), veth.ifB()), "the queue is free again");
            }
        }
    }
}
