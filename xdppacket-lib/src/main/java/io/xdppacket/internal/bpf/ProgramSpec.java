package io.xdppacket.internal.bpf;

/**
 * What the redirect program does besides redirecting ({@link RedirectProgram#load(XskMap, ProgramSpec)}):
 *
 * <pre>
 *   [stamp the arrival time into the metadata]  if timestamps != null
 *   [filter: frames that do not match -&gt; count passed, XDP_PASS]   if filter != null
 *   [count matched]                              if filter != null
 *   bpf_redirect_map(xsks_map, rx_queue_index, XDP_PASS)
 * </pre>
 *
 * @param filter     frames to take; the others go on to the kernel's stack. {@code null}: every frame.
 *                   A filter brings the {@link ProgramCounters} with it.
 * @param timestamps the clock to stamp each frame with; {@code null}: no stamps
 * @param frags      load with {@code BPF_F_XDP_HAS_FRAGS}: the program accepts multi-buffer frames,
 *                   which native XDP needs when the MTU does not fit one page (veth: above about
 *                   3.5 kB) and AF_XDP needs for {@code XDP_USE_SG} (Linux 5.18). A filter then
 *                   sees only the first buffer of such a frame.
 */
public record ProgramSpec(FrameFilter filter, TimestampClock timestamps, boolean frags) {

    /** The plain redirect: no filter, no stamps, no frags. */
    public static final ProgramSpec PLAIN = new ProgramSpec(null, null, false);

    /** This spec with another filter ({@code null}: none). */
    public ProgramSpec withFilter(FrameFilter f) {
        return new ProgramSpec(f, timestamps, frags);
    }

    /** This spec with another timestamp clock ({@code null}: no stamps). */
    public ProgramSpec withTimestamps(TimestampClock clock) {
        return new ProgramSpec(filter, clock, frags);
    }

    /** This spec with or without {@code BPF_F_XDP_HAS_FRAGS}. */
    public ProgramSpec withFrags(boolean f) {
        return new ProgramSpec(filter, timestamps, f);
    }

    /** Whether the program counts matched and passed frames: when it filters. */
    public boolean counts() {
        return filter != null;
    }
}
