package io.xdppacket;

/**
 * This system cannot do what was asked: AF_XDP or BPF is missing, the process lacks a privilege, or
 * the interface refuses a mode. {@link #missing()} says which, the message says what exactly. Thrown
 * by {@code open}; the library itself loads on any system, so catching this is how an application
 * finds out that it cannot use AF_XDP here.
 */
public final class XdpUnavailableException extends XdpException {
    private static final long serialVersionUID = 1L;

    /** What is missing. */
    public enum Missing {
        /** Not Linux, or not a 64-bit Linux this library supports. */
        OPERATING_SYSTEM,
        /** The kernel lacks AF_XDP, BPF or a feature the options ask for (too old, or configured out). */
        KERNEL_FEATURE,
        /** The process may not create BPF programs or AF_XDP sockets: needs root or CAP_NET_ADMIN, CAP_BPF, CAP_NET_RAW. */
        PRIVILEGE,
        /** The interface (its driver or its current configuration) does not support the requested XDP mode. */
        INTERFACE_SUPPORT
    }

    /** What is missing. */
    private final Missing missing;

    /**
     * A missing capability found without a failed system call.
     *
     * @param missing what is missing
     * @param message what exactly, for people
     */
    public XdpUnavailableException(Missing missing, String message) {
        super(message);
        this.missing = missing;
    }

    /**
     * A missing capability that a system call reported.
     *
     * @param missing what is missing
     * @param operation the call and what it was applied to, e.g. {@code "bpf(BPF_PROG_LOAD)"}
     * @param errno the errno it set, e.g. {@code EPERM}
     * @param hint what to do about it, or {@code null}
     */
    public XdpUnavailableException(Missing missing, String operation, int errno, String hint) {
        super(operation, errno, hint);
        this.missing = missing;
    }

    /**
     * What is missing.
     *
     * @return the kind of thing this system lacks
     */
    public Missing missing() {
        return missing;
    }
}
