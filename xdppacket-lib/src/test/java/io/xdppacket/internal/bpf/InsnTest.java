package io.xdppacket.internal.bpf;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.xdppacket.internal.bpf.Insn.*;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Encoding and disassembly of single instructions; no kernel needed. */
class InsnTest {

    /**
     * Known-good encodings, produced once by LLVM (Debian clang 14.0.6) from BPF assembler:
     *
     * <pre>
     *   clang -target bpf -c enc.s -o enc.o &amp;&amp; llvm-objdump -d enc.o
     * </pre>
     *
     * where enc.s holds, one per line, the instruction in the comment of each entry (LLVM's syntax;
     * {@code -mcpu=v3} for the 32-bit jumps). clang 14 cannot assemble BPF_ST (store immediate) or
     * JSET; those builders are checked against the kernel's own decoder in {@link InsnXlatedTest},
     * as is every builder's disassembly.
     */
    private static final Map<Insn, String> LLVM = new LinkedHashMap<>();

    static {
        LLVM.put(mov64Imm(R0, 2), "b7 00 00 00 02 00 00 00");                 // r0 = 2
        LLVM.put(mov64Imm(R0, -5), "b7 00 00 00 fb ff ff ff");                // r0 = -5
        LLVM.put(mov64Reg(R3, R1), "bf 13 00 00 00 00 00 00");                // r3 = r1
        LLVM.put(mov32Imm(R1, 7), "b4 01 00 00 07 00 00 00");                 // w1 = 7
        LLVM.put(mov32Reg(R0, R1), "bc 10 00 00 00 00 00 00");                // w0 = w1
        LLVM.put(add64Imm(R1, 14), "07 01 00 00 0e 00 00 00");                // r1 += 14
        LLVM.put(add64Imm(R2, -4), "07 02 00 00 fc ff ff ff");                // r2 += -4
        LLVM.put(sub64Reg(R1, R2), "1f 21 00 00 00 00 00 00");                // r1 -= r2
        LLVM.put(and64Imm(R1, 0xffff), "57 01 00 00 ff ff 00 00");            // r1 &= 65535
        LLVM.put(or64Reg(R1, R3), "4f 31 00 00 00 00 00 00");                 // r1 |= r3
        LLVM.put(lsh64Imm(R1, 32), "67 01 00 00 20 00 00 00");                // r1 <<= 32
        LLVM.put(rsh64Imm(R1, 32), "77 01 00 00 20 00 00 00");                // r1 >>= 32
        LLVM.put(arsh64Imm(R1, 3), "c7 01 00 00 03 00 00 00");                // r1 s>>= 3
        LLVM.put(xor64Reg(R1, R4), "af 41 00 00 00 00 00 00");                // r1 ^= r4
        LLVM.put(alu64Imm(BPF_MUL, R1, 3), "27 01 00 00 03 00 00 00");        // r1 *= 3
        LLVM.put(alu64Imm(BPF_DIV, R1, 2), "37 01 00 00 02 00 00 00");        // r1 /= 2
        LLVM.put(neg64(R1), "87 01 00 00 00 00 00 00");                       // r1 = -r1
        LLVM.put(alu32Reg(BPF_ADD, R1, R2), "0c 21 00 00 00 00 00 00");       // w1 += w2
        LLVM.put(ldxW(R2, R1, 16), "61 12 10 00 00 00 00 00");                // r2 = *(u32 *)(r1 + 16)
        LLVM.put(ldxH(R4, R1, 12), "69 14 0c 00 00 00 00 00");                // r4 = *(u16 *)(r1 + 12)
        LLVM.put(ldxB(R5, R10, -1), "71 a5 ff ff 00 00 00 00");               // r5 = *(u8 *)(r10 - 1)
        LLVM.put(ldxDW(R6, R10, -8), "79 a6 f8 ff 00 00 00 00");              // r6 = *(u64 *)(r10 - 8)
        LLVM.put(stxW(R10, R2, -4), "63 2a fc ff 00 00 00 00");               // *(u32 *)(r10 - 4) = r2
        LLVM.put(stxH(R10, R3, -6), "6b 3a fa ff 00 00 00 00");               // *(u16 *)(r10 - 6) = r3
        LLVM.put(stxB(R10, R4, -7), "73 4a f9 ff 00 00 00 00");               // *(u8 *)(r10 - 7) = r4
        LLVM.put(stxDW(R10, R9, -16), "7b 9a f0 ff 00 00 00 00");             // *(u64 *)(r10 - 16) = r9
        LLVM.put(ja(3), "05 00 03 00 00 00 00 00");                           // goto +3
        LLVM.put(ja(-1), "05 00 ff ff 00 00 00 00");                          // goto -1
        LLVM.put(jeqImm(R1, 0, 1), "15 01 01 00 00 00 00 00");                // if r1 == 0 goto +1
        LLVM.put(jneImm(R1, 5, -2), "55 01 fe ff 05 00 00 00");               // if r1 != 5 goto -2
        LLVM.put(jgtImm(R1, 1500, 7), "25 01 07 00 dc 05 00 00");             // if r1 > 1500 goto +7
        LLVM.put(jgeImm(R1, 3, 1), "35 01 01 00 03 00 00 00");                // if r1 >= 3 goto +1
        LLVM.put(jltImm(R1, 10, 1), "a5 01 01 00 0a 00 00 00");               // if r1 < 10 goto +1
        LLVM.put(jleImm(R1, 7, 1), "b5 01 01 00 07 00 00 00");                // if r1 <= 7 goto +1
        LLVM.put(jeqReg(R1, R2, 1), "1d 21 01 00 00 00 00 00");               // if r1 == r2 goto +1
        LLVM.put(jneReg(R1, R2, 1), "5d 21 01 00 00 00 00 00");               // if r1 != r2 goto +1
        LLVM.put(jgtReg(R1, R2, 1), "2d 21 01 00 00 00 00 00");               // if r1 > r2 goto +1
        LLVM.put(jgeReg(R1, R2, 1), "3d 21 01 00 00 00 00 00");               // if r1 >= r2 goto +1
        LLVM.put(jmpImm(BPF_JSLT, R1, -1, 1), "c5 01 01 00 ff ff ff ff");     // if r1 s< -1 goto +1
        LLVM.put(jmpImm(BPF_JSGT, R2, 3, 2), "65 02 02 00 03 00 00 00");      // if r2 s> 3 goto +2
        LLVM.put(call(51), "85 00 00 00 33 00 00 00");                        // call 51
        LLVM.put(exit(), "95 00 00 00 00 00 00 00");                          // exit
        LLVM.put(jmp32Imm(BPF_JEQ, R1, 5, 1), "16 01 01 00 05 00 00 00");      // if w1 == 5 goto +1
        LLVM.put(jmp32Imm(BPF_JNE, R1, 5, 1), "56 01 01 00 05 00 00 00");      // if w1 != 5 goto +1
        LLVM.put(jmp32Imm(BPF_JGT, R1, 1500, 7), "26 01 07 00 dc 05 00 00");   // if w1 > 1500 goto +7
        LLVM.put(jmp32Imm(BPF_JGE, R1, 3, 1), "36 01 01 00 03 00 00 00");      // if w1 >= 3 goto +1
        LLVM.put(jmp32Imm(BPF_JEQ, R4, -1, 2), "16 04 02 00 ff ff ff ff");     // if w4 == -1 goto +2
        LLVM.put(jmp32Reg(BPF_JEQ, R1, R2, 1), "1e 21 01 00 00 00 00 00");     // if w1 == w2 goto +1
        LLVM.put(jmp32Reg(BPF_JGT, R1, R2, 1), "2e 21 01 00 00 00 00 00");     // if w1 > w2 goto +1
        LLVM.put(jmp32Reg(BPF_JGE, R1, R2, 1), "3e 21 01 00 00 00 00 00");     // if w1 >= w2 goto +1
        LLVM.put(jmp32Reg(BPF_JLT, R1, R2, 1), "ae 21 01 00 00 00 00 00");     // if w1 < w2 goto +1
        LLVM.put(toBigEndian(R1, 16), "dc 01 00 00 10 00 00 00");             // r1 = be16 r1
        LLVM.put(toBigEndian(R1, 32), "dc 01 00 00 20 00 00 00");             // r1 = be32 r1
        LLVM.put(neg32(R1), "84 01 00 00 00 00 00 00");                       // w1 = -w1
        LLVM.put(alu32Reg(BPF_DIV, R1, R2), "3c 21 00 00 00 00 00 00");       // w1 /= w2
        LLVM.put(ldImm64(R1, 0x1122334455667788L),
                "18 01 00 00 88 77 66 55 00 00 00 00 44 33 22 11");           // r1 = 0x1122334455667788 ll
        LLVM.put(ldImm64(R1, -1L), "18 01 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff"); // r1 = -1 ll
        LLVM.put(ldImm64(R1, 5), "18 01 00 00 05 00 00 00 00 00 00 00 00 00 00 00");  // r1 = 5 ll
    }

