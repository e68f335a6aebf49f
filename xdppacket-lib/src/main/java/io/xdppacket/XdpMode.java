package io.xdppacket;

/** Where the XDP program that feeds the sockets runs. */
public enum XdpMode {
    /**
     * Native where the driver has it, generic otherwise: the default. The socket says which it got
     * ({@link XdpPort#mode()}) and why ({@link XdpPort#modeReason()}).
     */
    AUTO,
    /**
     * Native XDP, inside the driver ({@code XDP_FLAGS_DRV_MODE}). Needs driver support; veth has it.
     * Strict: opening fails where the driver cannot.
     */
    DRV,
    /**
     * Generic XDP, after the driver built an skb ({@code XDP_FLAGS_SKB_MODE}). Works on every
     * interface; slower on real NICs. Strict.
     */
    SKB
}
