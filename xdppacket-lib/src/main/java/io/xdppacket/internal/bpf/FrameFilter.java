package io.xdppacket.internal.bpf;

/**
 * eBPF code that decides, per frame, whether the XDP program goes on with it: the piece
 * {@link RedirectProgram} puts in front of the redirect (see {@link ProgramSpec#filter()}).
 *
 * <p>The contract of {@link #emit}, which the program around the piece relies on:
 * <ul>
 *   <li>On entry {@code r1} holds the context ({@code struct xdp_md *}); nothing else is read.</li>
 *   <li>A frame that matches falls through to the instruction after the piece, {@code r1} unchanged.</li>
 *   <li>A frame that does not match jumps to {@code noMatch}, {@code r1} unchanged, wherever the
 *       caller binds that label.</li>
 *   <li>It may clobber {@code r0} and {@code r2} to {@code r5}, and the stack bytes
 *       {@code [r10 - }{@value #STACK_BYTES}{@code , r10)}; {@code r6} to {@code r9} and the rest of the
 *       stack are untouched. It calls no helper.</li>
 *   <li>It reads {@code ctx->data} and {@code ctx->data_end} itself, after whatever ran before it
 *       (a {@code bpf_xdp_adjust_meta} call invalidates earlier packet pointers).</li>
 * </ul>
 */
public interface FrameFilter {

    /** Stack bytes at the top of the frame a filter may use. */
    int STACK_BYTES = 64;

    /**
     * Appends the filter's instructions to {@code asm}: matching frames fall through past them,
     * the others jump to {@code noMatch}.
     */
    void emit(Assembler asm, Assembler.Label noMatch);

    /** What the filter is, for messages and {@code toString()}: the expression, or a description of the program. */
    String description();
}
