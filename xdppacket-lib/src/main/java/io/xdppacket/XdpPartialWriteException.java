package io.xdppacket;

/**
 * A multi-queue write ({@link XdpMultiQueue#writePackets(java.util.List)}) failed on one queue after
 * some frames were taken: how many were taken, and the error, as one exception.
 *
 * <p>{@link #written()} is a prefix, counted from the first frame of the write: frames
 * {@code [0, written())} of the caller's list were taken — posted to their queue's TX ring, and
 * sent unless the driver drops them, see {@link XdpStats#txDropped()} — and none from
 * {@code written()} on. For the array range of {@link XdpMultiQueue#writePackets(byte[][], int, int)}
 * the count is relative to {@code from}: {@code frames[from .. from+written())} were taken. The failing queue's own
 * error is the {@linkplain #getCause() cause}, for example an {@link XdpClosedException} when that
 * queue's socket was closed, or an {@link XdpException} with the errno of a failed kick. When the
 * whole {@link XdpMultiQueue} is closed during the write, the write throws {@link XdpClosedException}
 * instead, with this exception as its cause.
 */
public final class XdpPartialWriteException extends XdpException {
    private static final long serialVersionUID = 1L;

    /** Frames taken before the failure. */
    private final int written;
    /** The queue whose write failed. */
    private final int queueId;

    /**
     * Makes the exception; the message names the queue, the count and the cause's message.
     *
     * @param written frames of the write taken before the failure, counted from its first
     * @param queueId the queue whose write failed
     * @param cause that queue's error
     */
    public XdpPartialWriteException(int written, int queueId, XdpException cause) {
        super("write stopped at queue " + queueId + " after " + written + " frames were taken: " + cause.getMessage(), cause);
        this.written = written;
        this.queueId = queueId;
    }

    /**
     * Frames taken before the failure: the write's first {@code written()}, none after.
     *
     * @return the number of frames taken, counted from the write's first frame
     */
    public int written() {
        return written;
    }

    /**
     * The queue whose write failed.
     *
     * @return its queue id
     */
    public int queueId() {
        return queueId;
    }
}
