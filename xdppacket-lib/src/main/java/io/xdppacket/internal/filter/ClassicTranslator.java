package io.xdppacket.internal.filter;

import io.xdppacket.internal.bpf.Assembler;
import io.xdppacket.internal.bpf.Assembler.Label;
import io.xdppacket.internal.bpf.FrameFilter;
import io.xdppacket.internal.bpf.Insn;
import io.xdppacket.internal.bpf.RedirectProgram;

import static io.xdppacket.internal.bpf.Insn.R0;
import static io.xdppacket.internal.bpf.Insn.R1;
import static io.xdppacket.internal.bpf.Insn.R10;
import static io.xdppacket.internal.bpf.Insn.R2;
import static io.xdppacket.internal.bpf.Insn.R3;
import static io.xdppacket.internal.bpf.Insn.R4;
import static io.xdppacket.internal.bpf.Insn.R5;
import static io.xdppacket.internal.filter.ClassicInsn.*;

/**
 * Translates a classic BPF program into eBPF for XDP with direct packet access, as a
 * {@link FrameFilter} fragment.
 *
 * <p>Why not the kernel's own converter: it turns classic packet loads into {@code LD_ABS} /
 * {@code LD_IND}, which only socket filters may use. Here every packet load reads
 * {@code ctx->data} directly, behind a bounds check against {@code ctx->data_end} that the
 * verifier can follow; the classic rule "a load outside the packet ends the program with 0" becomes
 * a jump to no-match.
 *
 * <p>Registers: {@code A} lives in {@code w4}, {@code X} in {@code w5}, {@code r2}/{@code r3} hold
 * data/data_end, {@code r0} is scratch; M[0..15] are the 64 bytes below {@code r10}, M[k] at
 * {@code r10 - 64 + 4k}. Classic arithmetic is 32-bit unsigned: every ALU operation on A and X is a
 * 32-bit eBPF one, every comparison a {@code BPF_JMP32} one.
 *
 * <p>Before emitting, a forward pass over the (loop-free) classic program computes, per instruction,
 * the packet length every path to it has already checked and the registers and scratch words every
 * path has written. A load inside the checked length needs no check of its own (the verifier keeps
 * the checked range on {@code r2} along each path, so it agrees); a value read before some path
 * writes it is zeroed at the start (classic BPF starts with A = X = 0, and the verifier refuses
 * uninitialised reads).
 *
 * <p>Classic semantics kept as libpcap's interpreter has them (what {@code tcpdump -r} and
 * {@code pcap_offline_filter} select): division or modulo by X = 0 returns 0 (no match); a shift by
 * X of 32 or more leaves 0 (the kernel's socket-filter interpreter would shift by X's low 5 bits
 * instead; libpcap's compiler never shifts by a packet-derived amount unless asked to, as in
 * {@code ip[0] >> ip[1]}); the length ({@code len}, {@code #pktlen}) is {@code data_end - data}.
 */
final class ClassicTranslator {

    /** A packet offset the verifier can reason about: {@code MAX_PACKET_OFF} of kernel/bpf/verifier.c. */
    static final long MAX_PACKET_OFF = 0xffff;

    private static final int A = R4;
    private static final int X = R5;
    private static final int DATA = R2;
    private static final int DATA_END = R3;
    private static final int TMP = R0;

    /** Bits of the "written on every path" sets: M[0..15] are bits 0..15. */
    private static final int BIT_A = 1 << 16;
    private static final int BIT_X = 1 << 17;

    private final ClassicProgram program;
    private final String source;
    private final boolean[] reachable;
    /** Packet bytes checked on every path into the instruction. */
    private final long[] checkedIn;
    /** Values written on every path into the instruction (BIT_A, BIT_X, bits of M[]). */
    private final int[] writtenIn;
    /** Values some reachable instruction may read before every path wrote them: zeroed in the prologue. */
    private int zeroAtStart;
    private boolean touchesPacket;

