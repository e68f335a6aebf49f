package io.xdppacket;

import io.xdppacket.internal.sys.NetDevice;
import io.xdppacket.internal.sys.NetNs;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What the kernel says about a network interface, as seen before opening sockets on it: how many
 * queues an {@link XdpMultiQueue} can use, its MTU and its hardware address. An immutable snapshot
 * taken by {@link #lookup(String)}: it does not follow later changes of the interface.
 *
 * <pre>{@code
 * InterfaceInfo eth0 = InterfaceInfo.lookup("eth0");
 * XdpOptions o = XdpOptions.builder().queueCount(eth0.rxQueueCount()).build();   // every queue
 * }</pre>
 *
 * @param name            the interface's name
 * @param index           its ifindex, in the network namespace it was looked up in
 * @param mtu             its MTU in bytes (the largest IP packet; a frame adds the Ethernet header)
 * @param hardwareAddress its hardware address (6 bytes on Ethernet); a copy on every call
 * @param rxQueueCount    RX queues in use now: the queue ids a receiving socket can bind to
 * @param txQueueCount    TX queues in use now: the ones a send-only socket sends through
 */
public record InterfaceInfo(String name, int index, int mtu, byte[] hardwareAddress, int rxQueueCount, int txQueueCount) {

    /**
     * Copies the hardware address.
     *
     * @throws NullPointerException if {@code name} or {@code hardwareAddress} is null
     */
    public InterfaceInfo {
        Objects.requireNonNull(name, "name");
        hardwareAddress = hardwareAddress.clone();
    }

    /**
     * Looks up an interface in the calling thread's network namespace.
     *
     * @param name the interface, as {@code ip link} names it
     * @return what the kernel says about it now
     * @throws IllegalArgumentException if {@code name} cannot be an interface name
     * @throws XdpException with {@link XdpException#errnoName()} {@code "ENODEV"} if there is no such interface
     */
    public static InterfaceInfo lookup(String name) throws XdpException {
        return lookup(name, null);
    }

    /**
     * Looks up an interface in a named network namespace ({@code ip netns list}), or in the calling
     * thread's if {@code networkNamespace} is null. Call it from a platform thread: entering a
     * namespace is a property of the thread.
     *
     * @param name             the interface, as {@code ip link} names it
     * @param networkNamespace the namespace, or {@code null}
     * @return what the kernel says about it now
     * @throws IllegalArgumentException if {@code name} or {@code networkNamespace} cannot be such a name
     * @throws XdpException with {@link XdpException#errnoName()} {@code "ENODEV"} if there is no such
     *         interface, {@code "ENOENT"} if there is no such namespace
     */
    public static InterfaceInfo lookup(String name, String networkNamespace) throws XdpException {
        NetDevice.checkName(name);
        if (networkNamespace != null) NetNs.checkName(networkNamespace);
        try (NetNs ns = networkNamespace == null ? null : NetNs.enter(networkNamespace)) {
            NetDevice.LinkInfo link = NetDevice.info(NetDevice.ifindex(name));
            return new InterfaceInfo(link.name(), link.ifindex(), link.mtu(), link.address(),
                    NetDevice.rxQueueCount(name), NetDevice.txQueueCount(name));
        }
    }

    /**
     * The interface's hardware address (6 bytes on Ethernet, none on some virtual interfaces).
     *
     * @return a copy of the hardware address; empty if it has none
     */
    @Override
    public byte[] hardwareAddress() {
        return hardwareAddress.clone();
    }

    /**
     * The hardware address in the usual notation, lower-case hex bytes separated by colons.
     *
     * @return e.g. {@code 02:00:00:00:00:01}, or an empty string if there is none
     */
    public String hardwareAddressString() {
        return HexFormat.ofDelimiter(":").formatHex(hardwareAddress);
    }

    // A record compares arrays by identity; an address is a value.
    /**
     * Infos are equal when every component is, the hardware address compared by content.
     *
     * @param o the object to compare with
     * @return whether {@code o} describes the same interface state
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof InterfaceInfo i && name.equals(i.name) && index == i.index && mtu == i.mtu
                && Arrays.equals(hardwareAddress, i.hardwareAddress) && rxQueueCount == i.rxQueueCount
                && txQueueCount == i.txQueueCount;
    }

    /**
     * A hash consistent with {@link #equals(Object)}.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return Objects.hash(name, index, mtu, Arrays.hashCode(hardwareAddress), rxQueueCount, txQueueCount);
    }

    /**
     * The components, for logs.
     *
     * @return e.g. {@code InterfaceInfo{eth0, index 2, mtu 1500, 02:00:00:00:00:01, 4 rx / 4 tx queues}}
     */
    @Override
    public String toString() {
        return "InterfaceInfo{" + name + ", index " + index + ", mtu " + mtu + ", " + hardwareAddressString()
                + ", " + rxQueueCount + " rx / " + txQueueCount + " tx queues}";
    }
}
