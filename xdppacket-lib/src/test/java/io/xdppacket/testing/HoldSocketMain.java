package io.xdppacket.testing;

import io.xdppacket.XdpMode;
import io.xdppacket.XdpOptions;
import io.xdppacket.XdpSocket;

/**
 * A child JVM for tests that kill a process holding a socket: opens an {@code XdpSocket} on
 * {@code IFNAME} in namespace {@code NETNS}, prints {@code READY}, then receives until killed.
 *
 * <p>Usage: {@code HoldSocketMain NETNS IFNAME skb|drv}
 */
public final class HoldSocketMain {
    private HoldSocketMain() {}

    public static void main(String[] args) throws Exception {
        XdpOptions options = XdpOptions.builder()
                .networkNamespace(args[0])
                .xdpMode(XdpMode.valueOf(args[2].toUpperCase(java.util.Locale.ROOT)))
                .build();
        XdpSocket socket = XdpSocket.open(args[1], options);
        System.out.println("READY");
        System.out.flush();
        while (true) socket.readPacketData();
    }
}