    /**
     * Checks and analyses {@code program}.
     *
     * @param source what the program is, for error messages (the expression, or "classic BPF program")
     * @throws IllegalArgumentException naming the first instruction that cannot be translated, and why
     */
    ClassicTranslator(ClassicProgram program, String source) {
        this.program = program;
        this.source = source;
        int n = program.size();
        for (int i = 0; i < n; i++) check(i);
        reachable = new boolean[n];
        checkedIn = new long[n];
        writtenIn = new int[n];
        analyse();
    }

    // ---- checking ---------------------------------------------------------------------------------

    private void check(int i) {
        ClassicInsn c = program.get(i);
        int code = c.code();
        long k = c.unsignedK();
        switch (code) {
            case BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS,
                 BPF_LDX | BPF_MSH | BPF_B -> checkOffset(i, c);
            case BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND -> checkOffset(i, c);
            case BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN, BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM,
                 BPF_RET | BPF_K, BPF_RET | BPF_A, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA, BPF_ALU | BPF_NEG -> { }
            case BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX -> {
                if (k >= BPF_MEMWORDS) {
                    throw refuse(i, "scratch memory M[" + k + "] does not exist (classic BPF has M[0] to M["
                            + (BPF_MEMWORDS - 1) + "])");
                }
            }
            case BPF_JMP | BPF_JA -> {
                if (c.k() < 0) throw refuse(i, "jumps backward (a loop, as libpcap makes for 'protochain'); "
                        + "an XDP filter must be loop-free");
                if (i + 1 + k >= program.size()) throw refuse(i, "jumps past the end of the program");
            }
            default -> {
                if (c.isConditionalJump() && code <= 0xff && (code & 0xf0) <= BPF_JSET) {
                    if (i + 1 + Math.max(c.jt(), c.jf()) >= program.size()) {
                        throw refuse(i, "jumps past the end of the program");
                    }
                } else if (c.instructionClass() == BPF_ALU && code <= 0xff && aluOp(code) >= 0) {
                    int op = code & 0xf0;
                    if ((code & BPF_X) == 0 && (op == BPF_DIV || op == BPF_MOD) && k == 0) {
                        throw refuse(i, "divides by the constant 0 (the kernel and libpcap refuse such programs too)");
                    }
                    if ((code & BPF_X) == 0 && (op == BPF_LSH || op == BPF_RSH) && k >= 32) {
                        throw refuse(i, "shifts a 32-bit value by " + k + " bits (the kernel and libpcap refuse shifts "
                                + "by a constant of 32 or more)");
                    }
                } else {
                    throw refuse(i, "opcode 0x" + Integer.toHexString(code) + " is not a classic BPF instruction "
                            + "this translation knows");
                }
            }
        }
    }

    /** Packet loads at Linux's special negative offsets read socket metadata, which XDP does not have. */
    private void checkOffset(int i, ClassicInsn c) {
        long k = c.unsignedK();
        if (k >= Integer.toUnsignedLong(SKF_AD_OFF)) {
            String name = c.ancillaryName();
            throw refuse(i, "reads Linux ancillary data SKF_AD_OFF+" + (k - Integer.toUnsignedLong(SKF_AD_OFF))
                    + (name != null ? " (" + name + ")" : "")
                    + ", which socket filters get from the kernel's socket buffer; an XDP program sees only the "
                    + "frame's bytes (compile the expression for a capture file, e.g. with pcap_open_dead, not for a "
                    + "live interface)");
        }
        if (k >= Integer.toUnsignedLong(SKF_NET_OFF)) {
            throw refuse(i, "reads relative to Linux's network header (SKF_NET_OFF+" + (k - Integer.toUnsignedLong(SKF_NET_OFF))
                    + "), which only socket filters have");
        }
        if (k >= Integer.toUnsignedLong(SKF_LL_OFF)) {
            throw refuse(i, "reads relative to Linux's link-layer header (SKF_LL_OFF+" + (k - Integer.toUnsignedLong(SKF_LL_OFF))
                    + "), which only socket filters have");
        }
    }

