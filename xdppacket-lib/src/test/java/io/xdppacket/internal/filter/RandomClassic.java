package io.xdppacket.internal.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.xdppacket.internal.filter.ClassicInsn.*;

/**
 * Random, valid, loop-free classic BPF programs over every instruction the translation takes.
 *
 * <p>Two rules keep libpcap a fair reference: no division or modulo by a constant 0 and no
 * constant shift of 32 or more (libpcap's compiler never emits them; its interpreter may crash or
 * differ by version), and scratch memory is read only from words a prologue stored (libpcap 1.10's
 * interpreter leaves the others uninitialised; {@code XdpFilterKernelTest} checks that case by hand).
 */
final class RandomClassic {
    private RandomClassic() {}

    private static final int[] ALU_OPS = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR, BPF_XOR,
            BPF_LSH, BPF_RSH};
    private static final int[] JUMP_OPS = {BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET};
    private static final int[] SIZES = {BPF_W, BPF_H, BPF_B};

    static ClassicProgram program(Random r) {
        List<ClassicInsn> p = new ArrayList<>();
        // Prologue: some scratch words stored, from A set to a random value; X set to something small.
        int stored = 0;
        int words = r.nextInt(4);
        for (int i = 0; i < words; i++) {
            int m = r.nextInt(BPF_MEMWORDS);
            p.add(new ClassicInsn(BPF_LD | BPF_IMM, 0, 0, r.nextInt(64)));
            p.add(new ClassicInsn(BPF_ST, 0, 0, m));
            stored |= 1 << m;
        }
        int body = 2 + r.nextInt(30);
        int total = p.size() + body + 1;
        while (p.size() < total - 1) {
            int remaining = total - 1 - p.size(); // instructions after this one, the final ret included
            p.add(one(r, remaining, stored));
        }
        p.add(r.nextBoolean() ? new ClassicInsn(BPF_RET | BPF_A, 0, 0, 0)
                : new ClassicInsn(BPF_RET | BPF_K, 0, 0, r.nextInt(3) == 0 ? 0 : 0xffff));
        return new ClassicProgram(p);
    }

    private static ClassicInsn one(Random r, int remaining, int stored) {
        int maxSkip = Math.min(255, remaining - 1);
        return switch (r.nextInt(16)) {
            case 0, 1 -> new ClassicInsn(BPF_LD | SIZES[r.nextInt(3)] | BPF_ABS, 0, 0, offset(r));
            case 2 -> new ClassicInsn(BPF_LD | SIZES[r.nextInt(3)] | BPF_IND, 0, 0, r.nextInt(8) == 0 ? offset(r) : r.nextInt(40));
            case 3 -> new ClassicInsn(BPF_LDX | BPF_MSH | BPF_B, 0, 0, r.nextInt(4) == 0 ? offset(r) : 14);
            case 4 -> new ClassicInsn(r.nextBoolean() ? BPF_LD | BPF_W | BPF_LEN : BPF_LDX | BPF_W | BPF_LEN, 0, 0, 0);
            case 5 -> new ClassicInsn(r.nextBoolean() ? BPF_LD | BPF_IMM : BPF_LDX | BPF_IMM, 0, 0, immediate(r));
            case 6 -> {
                int m = stored == 0 ? -1 : pick(r, stored);
                yield m < 0 ? new ClassicInsn(BPF_MISC | BPF_TAX, 0, 0, 0)
                        : new ClassicInsn(r.nextBoolean() ? BPF_LD | BPF_MEM : BPF_LDX | BPF_MEM, 0, 0, m);
            }
            case 7 -> new ClassicInsn(r.nextBoolean() ? BPF_ST : BPF_STX, 0, 0, r.nextInt(BPF_MEMWORDS));
            case 8, 9 -> {
                int op = ALU_OPS[r.nextInt(ALU_OPS.length)];
                if (r.nextBoolean()) yield new ClassicInsn(BPF_ALU | op | BPF_X, 0, 0, 0);
                int k = switch (op) {
                    case BPF_DIV, BPF_MOD -> 1 + r.nextInt(20);
                    case BPF_LSH, BPF_RSH -> r.nextInt(32);
                    default -> immediate(r);
                };
                yield new ClassicInsn(BPF_ALU | op | BPF_K, 0, 0, k);
            }
            case 10 -> new ClassicInsn(BPF_ALU | BPF_NEG, 0, 0, 0);
            case 11 -> new ClassicInsn(r.nextBoolean() ? BPF_MISC | BPF_TAX : BPF_MISC | BPF_TXA, 0, 0, 0);
            case 12, 13 -> new ClassicInsn(BPF_JMP | JUMP_OPS[r.nextInt(4)] | (r.nextInt(3) == 0 ? BPF_X : BPF_K),
                    r.nextInt(maxSkip + 1), r.nextInt(maxSkip + 1), immediate(r));
            case 14 -> new ClassicInsn(BPF_JMP | BPF_JA, 0, 0, r.nextInt(maxSkip + 1));
            default -> r.nextInt(4) == 0 ? new ClassicInsn(BPF_RET | BPF_A, 0, 0, 0)
                    : new ClassicInsn(BPF_RET | BPF_K, 0, 0, r.nextInt(2) * 262144);
        };
    }

    private static int pick(Random r, int bits) {
        while (true) {
            int m = r.nextInt(BPF_MEMWORDS);
            if ((bits & (1 << m)) != 0) return m;
        }
    }

    /** Mostly header offsets; sometimes around the 16-bit instruction offset, the 0xffff limit, or huge. */
    private static int offset(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> 0x7ff8 + r.nextInt(16);
            case 1 -> 0xfff8 + r.nextInt(16);
            case 2 -> 1400 + r.nextInt(1700);
            case 3 -> r.nextInt();   // huge, but below Linux's special offsets (refused, tested apart)
            default -> r.nextInt(80);
        } & 0x7fffffff;
    }

    private static int immediate(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> r.nextInt();
            case 1 -> r.nextInt(4);
            default -> r.nextInt(256);
        };
    }
}
