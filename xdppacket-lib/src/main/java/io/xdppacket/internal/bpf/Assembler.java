package io.xdppacket.internal.bpf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds an eBPF instruction sequence whose jumps name {@link Label}s instead of offsets, so that
 * pieces written separately (a filter, the counters, the redirect) can be joined without counting
 * slots by hand.
 *
 * <p>{@link #assemble()} then removes what the verifier would refuse or what costs for nothing:
 * instructions no path reaches (the verifier rejects a program with any: "unreachable insn"), a
 * {@code goto} to the very next instruction, a conditional jump whose both ways lead to the same
 * place. So a piece may end in code that, once joined, turns out to be dead (the counting of
 * matched frames behind a filter that never matches): it is dropped, not an error.
 *
 * <p>A label may be bound after the last instruction: a jump there falls off the end of the
 * sequence, which is how a fragment hands control to whatever its caller puts after it.
 *
 * <p>One use per instance; not thread-safe.
 */
public final class Assembler {

    /** A place in the sequence; made by {@link #newLabel}, placed by {@link #bind}. */
    public static final class Label {
        private final String name;
        private int at = -1;

        private Label(String name) {
            this.name = name;
        }

        /** Whether {@link #bind} placed it. */
        public boolean isBound() {
            return at >= 0;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** An instruction; {@code target} is non-null for jumps, whose offset is filled in by {@link #assemble}. */
    private record Node(Insn insn, Label target) {}

    private final List<Node> nodes = new ArrayList<>();

    /** An empty sequence. */
    public Assembler() {}

    /** A new, unbound label; {@code name} is for error messages. */
    public Label newLabel(String name) {
        return new Label(name);
    }

    /**
     * Places {@code label} before the next instruction emitted (or at the end, if none follows).
     *
     * @throws IllegalStateException if it is already bound
     */
    public Assembler bind(Label label) {
        if (label.isBound()) throw new IllegalStateException("label " + label + " bound twice");
        label.at = nodes.size();
        return this;
    }

    /**
     * Appends an instruction that is not a jump ({@code exit} and {@code call} are fine).
     *
     * @throws IllegalArgumentException for a jump: those go through {@link #jump(Label)} or {@link #jump(Insn, Label)}
     */
    public Assembler emit(Insn insn) {
        if (insn.isJump()) throw new IllegalArgumentException("jump " + insn + " without a label; use jump(insn, label)");
        nodes.add(new Node(insn, null));
        return this;
    }

    /** Appends each of {@code insns} as {@link #emit(Insn)} does. */
    public Assembler emit(List<Insn> insns) {
        insns.forEach(this::emit);
        return this;
    }

    /** Appends {@code goto target}. */
    public Assembler jump(Label target) {
        return jump(Insn.ja(0), target);
    }

    /**
     * Appends a jump to {@code target}: {@code jump} is the instruction with any offset (e.g.
     * {@code Insn.jmp32Imm(BPF_JEQ, R4, 0x800, 0)}); the offset is computed by {@link #assemble}.
     */
    public Assembler jump(Insn jump, Label target) {
        if (!jump.isJump()) throw new IllegalArgumentException("not a jump: " + jump);
        nodes.add(new Node(jump, target));
        return this;
    }

    /**
     * The finished sequence, offsets resolved, after these rewrites (repeated until none applies),
     * none of which changes what the code does:
     * <ul>
     *   <li>instructions no path reaches are dropped;</li>
     *   <li>a jump to a {@code goto} jumps straight to where that goes;</li>
     *   <li>{@code if c goto L; goto M; L:} becomes {@code if !c goto M; L:} (not for {@code JSET},
     *       which has no opposite);</li>
     *   <li>a jump to the very next instruction is dropped.</li>
     * </ul>
     *
     * @throws IllegalStateException if a jump names a label never bound
     * @throws IllegalArgumentException if a jump is farther than the 16-bit offset reaches
     */
    public List<Insn> assemble() {
        for (Node n : nodes) {
            if (n.target() != null && !n.target().isBound()) {
                throw new IllegalStateException("jump " + n.insn() + " to label " + n.target() + ", which is never bound");
            }
        }
        int size = nodes.size();
        Node[] code = nodes.toArray(new Node[0]);
        boolean[] alive = new boolean[size];
        Arrays.fill(alive, true);
        boolean changed = true;
        while (changed) {
            changed = false;
            boolean[] reached = reachable(code, alive);
            for (int i = 0; i < size; i++) {
                if (alive[i] && !reached[i]) {
                    alive[i] = false;
                    changed = true;
                }
            }
            for (int i = 0; i < size; i++) {
                if (!alive[i] || code[i].target() == null) continue;
                Label t = threaded(code, alive, code[i].target());
                if (t != code[i].target()) {
                    code[i] = new Node(code[i].insn(), t);
                    changed = true;
                }
            }
            for (int i = 0; i < size; i++) {
                if (!alive[i] || code[i].target() == null || code[i].insn().isGoto()) continue;
                int next = resolve(i + 1, alive);
                Insn negated = code[i].insn().negated();
                if (negated != null && next < size && code[next].insn().isGoto()
                        && resolve(code[i].target().at, alive) == resolve(next + 1, alive)) {
                    code[i] = new Node(negated, code[next].target());
                    alive[next] = false;
                    changed = true;
                }
            }
            for (int i = 0; i < size; i++) {
                if (alive[i] && code[i].target() != null
                        && resolve(code[i].target().at, alive) == resolve(i + 1, alive)) {
                    alive[i] = false;
                    changed = true;
                }
            }
        }

        // Slot position of every surviving node, and of the end.
        int[] slot = new int[size + 1];
        int at = 0;
        for (int i = 0; i < size; i++) {
            slot[i] = at;
            if (alive[i]) at += code[i].insn().slots();
        }
        slot[size] = at;

        List<Insn> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (!alive[i]) continue;
            Node n = code[i];
            if (n.target() == null) {
                out.add(n.insn());
                continue;
            }
            int off = slot[resolve(n.target().at, alive)] - (slot[i] + 1);
            if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) {
                throw new IllegalArgumentException("jump to " + n.target() + " spans " + off
                        + " instructions; eBPF jumps reach at most " + Short.MAX_VALUE);
            }
            out.add(n.insn().withOffset(off));
        }
        return List.copyOf(out);
    }

    /** Where a jump to {@code target} ends up when it follows {@code goto}s (a cycle of them is left alone). */
    private static Label threaded(Node[] code, boolean[] alive, Label target) {
        Label t = target;
        for (int hops = 0; hops < code.length; hops++) {
            int at = resolve(t.at, alive);
            if (at >= code.length || !code[at].insn().isGoto() || code[at].target() == t) return t;
            t = code[at].target();
        }
        return target;
    }

    /** The first surviving node at or after {@code index} ({@code alive.length} for the end). */
    private static int resolve(int index, boolean[] alive) {
        int i = index;
        while (i < alive.length && !alive[i]) i++;
        return i;
    }

    /** Which surviving nodes a path from the first one reaches. */
    private static boolean[] reachable(Node[] code, boolean[] alive) {
        int size = code.length;
        boolean[] reached = new boolean[size];
        ArrayDeque<Integer> work = new ArrayDeque<>();
        work.push(resolve(0, alive));
        while (!work.isEmpty()) {
            int i = work.pop();
            if (i >= size || reached[i]) continue;
            reached[i] = true;
            Node n = code[i];
            Insn insn = n.insn();
            if (n.target() != null) {
                int t = resolve(n.target().at, alive);
                if (t < size && !reached[t]) work.push(t);
            }
            if (!insn.isExit() && !insn.isGoto()) {
                int next = resolve(i + 1, alive);
                if (next < size && !reached[next]) work.push(next);
            }
        }
        return reached;
    }
}
