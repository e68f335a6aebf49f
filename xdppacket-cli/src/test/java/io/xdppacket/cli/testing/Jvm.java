package io.xdppacket.cli.testing;

import io.xdppacket.XdpSocket;
import io.xdppacket.cli.Main;
import picocli.CommandLine;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Command lines that run the xdppacket command in a JVM of its own, for what a test cannot do in
 * its own JVM: exit codes of a real process, signals, another user. The class path is what the
 * command needs (our two modules and picocli), from wherever this JVM loaded them.
 */
public final class Jvm {
    private Jvm() {}

    /** The class path entries: CLI classes, library classes, picocli. */
    public static List<Path> classPath() {
        List<Path> entries = new ArrayList<>();
        for (Class<?> c : List.of(Main.class, XdpSocket.class, CommandLine.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return entries;
    }

    /** A copy of the class path that any user can read (the originals may be under /root). */
    public static List<Path> worldReadableClassPath(Path dir) throws IOException {
        List<Path> copies = new ArrayList<>();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        int i = 0;
        for (Path entry : classPath()) {
            Path target = dir.resolve("cp" + i++ + (Files.isDirectory(entry) ? "" : ".jar"));
            try (Stream<Path> files = Files.walk(entry)) {
                for (Path p : files.toList()) {
                    Path t = target.resolve(entry.relativize(p).toString());
                    if (p.equals(entry)) t = target;
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } else {
                        Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                }
            }
            copies.add(target);
        }
        return copies;
    }

    /** {@code java ... io.xdppacket.cli.Main args} with the given class path. */
    public static List<String> command(List<Path> classPath, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList()),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