    private static int aluOp(int code) {
        return switch (code & 0xf0) {
            case BPF_ADD -> Insn.BPF_ADD;
            case BPF_SUB -> Insn.BPF_SUB;
            case BPF_MUL -> Insn.BPF_MUL;
            case BPF_DIV -> Insn.BPF_DIV;
            case BPF_MOD -> Insn.BPF_MOD;
            case BPF_AND -> Insn.BPF_AND;
            case BPF_OR -> Insn.BPF_OR;
            case BPF_XOR -> Insn.BPF_XOR;
            case BPF_LSH -> Insn.BPF_LSH;
            case BPF_RSH -> Insn.BPF_RSH;
            default -> -1;
        };
    }

    private IllegalArgumentException refuse(int i, String why) {
        return new IllegalArgumentException(source + ": cannot run at XDP: classic BPF instruction "
                + program.get(i).image(i).replaceAll("\\s+", " ") + " " + why);
    }

    // ---- analysis ---------------------------------------------------------------------------------

    /** Instruction {@code i}'s successors, in program order; jumps are forward only (checked). */
    private int[] successors(int i) {
        ClassicInsn c = program.get(i);
        if (c.instructionClass() == BPF_RET) return new int[0];
        if (c.code() == (BPF_JMP | BPF_JA)) return new int[] {i + 1 + c.k()};
        if (c.isConditionalJump()) return new int[] {i + 1 + c.jt(), i + 1 + c.jf()};
        return new int[] {i + 1};
    }

    private void analyse() {
        int n = program.size();
        boolean[] seen = new boolean[n];
        reachable[0] = true;
        seen[0] = true;
        // Jumps go forward only, so program order visits every instruction after all its predecessors.
        for (int i = 0; i < n; i++) {
            if (!reachable[i]) continue;
            ClassicInsn c = program.get(i);
            int read = reads(c);
            int missing = read & ~writtenIn[i];
            zeroAtStart |= missing;
            long checkedOut = Math.max(checkedIn[i], absoluteBytes(c));
            int writtenOut = writtenIn[i] | missing | writes(c);
            int[] next = successors(i);
            if (next.length == 1 && next[0] == i + 1 && i + 1 == n) {
                throw refuse(i, "is the last instruction and not a return: the program runs off its end");
            }
            for (int s : next) {
                if (!seen[s]) {
                    seen[s] = true;
                    reachable[s] = true;
                    checkedIn[s] = checkedOut;
                    writtenIn[s] = writtenOut;
                } else {
                    checkedIn[s] = Math.min(checkedIn[s], checkedOut);
                    writtenIn[s] &= writtenOut;
                }
            }
            touchesPacket |= readsPacket(c);
        }
    }

    /** Whether the instruction needs data/data_end: a load that can be in bounds, or the length. */
    private static boolean readsPacket(ClassicInsn c) {
        int cls = c.instructionClass();
        if (cls != BPF_LD && cls != BPF_LDX) return false;
        long size = switch (c.code() & 0x18) {
            case BPF_W -> 4;
            case BPF_H -> 2;
            default -> 1;
        };
        return switch (c.code() & 0xe0) {
            case BPF_ABS, BPF_IND, BPF_MSH -> c.unsignedK() + size <= MAX_PACKET_OFF;
            case BPF_LEN -> true;
            default -> false;
        };
    }

    /** Bytes from the packet start an absolute load needs (0 for anything else, and for loads never in bounds). */
    private static long absoluteBytes(ClassicInsn c) {
        long end = switch (c.code()) {
            case BPF_LD | BPF_W | BPF_ABS -> c.unsignedK() + 4;
            case BPF_LD | BPF_H | BPF_ABS -> c.unsignedK() + 2;
            case BPF_LD | BPF_B | BPF_ABS, BPF_LDX | BPF_MSH | BPF_B -> c.unsignedK() + 1;
            default -> 0;
        };
        return end <= MAX_PACKET_OFF ? end : 0;
    }

