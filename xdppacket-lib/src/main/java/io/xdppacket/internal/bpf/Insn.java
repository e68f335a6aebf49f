package io.xdppacket.internal.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * One eBPF instruction, {@code struct bpf_insn} of {@code <linux/bpf.h>}: an 8-bit opcode, two 4-bit
 * registers, a signed 16-bit offset and a signed 32-bit immediate, 8 bytes little-endian. The one
 * exception is {@code ld_imm64} ({@link #ldImm64}, {@link #ldMapFd}): one instruction in two slots
 * (16 bytes), the second slot carrying the upper 32 bits of the immediate.
 *
 * <p>Values are made only by the named builders, so every {@code Insn} is well formed; the builders'
 * argument order is the kernel's {@code BPF_*} macros' (include/linux/filter.h). Jump offsets count
 * slots from the next instruction, so an {@code ld_imm64} in between counts twice.
 *
 * <p>{@link #toString()} prints the kernel's disassembly syntax as {@code bpftool prog dump xlated}
 * shows it, without the index and opcode columns: {@code r2 = *(u32 *)(r1 +16)}, {@code if r1 == 0x0
 * goto pc+1}, {@code call 51}. A map reference not yet loaded prints as {@code r1 = map[fd:5]}
 * (bpftool prints loaded ones as {@code map[id:N]}).
 */
public final class Insn {

    // ---- instruction classes (bpf_common.h, BPF_JMP32/BPF_ALU64 from bpf.h) -------------------
    public static final int BPF_LD = 0x00;
    public static final int BPF_LDX = 0x01;
    public static final int BPF_ST = 0x02;
    public static final int BPF_STX = 0x03;
    public static final int BPF_ALU = 0x04;
    public static final int BPF_JMP = 0x05;
    public static final int BPF_JMP32 = 0x06;
    public static final int BPF_ALU64 = 0x07;

    // ---- ld/ldx/st/stx sizes ---------------------------------------------------------------
    public static final int BPF_W = 0x00;
    public static final int BPF_H = 0x08;
    public static final int BPF_B = 0x10;
    public static final int BPF_DW = 0x18;

    // ---- ld/ldx/st/stx modes ---------------------------------------------------------------
    public static final int BPF_IMM = 0x00;
    public static final int BPF_MEM = 0x60;

    // ---- alu operations ----------------------------------------------------------------------
    public static final int BPF_ADD = 0x00;
    public static final int BPF_SUB = 0x10;
    public static final int BPF_MUL = 0x20;
    public static final int BPF_DIV = 0x30;
    public static final int BPF_OR = 0x40;
    public static final int BPF_AND = 0x50;
    public static final int BPF_LSH = 0x60;
    public static final int BPF_RSH = 0x70;
    public static final int BPF_NEG = 0x80;
    public static final int BPF_MOD = 0x90;
    public static final int BPF_XOR = 0xa0;
    public static final int BPF_MOV = 0xb0;
    public static final int BPF_ARSH = 0xc0;
    /** Byte swap ({@link #toBigEndian}); the source bit says which order the value is converted to. */
    public static final int BPF_END = 0xd0;

    /** {@code BPF_END}'s source bit: convert between host order and big-endian (network order). */
    public static final int BPF_TO_BE = 0x08;

    // ---- jump operations ---------------------------------------------------------------------
    public static final int BPF_JA = 0x00;
    public static final int BPF_JEQ = 0x10;
    public static final int BPF_JGT = 0x20;
    public static final int BPF_JGE = 0x30;
    public static final int BPF_JSET = 0x40;
    public static final int BPF_JNE = 0x50;
    public static final int BPF_JSGT = 0x60;
    public static final int BPF_JSGE = 0x70;
    public static final int BPF_CALL = 0x80;
    public static final int BPF_EXIT = 0x90;
    public static final int BPF_JLT = 0xa0;
    public static final int BPF_JLE = 0xb0;
    public static final int BPF_JSLT = 0xc0;
    public static final int BPF_JSLE = 0xd0;

    // ---- operand source ------------------------------------------------------------------------
    /** The operand is the immediate. */
    public static final int BPF_K = 0x00;
    /** The operand is the source register. */
    public static final int BPF_X = 0x08;

    /** {@code ld_imm64} src_reg: imm is a map fd, which the verifier replaces by the map's address. */
    public static final int BPF_PSEUDO_MAP_FD = 1;

    // ---- registers -------------------------------------------------------------------------------
    /** Return value, and helper return value. */
    public static final int R0 = 0;
    /** First argument: the program's context on entry. */
    public static final int R1 = 1;
    public static final int R2 = 2;
    public static final int R3 = 3;
    public static final int R4 = 4;
    public static final int R5 = 5;
    /** R6 to R9 are callee-saved: helpers leave them alone. */
    public static final int R6 = 6;
    public static final int R7 = 7;
    public static final int R8 = 8;
    public static final int R9 = 9;
    /** Read-only frame pointer; the stack is the 512 bytes below it. */
    public static final int R10 = 10;

    /** Bytes per instruction slot. */
    public static final int SLOT_SIZE = 8;

    private static final ValueLayout.OfShort LE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int opcode;
    private final int dst;
    private final int src;
    private final int off;
    private final long imm;

    private Insn(int opcode, int dst, int src, int off, long imm) {
        this.opcode = opcode;
        this.dst = dst;
        this.src = src;
        this.off = off;
        this.imm = imm;
    }

    private static Insn of(int opcode, int dst, int src, int off, long imm) {
        if (dst < R0 || dst > R10) throw new IllegalArgumentException("dst register r" + dst + " out of r0..r10");
        if (src < R0 || src > R10) throw new IllegalArgumentException("src register r" + src + " out of r0..r10");
        if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + off + " out of the signed 16-bit range");
        }
        return new Insn(opcode, dst, src, off, imm);
    }

    // ---- moves and arithmetic --------------------------------------------------------------------

    /** {@code dst = imm} (64-bit, imm sign-extended). */
    public static Insn mov64Imm(int dst, int imm) {
        return alu64Imm(BPF_MOV, dst, imm);
    }

    /** {@code dst = src} (64-bit). */
    public static Insn mov64Reg(int dst, int src) {
        return alu64Reg(BPF_MOV, dst, src);
    }

    /** {@code dst = (u32) imm}: the upper half of dst is zeroed. */
    public static Insn mov32Imm(int dst, int imm) {
        return alu32Imm(BPF_MOV, dst, imm);
    }

    /** {@code dst = (u32) src}: the upper half of dst is zeroed. */
    public static Insn mov32Reg(int dst, int src) {
        return alu32Reg(BPF_MOV, dst, src);
    }

    /** {@code dst OP= imm} on 64 bits; {@code op} is one of {@code BPF_ADD} .. {@code BPF_ARSH} except {@code BPF_NEG}. */
    public static Insn alu64Imm(int op, int dst, int imm) {
        return of(BPF_ALU64 | checkAluOp(op) | BPF_K, dst, 0, 0, imm);
    }

    /** {@code dst OP= src} on 64 bits. */
    public static Insn alu64Reg(int op, int dst, int src) {
        return of(BPF_ALU64 | checkAluOp(op) | BPF_X, dst, src, 0, 0);
    }

    /** {@code dst OP= imm} on the low 32 bits; the upper half of dst is zeroed. */
    public static Insn alu32Imm(int op, int dst, int imm) {
        return of(BPF_ALU | checkAluOp(op) | BPF_K, dst, 0, 0, imm);
    }

    /** {@code dst OP= src} on the low 32 bits; the upper half of dst is zeroed. */
    public static Insn alu32Reg(int op, int dst, int src) {
        return of(BPF_ALU | checkAluOp(op) | BPF_X, dst, src, 0, 0);
    }

    /** {@code dst = -dst} (64-bit). */
    public static Insn neg64(int dst) {
        return of(BPF_ALU64 | BPF_NEG | BPF_K, dst, 0, 0, 0);
    }

    /** {@code dst = (u32) -dst}: the upper half of dst is zeroed. */
    public static Insn neg32(int dst) {
        return of(BPF_ALU | BPF_NEG | BPF_K, dst, 0, 0, 0);
    }

    /**
     * {@code dst = be16(dst)} or {@code be32(dst)}: the low {@code bits} of dst between host order and
     * network order, zero-extended to 64 bits (on a little-endian host a byte swap, on a big-endian
     * one only the truncation).
     *
     * @param bits 16, 32 or 64
     */
    public static Insn toBigEndian(int dst, int bits) {
        if (bits != 16 && bits != 32 && bits != 64) {
            throw new IllegalArgumentException("byte swap width " + bits + ": must be 16, 32 or 64");
        }
        return of(BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, bits);
    }

    public static Insn add64Imm(int dst, int imm) { return alu64Imm(BPF_ADD, dst, imm); }
    public static Insn add64Reg(int dst, int src) { return alu64Reg(BPF_ADD, dst, src); }
    public static Insn sub64Imm(int dst, int imm) { return alu64Imm(BPF_SUB, dst, imm); }
    public static Insn sub64Reg(int dst, int src) { return alu64Reg(BPF_SUB, dst, src); }
    public static Insn and64Imm(int dst, int imm) { return alu64Imm(BPF_AND, dst, imm); }
    public static Insn and64Reg(int dst, int src) { return alu64Reg(BPF_AND, dst, src); }
    public static Insn or64Imm(int dst, int imm) { return alu64Imm(BPF_OR, dst, imm); }
    public static Insn or64Reg(int dst, int src) { return alu64Reg(BPF_OR, dst, src); }
    public static Insn xor64Imm(int dst, int imm) { return alu64Imm(BPF_XOR, dst, imm); }
    public static Insn xor64Reg(int dst, int src) { return alu64Reg(BPF_XOR, dst, src); }
    public static Insn lsh64Imm(int dst, int imm) { return alu64Imm(BPF_LSH, dst, imm); }
    public static Insn rsh64Imm(int dst, int imm) { return alu64Imm(BPF_RSH, dst, imm); }
    public static Insn arsh64Imm(int dst, int imm) { return alu64Imm(BPF_ARSH, dst, imm); }

    private static int checkAluOp(int op) {
        return switch (op) {
            case BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_MOD, BPF_XOR,
                 BPF_MOV, BPF_ARSH -> op;
            default -> throw new IllegalArgumentException("not a binary ALU operation: 0x" + Integer.toHexString(op));
        };
    }

    // ---- memory ------------------------------------------------------------------------------------

    /** {@code dst = *(u32 *)(src + off)}. */
    public static Insn ldxW(int dst, int src, int off) { return of(BPF_LDX | BPF_W | BPF_MEM, dst, src, off, 0); }
    /** {@code dst = *(u16 *)(src + off)}. */
    public static Insn ldxH(int dst, int src, int off) { return of(BPF_LDX | BPF_H | BPF_MEM, dst, src, off, 0); }
    /** {@code dst = *(u8 *)(src + off)}. */
    public static Insn ldxB(int dst, int src, int off) { return of(BPF_LDX | BPF_B | BPF_MEM, dst, src, off, 0); }
    /** {@code dst = *(u64 *)(src + off)}. */
    public static Insn ldxDW(int dst, int src, int off) { return of(BPF_LDX | BPF_DW | BPF_MEM, dst, src, off, 0); }

    /** {@code *(u32 *)(dst + off) = src}. */
    public static Insn stxW(int dst, int src, int off) { return of(BPF_STX | BPF_W | BPF_MEM, dst, src, off, 0); }
    /** {@code *(u16 *)(dst + off) = src}. */
    public static Insn stxH(int dst, int src, int off) { return of(BPF_STX | BPF_H | BPF_MEM, dst, src, off, 0); }
    /** {@code *(u8 *)(dst + off) = src}. */
    public static Insn stxB(int dst, int src, int off) { return of(BPF_STX | BPF_B | BPF_MEM, dst, src, off, 0); }
    /** {@code *(u64 *)(dst + off) = src}. */
    public static Insn stxDW(int dst, int src, int off) { return of(BPF_STX | BPF_DW | BPF_MEM, dst, src, off, 0); }

    /** {@code *(u32 *)(dst + off) = imm}. */
    public static Insn stWImm(int dst, int off, int imm) { return of(BPF_ST | BPF_W | BPF_MEM, dst, 0, off, imm); }
    /** {@code *(u16 *)(dst + off) = imm}. */
    public static Insn stHImm(int dst, int off, int imm) { return of(BPF_ST | BPF_H | BPF_MEM, dst, 0, off, imm); }
    /** {@code *(u8 *)(dst + off) = imm}. */
    public static Insn stBImm(int dst, int off, int imm) { return of(BPF_ST | BPF_B | BPF_MEM, dst, 0, off, imm); }
    /** {@code *(u64 *)(dst + off) = imm} (sign-extended). */
    public static Insn stDWImm(int dst, int off, int imm) { return of(BPF_ST | BPF_DW | BPF_MEM, dst, 0, off, imm); }

    /** {@code dst = imm} with a full 64-bit immediate: one instruction in two slots. */
    public static Insn ldImm64(int dst, long imm) {
        return of(BPF_LD | BPF_DW | BPF_IMM, dst, 0, 0, imm);
    }

    /** {@code dst = &map}: {@code ld_imm64} with {@link #BPF_PSEUDO_MAP_FD}; the verifier swaps the fd for the map. */
    public static Insn ldMapFd(int dst, int mapFd) {
        if (mapFd < 0) throw new IllegalArgumentException("map fd " + mapFd + " is negative");
        return of(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, mapFd);
    }

    // ---- jumps -------------------------------------------------------------------------------------

    /** {@code goto pc+off}. */
    public static Insn ja(int off) {
        return of(BPF_JMP | BPF_JA | BPF_K, 0, 0, off, 0);
    }

    /** {@code if dst OP imm goto pc+off}; {@code op} is one of {@code BPF_JEQ} .. {@code BPF_JSLE}. */
    public static Insn jmpImm(int op, int dst, int imm, int off) {
        return of(BPF_JMP | checkJmpOp(op) | BPF_K, dst, 0, off, imm);
    }

    /** {@code if dst OP src goto pc+off}. */
    public static Insn jmpReg(int op, int dst, int src, int off) {
        return of(BPF_JMP | checkJmpOp(op) | BPF_X, dst, src, off, 0);
    }

    public static Insn jeqImm(int dst, int imm, int off) { return jmpImm(BPF_JEQ, dst, imm, off); }
    public static Insn jneImm(int dst, int imm, int off) { return jmpImm(BPF_JNE, dst, imm, off); }
    /** Unsigned {@code >}. */
    public static Insn jgtImm(int dst, int imm, int off) { return jmpImm(BPF_JGT, dst, imm, off); }
    /** Unsigned {@code >=}. */
    public static Insn jgeImm(int dst, int imm, int off) { return jmpImm(BPF_JGE, dst, imm, off); }
    /** Unsigned {@code <}. */
    public static Insn jltImm(int dst, int imm, int off) { return jmpImm(BPF_JLT, dst, imm, off); }
    /** Unsigned {@code <=}. */
    public static Insn jleImm(int dst, int imm, int off) { return jmpImm(BPF_JLE, dst, imm, off); }
    /** {@code if dst & imm}. */
    public static Insn jsetImm(int dst, int imm, int off) { return jmpImm(BPF_JSET, dst, imm, off); }
    public static Insn jeqReg(int dst, int src, int off) { return jmpReg(BPF_JEQ, dst, src, off); }
    public static Insn jneReg(int dst, int src, int off) { return jmpReg(BPF_JNE, dst, src, off); }
    /** Unsigned {@code >}. */
    public static Insn jgtReg(int dst, int src, int off) { return jmpReg(BPF_JGT, dst, src, off); }
    /** Unsigned {@code >=}. */
    public static Insn jgeReg(int dst, int src, int off) { return jmpReg(BPF_JGE, dst, src, off); }

    /** {@code if (u32) dst OP (u32) imm goto pc+off}: compares the low halves only (BPF_JMP32, Linux 5.1). */
    public static Insn jmp32Imm(int op, int dst, int imm, int off) {
        return of(BPF_JMP32 | checkJmpOp(op) | BPF_K, dst, 0, off, imm);
    }

    /** {@code if (u32) dst OP (u32) src goto pc+off}: compares the low halves only (BPF_JMP32, Linux 5.1). */
    public static Insn jmp32Reg(int op, int dst, int src, int off) {
        return of(BPF_JMP32 | checkJmpOp(op) | BPF_X, dst, src, off, 0);
    }

    private static int checkJmpOp(int op) {
        return switch (op) {
            case BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT, BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT,
                 BPF_JSLE -> op;
            default -> throw new IllegalArgumentException("not a conditional jump: 0x" + Integer.toHexString(op));
        };
    }

    /** {@code call helperId}: arguments in r1..r5, result in r0; r1..r5 are clobbered. */
    public static Insn call(int helperId) {
        return of(BPF_JMP | BPF_CALL, 0, 0, 0, helperId);
    }

    /** {@code exit}: return r0. */
    public static Insn exit() {
        return of(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    }

    // ---- the value -----------------------------------------------------------------------------------

    public int opcode() { return opcode; }
    public int dst() { return dst; }
    public int src() { return src; }
    public int off() { return off; }

    /** The immediate: 32-bit signed for every instruction but {@code ld_imm64}, whose is 64-bit. */
    public long imm() { return imm; }

    /** The instruction class: {@code BPF_LD} .. {@code BPF_ALU64}. */
    public int instructionClass() {
        return opcode & 0x07;
    }

    /** Whether this is {@code goto}, a conditional jump or a 32-bit conditional jump: what {@link #off()} is a target for. */
    public boolean isJump() {
        int cls = instructionClass();
        int op = opcode & 0xf0;
        return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL && op != BPF_EXIT;
    }

    /** Whether this is {@code goto}: a jump without a condition. */
    public boolean isGoto() {
        return opcode == (BPF_JMP | BPF_JA);
    }

    /** Whether this is {@code exit}. */
    public boolean isExit() {
        return opcode == (BPF_JMP | BPF_EXIT);
    }

    /**
     * The same jump with another offset.
     *
     * @throws IllegalStateException if this is not a jump ({@link #isJump()})
     */
    public Insn withOffset(int newOff) {
        if (!isJump()) throw new IllegalStateException("not a jump: " + this);
        return of(opcode, dst, src, newOff, imm);
    }

    /**
     * The conditional jump with the opposite condition (== and !=, &gt; and &lt;=, s&lt; and s&gt;= ...),
     * same operands and offset; {@code null} for {@code JSET}, which has no opposite, and for
     * anything that is not a conditional jump.
     */
    public Insn negated() {
        if (!isJump() || isGoto()) return null;
        int neg = switch (opcode & 0xf0) {
            case BPF_JEQ -> BPF_JNE;
            case BPF_JNE -> BPF_JEQ;
            case BPF_JGT -> BPF_JLE;
            case BPF_JLE -> BPF_JGT;
            case BPF_JGE -> BPF_JLT;
            case BPF_JLT -> BPF_JGE;
            case BPF_JSGT -> BPF_JSLE;
            case BPF_JSLE -> BPF_JSGT;
            case BPF_JSGE -> BPF_JSLT;
            case BPF_JSLT -> BPF_JSGE;
            default -> -1;
        };
        return neg < 0 ? null : of((opcode & ~0xf0) | neg, dst, src, off, imm);
    }

    /** Whether this is the two-slot {@code ld_imm64}. */
    public boolean isWide() {
        return opcode == (BPF_LD | BPF_DW | BPF_IMM);
    }

    /** Slots this instruction takes: 2 for {@code ld_imm64}, 1 for the rest. */
    public int slots() {
        return isWide() ? 2 : 1;
    }

    /** Writes the instruction at {@code offset}, little-endian; returns the offset after it. */
    public long encode(MemorySegment segment, long offset) {
        writeSlot(segment, offset, opcode, dst, src, off, (int) imm);
        if (!isWide()) return offset + SLOT_SIZE;
        // Second slot: zero opcode and registers, the immediate's upper half.
        writeSlot(segment, offset + SLOT_SIZE, 0, 0, 0, 0, (int) (imm >>> 32));
        return offset + 2 * SLOT_SIZE;
    }

    private static void writeSlot(MemorySegment s, long at, int opcode, int dst, int src, int off, int imm) {
        s.set(ValueLayout.JAVA_BYTE, at, (byte) opcode);
        // dst_reg is the low nibble, src_reg the high one (bit-field order on little-endian hosts).
        s.set(ValueLayout.JAVA_BYTE, at + 1, (byte) ((src << 4) | dst));
        s.set(LE_SHORT, at + 2, (short) off);
        s.set(LE_INT, at + 4, imm);
    }

    /** Total slots of a program: what {@code bpf_attr.insn_cnt} counts. */
    public static int slotCount(List<Insn> program) {
        int n = 0;
        for (Insn i : program) n += i.slots();
        return n;
    }

    /** The program encoded into a new segment of {@code arena}, ready for {@code BPF_PROG_LOAD}. */
    public static MemorySegment encode(List<Insn> program, Arena arena) {
        MemorySegment s = arena.allocate((long) slotCount(program) * SLOT_SIZE, SLOT_SIZE);
        long at = 0;
        for (Insn i : program) at = i.encode(s, at);
        return s;
    }

    /** The program encoded into a byte array (tests, logs). */
    public static byte[] toBytes(List<Insn> program) {
        try (Arena arena = Arena.ofConfined()) {
            return encode(program, arena).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    // ---- disassembly, in kernel/bpf/disasm.c's syntax ---------------------------------------------

    @Override
    public String toString() {
        int cls = opcode & 0x07;
        return switch (cls) {
            case BPF_ALU, BPF_ALU64 -> alu(cls == BPF_ALU64 ? 'r' : 'w');
            case BPF_LDX -> "r" + dst + " = *(" + size() + " *)(r" + src + " " + signed(off) + ")";
            case BPF_STX -> "*(" + size() + " *)(r" + dst + " " + signed(off) + ") = r" + src;
            case BPF_ST -> "*(" + size() + " *)(r" + dst + " " + signed(off) + ") = " + imm;
            case BPF_LD -> src == BPF_PSEUDO_MAP_FD
                    ? "r" + dst + " = map[fd:" + imm + "]"
                    : "r" + dst + " = 0x" + Long.toHexString(imm);
            case BPF_JMP -> jmp('r');
            case BPF_JMP32 -> jmp('w');
            default -> throw new IllegalStateException("opcode 0x" + Integer.toHexString(opcode));
        };
    }

    private String alu(char w) {
        int op = opcode & 0xf0;
        if (op == BPF_NEG) return w + "" + dst + " = -" + w + dst;
        if (op == BPF_END) return "r" + dst + " = " + ((opcode & BPF_TO_BE) != 0 ? "be" : "le") + imm + " r" + dst;
        String operand = (opcode & BPF_X) != 0 ? w + Integer.toString(src) : Long.toString(imm);
        return w + "" + dst + " " + aluSymbol(op) + " " + operand;
    }

    private static String aluSymbol(int op) {
        return switch (op) {
            case BPF_ADD -> "+=";
            case BPF_SUB -> "-=";
            case BPF_MUL -> "*=";
            case BPF_DIV -> "/=";
            case BPF_OR -> "|=";
            case BPF_AND -> "&=";
            case BPF_LSH -> "<<=";
            case BPF_RSH -> ">>=";
            case BPF_MOD -> "%=";
            case BPF_XOR -> "^=";
            case BPF_MOV -> "=";
            case BPF_ARSH -> "s>>=";
            default -> throw new IllegalStateException("alu op 0x" + Integer.toHexString(op));
        };
    }

    /** {@code w}: 'r' for BPF_JMP (64-bit compare), 'w' for BPF_JMP32. */
    private String jmp(char w) {
        int op = opcode & 0xf0;
        return switch (op) {
            case BPF_JA -> "goto pc" + signed(off);
            case BPF_CALL -> "call " + imm;
            case BPF_EXIT -> "exit";
            default -> {
                // The kernel prints a jump's immediate in hex (unsigned 32-bit), an ALU's in decimal.
                String operand = (opcode & BPF_X) != 0 ? w + Integer.toString(src) : "0x" + Integer.toHexString((int) imm);
                yield "if " + w + dst + " " + jmpSymbol(op) + " " + operand + " goto pc" + signed(off);
            }
        };
    }

    private static String jmpSymbol(int op) {
        return switch (op) {
            case BPF_JEQ -> "==";
            case BPF_JGT -> ">";
            case BPF_JGE -> ">=";
            case BPF_JSET -> "&";
            case BPF_JNE -> "!=";
            case BPF_JSGT -> "s>";
            case BPF_JSGE -> "s>=";
            case BPF_JLT -> "<";
            case BPF_JLE -> "<=";
            case BPF_JSLT -> "s<";
            case BPF_JSLE -> "s<=";
            default -> throw new IllegalStateException("jmp op 0x" + Integer.toHexString(op));
        };
    }

    private String size() {
        return switch (opcode & 0x18) {
            case BPF_W -> "u32";
            case BPF_H -> "u16";
            case BPF_B -> "u8";
            default -> "u64";
        };
    }

    private static String signed(int v) {
        return v < 0 ? Integer.toString(v) : "+" + v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Insn i && i.opcode == opcode && i.dst == dst && i.src == src && i.off == off && i.imm == imm;
    }

    @Override
    public int hashCode() {
        return Objects.hash(opcode, dst, src, off, imm);
    }
}