    private static String hex(List<Insn> program) {
        return HexFormat.ofDelimiter(" ").formatHex(Insn.toBytes(program));
    }

    @Test
    void everyBuilderEncodesAsLlvmDoes() {
        assertAll(LLVM.entrySet().stream().map(e -> () ->
                assertEquals(e.getValue(), hex(List.of(e.getKey())), "encoding of " + e.getKey())));
    }

    @Test
    void aProgramIsItsInstructionsBackToBack() {
        List<Insn> program = List.copyOf(LLVM.keySet());
        String expected = String.join(" ", LLVM.values());
        assertEquals(expected, hex(program));
        // One-slot instructions and 3 ld_imm64 of two slots each.
        assertEquals(LLVM.size() + 3, Insn.slotCount(program));
    }

    @Test
    void mapReferenceIsLdImm64WithPseudoMapFdInSrc() {
        // include/uapi/linux/bpf.h: insn[0].src_reg = BPF_PSEUDO_MAP_FD (1), insn[0].imm = map fd,
        // insn[1].imm = 0. This is what libbpf writes over clang's "r1 = 0 ll" plus R_BPF_64_64
        // relocation (llvm-objdump -dr of a clang-built redirect program), and what the kernel
        // accepted in RedirectProgramTest.
        assertEquals("18 11 00 00 07 00 00 00 00 00 00 00 00 00 00 00", hex(List.of(ldMapFd(R1, 7))));
        assertEquals("18 13 00 00 2a 00 00 00 00 00 00 00 00 00 00 00", hex(List.of(ldMapFd(R3, 42))));
        assertEquals(2, ldMapFd(R1, 7).slots());
        assertEquals(BPF_PSEUDO_MAP_FD, ldMapFd(R1, 7).src());
    }

