package io.xdppacket;

import io.xdppacket.XdpUnavailableException.Missing;

import java.util.Locale;

/** Fails early, with a typed reason, where AF_XDP cannot exist. */
final class Platform {
    private Platform() {}

    static void check() throws XdpUnavailableException {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            throw new XdpUnavailableException(Missing.OPERATING_SYSTEM, "AF_XDP needs Linux; this is " + os);
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            throw new XdpUnavailableException(Missing.OPERATING_SYSTEM,
                    "xdppacket supports Linux on x86_64 and aarch64; this is " + arch);
        }
    }
}