    private static int reads(ClassicInsn c) {
        int code = c.code();
        return switch (c.instructionClass()) {
            case BPF_LD -> (code & 0xe0) == BPF_IND ? BIT_X : (code & 0xe0) == BPF_MEM ? 1 << c.k() : 0;
            case BPF_LDX -> (code & 0xe0) == BPF_MEM ? 1 << c.k() : 0;
            case BPF_ST -> BIT_A;
            case BPF_STX -> BIT_X;
            case BPF_ALU -> BIT_A | ((code & BPF_X) != 0 && (code & 0xf0) != BPF_NEG ? BIT_X : 0);
            case BPF_JMP -> code == (BPF_JMP | BPF_JA) ? 0 : BIT_A | ((code & BPF_X) != 0 ? BIT_X : 0);
            case BPF_RET -> code == (BPF_RET | BPF_A) ? BIT_A : 0;
            default -> code == (BPF_MISC | BPF_TAX) ? BIT_A : BIT_X; // TAX reads A, TXA reads X
        };
    }

    private static int writes(ClassicInsn c) {
        return switch (c.instructionClass()) {
            case BPF_LD, BPF_ALU -> BIT_A;
            case BPF_LDX -> BIT_X;
            case BPF_ST, BPF_STX -> 1 << c.k();
            case BPF_MISC -> c.code() == (BPF_MISC | BPF_TAX) ? BIT_X : BIT_A;
            default -> 0;
        };
    }

    // ---- emission ---------------------------------------------------------------------------------

    /** Stack offset of M[k]. */
    private static int mem(long k) {
        return -FrameFilter.STACK_BYTES + 4 * (int) k;
    }

    /** Emits the fragment: see {@link FrameFilter#emit}. */
    void emit(Assembler asm, Label noMatch) {
        int n = program.size();
        Label[] at = new Label[n];
        for (int i = 0; i < n; i++) at[i] = asm.newLabel("classic insn " + i);
        Label match = asm.newLabel("match");

        if (touchesPacket) {
            asm.emit(Insn.ldxW(DATA, R1, RedirectProgram.XDP_MD_DATA));
            asm.emit(Insn.ldxW(DATA_END, R1, RedirectProgram.XDP_MD_DATA_END));
        }
        if ((zeroAtStart & BIT_A) != 0) asm.emit(Insn.mov32Imm(A, 0));
        if ((zeroAtStart & BIT_X) != 0) asm.emit(Insn.mov32Imm(X, 0));
        for (int m = 0; m < BPF_MEMWORDS; m++) {
            if ((zeroAtStart & (1 << m)) != 0) asm.emit(Insn.stWImm(R10, mem(m), 0));
        }

        for (int i = 0; i < n; i++) {
            asm.bind(at[i]);
            if (reachable[i]) emitOne(asm, i, at, match, noMatch);
        }
        asm.bind(match);
    }

    /** Where a jump to classic instruction {@code t} really goes: through {@code ja}s, and straight out for a {@code ret #k}. */
    private Label target(int t, Label[] at, Label match, Label noMatch) {
        int i = t;
        while (program.get(i).code() == (BPF_JMP | BPF_JA)) i = i + 1 + program.get(i).k();
        ClassicInsn c = program.get(i);
        if (c.code() == (BPF_RET | BPF_K)) return c.k() != 0 ? match : noMatch;
        return at[i];
    }

