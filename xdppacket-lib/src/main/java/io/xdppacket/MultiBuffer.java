package io.xdppacket;

/**
 * Whether a socket takes frames longer than one UMEM frame (multi-buffer AF_XDP, {@code XDP_USE_SG},
 * Linux 6.6): jumbo frames, up to the interface's MTU, each spread over as many UMEM frames as it
 * needs and still read and written as one frame.
 */
public enum MultiBuffer {
    /** On where the interface's MTU does not fit one UMEM frame ({@code frameSize − 256} bytes), else off. */
    AUTO,
    /** Always on: the kernel must support it (Linux 6.6), and the XDP program is loaded for fragments. */
    ON,
    /** Off: frames longer than one UMEM frame are dropped by the kernel (counted in {@code kernelRxDropped}). */
    OFF
}
