package io.xdppacket;

/** Where the XDP program that hands frames to the sockets runs: {@link XdpOptions.Builder#xdpMode}. */
public enum XdpMode {
    /**
     * Native XDP, inside the driver ({@code XDP_FLAGS_DRV_MODE}).
     * The default. Needs driver support; veth has it (MTU up to about 3.5 kB without multi-buffer).
     */
    DRV,
    /**
     * Generic XDP, after the driver built an skb ({@code XDP_FLAGS_SKB_MODE}, {@code XDP_MODE_SKB}).
     * Works on every interface; slower on real NICs.
     */
    SKB
}
