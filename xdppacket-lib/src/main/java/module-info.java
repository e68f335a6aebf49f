/**
 * xdppacket: line-rate packet I/O on Linux through AF_XDP sockets, in pure Java.
 *
 * <p>{@code io.xdppacket} is the sockets; {@code io.xdppacket.packet} the header views, addresses
 * and checksums; {@code io.xdppacket.pcap} capture files. Only these are API. Everything under {@code io.xdppacket.internal} is the
 * machinery behind it: kernel bindings ({@code sys}, {@code bpf}) and the AF_XDP core ({@code xsk}).
 * All native access goes through {@code java.lang.foreign}; run with
 * {@code --enable-native-access=io.xdppacket} (or {@code ALL-UNNAMED} on the class path).
 */
module io.xdppacket {
    exports io.xdppacket;
    exports io.xdppacket.packet;
    exports io.xdppacket.pcap;
}
