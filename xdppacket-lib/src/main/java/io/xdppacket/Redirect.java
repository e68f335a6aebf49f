package io.xdppacket;

import io.xdppacket.XdpUnavailableException.Missing;
import io.xdppacket.internal.bpf.FrameFilter;
import io.xdppacket.internal.bpf.ProgramCounters;
import io.xdppacket.internal.bpf.ProgramSpec;
import io.xdppacket.internal.bpf.RedirectProgram;
import io.xdppacket.internal.bpf.TimestampClock;
import io.xdppacket.internal.bpf.XdpAttachment;
import io.xdppacket.internal.bpf.XskMap;
import io.xdppacket.internal.filter.XdpFilter;
import io.xdppacket.internal.jfr.ProgramEvent;

/**
 * What makes frames reach AF_XDP sockets: an XSKMAP (queue q → the socket bound to queue q), the
 * program on that map — it stamps each frame's arrival time into its metadata, applies the filter
 * if there is one (frames that do not match go on to the stack), counts, and redirects — and the
 * program's attachment to the interface. A single-queue socket owns one; an {@link XdpMultiQueue}
 * owns one for all its sockets. A send-only socket, or one that joins a map of someone else's
 * ({@code externalXskMap}), has none.
 *
 * @param modeReason why {@link XdpMode#AUTO} ended in the mode attached, or {@code null} if it was asked for
 */
record Redirect(XskMap map, RedirectProgram program, XdpAttachment attachment, String modeReason) {

    /** The clock the program stamps frames with: TAI follows wall-clock steps (see {@link TimestampClock}). */
    static final TimestampClock STAMP_CLOCK = TimestampClock.TAI;

    /**
     * Loads the program on {@code map}, whose entries the caller has filled (or will fill), pins the
     * map if asked, and attaches the program to {@code ifindex} in {@code options.xdpMode()} — for
     * {@link XdpMode#AUTO} native, else generic where the driver refuses native — with {@code frags}
     * for multi-buffer frames ({@code BPF_F_XDP_HAS_FRAGS}). Takes ownership of the map: on failure
     * it is closed with everything else made here.
     *
     * @throws IllegalArgumentException if the filter expression does not compile, or XDP cannot run it
     */
    static Redirect attach(XskMap map, int ifindex, XdpOptions options, boolean frags) throws XdpException {
        RedirectProgram program = null;
        try {
            ProgramSpec spec = new ProgramSpec(filter(options), STAMP_CLOCK, frags);
            program = RedirectProgram.load(map, spec);
            if (options.pinXskMap() != null) map.pin(options.pinXskMap());
            Redirect r;
            if (options.xdpMode() != XdpMode.AUTO) {
                r = new Redirect(map, program, XdpAttachment.attach(program.fd(), ifindex, options.xdpMode()), null);
            } else {
                try {
                    r = new Redirect(map, program, XdpAttachment.attach(program.fd(), ifindex, XdpMode.DRV), null);
                } catch (XdpUnavailableException e) {
                    if (e.missing() != Missing.INTERFACE_SUPPORT) throw e;
                    // The driver cannot run it natively: generic XDP, and the reason kept for whoever asks.
                    String why = "native XDP refused (" + e.getMessage() + "); generic XDP (SKB) instead";
                    r = new Redirect(map, program, XdpAttachment.attach(program.fd(), ifindex, XdpMode.SKB), why);
                }
            }
            r.record("attach", options);
            return r;
        } catch (XdpException | RuntimeException | Error e) {
            if (program != null) program.close();
            map.close();
            throw e;
        }
    }

    /** The filter the options ask for, compiled, or null. */
    private static FrameFilter filter(XdpOptions options) throws XdpException {
        if (options.filter() != null) return XdpFilter.compile(options.filter());
        if (options.filterBytecode() != null) return XdpFilter.parseDddText(options.filterBytecode());
        return null;
    }

    /** The mode the program runs in. */
    XdpMode mode() {
        return attachment.mode();
    }

    /** Frames the filter matched and passed on to the stack so far; zeros without a filter. */
    ProgramCounters.Counts counts() throws XdpException {
        var counters = program.counters();
        return counters.isPresent() ? counters.get().read() : new ProgramCounters.Counts(0, 0);
    }

    /** A JFR event for what just happened to the program; nothing if no recording wants one. */
    private void record(String action, XdpOptions options) {
        ProgramEvent e = new ProgramEvent();
        if (!e.shouldCommit()) return;
        e.action = action;
        e.interfaceName = attachment.ifname();
        e.programId = attachment.progId();
        e.mode = String.valueOf(attachment.mode());
        e.filter = options == null ? null : options.filter();
        e.link = attachment.viaLink();
        e.commit();
    }

    /** Detaches first (no frame is redirected any more), then unloads the program, unpins and frees the map. Never throws. */
    void close() {
        record("detach", null);
        try {
            attachment.close();
        } catch (XdpException e) {
            // Only the legacy netlink path can fail here; close() must not throw, so say it loudly.
            System.getLogger("io.xdppacket").log(System.Logger.Level.WARNING,
                    "detaching the XDP program failed; check 'ip -d link': " + e.getMessage());
        }
        program.close();
        map.close();
    }
}
