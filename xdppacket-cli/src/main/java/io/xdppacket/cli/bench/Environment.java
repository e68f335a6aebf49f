package io.xdppacket.cli.bench;

import io.xdppacket.cli.os.Affinity;
import io.xdppacket.cli.lab.VethLab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Row 1 of the performance table, "test environment": CPU, memory, kernel, NIC and driver, JDK.
 *
 * @param nic the interface and its driver as {@code ethtool -i} reports them
 */
record Environment(String cpu, int cpus, String memory, String kernel, String nic, String jdk) {

    static Environment of(BenchPair pair) {
        return new Environment(readCpuModel(), Affinity.CPUS, readMemory(), System.getProperty("os.name") + " " + System.getProperty("os.version"),
                driver(pair), System.getProperty("java.vm.name") + " " + Runtime.version());
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException ignored) {
            // not Linux, or no /proc: say so below
        }
        return System.getProperty("os.arch");
    }

    private static String readMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D", ""));
                    return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // unknown
        }
        return "unknown";
    }

    private static String driver(BenchPair pair) {
        String name = "veth pair " + pair.ifA() + "/" + pair.ifB();
        try {
            String info = VethLab.run("ip", "netns", "exec", pair.nsA(), "ethtool", "-i", pair.ifA());
            String driver = "?", version = "";
            for (String l : info.lines().toList()) {
                if (l.startsWith("driver:")) driver = l.substring(7).trim();
                if (l.startsWith("version:")) version = l.substring(8).trim();
            }
            return name + " (driver " + driver + (version.isEmpty() ? "" : " " + version) + ")";
        } catch (IOException e) {
            return name;
        }
    }

    String oneLine() {
        return "CPU: " + cpu + " (" + cpus + " CPUs); memory: " + memory + "; kernel: " + kernel + "; NIC: " + nic + "; JDK: " + jdk;
    }
}
