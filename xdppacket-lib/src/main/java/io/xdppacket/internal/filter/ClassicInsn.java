package io.xdppacket.internal.filter;

/**
 * One classic BPF instruction, {@code struct bpf_insn} of {@code <pcap/bpf.h>} and
 * {@code <linux/filter.h>}: a 16-bit opcode, two 8-bit forward jump offsets (counted from the next
 * instruction) and a 32-bit operand {@code k}. What libpcap compiles a pcap-filter expression into,
 * and what {@code tcpdump -ddd} prints, one per line, as four decimal numbers.
 *
 * <p>{@link #image(int)} prints the instruction as {@code tcpdump -d} does (libpcap's
 * {@code bpf_image()}), so that an error can show the instruction the way users see it.
 *
 * @param code the opcode (class | size | mode, or class | op | source), 0..0xffff
 * @param jt   conditional jumps: instructions to skip when true, 0..255
 * @param jf   conditional jumps: instructions to skip when false, 0..255
 * @param k    the operand, an unsigned 32-bit value held in an int
 */
public record ClassicInsn(int code, int jt, int jf, int k) {

    // ---- classes (BPF_CLASS) --------------------------------------------------------------------
    public static final int BPF_LD = 0x00;
    public static final int BPF_LDX = 0x01;
    public static final int BPF_ST = 0x02;
    public static final int BPF_STX = 0x03;
    public static final int BPF_ALU = 0x04;
    public static final int BPF_JMP = 0x05;
    public static final int BPF_RET = 0x06;
    public static final int BPF_MISC = 0x07;

    // ---- load sizes (BPF_SIZE) and modes (BPF_MODE) -------------------------------------------------
    public static final int BPF_W = 0x00;
    public static final int BPF_H = 0x08;
    public static final int BPF_B = 0x10;
    public static final int BPF_IMM = 0x00;
    public static final int BPF_ABS = 0x20;
    public static final int BPF_IND = 0x40;
    public static final int BPF_MEM = 0x60;
    public static final int BPF_LEN = 0x80;
    public static final int BPF_MSH = 0xa0;

    // ---- ALU and jump operations (BPF_OP) and operand source (BPF_SRC) -----------------------------
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
    public static final int BPF_JA = 0x00;
    public static final int BPF_JEQ = 0x10;
    public static final int BPF_JGT = 0x20;
    public static final int BPF_JGE = 0x30;
    public static final int BPF_JSET = 0x40;
    public static final int BPF_K = 0x00;
    public static final int BPF_X = 0x08;

    // ---- return value source (BPF_RVAL) and misc operations (BPF_MISCOP) ---------------------------
    /** {@code ret A}; {@code ret #k} is {@code BPF_RET | BPF_K}. */
    public static final int BPF_A = 0x10;
    public static final int BPF_TAX = 0x00;
    public static final int BPF_TXA = 0x80;

    /** Scratch memory words M[0..15] ({@code BPF_MEMWORDS}). */
    public static final int BPF_MEMWORDS = 16;

    /**
     * Linux's ancillary data: absolute loads at {@code SKF_AD_OFF + n} ({@code -0x1000}) read socket
     * buffer fields (protocol, VLAN tag, ifindex...) instead of packet bytes ({@code <linux/filter.h>}).
     */
    public static final int SKF_AD_OFF = -0x1000;
    /** Linux's "network header" base: loads at {@code SKF_NET_OFF + n} read from the IP header. */
    public static final int SKF_NET_OFF = -0x100000;
    /** Linux's "link-layer header" base: loads at {@code SKF_LL_OFF + n} read from the MAC header. */
    public static final int SKF_LL_OFF = -0x200000;

    /**
     * Checks the field ranges.
     *
     * @throws IllegalArgumentException if code, jt or jf does not fit its field
     */
    public ClassicInsn {
        if (code < 0 || code > 0xffff) throw new IllegalArgumentException("opcode " + code + " out of 0..65535");
        if (jt < 0 || jt > 0xff) throw new IllegalArgumentException("jt " + jt + " out of 0..255");
        if (jf < 0 || jf > 0xff) throw new IllegalArgumentException("jf " + jf + " out of 0..255");
    }

    /** {@code BPF_CLASS(code)}. */
    public int instructionClass() {
        return code & 0x07;
    }

    /** {@code k} as the unsigned value it is. */
    public long unsignedK() {
        return Integer.toUnsignedLong(k);
    }

    /** Whether this is a conditional jump ({@code jeq}, {@code jgt}, {@code jge}, {@code jset}), whose jt and jf count. */
    public boolean isConditionalJump() {
        return instructionClass() == BPF_JMP && (code & 0xf0) != BPF_JA;
    }

