package io.xdppacket.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the C side's build needs, and how its absence is told: by name and Debian package. */
class CToolchainTest {

    @Test
    void nothingInstalledNamesAllFiveAndOneAptCommand() {
        List<CToolchain.Need> missing = CToolchain.missing(c -> false, h -> false);
        assertEquals(List.of("make", "gcc", "clang", "libxdp-dev", "libbpf-dev"), missing.stream().map(CToolchain.Need::name).toList());
        assertEquals("--compare-c: building the C side needs make, gcc, clang, libxdp-dev and libbpf-dev; missing: make, gcc, clang, "
                + "libxdp-dev (no xdp/xsk.h), libbpf-dev (no bpf/libbpf.h); install with: apt-get install make gcc clang libxdp-dev "
                + "libbpf-dev", CToolchain.message(missing));
    }

    @Test
    void onlyWhatIsMissingIsNamed() {
        Set<String> commands = Set.of("make", "gcc");
        Set<String> headers = Set.of("bpf/libbpf.h");
        List<CToolchain.Need> missing = CToolchain.missing(commands::contains, headers::contains);
        assertEquals(List.of("clang", "libxdp-dev"), missing.stream().map(CToolchain.Need::name).toList());
        assertEquals("--compare-c: building the C side needs make, gcc, clang, libxdp-dev and libbpf-dev; missing: clang, "
                + "libxdp-dev (no xdp/xsk.h); install with: apt-get install clang libxdp-dev", CToolchain.message(missing));
    }

    @Test
    void everythingThereMissesNothing() {
        assertEquals(List.of(), CToolchain.missing(c -> true, h -> true));
    }
}
