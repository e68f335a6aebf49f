package io.xdppacket.internal.filter;

import io.xdppacket.XdpUnavailableException;
import io.xdppacket.internal.bpf.Assembler;
import io.xdppacket.internal.bpf.Bpf;
import io.xdppacket.internal.bpf.FrameFilter;
import io.xdppacket.internal.bpf.Insn;

import java.util.List;

/**
 * A pcap-filter expression (or a classic BPF program) translated into an eBPF fragment for an XDP
 * program: frames it matches go on to the code after it, the others to a no-match label (see
 * {@link FrameFilter} for the exact contract). {@link io.xdppacket.internal.bpf.RedirectProgram}
 * puts it in front of the redirect, so that only matching frames reach the AF_XDP sockets and the
 * rest continue to the kernel's stack.
 *
 * <p>The classic program runs on the frame as XDP sees it: from the Ethernet header, VLAN tags
 * included. Its semantics are kept exactly (checked against libpcap's own interpreter), with two
 * limits of XDP: the length ({@code len}, {@code greater}, {@code less}) and every load see only the
 * frame's first buffer when the frame is multi-buffer (jumbo frames with {@code BPF_F_XDP_HAS_FRAGS});
 * and {@code len} is computed by subtracting packet pointers, which the verifier allows to
 * {@code CAP_PERFMON} (root has it).
 *
 * <p>Immutable and thread-safe; emitting it is cheap and can be repeated.
 */
public final class XdpFilter implements FrameFilter {
    private final ClassicProgram classic;
    private final String description;
    private final ClassicTranslator translator;

    private XdpFilter(ClassicProgram classic, String description) {
        this.classic = classic;
        this.description = description;
        this.translator = new ClassicTranslator(classic, description);
    }

    /**
     * Compiles a pcap-filter expression with the system's libpcap ({@link Libpcap#compile}) and
     * translates it.
     *
     * @throws IllegalArgumentException if libpcap rejects the expression, or its program uses what XDP
     *                                  does not have (the message names the instruction)
     * @throws XdpUnavailableException  if libpcap is not installed (the message names the package)
     */
    public static XdpFilter compile(String expression) throws XdpUnavailableException {
        return new XdpFilter(Libpcap.compile(expression), "filter '" + expression + "'");
    }

    /**
     * Translates a classic BPF program.
     *
     * @param description what it is, for messages, e.g. {@code "filter 'udp port 53'"}
     * @throws IllegalArgumentException naming the first instruction that cannot run at XDP, and why
     */
    public static XdpFilter of(ClassicProgram program, String description) {
        return new XdpFilter(program, description);
    }

    /**
     * Reads a classic BPF program as {@code tcpdump -ddd EXPRESSION} prints it and translates it:
     * filters for hosts without libpcap.
     *
     * @throws IllegalArgumentException if the text is not such a program (naming the line), or the
     *                                  program cannot run at XDP (naming the instruction)
     */
    public static XdpFilter parseDddText(String text) {
        ClassicProgram p = ClassicProgram.parseDddText(text);
        return new XdpFilter(p, "classic BPF program (" + p.size() + " instructions)");
    }

    /** The classic program this was translated from. */
    public ClassicProgram classic() {
        return classic;
    }

    @Override
    public void emit(Assembler asm, Assembler.Label noMatch) {
        translator.emit(asm, noMatch);
    }

    /**
     * The fragment on its own: a frame that does not match makes the program return
     * {@code XDP_PASS}; one that matches runs past the last instruction, where the caller appends
     * what to do with it. For splicing into a program built without an {@link Assembler}, and for
     * counting instructions.
     */
    public List<Insn> instructions() {
        Assembler asm = new Assembler();
        Assembler.Label noMatch = asm.newLabel("no match");
        Assembler.Label end = asm.newLabel("end");
        emit(asm, noMatch);
        asm.jump(end);
        asm.bind(noMatch);
        asm.emit(Insn.mov64Imm(Insn.R0, Bpf.XDP_PASS));
        asm.emit(Insn.exit());
        asm.bind(end);
        return asm.assemble();
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return "XdpFilter[" + description + ", " + classic.size() + " classic instructions]";
    }
}