    private void emitOne(Assembler asm, int i, Label[] at, Label match, Label noMatch) {
        ClassicInsn c = program.get(i);
        int code = c.code();
        long k = c.unsignedK();
        switch (code) {
            case BPF_LD | BPF_W | BPF_ABS -> loadAbsolute(asm, A, k, 4, checkedIn[i], noMatch);
            case BPF_LD | BPF_H | BPF_ABS -> loadAbsolute(asm, A, k, 2, checkedIn[i], noMatch);
            case BPF_LD | BPF_B | BPF_ABS -> loadAbsolute(asm, A, k, 1, checkedIn[i], noMatch);
            case BPF_LDX | BPF_MSH | BPF_B -> {
                loadAbsolute(asm, X, k, 1, checkedIn[i], noMatch);
                asm.emit(Insn.alu32Imm(Insn.BPF_AND, X, 0xf));
                asm.emit(Insn.alu32Imm(Insn.BPF_LSH, X, 2));
            }
            case BPF_LD | BPF_W | BPF_IND -> loadIndirect(asm, k, 4, noMatch);
            case BPF_LD | BPF_H | BPF_IND -> loadIndirect(asm, k, 2, noMatch);
            case BPF_LD | BPF_B | BPF_IND -> loadIndirect(asm, k, 1, noMatch);
            case BPF_LD | BPF_W | BPF_LEN -> length(asm, A);
            case BPF_LDX | BPF_W | BPF_LEN -> length(asm, X);
            case BPF_LD | BPF_IMM -> asm.emit(Insn.mov32Imm(A, c.k()));
            case BPF_LDX | BPF_IMM -> asm.emit(Insn.mov32Imm(X, c.k()));
            case BPF_LD | BPF_MEM -> asm.emit(Insn.ldxW(A, R10, mem(k)));
            case BPF_LDX | BPF_MEM -> asm.emit(Insn.ldxW(X, R10, mem(k)));
            case BPF_ST -> asm.emit(Insn.stxW(R10, A, mem(k)));
            case BPF_STX -> asm.emit(Insn.stxW(R10, X, mem(k)));
            case BPF_MISC | BPF_TAX -> asm.emit(Insn.mov32Reg(X, A));
            case BPF_MISC | BPF_TXA -> asm.emit(Insn.mov32Reg(A, X));
            case BPF_ALU | BPF_NEG -> asm.emit(Insn.neg32(A));
            case BPF_RET | BPF_K -> asm.jump(c.k() != 0 ? match : noMatch);
            case BPF_RET | BPF_A -> {
                asm.jump(Insn.jmp32Imm(Insn.BPF_JEQ, A, 0, 0), noMatch);
                asm.jump(match);
            }
            case BPF_JMP | BPF_JA -> asm.jump(target(i, at, match, noMatch));
            default -> {
                if (c.instructionClass() == BPF_ALU) {
                    alu(asm, c, noMatch);
                } else {
                    conditional(asm, i, c, at, match, noMatch);
                }
            }
        }
    }

    /**
     * {@code dst = ntoh(*(size *)(data + k))}, checked against data_end unless every path already
     * checked at least {@code k + size} bytes. A load that can never be in bounds is a no-match.
     */
    private void loadAbsolute(Assembler asm, int dst, long k, int size, long checked, Label noMatch) {
        long end = k + size;
        if (end > MAX_PACKET_OFF) {
            asm.jump(noMatch);
            return;
        }
        boolean near = k <= Short.MAX_VALUE;  // fits the instruction's signed 16-bit offset
        if (checked >= end) {
            if (near) {
                asm.emit(load(dst, DATA, (int) k, size));
            } else {
                asm.emit(Insn.mov64Reg(TMP, DATA));
                asm.emit(Insn.add64Imm(TMP, (int) k));
                asm.emit(load(dst, TMP, 0, size));
            }
        } else {
            // tmp = data + k + size; if tmp > data_end: out of bounds. The verifier then knows
            // data has k + size readable bytes, on this path and all that follow it.
            asm.emit(Insn.mov64Reg(TMP, DATA));
            asm.emit(Insn.add64Imm(TMP, (int) end));
            asm.jump(Insn.jmpReg(Insn.BPF_JGT, TMP, DATA_END, 0), noMatch);
            asm.emit(near ? load(dst, DATA, (int) k, size) : load(dst, TMP, -size, size));
        }
        if (size > 1) asm.emit(Insn.toBigEndian(dst, size * 8));
    }

