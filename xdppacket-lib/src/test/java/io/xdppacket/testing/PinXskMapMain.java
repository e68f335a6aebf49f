package io.xdppacket.testing;

import io.xdppacket.XdpOptions;
import io.xdppacket.XdpSocket;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child JVM for the test of {@code pinXskMap} where no bpffs is mounted yet: started in a mount
 * namespace of its own ({@code unshare -m}), it opens an {@code XdpSocket} on {@code IFNAME} in
 * namespace {@code NETNS} with its XSKMAP pinned at {@code PIN}, prints {@code OPEN}, closes the
 * socket when a line {@code close} comes on stdin and prints {@code CLOSED}, then exits at the end
 * of stdin. Errors go to stderr, and the exit status is 1.
 *
 * <p>Usage: {@code PinXskMapMain NETNS IFNAME PIN}
 */
public final class PinXskMapMain {
    private PinXskMapMain() {}

    public static void main(String[] args) throws Exception {
        XdpOptions options = XdpOptions.builder().networkNamespace(args[0]).pinXskMap(Path.of(args[2])).build();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (XdpSocket socket = XdpSocket.open(args[1], options)) {
            System.out.println("OPEN " + socket.mode());
            System.out.flush();
            String line;
            while ((line = in.readLine()) != null && !line.equals("close")) {
                // wait for the test to look at the pin
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.out.println("CLOSED");
        System.out.flush();
        while (in.readLine() != null) {
            // hold the mount namespace until the test has looked again
        }
    }
}
