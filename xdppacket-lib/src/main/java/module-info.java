/**
 * xdppacket: line-rate packet I/O on Linux through AF_XDP sockets, in pure Java.
 *
 * <p>Only these packages are API: {@code io.xdppacket} — the sockets: {@link io.xdppacket.XdpSocket}
 * (one queue), {@link io.xdppacket.XdpMultiQueue} (several), both {@link io.xdppacket.XdpPort}s,
 * configured by {@link io.xdppacket.XdpOptions}; {@code io.xdppacket.packet} — header views,
 * addresses and checksums; {@code io.xdppacket.pcap} — capture files. Everything under
 * {@code io.xdppacket.internal} is the machinery behind them (kernel bindings, the BPF program,
 * the AF_XDP rings) and is not exported.
 *
 * <p>All native access goes through {@code java.lang.foreign} (no JNI, nothing to compile). Grant
 * it when starting the JVM: {@code --enable-native-access=io.xdppacket} on the module path, or
 * {@code --enable-native-access=ALL-UNNAMED} on the class path. Opening a socket needs root, or
 * {@code CAP_NET_ADMIN}, {@code CAP_BPF} and {@code CAP_NET_RAW}; without them {@code open} throws
 * {@link io.xdppacket.XdpUnavailableException}.
 *
 * <pre>{@code
 * module com.example.app {
 *     requires io.xdppacket;
 * }
 * }</pre>
 */
module io.xdppacket {
    requires jdk.jfr;  // the library's events (io.xdppacket.internal.jfr)

    exports io.xdppacket;
    exports io.xdppacket.packet;
    exports io.xdppacket.pcap;
}
