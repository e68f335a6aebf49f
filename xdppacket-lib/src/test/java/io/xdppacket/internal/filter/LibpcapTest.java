package io.xdppacket.internal.filter;

import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** libpcap through FFM, against tcpdump, which uses the same library through C. */
class LibpcapTest {

    @Test
    void theSystemLibraryIsFoundAndNamesItsVersion() throws Exception {
        assertTrue(Libpcap.isAvailable());
        assertTrue(Libpcap.version().startsWith("libpcap version "), Libpcap.version());
    }

    @Test
    @Privileged(tools = "tcpdump")
    void compiledProgramsAreThoseTcpdumpPrints() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String expression : FilterExpressions.ALL) {
            ClassicProgram ours = Libpcap.compile(expression);
            // tcpdump without -i compiles for Ethernet ("Warning: assuming Ethernet") with the optimizer on.
            ClassicProgram tcpdumps = ClassicProgram.parseDddText(tcpdump("-ddd", expression));
            if (!ours.equals(tcpdumps)) failures.add(expression + ": ours\n" + ours.toDddText() + "tcpdump's\n" + tcpdumps.toDddText());
            // And the round trip through the text is lossless.
            if (!ClassicProgram.parseDddText(ours.toDddText()).equals(ours)) failures.add(expression + ": ddd round trip");
            // Our disassembly is tcpdump -d's, character for character.
            if (!ours.toImage().equals(tcpdump("-d", expression))) {
                failures.add(expression + ": ours\n" + ours.toImage() + "tcpdump -d\n" + tcpdump("-d", expression));
            }
        }
        if (!failures.isEmpty()) fail(String.join("\n", failures));
    }

    private static String tcpdump(String flag, String expression) {
        Tools.Result r = Tools.run(List.of("tcpdump", flag, expression));
        if (r.exitCode() != 0) throw new IllegalStateException("tcpdump " + flag + " '" + expression + "': " + r.stderr());
        return r.stdout();
    }

    @Test
    void theEmptyExpressionAcceptsEverything() throws Exception {
        assertEquals(ClassicProgram.parseDddText("1\n6 0 0 262144\n"), Libpcap.compile(""));
    }

    @Test
    void expressionsLibpcapRejectsCarryItsMessage() {
        assertEquals("filter expression 'tcp port eighty': unknown port 'eighty'", refusal("tcp port eighty"));
        assertEquals("filter expression 'udp and': can't parse filter expression: syntax error", refusal("udp and"));
        assertEquals("filter expression 'ip[0] << 40 = 1': shift by more than 31 bits", refusal("ip[0] << 40 = 1"));
        // tcpdump guesses a netmask of 0; we say we do not know it, so libpcap refuses rather than guess.
        assertEquals("filter expression 'ip broadcast': netmask not known, so 'ip broadcast' not supported",
                refusal("ip broadcast"));
        assertThrows(IllegalArgumentException.class, () -> Libpcap.compile(null));
    }

    private static String refusal(String expression) {
        return assertThrows(IllegalArgumentException.class, () -> Libpcap.compile(expression)).getMessage();
    }

    @Test
    void withoutTheLibraryTheMessageNamesThePackage() {
        var e = assertThrows(IllegalStateException.class, () -> Libpcap.load(List.of("libpcap-xdppacket-test.so.9")));
        assertEquals("pcap-filter expressions are compiled by libpcap, and this system has none (tried "
                + "libpcap-xdppacket-test.so.9): install it (Debian, Ubuntu: apt-get install libpcap0.8; Fedora, RHEL: "
                + "dnf install libpcap), or pass the classic BPF program as 'tcpdump -ddd EXPRESSION' prints it on a host "
                + "that has tcpdump", e.getMessage());
        // A library that is there but is not libpcap: the missing function is named.
        e = assertThrows(IllegalStateException.class, () -> Libpcap.load(List.of("libc.so.6")));
        assertEquals("libc.so.6 has no symbol pcap_open_dead: not a libpcap this library can use (needs libpcap 1.0 "
                + "or later)", e.getMessage());
        assertEquals(List.of("libpcap.so.0.8", "libpcap.so.1", "libpcap.so"), Libpcap.LIBRARY_NAMES);
    }

    @Test
    void theInterpreterRunsTheProgramOnTheBytes() throws Exception {
        ClassicProgram ip = ClassicProgram.parseDddText(ClassicProgramTest.IP);
        byte[] frame = new byte[14];
        assertEquals(0, Libpcap.filter(ip, frame));
        frame[12] = 0x08;
        assertEquals(262144, Libpcap.filter(ip, frame));
        assertEquals(0, Libpcap.filter(ip, new byte[13]), "too short for the EtherType: out of bounds, 0");
        assertEquals(0, Libpcap.filter(ip, new byte[0]));
    }
}