    /** {@code A = ntoh(*(size *)(data + X + k))}: X bounded first, so that the verifier accepts the pointer. */
    private void loadIndirect(Assembler asm, long k, int size, Label noMatch) {
        long limit = MAX_PACKET_OFF - k - size;
        if (limit < 0) {
            asm.jump(noMatch);
            return;
        }
        // tmp = (u32) X; if tmp > limit: out of bounds (and the verifier learns tmp's bound).
        asm.emit(Insn.mov32Reg(TMP, X));
        asm.jump(Insn.jmpImm(Insn.BPF_JGT, TMP, (int) limit, 0), noMatch);
        // tmp = data + X + (k + size): the constant part stays the pointer's fixed offset, which the
        // verifier's range check needs (a bound on the variable part alone gives no range).
        asm.emit(Insn.add64Reg(TMP, DATA));
        asm.emit(Insn.add64Imm(TMP, (int) (k + size)));
        asm.jump(Insn.jmpReg(Insn.BPF_JGT, TMP, DATA_END, 0), noMatch);
        asm.emit(load(A, TMP, -size, size));
        if (size > 1) asm.emit(Insn.toBigEndian(A, size * 8));
    }

    private static Insn load(int dst, int base, int off, int size) {
        return switch (size) {
            case 4 -> Insn.ldxW(dst, base, off);
            case 2 -> Insn.ldxH(dst, base, off);
            default -> Insn.ldxB(dst, base, off);
        };
    }

    /** {@code dst = data_end - data}: the frame's length (of its first buffer, for a multi-buffer frame). */
    private static void length(Assembler asm, int dst) {
        asm.emit(Insn.mov64Reg(dst, DATA_END));
        asm.emit(Insn.sub64Reg(dst, DATA));
    }

    private void alu(Assembler asm, ClassicInsn c, Label noMatch) {
        int op = aluOp(c.code());
        if ((c.code() & BPF_X) == 0) {
            asm.emit(Insn.alu32Imm(op, A, c.k()));
            return;
        }
        if (op == Insn.BPF_DIV || op == Insn.BPF_MOD) {
            // Classic BPF ends the program with 0 on division by zero; eBPF would yield 0 or A and go on.
            asm.jump(Insn.jmp32Imm(Insn.BPF_JEQ, X, 0, 0), noMatch);
        } else if (op == Insn.BPF_LSH || op == Insn.BPF_RSH) {
            // libpcap shifts everything out when X >= 32; eBPF (like the CPU) would shift by X & 31.
            Label zero = asm.newLabel("shift out");
            Label done = asm.newLabel("shifted");
            asm.jump(Insn.jmp32Imm(Insn.BPF_JGT, X, 31, 0), zero);
            asm.emit(Insn.alu32Reg(op, A, X));
            asm.jump(done);
            asm.bind(zero);
            asm.emit(Insn.mov32Imm(A, 0));
            asm.bind(done);
            return;
        }
        asm.emit(Insn.alu32Reg(op, A, X));
    }

    private void conditional(Assembler asm, int i, ClassicInsn c, Label[] at, Label match, Label noMatch) {
        Label t = target(i + 1 + c.jt(), at, match, noMatch);
        Label f = target(i + 1 + c.jf(), at, match, noMatch);
        int op = switch (c.code() & 0xf0) {
            case BPF_JEQ -> Insn.BPF_JEQ;
            case BPF_JGT -> Insn.BPF_JGT;
            case BPF_JGE -> Insn.BPF_JGE;
            default -> Insn.BPF_JSET;
        };
        boolean x = (c.code() & BPF_X) != 0;
        // The assembler turns "if c goto t; goto f; t:" into "if !c goto f" where c has an opposite.
        asm.jump(x ? Insn.jmp32Reg(op, A, X, 0) : Insn.jmp32Imm(op, A, c.k(), 0), t);
        asm.jump(f);
    }
}