    @Test
    void storeImmediateFollowsTheOpcodeLayout() {
        // BPF_ST | size | BPF_MEM, dst in the low nibble, imm in the last four bytes. The kernel's
        // decoding of these very bytes is checked in InsnXlatedTest.
        assertEquals("62 0a fc ff 00 00 00 00", hex(List.of(stWImm(R10, -4, 0))));
        assertEquals("6a 0a fe ff 02 01 00 00", hex(List.of(stHImm(R10, -2, 258))));
        assertEquals("72 0a ff ff ff 00 00 00", hex(List.of(stBImm(R10, -1, 255))));
        assertEquals("7a 0a f0 ff ff ff ff ff", hex(List.of(stDWImm(R10, -16, -1))));
        assertEquals("45 01 01 00 10 00 00 00", hex(List.of(jsetImm(R1, 0x10, 1))));
    }

    @Test
    void disassemblyUsesTheKernelsSyntax() {
        assertAll(
                () -> assertEquals("r2 = *(u32 *)(r1 +16)", ldxW(R2, R1, 16).toString()),
                () -> assertEquals("r5 = *(u8 *)(r10 -1)", ldxB(R5, R10, -1).toString()),
                () -> assertEquals("*(u64 *)(r10 -16) = r9", stxDW(R10, R9, -16).toString()),
                () -> assertEquals("*(u32 *)(r10 -4) = 0", stWImm(R10, -4, 0).toString()),
                () -> assertEquals("*(u64 *)(r10 -16) = -1", stDWImm(R10, -16, -1).toString()),
                () -> assertEquals("r1 = map[fd:5]", ldMapFd(R1, 5).toString()),
                () -> assertEquals("r1 = 0x1122334455667788", ldImm64(R1, 0x1122334455667788L).toString()),
                () -> assertEquals("r1 = 0xffffffffffffffff", ldImm64(R1, -1).toString()),
                () -> assertEquals("r3 = 2", mov64Imm(R3, 2).toString()),
                () -> assertEquals("r3 = r1", mov64Reg(R3, R1).toString()),
                () -> assertEquals("w1 = 7", mov32Imm(R1, 7).toString()),
                () -> assertEquals("w1 += w2", alu32Reg(BPF_ADD, R1, R2).toString()),
                () -> assertEquals("r2 += -4", add64Imm(R2, -4).toString()),
                () -> assertEquals("r1 s>>= 3", arsh64Imm(R1, 3).toString()),
                () -> assertEquals("r1 = -r1", neg64(R1).toString()),
                () -> assertEquals("r1 %= 5", alu64Imm(BPF_MOD, R1, 5).toString()),
                () -> assertEquals("goto pc+3", ja(3).toString()),
                () -> assertEquals("goto pc-1", ja(-1).toString()),
                // Jump immediates are printed in hex, as unsigned 32-bit.
                () -> assertEquals("if r1 > 0x5dc goto pc+7", jgtImm(R1, 1500, 7).toString()),
                () -> assertEquals("if r1 s< 0xffffffff goto pc+1", jmpImm(BPF_JSLT, R1, -1, 1).toString()),
                () -> assertEquals("if r1 & 0x10 goto pc+1", jsetImm(R1, 0x10, 1).toString()),
                () -> assertEquals("if r1 >= r2 goto pc-2", jgeReg(R1, R2, -2).toString()),
                () -> assertEquals("if w4 == 0x800 goto pc+3", jmp32Imm(BPF_JEQ, R4, 0x800, 3).toString()),
                () -> assertEquals("if w4 > w5 goto pc+1", jmp32Reg(BPF_JGT, R4, R5, 1).toString()),
                () -> assertEquals("if w4 & 0x1fff goto pc+1", jmp32Imm(BPF_JSET, R4, 0x1fff, 1).toString()),
                () -> assertEquals("r4 = be16 r4", toBigEndian(R4, 16).toString()),
                () -> assertEquals("w4 = -w4", neg32(R4).toString()),
                () -> assertEquals("call 51", call(51).toString()),
                () -> assertEquals("exit", exit().toString()));
    }

