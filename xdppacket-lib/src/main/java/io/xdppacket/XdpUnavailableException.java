package io.xdppacket;

/**
 * This system cannot do what was asked: AF_XDP or BPF is missing, the process lacks a privilege, or
 * the interface refuses a mode. {@link #missing()} says which, the message says what exactly.
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

    private final Missing missing;

    public XdpUnavailableException(Missing missing, String message) {
        super(message);
        this.missing = missing;
    }

    public XdpUnavailableException(Missing missing, String operation, int errno, String hint) {
        super(operation, errno, hint);
        this.missing = missing;
    }

    /** What is missing. */
    public Missing missing() {
        return missing;
    }
}
