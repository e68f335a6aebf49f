package io.xdppacket.internal.bpf;

import io.xdppacket.XdpException;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.List;
import java.util.Optional;

import static io.xdppacket.internal.bpf.Insn.R0;
import static io.xdppacket.internal.bpf.Insn.R1;
import static io.xdppacket.internal.bpf.Insn.R10;
import static io.xdppacket.internal.bpf.Insn.R2;
import static io.xdppacket.internal.bpf.Insn.R3;
import static io.xdppacket.internal.bpf.Insn.R4;
import static io.xdppacket.internal.bpf.Insn.R6;
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
 *
 * <p>A {@link ProgramSpec} adds, in front of the redirect, a per-frame timestamp in the XDP
 * metadata ({@link TimestampClock}) and a filter ({@link FrameFilter}) whose rejected frames go on
 * to the stack, counted with the matched ones in {@link #counters()}:
 *
 * <pre>
 *   r6 = ctx
 *   if (timestamps &amp;&amp; bpf_xdp_adjust_meta(ctx, -8) == 0)      // no metadata support: no stamp
 *       *(u64 *)ctx-&gt;data_meta = bpf_ktime_get_tai_ns();
 *   [filter]  -- no match: counts.passed++, return XDP_PASS
 *   counts.matched++
 *   return bpf_redirect_map(&amp;xsks_map, ctx-&gt;rx_queue_index, XDP_PASS);
 * </pre>
 */
public final class RedirectProgram implements AutoCloseable {
    /** The name {@code bpftool prog} shows. */
    public static final String NAME = "xdppkt_redirect";
    /** GPL-compatible, as the reference program's; bpf_redirect_map itself is not GPL-only. */
    public static final String LICENSE = "Dual MIT/GPL";

    /** {@code struct xdp_md}: the context an XDP program sees in r1 (uapi bpf.h, 6.1). */
    public static final StructLayout XDP_MD = MemoryLayout.structLayout(
            JAVA_INT.withName("data"),
            JAVA_INT.withName("data_end"),
            JAVA_INT.withName("data_meta"),
            JAVA_INT.withName("ingress_ifindex"),
            JAVA_INT.withName("rx_queue_index"),
            JAVA_INT.withName("egress_ifindex")).withName("xdp_md");
    /** Offset of {@code ctx->data} (the frame's first byte; the verifier makes it a packet pointer). */
    public static final int XDP_MD_DATA = (int) XDP_MD.byteOffset(groupElement("data"));
    /** Offset of {@code ctx->data_end} (one past the frame's last byte in the first buffer). */
    public static final int XDP_MD_DATA_END = (int) XDP_MD.byteOffset(groupElement("data_end"));
    /** Offset of {@code ctx->data_meta} (start of the metadata area; equals data when there is none). */
    public static final int XDP_MD_DATA_META = (int) XDP_MD.byteOffset(groupElement("data_meta"));
    static final int RX_QUEUE_INDEX = (int) XDP_MD.byteOffset(groupElement("rx_queue_index"));

    /** Bytes of metadata the timestamp takes in front of the frame: one u64. */
    public static final int META_TIMESTAMP_BYTES = 8;
    /** Where the counters' map key lives on the stack: below what a filter may use. */
    static final int COUNTER_KEY_OFFSET = -FrameFilter.STACK_BYTES - 8;

    private final ProgramSpec spec;
    private final ProgramCounters counters;
    private final int id;
    private final int mapId;
    private int fd;

    private RedirectProgram(int fd, int id, int mapId, ProgramSpec spec, ProgramCounters counters) {
        this.fd = fd;
        this.id = id;
        this.mapId = mapId;
        this.spec = spec;
        this.counters = counters;
    }

    /** The plain program ({@link ProgramSpec#PLAIN}), for an XSKMAP whose fd is {@code mapFd}. */
    public static List<Insn> instructions(int mapFd) {
        return instructions(mapFd, -1, ProgramSpec.PLAIN);
    }

    /**
     * The program for {@code spec}, an XSKMAP whose fd is {@code mapFd} and, when the spec counts,
     * a {@link ProgramCounters} map whose fd is {@code countersFd}.
     *
     * @throws IllegalArgumentException if the spec counts and {@code countersFd} is negative
     */
    public static List<Insn> instructions(int mapFd, int countersFd, ProgramSpec spec) {
        if (spec.counts() && countersFd < 0) {
            throw new IllegalArgumentException("a program with a filter needs its counters map (fd " + countersFd + ")");
        }
        Assembler asm = new Assembler();
        // Helper calls clobber r1..r5: keep the context in r6 (callee-saved) when there are any.
        boolean calls = spec.timestamps() != null || spec.counts();
        int ctx = calls ? R6 : R1;
        if (calls) asm.emit(Insn.mov64Reg(R6, R1));
        if (spec.timestamps() != null) emitTimestamp(asm, spec.timestamps());

        Assembler.Label passed = asm.newLabel("passed");
        if (spec.filter() != null) {
            spec.filter().emit(asm, passed);
            emitCount(asm, countersFd, ProgramCounters.MATCHED_OFFSET);
        }
        // r2 = ctx->rx_queue_index: the key. The verifier turns this into a load of rxq->queue_index.
        asm.emit(Insn.ldxW(R2, ctx, RX_QUEUE_INDEX));
        // r1 = &xsks_map: the verifier swaps the fd for the map's address.
        asm.emit(Insn.ldMapFd(R1, mapFd));
        // r3 = flags: the action when the queue has no socket.
        asm.emit(Insn.mov64Imm(R3, Bpf.XDP_PASS));
        // r0 = bpf_redirect_map(r1, r2, r3): XDP_REDIRECT on a hit, else r3's action.
        asm.emit(Insn.call(Bpf.BPF_FUNC_redirect_map));
        asm.emit(Insn.exit());

        asm.bind(passed);
        if (spec.counts()) emitCount(asm, countersFd, ProgramCounters.PASSED_OFFSET);
        asm.emit(Insn.mov64Imm(R0, Bpf.XDP_PASS));
        asm.emit(Insn.exit());
        return asm.assemble();
    }

    /**
     * Grows the metadata area by 8 bytes and writes the clock's reading there. A driver without
     * metadata support (or metadata already at the 32-byte limit) makes {@code bpf_xdp_adjust_meta}
     * fail: the frame then goes on unstamped. Expects the context in r1 and r6; leaves it in both.
     */
    private static void emitTimestamp(Assembler asm, TimestampClock clock) {
        Assembler.Label done = asm.newLabel("stamped");
        asm.emit(Insn.mov64Imm(R2, -META_TIMESTAMP_BYTES));
        asm.emit(Insn.call(Bpf.BPF_FUNC_xdp_adjust_meta));
        asm.jump(Insn.jneImm(R0, 0, 0), done);
        asm.emit(Insn.call(clock.helper()));
        // adjust_meta invalidated all packet pointers: load data_meta and data afresh, and show the
        // verifier that the 8 bytes lie between them.
        asm.emit(Insn.ldxW(R2, R6, XDP_MD_DATA_META));
        asm.emit(Insn.ldxW(R3, R6, XDP_MD_DATA));
        asm.emit(Insn.mov64Reg(R4, R2));
        asm.emit(Insn.add64Imm(R4, META_TIMESTAMP_BYTES));
        asm.jump(Insn.jgtReg(R4, R3, 0), done);
        asm.emit(Insn.stxDW(R2, R0, 0));
        asm.bind(done);
        asm.emit(Insn.mov64Reg(R1, R6));
    }

    /** {@code counts[0].field += 1} on this CPU's copy; {@code fieldOffset} is a {@link ProgramCounters} offset. */
    private static void emitCount(Assembler asm, int countersFd, int fieldOffset) {
        Assembler.Label done = asm.newLabel("counted");
        asm.emit(Insn.stWImm(R10, COUNTER_KEY_OFFSET, 0));
        asm.emit(Insn.mov64Reg(R2, R10));
        asm.emit(Insn.add64Imm(R2, COUNTER_KEY_OFFSET));
        asm.emit(Insn.ldMapFd(R1, countersFd));
        asm.emit(Insn.call(Bpf.BPF_FUNC_map_lookup_elem));
        // An array lookup of key 0 never misses, but the verifier insists on the check.
        asm.jump(Insn.jeqImm(R0, 0, 0), done);
        asm.emit(Insn.ldxDW(R1, R0, fieldOffset));
        asm.emit(Insn.add64Imm(R1, 1));
        asm.emit(Insn.stxDW(R0, R1, fieldOffset));
        asm.bind(done);
    }

    /**
     * Loads the plain program for {@code map}.
     *
     * @param frags load with {@code BPF_F_XDP_HAS_FRAGS}: see {@link ProgramSpec#frags()}
     */
    public static RedirectProgram load(XskMap map, boolean frags) throws XdpException {
        return load(map, ProgramSpec.PLAIN.withFrags(frags));
    }

    /**
     * Loads the program for {@code map} as {@code spec} says; with a filter it creates its
     * {@link ProgramCounters}, which it owns.
     *
     * @throws XdpException if the kernel refuses the program (the verifier's log in the hint) or the counters map
     */
    public static RedirectProgram load(XskMap map, ProgramSpec spec) throws XdpException {
        ProgramCounters counters = spec.counts() ? ProgramCounters.create() : null;
        int fd = -1;
        try {
            fd = Bpf.progLoad(Bpf.BPF_PROG_TYPE_XDP, Bpf.BPF_XDP,
                    instructions(map.fd(), counters == null ? -1 : counters.fd(), spec), LICENSE,
                    spec.frags() ? Bpf.BPF_F_XDP_HAS_FRAGS : 0, NAME);
            return new RedirectProgram(fd, Bpf.progInfo(fd).id(), map.id(), spec, counters);
        } catch (XdpException | RuntimeException e) {
            if (fd >= 0) Bpf.closeFd(fd);
            if (counters != null) counters.close();
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

    /** What the program was built from. */
    public ProgramSpec spec() {
        return spec;
    }

    /** Whether it was loaded with {@code BPF_F_XDP_HAS_FRAGS}. */
    public boolean frags() {
        return spec.frags();
    }

    /** The matched/passed counters, present when the program filters. Closed with the program. */
    public Optional<ProgramCounters> counters() {
        return Optional.ofNullable(counters);
    }

    /**
     * Closes our fds (program and counters); an attachment holds its own reference, so an attached
     * program keeps running. Idempotent.
     */
    @Override
    public void close() {
        if (fd < 0) return;
        Bpf.closeFd(fd);
        fd = -1;
        if (counters != null) counters.close();
    }

    @Override
    public String toString() {
        return "RedirectProgram[id " + id + ", map id " + mapId
                + (spec.filter() != null ? ", " + spec.filter().description() : "")
                + (spec.timestamps() != null ? ", stamps " + spec.timestamps() : "")
                + (spec.frags() ? ", frags" : "") + (fd < 0 ? ", closed]" : "]");
    }
}
