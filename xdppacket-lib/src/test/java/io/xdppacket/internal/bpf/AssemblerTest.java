package io.xdppacket.internal.bpf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.xdppacket.internal.bpf.Insn.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AssemblerTest {

    private static List<String> text(Assembler asm) {
        return asm.assemble().stream().map(Insn::toString).toList();
    }

    @Test
    void jumpsResolveToSlotOffsetsCountingWideInstructionsTwice() {
        Assembler asm = new Assembler();
        Assembler.Label out = asm.newLabel("out");
        asm.jump(jeqImm(R1, 0, 0), out);
        asm.emit(ldImm64(R2, 1L << 40));                 // two slots
        asm.emit(mov64Imm(R0, 1));
        asm.emit(exit());
        asm.bind(out);
        asm.emit(mov64Imm(R0, 2));
        asm.emit(exit());
        assertEquals(List.of("if r1 == 0x0 goto pc+4", "r2 = 0x10000000000", "r0 = 1", "exit", "r0 = 2", "exit"), text(asm));
    }

    @Test
    void codeNoPathReachesIsDropped() {
        Assembler asm = new Assembler();
        asm.emit(mov64Imm(R0, 2));
        asm.emit(exit());
        asm.emit(mov64Imm(R0, 3));                       // after exit, no label: dead
        asm.emit(exit());
        assertEquals(List.of("r0 = 2", "exit"), text(asm));
    }

    @Test
    void jumpsToTheNextInstructionAndToGotosAreShortened() {
        Assembler asm = new Assembler();
        Assembler.Label a = asm.newLabel("a");
        Assembler.Label b = asm.newLabel("b");
        Assembler.Label end = asm.newLabel("end");
        asm.jump(jsetImm(R1, 1, 0), a);                  // to a goto: straight to where it goes
        asm.jump(end);
        asm.bind(a);
        asm.jump(b);
        asm.emit(mov64Imm(R0, 9));                       // dead: only a goto before it
        asm.bind(b);
        asm.emit(mov64Imm(R0, 1));
        asm.bind(end);
        asm.emit(exit());
        assertEquals(List.of("if r1 & 0x1 goto pc+1", "goto pc+1", "r0 = 1", "exit"), text(asm));
    }

    @Test
    void aConditionalOverAGotoIsInverted() {
        Assembler asm = new Assembler();
        Assembler.Label t = asm.newLabel("t");
        Assembler.Label f = asm.newLabel("f");
        asm.jump(jmp32Imm(BPF_JGT, R4, 5, 0), t);
        asm.jump(f);
        asm.bind(t);
        asm.emit(mov64Imm(R0, 1));
        asm.emit(exit());
        asm.bind(f);
        asm.emit(mov64Imm(R0, 2));
        asm.emit(exit());
        assertEquals(List.of("if w4 <= 0x5 goto pc+2", "r0 = 1", "exit", "r0 = 2", "exit"), text(asm));
    }

    @Test
    void aLabelAtTheEndFallsOffTheSequence() {
        Assembler asm = new Assembler();
        Assembler.Label end = asm.newLabel("end");
        asm.jump(jeqImm(R1, 0, 0), end);
        asm.emit(mov64Imm(R0, 1));
        asm.bind(end);
        assertEquals(List.of("if r1 == 0x0 goto pc+1", "r0 = 1"), text(asm));
    }

    @Test
    void misuseIsReported() {
        Assembler asm = new Assembler();
        Assembler.Label never = asm.newLabel("never");
        assertThrows(IllegalArgumentException.class, () -> asm.emit(ja(1)));
        assertThrows(IllegalArgumentException.class, () -> asm.jump(exit(), never));
        asm.jump(never);
        var e = assertThrows(IllegalStateException.class, asm::assemble);
        assertTrue(e.getMessage().contains("never"), e.getMessage());
        Assembler.Label twice = asm.newLabel("twice");
        asm.bind(twice);
        assertThrows(IllegalStateException.class, () -> asm.bind(twice));
    }

    @Test
    void jumpsBeyondTheSixteenBitOffsetAreRefused() {
        Assembler asm = new Assembler();
        Assembler.Label far = asm.newLabel("far");
        asm.jump(jeqImm(R1, 0, 0), far);
        for (int i = 0; i < 40_000; i++) asm.emit(mov64Imm(R0, i));
        asm.emit(exit());
        asm.bind(far);
        asm.emit(exit());
        var e = assertThrows(IllegalArgumentException.class, asm::assemble);
        assertTrue(e.getMessage().contains("spans 40001 instructions"), e.getMessage());
    }
}
