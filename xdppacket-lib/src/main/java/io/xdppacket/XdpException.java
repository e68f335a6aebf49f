package io.xdppacket;

import io.xdppacket.internal.sys.Errno;

import java.io.IOException;

/**
 * A failure of an AF_XDP, BPF or netlink operation. Per-frame conditions (nothing to read, no room
 * to write in {@link IoMode#NONBLOCK} mode) are return values, never this exception; caller mistakes
 * (a bad argument) are {@link IllegalArgumentException}s and the like.
 *
 * <p>When a system call failed, the exception names the call ({@link #operation()}), the errno
 * ({@link #errno()}, {@link #errnoName()}) and, where one is known, a hint on what to do about it
 * ({@link #hint()}). The message carries all three, for example
 * {@code "bind(AF_XDP vA queue 0) failed: EBUSY (Device or resource busy): another AF_XDP socket is
 * bound to this queue"}.
 *
 * <p>Two subclasses say more: {@link XdpUnavailableException} (this system cannot do AF_XDP at all:
 * privilege, kernel feature, OS) and {@link XdpClosedException} (the socket was closed).
 */
public class XdpException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The system call and its target, or {@code null}. */
    private final String operation;
    /** The errno, or 0. */
    private final int errno;
    /** Advice, or {@code null}. */
    private final String hint;

    /**
     * A failure that is not a system call's (a protocol answer, a state the kernel reported).
     *
     * @param message what failed, for people
     */
    public XdpException(String message) {
        super(message);
        this.operation = null;
        this.errno = 0;
        this.hint = null;
    }

    /**
     * A failure that has a cause of its own.
     *
     * @param message what failed, for people
     * @param cause the exception that caused it
     */
    public XdpException(String message, Throwable cause) {
        super(message, cause);
        this.operation = null;
        this.errno = 0;
        this.hint = null;
    }

    /**
     * A system call that failed.
     *
     * @param operation the call and what it was applied to, e.g. {@code "bind(AF_XDP vA queue 0)"}
     * @param errno the errno it set
     * @param hint what to do about it, or {@code null}
     */
    public XdpException(String operation, int errno, String hint) {
        super(format(operation, errno, hint));
        this.operation = operation;
        this.errno = errno;
        this.hint = hint;
    }

    private static String format(String operation, int errno, String hint) {
        String s = operation + " failed: " + Errno.name(errno) + " (" + Errno.message(errno) + ")";
        return hint == null ? s : s + ": " + hint;
    }

    /**
     * The system call that failed and its target.
     *
     * @return e.g. {@code "bind(AF_XDP vA queue 0)"}, or {@code null} if this is not a system call failure
     */
    public String operation() {
        return operation;
    }

    /**
     * The errno the call set.
     *
     * @return the errno number, or 0 if this is not a system call failure
     */
    public int errno() {
        return errno;
    }

    /**
     * The errno's symbolic name.
     *
     * @return e.g. {@code "EPERM"}, or {@code null} if this is not a system call failure
     */
    public String errnoName() {
        return errno == 0 ? null : Errno.name(errno);
    }

    /**
     * What to do about it.
     *
     * @return advice for people, or {@code null} when there is none
     */
    public String hint() {
        return hint;
    }
}
