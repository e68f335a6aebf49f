package io.xdppacket.internal.bpf;

import io.xdppacket.testing.Bpftool;
import io.xdppacket.testing.Privileged;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.xdppacket.internal.bpf.Insn.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every builder, loaded into the kernel and read back through bpftool: the kernel decodes our bytes
 * (including BPF_ST and JSET, which clang 14 cannot assemble) into exactly what {@link Insn#toString()}
 * prints, and the verifier accepts all of it.
 */
@Privileged(tools = "bpftool")
class InsnXlatedTest {
    /** {@code BPF_FUNC_get_prandom_u32}: a value the verifier cannot know, so that every branch below stays live. */
    private static final int BPF_FUNC_get_prandom_u32 = 7;

    /**
     * A program the verifier keeps as written: no context or map access (those it rewrites), no
     * branch it can decide (it would hard-wire or drop it), each jump skipping one move so that both
     * ways are taken. The one helper call is the only instruction the kernel changes.
     */
    static List<Insn> everyBuilder() {
        List<Insn> p = new ArrayList<>(List.of(
                mov64Reg(R6, R1),
                call(BPF_FUNC_get_prandom_u32),
                // r8 = (s64)(s32) random: all 64 bits unknown, negative or not.
                mov64Reg(R8, R0),
                lsh64Imm(R8, 32),
                arsh64Imm(R8, 32),
                mov64Imm(R9, 100),
                stDWImm(R10, -8, -1),
                stWImm(R10, -12, 7),
                stHImm(R10, -14, 258),
                stBImm(R10, -15, 255),
                stxDW(R10, R8, -24),
                stxW(R10, R8, -28),
                stxH(R10, R8, -30),
                stxB(R10, R8, -31),
                ldxDW(R2, R10, -8),
                ldxW(R3, R10, -12),
                ldxH(R4, R10, -14),
                ldxB(R5, R10, -15),
                add64Imm(R2, 14),
                sub64Reg(R2, R3),
                and64Imm(R2, 0xffff),
                or64Reg(R2, R4),
                lsh64Imm(R2, 3),
                rsh64Imm(R2, 1),
                xor64Reg(R2, R5),
                alu64Imm(BPF_MUL, R2, 3),
                alu64Imm(BPF_DIV, R2, 2),
                alu64Imm(BPF_MOD, R2, 5),
                neg64(R2),
                add64Reg(R2, R3),
                sub64Imm(R2, 1),
                and64Reg(R2, R4),
                or64Imm(R2, 1),
                xor64Imm(R2, 3),
                mov32Imm(R3, 7),
                alu32Reg(BPF_ADD, R3, R4),
                mov32Reg(R3, R4),
                alu32Imm(BPF_LSH, R3, 2),
                neg32(R3),
                toBigEndian(R3, 16),
                toBigEndian(R3, 32),
                toBigEndian(R3, 64),
                ldImm64(R7, 0x1122334455667788L)));
        int k = 0;
        for (Insn jump : List.of(
                jeqImm(R8, 0, 1), jneImm(R8, 5, 1), jgtImm(R8, 1500, 1), jgeImm(R8, 3, 1), jltImm(R8, 10, 1),
                jleImm(R8, 7, 1), jsetImm(R8, 0x10, 1), jeqReg(R8, R9, 1), jneReg(R8, R9, 1), jgtReg(R8, R9, 1),
                jgeReg(R8, R9, 1), jmpImm(BPF_JSGT, R8, 3, 1), jmpImm(BPF_JSLT, R8, -1, 1),
                jmpImm(BPF_JSGE, R8, -7, 1), jmpImm(BPF_JSLE, R8, 9, 1), jmpReg(BPF_JLT, R8, R9, 1),
                jmp32Imm(BPF_JEQ, R8, 0x800, 1), jmp32Imm(BPF_JNE, R8, -1, 1), jmp32Imm(BPF_JGT, R8, 1500, 1),
                jmp32Imm(BPF_JGE, R8, 3, 1), jmp32Imm(BPF_JSET, R8, 0x1fff, 1), jmp32Reg(BPF_JEQ, R8, R9, 1),
                jmp32Reg(BPF_JGT, R8, R9, 1), jmp32Reg(BPF_JGE, R8, R9, 1), jmp32Reg(BPF_JSET, R8, R9, 1),
                jmp32Imm(BPF_JLE, R8, 7, 1))) {
            p.add(jump);
            p.add(mov64Imm(R1, ++k));
        }
        p.addAll(List.of(
                jeqImm(R8, 0, 2),
                mov64Imm(R1, 100),
                ja(1),
                mov64Imm(R1, 101),
                mov64Imm(R0, Bpf.XDP_PASS),
                exit()));
        return p;
    }

    @Test
    void kernelDecodesEveryBuilderAsWeDisassembleIt() throws Exception {
        List<Insn> program = everyBuilder();
        int fd = Bpf.progLoad(Bpf.BPF_PROG_TYPE_XDP, Bpf.BPF_XDP, program, RedirectProgram.LICENSE, 0, "xdppkt_insntest");
        try {
            List<String> xlated = Bpftool.xlated(Bpf.progInfo(fd).id());
            assertEquals(program.size(), xlated.size(), "instruction count\n" + String.join("\n", xlated));
            for (int i = 0; i < program.size(); i++) {
                Insn insn = program.get(i);
                String kernel = xlated.get(i);
                if (insn.opcode() == (BPF_JMP | BPF_CALL)) {
                    // The verifier replaces a helper id by the helper's address; bpftool prints its symbol.
                    assertTrue(kernel.matches("\\(85\\) call \\w+#\\d+"), "insn " + i + ": " + kernel);
                    continue;
                }
                String ours = String.format("(%02x) %s", insn.opcode(), insn);
                assertEquals(kernel, ours, "insn " + i);
            }
        } finally {
            Bpf.closeFd(fd);
        }
    }
}
