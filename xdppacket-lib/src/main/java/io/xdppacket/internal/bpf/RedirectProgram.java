package io.xdppacket.internal.bpf;

import io.xdppacket.XdpException;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.List;

import static io.xdppacket.internal.bpf.Insn.R1;
import static io.xdppacket.internal.bpf.Insn.R2;
import static io.xdppacket.internal.bpf.Insn.R3;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The XDP program that hands each frame to the AF_XDP socket of its RX queue:
 *
 * <pre>
 *   return bpf_redirect_map(&amp;xsks_map, ctx-&gt;rx_queue_index, XDP_PASS);
 * </pre>
 *
 * A queue without a socket in the map passes its frames on to the network stack: for an XSKMAP the
 * low bits of the helper's flags are the action returned when the lookup finds nothing (Linux 5.3;
 * older kernels return XDP_ABORTED there, which drops the frame). This is the same program as
 * xdpsock's and libxdp's default, usually loaded from {@code xdpsock_kern.o}: we emit it
 * ourselves, so no object file, clang or bpffs is needed.
 */
public final class RedirectProgram implements AutoCloseable {
    /** The name {@code bpftool prog} shows. */
    public static final String NAME = "xdppkt_redirect";
    /** GPL-compatible, as the reference program's; bpf_redirect_map itself is not GPL-only. */
    static final String LICENSE = "Dual MIT/GPL";

    /** {@code struct xdp_md}: the context an XDP program sees in r1 (uapi bpf.h, 6.1). */
    static final StructLayout XDP_MD = MemoryLayout.structLayout(
            JAVA_INT.withName("data"),
            JAVA_INT.withName("data_end"),
            JAVA_INT.withName("data_meta"),
            JAVA_INT.withName("ingress_ifindex"),
            JAVA_INT.withName("rx_queue_index"),
            JAVA_INT.withName("egress_ifindex")).withName("xdp_md");
    static final int RX_QUEUE_INDEX = (int) XDP_MD.byteOffset(groupElement("rx_queue_index"));

    private final boolean frags;
    private final int id;
    private final int mapId;
    private int fd;

    private RedirectProgram(int fd, int id, int mapId, boolean frags) {
        this.fd = fd;
        this.id = id;
        this.mapId = mapId;
        this.frags = frags;
    }

    /** The program, for an XSKMAP whose fd is {@code mapFd}. */
    public static List<Insn> instructions(int mapFd) {
        return List.of(
                // r2 = ctx->rx_queue_index: the key. The verifier turns this into a load of rxq->queue_index.
                Insn.ldxW(R2, R1, RX_QUEUE_INDEX),
                // r1 = &xsks_map: the verifier swaps the fd for the map's address.
                Insn.ldMapFd(R1, mapFd),
                // r3 = flags: the action when the queue has no socket.
                Insn.mov64Imm(R3, Bpf.XDP_PASS),
                // r0 = bpf_redirect_map(r1, r2, r3): XDP_REDIRECT on a hit, else r3's action.
                Insn.call(Bpf.BPF_FUNC_redirect_map),
                // return r0 (bpf_redirect_map's result)
                Insn.exit());
    }

    /**
     * Loads the program for {@code map}.
     *
     * @param frags load with {@code BPF_F_XDP_HAS_FRAGS}: the program accepts multi-buffer frames,
     *              which native XDP needs when the MTU does not fit one page (veth: above about
     *              3.5 kB) and AF_XDP needs for {@code XDP_USE_SG} (Linux 5.18)
     */
    public static RedirectProgram load(XskMap map, boolean frags) throws XdpException {
        int fd = Bpf.progLoad(Bpf.BPF_PROG_TYPE_XDP, Bpf.BPF_XDP, instructions(map.fd()), LICENSE,
                frags ? Bpf.BPF_F_XDP_HAS_FRAGS : 0, NAME);
        try {
            return new RedirectProgram(fd, Bpf.progInfo(fd).id(), map.id(), frags);
        } catch (XdpException | RuntimeException e) {
            Bpf.closeFd(fd);
            throw e;
        }
    }

    /** The program's fd, for attaching. Valid until {@link #close()}; -1 after. */
    public int fd() {
        return fd;
    }

    /** The kernel's id of the program ({@code bpftool prog show id N}, {@code ip -d link}'s {@code prog/xdp id N}). */
    public int id() {
        return id;
    }

    /** The id of the XSKMAP the program redirects to. */
    public int mapId() {
        return mapId;
    }

    /** Whether it was loaded with {@code BPF_F_XDP_HAS_FRAGS}. */
    public boolean frags() {
        return frags;
    }

    /** Closes our fd; an attachment holds its own reference, so an attached program keeps running. Idempotent. */
    @Override
    public void close() {
        if (fd < 0) return;
        Bpf.closeFd(fd);
        fd = -1;
    }

    @Override
    public String toString() {
        return "RedirectProgram[id " + id + ", map id " + mapId + (frags ? ", frags" : "") + (fd < 0 ? ", closed]" : "]");
    }
}
