package io.xdppacket.cli;

import io.xdppacket.XdpMode;
import io.xdppacket.XdpUnavailableException;
import io.xdppacket.cli.os.Privilege;

import java.util.Locale;

/**
 * How the command reports failure. Exit codes scripts can rely on:
 * <ul>
 *   <li>0 success</li>
 *   <li>1 failure while running (the kernel refused, an I/O error, frames lost where that is fatal)</li>
 *   <li>2 bad usage: unknown option, bad option value, unreadable input file</li>
 *   <li>3 this system cannot do it: not root, no AF_XDP or BPF, the interface refuses the XDP mode, a
 *       tool the command needs is missing</li>
 *   <li>130 interrupted (Ctrl-C)</li>
 * </ul>
 * Errors are one line on stderr; {@code --verbose} adds the stack trace.
 */
public final class CliErrors {
    public static final int OK = 0, FAILURE = 1, USAGE = 2, UNAVAILABLE = 3, INTERRUPTED = 130;

    private CliErrors() {}

    /** A bad argument value: exit code 2, message printed as is. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /** A tool or package this command needs is not installed: exit code 3, message printed as is. */
    public static final class MissingException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MissingException(String message) {
            super(message);
        }
    }

    public static UsageException usage(String message) {
        return new UsageException(message);
    }

    /** {@code auto}, {@code drv} or {@code skb}, any case. */
    public static XdpMode xdpMode(String s) {
        try {
            return XdpMode.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw usage("--mode " + s + ": must be auto, drv or skb");
        }
    }

    /** Fails with exit code 3 unless running as root. */
    public static void requireRoot(String why) throws XdpUnavailableException {
        if (!Privilege.isRoot()) {
            throw new XdpUnavailableException(XdpUnavailableException.Missing.PRIVILEGE,
                    "needs root: " + why + " (run with sudo)");
        }
    }

    /** The exit code for an exception that ended a command. */
    public static int exitCode(Throwable t) {
        if (t instanceof UsageException || t instanceof IllegalArgumentException) return USAGE;
        if (t instanceof XdpUnavailableException || t instanceof MissingException) return UNAVAILABLE;
        if (t instanceof InterruptedException) return INTERRUPTED;
        return FAILURE;
    }
}
