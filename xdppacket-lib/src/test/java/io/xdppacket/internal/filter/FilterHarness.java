package io.xdppacket.internal.filter;

import io.xdppacket.XdpException;
import io.xdppacket.internal.bpf.Assembler;
import io.xdppacket.internal.bpf.Bpf;
import io.xdppacket.internal.bpf.FrameFilter;
import io.xdppacket.internal.bpf.Insn;
import io.xdppacket.internal.bpf.RedirectProgram;

import java.util.List;

/**
 * A filter fragment in a test program of its own, run in the kernel with {@code BPF_PROG_TEST_RUN}:
 * {@code [filter] -> XDP_TX on match, XDP_PASS otherwise}.
 *
 * <p>The kernel runs XDP programs only on frames of at least {@value #MIN_FRAME} bytes (an Ethernet
 * header; measured on 6.18: shorter ones are refused with EINVAL even with metadata in front), as
 * real XDP receive paths do.
 */
final class FilterHarness implements AutoCloseable {
    /** The shortest frame the kernel test-runs. */
    static final int MIN_FRAME = 14;

    private final int fd;
    private final List<Insn> program;

    private FilterHarness(int fd, List<Insn> program) {
        this.fd = fd;
        this.program = program;
    }

    /** The test program around {@code filter}. */
    static List<Insn> program(FrameFilter filter) {
        Assembler asm = new Assembler();
        Assembler.Label noMatch = asm.newLabel("no match");
        filter.emit(asm, noMatch);
        asm.emit(Insn.mov64Imm(Insn.R0, Bpf.XDP_TX));
        asm.emit(Insn.exit());
        asm.bind(noMatch);
        asm.emit(Insn.mov64Imm(Insn.R0, Bpf.XDP_PASS));
        asm.emit(Insn.exit());
        return asm.assemble();
    }

    /** Verifies and loads the test program; throws the verifier's rejection as it comes. */
    static FilterHarness load(FrameFilter filter) throws XdpException {
        List<Insn> p = program(filter);
        return new FilterHarness(Bpf.progLoad(Bpf.BPF_PROG_TYPE_XDP, Bpf.BPF_XDP, p, RedirectProgram.LICENSE, 0,
                "xdppkt_ftest"), p);
    }

    /** The verifier's summary for the test program ("processed N insns ..."). */
    static String verifierStats(FrameFilter filter) throws XdpException {
        return Bpf.verifierStats(Bpf.BPF_PROG_TYPE_XDP, Bpf.BPF_XDP, program(filter), RedirectProgram.LICENSE, 0,
                "xdppkt_ftest");
    }

    List<Insn> program() {
        return program;
    }

    /** Whether the filter, run by the kernel, matches {@code frame}. */
    boolean matches(byte[] frame) throws XdpException {
        int r = run(frame).retval();
        if (r == Bpf.XDP_TX) return true;
        if (r == Bpf.XDP_PASS) return false;
        throw new AssertionError("test program returned " + r + " for " + frame.length + " bytes");
    }

    Bpf.TestRun run(byte[] frame) throws XdpException {
        return Bpf.progTestRun(fd, frame, null, 1);
    }

    /** The kernel's id of the test program ({@code bpftool prog dump xlated id N}). */
    int id() throws XdpException {
        return Bpf.progInfo(fd).id();
    }

    @Override
    public void close() {
        Bpf.closeFd(fd);
    }
}
