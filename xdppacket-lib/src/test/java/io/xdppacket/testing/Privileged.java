package io.xdppacket.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test (or class) that needs root: AF_XDP sockets, BPF programs, network namespaces.
 *
 * <p>Not root: the test is skipped with the reason. Root, but a tool the test names is missing:
 * skipped with the tool's name. With {@code XDPPACKET_REQUIRE_PRIVILEGED=1} in the environment (CI
 * sets it) either case fails the test instead, so that CI never passes by skipping.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PrivilegedCondition.class)
public @interface Privileged {
    /** External commands the test runs, e.g. {@code "tcpdump"}, {@code "/usr/bin/python3:scapy"} (a Python module). */
    String[] tools() default {};
}