    /**
     * The instruction as {@code tcpdump -d} prints it when it is instruction {@code index}, e.g.
     * {@code "(001) jeq      #0x800           jt 2\tjf 5"}: libpcap's {@code bpf_image()} format.
     */
    public String image(int index) {
        String op;
        String operand;
        switch (code) {
            case BPF_RET | BPF_K -> { op = "ret"; operand = "#" + k; }
            case BPF_RET | BPF_A -> { op = "ret"; operand = ""; }
            case BPF_LD | BPF_W | BPF_ABS -> { op = "ld"; operand = absOperand(); }
            case BPF_LD | BPF_H | BPF_ABS -> { op = "ldh"; operand = absOperand(); }
            case BPF_LD | BPF_B | BPF_ABS -> { op = "ldb"; operand = absOperand(); }
            case BPF_LD | BPF_W | BPF_LEN -> { op = "ld"; operand = "#pktlen"; }
            case BPF_LDX | BPF_W | BPF_LEN -> { op = "ldx"; operand = "#pktlen"; }
            case BPF_LD | BPF_W | BPF_IND -> { op = "ld"; operand = "[x + " + k + "]"; }
            case BPF_LD | BPF_H | BPF_IND -> { op = "ldh"; operand = "[x + " + k + "]"; }
            case BPF_LD | BPF_B | BPF_IND -> { op = "ldb"; operand = "[x + " + k + "]"; }
            case BPF_LD | BPF_IMM -> { op = "ld"; operand = hex(); }
            case BPF_LDX | BPF_IMM -> { op = "ldx"; operand = hex(); }
            case BPF_LDX | BPF_MSH | BPF_B -> { op = "ldxb"; operand = "4*([" + k + "]&0xf)"; }
            case BPF_LD | BPF_MEM -> { op = "ld"; operand = "M[" + k + "]"; }
            case BPF_LDX | BPF_MEM -> { op = "ldx"; operand = "M[" + k + "]"; }
            case BPF_ST -> { op = "st"; operand = "M[" + k + "]"; }
            case BPF_STX -> { op = "stx"; operand = "M[" + k + "]"; }
            case BPF_JMP | BPF_JA -> { op = "ja"; operand = Integer.toString(index + 1 + k); }  // backward: smaller
            case BPF_MISC | BPF_TAX -> { op = "tax"; operand = ""; }
            case BPF_MISC | BPF_TXA -> { op = "txa"; operand = ""; }
            case BPF_ALU | BPF_NEG -> { op = "neg"; operand = ""; }
            default -> {
                // The remaining valid codes: ALU and conditional jumps, K or X, in one byte.
                int cls = instructionClass();
                int o = code & 0xf0;
                String name = code > 0xff ? null : cls == BPF_JMP ? jumpName(o) : cls == BPF_ALU ? aluName(o) : null;
                if (name == null) {
                    op = "unimp";
                    operand = "0x" + Integer.toHexString(code);
                } else {
                    op = name;
                    operand = (code & BPF_X) != 0 ? "x" : aluDecimal(cls, o) ? "#" + k : hex();
                }
            }
        }
        String prefix = String.format("(%03d) %-8s ", index, op);
        if (isConditionalJump() && !op.equals("unimp")) {
            return prefix + String.format("%-16s jt %d\tjf %d", operand, index + 1 + jt, index + 1 + jf);
        }
        return prefix + operand;
    }

    /** bpf_image prints add/sub/mul/div/mod/lsh/rsh operands in signed decimal, the rest in hex. */
    private static boolean aluDecimal(int cls, int op) {
        return cls == BPF_ALU && switch (op) {
            case BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_LSH, BPF_RSH -> true;
            default -> false;
        };
    }

    private static String jumpName(int op) {
        return switch (op) {
            case BPF_JEQ -> "jeq";
            case BPF_JGT -> "jgt";
            case BPF_JGE -> "jge";
            case BPF_JSET -> "jset";
            default -> null;
        };
    }

    private static String aluName(int op) {
        return switch (op) {
            case BPF_ADD -> "add";
            case BPF_SUB -> "sub";
            case BPF_MUL -> "mul";
            case BPF_DIV -> "div";
            case BPF_MOD -> "mod";
            case BPF_AND -> "and";
            case BPF_OR -> "or";
            case BPF_XOR -> "xor";
            case BPF_LSH -> "lsh";
            case BPF_RSH -> "rsh";
            default -> null;
        };
    }

    private String hex() {
        return "#0x" + Integer.toHexString(k);
    }

    /** {@code [12]}, or Linux's symbolic name for an ancillary-data offset: {@code [vlanp]}. */
    private String absOperand() {
        String name = ancillaryName();
        return "[" + (name != null ? name : Integer.toString(k)) + "]";
    }

    /** libpcap's name of the {@code SKF_AD_*} field at {@code k}, or {@code null} if k is not one. */
    String ancillaryName() {
        if (k < SKF_AD_OFF || k >= SKF_AD_OFF + 64) return null;
        return switch (k - SKF_AD_OFF) {
            case 0 -> "proto";
            case 4 -> "type";
            case 8 -> "ifidx";
            case 12 -> "nla";
            case 16 -> "nlan";
            case 20 -> "mark";
            case 24 -> "queue";
            case 28 -> "hatype";
            case 32 -> "rxhash";
            case 36 -> "cpu";
            case 40 -> "xor_x";
            case 44 -> "vlan_tci";
            case 48 -> "vlanp";
            case 52 -> "poff";
            case 56 -> "random";
            case 60 -> "vlan_tpid";
            default -> null;
        };
    }

    /** The instruction as {@code tcpdump -dd} prints it: {@code { 0x28, 0, 0, 0x0000000c }}. */
    @Override
    public String toString() {
        return String.format("{ 0x%x, %d, %d, 0x%08x }", code, jt, jf, k);
    }
}