    @Test
    void valuesCompareByContent() {
        assertEquals(ldxW(R2, R1, 16), ldxW(R2, R1, 16));
        assertEquals(ldxW(R2, R1, 16).hashCode(), ldxW(R2, R1, 16).hashCode());
        assertNotEquals(ldxW(R2, R1, 16), ldxW(R2, R1, 12));
        assertNotEquals(ldMapFd(R1, 5), ldImm64(R1, 5));
        Insn i = jneImm(R4, 9, -3);
        assertEquals(BPF_JMP | BPF_JNE | BPF_K, i.opcode());
        assertEquals(R4, i.dst());
        assertEquals(-3, i.off());
        assertEquals(9, i.imm());
    }

    @Test
    void jumpsKnowWhatTheyAreAndTheirOpposites() {
        assertEquals(jmp32Imm(BPF_JNE, R4, 7, 3), jmp32Imm(BPF_JEQ, R4, 7, 3).negated());
        assertEquals(jmp32Reg(BPF_JLE, R4, R5, 1), jmp32Reg(BPF_JGT, R4, R5, 1).negated());
        assertEquals(jltImm(R1, 3, 1), jgeImm(R1, 3, 1).negated());
        assertEquals(jmpImm(BPF_JSGE, R1, 3, 1), jmpImm(BPF_JSLT, R1, 3, 1).negated());
        assertEquals(jgtReg(R1, R2, 1), jmpReg(BPF_JLE, R1, R2, 1).negated().negated().negated());
        assertEquals(null, jsetImm(R1, 1, 1).negated());
        assertEquals(null, ja(1).negated());
        assertEquals(null, exit().negated());
        assertTrue(ja(2).isJump() && ja(2).isGoto());
        assertTrue(jmp32Imm(BPF_JEQ, R4, 7, 3).isJump() && !jmp32Imm(BPF_JEQ, R4, 7, 3).isGoto());
        assertTrue(!call(1).isJump() && !exit().isJump() && exit().isExit());
        assertEquals(jeqImm(R1, 0, -7), jeqImm(R1, 0, 3).withOffset(-7));
        assertThrows(IllegalStateException.class, () -> exit().withOffset(1));
        assertEquals(BPF_JMP32, jmp32Imm(BPF_JEQ, R4, 7, 3).instructionClass());
    }

    @Test
    void malformedInstructionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> toBigEndian(R1, 8));
        assertThrows(IllegalArgumentException.class, () -> jmp32Imm(BPF_JA, R1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> mov64Reg(R1, 11));
        assertThrows(IllegalArgumentException.class, () -> mov64Imm(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> ldxW(R1, R2, 40000));
        assertThrows(IllegalArgumentException.class, () -> ja(-40000));
        assertThrows(IllegalArgumentException.class, () -> alu64Imm(BPF_NEG, R1, 0));
        assertThrows(IllegalArgumentException.class, () -> alu64Imm(0xe0, R1, 0));
        assertThrows(IllegalArgumentException.class, () -> jmpImm(BPF_CALL, R1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> jmpImm(BPF_JA, R1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> ldMapFd(R1, -1));
    }

    @Test
    void encodeWritesAtTheGivenOffset() {
        byte[] out = new byte[24];
        MemorySegment s = MemorySegment.ofArray(out);
        long next = ldImm64(R0, 1).encode(s, 8);
        assertEquals(24, next);
        assertArrayEquals(HexFormat.ofDelimiter(" ").parseHex(
                "00 00 00 00 00 00 00 00 18 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00"), out);
    }
}
